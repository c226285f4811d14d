//! libFuzzer entry for [`kubeplay_fuzz::jsonpath`]: no panic, no hang, bounded memory.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kubeplay_fuzz::jsonpath(data));
