//! The committed fuzz corpora (`fuzz/corpus/<target>/`) replayed as plain native tests, through
//! the very bodies the libFuzzer targets run (`fuzz/src/bodies.rs`, included verbatim). Every
//! input a fuzzing run found interesting, and every crash it found and we fixed, stays a
//! regression test on a stable toolchain: the test fails if any input panics.

use std::fs;
use std::path::Path;

include!("../../fuzz/src/bodies.rs");

fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "empty corpus {}", dir.display());
    for p in paths {
        let data = fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        body(&data);
    }
}

#[test]
fn manifest_corpus() {
    replay("manifest", manifest);
}

#[test]
fn shell_corpus() {
    replay("shell", shell);
}

#[test]
fn kubectl_args_corpus() {
    replay("kubectl_args", kubectl_args);
}

#[test]
fn jsonpath_corpus() {
    replay("jsonpath", jsonpath);
}
