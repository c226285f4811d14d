//! The bad-input corpus: every `tests/bad-input/*.txt` file is a transcript of hostile or
//! mistaken input (broken YAML, invalid objects, bad flags, unterminated quotes, floods) and
//! its exact expected output. Besides the output, every command is checked to leave the
//! cluster byte-identical: a full dump of the store (every object, the resourceVersion counter
//! and the clock) is taken before and after it.
//!
//! The files use the transcript format (`kubeplay_core::transcript`) plus directives in comment
//! lines, because some inputs are too large to write down:
//! - `# gen: NAME GENERATOR N` puts a generated file into the home directory (generators below:
//!   `deep-yaml`, `deep-json`, `laughs`, `big-configmap`, `many-configmaps`, `long-line`).
//! - `# paste: GENERATOR N` before a heredoc command: the generated lines are typed between the
//!   command's first line and its remaining `>` lines, as a paste into the terminal would be.
//! - `# may-change` before a command: the command is allowed to change the cluster (setup, or
//!   a limit that partly succeeds); its output is still compared.
//! - `# tail: N` before a command: the expected block holds only the last N lines of the output
//!   (for floods whose output is capped but still long).
//!
//! A command whose input ends unfinished (an open quote or heredoc) is ended with Ctrl-D
//! ([`Session::eof`]), whose output counts too.
//!
//! Each file starts from a fresh session whose cluster has settled for 2 minutes, so the 1 s
//! advance before each command changes nothing by itself.
//!
//! Bless: `UPDATE_EXPECT=1 cargo test -p kubeplay-core --test bad_input`, then review
//! `git diff tests/bad-input`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use kubeplay_core::sim::Duration;
use kubeplay_core::transcript::{feed_lines, output_lines, Item, Transcript};
use kubeplay_core::Session;

/// Every object of the store, its resourceVersion counter and the clock, in key order.
fn dump(s: &Session) -> String {
    let store = &s.cluster.store;
    let mut out = format!("now={:?} rv={}\n", s.cluster.now, store.resource_version());
    for (key, obj) in store.iter() {
        let _ = writeln!(out, "{key:?} {obj:?}");
    }
    out
}

/// A generated input: the hostile shapes too large to write into a file.
fn generate(what: &str, n: usize) -> String {
    match what {
        // A mapping nested n levels deep.
        "deep-yaml" => {
            let mut s = String::from(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ",
            );
            s.push_str(&"[".repeat(n));
            s.push_str(&"]".repeat(n));
            s.push('\n');
            s
        }
        "deep-json" => {
            let mut s = String::from(
                r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep","labels":"#,
            );
            s.push_str(&"[".repeat(n));
            s.push_str(&"]".repeat(n));
            s.push_str("}}\n");
            s
        }
        // "Billion laughs": n levels of aliases, each ten times the one before.
        "laughs" => {
            let mut s = String::from(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\nx0: &a0 [lol]\n",
            );
            for i in 1..=n {
                let refs = vec![format!("*a{}", i - 1); 10].join(", ");
                let _ = writeln!(s, "x{i}: &a{i} [{refs}]");
            }
            s
        }
        // One ConfigMap whose data holds n bytes, on lines of 100.
        "big-configmap" => {
            let mut s = String::from(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: |\n",
            );
            let line = format!("    {}\n", "x".repeat(96));
            s.push_str(&line.repeat(n / line.len() + 1));
            s
        }
        "many-configmaps" => (0..n)
            .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n"))
            .collect(),
        "long-line" => format!("{}\n", "y".repeat(n)),
        other => panic!("unknown generator {other:?}"),
    }
}

/// What the directives in the comments right before a command ask for.
#[derive(Default)]
struct Directives {
    may_change: bool,
    tail: Option<usize>,
    paste: Option<String>,
}

fn directive(line: &str, session: &mut Session, next: &mut Directives) {
    let words: Vec<&str> = line.trim_start_matches('#').split_whitespace().collect();
    let num = |i: usize| -> usize {
        words
            .get(i)
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("bad directive {line:?}"))
    };
    match words.first().copied() {
        Some("gen:") => {
            let name = words
                .get(1)
                .unwrap_or_else(|| panic!("bad directive {line:?}"));
            let what = words
                .get(2)
                .unwrap_or_else(|| panic!("bad directive {line:?}"));
            session.add_file(name, &generate(what, num(3)));
        }
        Some("paste:") => {
            let what = words
                .get(1)
                .unwrap_or_else(|| panic!("bad directive {line:?}"));
            next.paste = Some(generate(what, num(2)));
        }
        Some("may-change") => next.may_change = true,
        Some("tail:") => next.tail = Some(num(1)),
        _ => {}
    }
}

/// Types the command's lines (and a paste) like the CLI does; all of their output counts.
fn run(session: &mut Session, input: &[String], paste: Option<&str>) -> (Vec<String>, bool) {
    let mut lines: Vec<&str> = vec![&input[0]];
    if let Some(p) = paste {
        lines.extend(p.lines());
    }
    lines.extend(input[1..].iter().map(String::as_str));
    feed_lines(session, lines)
}

/// Replays one file; returns (failure report, rewritten text, cases checked).
fn run_file(path: &Path) -> (Option<String>, String, usize) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut transcript =
        Transcript::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut session = Session::new(transcript.seed);
    session.advance(Duration::from_secs(120));
    let mut report = String::new();
    let mut next = Directives::default();
    let mut cases = 0;
    for item in &mut transcript.items {
        match item {
            Item::Comment(line) => directive(line, &mut session, &mut next),
            Item::File { name, lines } => {
                let body: String = lines
                    .iter()
                    .map(|l| format!("{}\n", l.strip_prefix("#| ").unwrap_or(&l[2..])))
                    .collect();
                session.add_file(name, &body);
            }
            Item::Command { input, output } => {
                let d = std::mem::take(&mut next);
                session.advance(Duration::from_secs(1));
                let before = (!d.may_change).then(|| dump(&session));
                let (mut actual, completed) = run(&mut session, input, d.paste.as_deref());
                if !completed {
                    // The input ends inside the command: the learner presses Ctrl-D.
                    let text = session.eof().map(|o| o.text()).unwrap_or_default();
                    actual.extend(output_lines(&text));
                }
                cases += 1;
                if let Some(n) = d.tail {
                    actual = actual.split_off(actual.len().saturating_sub(n));
                }
                if before.is_some_and(|b| b != dump(&session)) {
                    let _ = writeln!(report, "  `$ {}`: changed the cluster", input[0]);
                }
                if &actual != output {
                    let _ = writeln!(report, "  $ {}", input[0]);
                    for l in output.iter() {
                        let _ = writeln!(report, "    -{l}");
                    }
                    for l in &actual {
                        let _ = writeln!(report, "    +{l}");
                    }
                }
                *output = actual;
            }
        }
    }
    let failure = (!report.is_empty()).then(|| format!("{}:\n{report}", path.display()));
    (failure, transcript.render(), cases)
}

fn files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bad-input");
    let mut paths: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn bad_input() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    let mut cases = 0;
    for f in files() {
        let (failure, rewritten, n) = run_file(&f);
        cases += n;
        if update {
            fs::write(&f, rewritten).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        } else if let Some(report) = failure {
            failures.push(report);
        }
    }
    assert!(
        cases >= 100,
        "the corpus holds {cases} cases, fewer than 100"
    );
    assert!(
        failures.is_empty(),
        "{} bad-input files fail (- expected, + actual; bless with UPDATE_EXPECT=1):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}
