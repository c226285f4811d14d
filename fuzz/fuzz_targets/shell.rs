//! libFuzzer entry for [`kubeplay_fuzz::shell`]: no panic, no hang, bounded memory.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubeplay_fuzz::shell(data));
