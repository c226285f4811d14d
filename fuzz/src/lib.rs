//! The fuzz targets' bodies, kept in a library so the same functions serve libFuzzer (the
//! `fuzz_targets/` binaries) and the plain native replay of the committed corpora
//! (`core/tests/fuzz_corpus.rs` includes the same file).
//!
//! Every body takes arbitrary bytes and drives one entry point of the core the way a learner
//! could reach it. The only property checked is the one the page needs: no panic, no hang,
//! bounded memory (libFuzzer's `-timeout` and `-rss_limit_mb` enforce the last two).

include!("bodies.rs");
