//! libFuzzer entry for [`kubeplay_fuzz::kubectl_args`]: no panic, no hang, bounded memory.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubeplay_fuzz::kubectl_args(data));
