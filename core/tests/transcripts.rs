//! Transcript tests: every `tests/transcripts/**/*.txt` file (from the workspace root) is a
//! terminal session replayed against a fresh `Session`, its output compared exactly.
//!
//! The format and the replay rules live in `kubeplay_core::transcript` (one implementation for
//! this suite, the wasm determinism test and lesson checks).
//!
//! Bless (rewrite every expected block with the actual output, keeping everything else):
//!     UPDATE_EXPECT=1 cargo test -p kubeplay-core --test transcripts
//! then review the diff with `git diff tests/transcripts`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use kubeplay_core::transcript::{Item, Transcript};

/// Replays one file; returns (failure report, rewritten text).
fn run_file(path: &Path) -> (Option<String>, String) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let transcript = Transcript::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let runs = transcript.replay();
    let commands = transcript.items.iter().filter_map(|item| match item {
        Item::Command { input, output } => Some((input, output)),
        _ => None,
    });
    let mut report = String::new();
    for ((input, expected), run) in commands.zip(&runs) {
        if !run.completed {
            let _ = writeln!(report, "  `$ {}`: command never completed", input[0]);
        }
        if &run.output != expected {
            let _ = writeln!(report, "  $ {}", input[0]);
            report.push_str(&diff(expected, &run.output));
        }
    }
    let failure = (!report.is_empty()).then(|| format!("{}:\n{report}", path.display()));
    (failure, transcript.with_outputs(&runs).render())
}

/// A line diff: `-` expected only, `+` actual only, ` ` both (LCS-based).
fn diff(expected: &[String], actual: &[String]) -> String {
    let (n, m) = (expected.len(), actual.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if expected[i] == actual[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            let _ = writeln!(out, "     {}", expected[i]);
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            let _ = writeln!(out, "    +{}", actual[j]);
            j += 1;
        } else {
            let _ = writeln!(out, "    -{}", expected[i]);
            i += 1;
        }
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "txt") {
            out.push(p);
        }
    }
}

#[test]
fn transcripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/transcripts");
    let mut files = Vec::new();
    collect(&root, &mut files);
    assert!(
        !files.is_empty(),
        "no transcript files found under {}",
        root.display()
    );
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for f in &files {
        let (failure, rewritten) = run_file(f);
        if update {
            fs::write(f, rewritten).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        } else if let Some(report) = failure {
            failures.push(report);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} transcripts differ (- expected, + actual; bless with UPDATE_EXPECT=1):\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
