//! The core must give byte-identical output in wasm and natively for the same seed and input.
//! This replays a transcript whose expected output the native suite also checks
//! (`tests/transcripts/determinism/`), inside headless Chromium.

#![cfg(target_arch = "wasm32")]

use kubeplay_core::transcript::Transcript;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SCRIPT: &str = include_str!("../../tests/transcripts/determinism/cluster.txt");

#[wasm_bindgen_test]
fn wasm_replay_matches_native_expectations() {
    let transcript = Transcript::parse(SCRIPT).expect("the transcript parses");
    let replayed = transcript.with_outputs(&transcript.replay());
    assert_eq!(replayed.render(), SCRIPT);
}
