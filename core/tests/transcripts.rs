//! Transcript tests: every `tests/transcripts/**/*.txt` file (from the workspace root) is a
//! terminal session replayed against a fresh `Session`, its output compared exactly.
//!
//! Format, line by line:
//! - `# seed: N` — the session's seed (default 1); must come before the first command.
//! - `# file: NAME` followed by `#| ` lines — puts a file into the learner's home directory
//!   (each `#| text` line is one line of it; `#|` alone is an empty line). Files are written when
//!   the directive is reached, so a later directive can change a file between commands.
//! - any other line starting with `#` — a comment. Comments also end an expected-output block,
//!   so expected output can never contain a line starting with `#`.
//! - `$ COMMAND` — one command line; `> TEXT` lines right after it are the following input lines
//!   (heredoc bodies, editor or `exec -it` input). Before each `$` line simulated time advances
//!   1 s, then every line is given to `Session::feed`, as the CLI does; the outputs of all of
//!   them together are the command's output.
//! - every other line up to the next `$` or `#` line is the expected output, stdout and stderr
//!   interleaved as the terminal shows them. Blank lines count. If the output does not end in a
//!   newline, its last line is followed by a line `%no-eol`.
//!
//! Bless (rewrite every expected block with the actual output, keeping everything else):
//!     UPDATE_EXPECT=1 cargo test -p kubeplay-core --test transcripts
//! then review the diff with `git diff tests/transcripts`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use kubeplay_core::sim::Duration;
use kubeplay_core::{CommandOutput, Session};

const NO_EOL: &str = "%no-eol";

enum Item {
    /// A comment, directive or blank line outside expected output, kept verbatim.
    Comment(String),
    /// `# file:` with its content lines, kept verbatim.
    File { name: String, lines: Vec<String> },
    Command {
        lines: Vec<String>,
        expected: Vec<String>,
    },
}

fn parse(text: &str) -> (u64, Vec<Item>) {
    let mut seed = 1;
    let mut items = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if let Some(s) = line.strip_prefix("# seed:") {
            seed = s
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("bad seed line {line:?}"));
            items.push(Item::Comment(line.to_string()));
        } else if let Some(name) = line.strip_prefix("# file:") {
            let mut content = Vec::new();
            while i < lines.len() && lines[i].starts_with("#|") {
                content.push(lines[i].to_string());
                i += 1;
            }
            items.push(Item::File {
                name: name.trim().to_string(),
                lines: content,
            });
        } else if line.starts_with('#') || line.trim().is_empty() {
            items.push(Item::Comment(line.to_string()));
        } else if let Some(cmd) = line.strip_prefix("$ ") {
            let mut cmd_lines = vec![cmd.to_string()];
            while i < lines.len() && lines[i].starts_with("> ") {
                cmd_lines.push(lines[i][2..].to_string());
                i += 1;
            }
            let mut expected = Vec::new();
            while i < lines.len() && !lines[i].starts_with("$ ") && !lines[i].starts_with('#') {
                expected.push(lines[i].to_string());
                i += 1;
            }
            items.push(Item::Command {
                lines: cmd_lines,
                expected,
            });
        } else {
            panic!("line {i}: output before any command: {line:?}");
        }
    }
    (seed, items)
}

/// The output as expected-block lines.
fn to_lines(output: &str) -> Vec<String> {
    if output.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<String> = output.split('\n').map(str::to_string).collect();
    if output.ends_with('\n') {
        lines.pop();
    } else {
        lines.push(NO_EOL.to_string());
    }
    lines
}

fn file_content(lines: &[String]) -> String {
    let mut s = String::new();
    for l in lines {
        let body = l
            .strip_prefix("#| ")
            .unwrap_or_else(|| l.strip_prefix("#|").unwrap_or(l));
        s.push_str(body);
        s.push('\n');
    }
    s
}

/// Replays one file; returns (failure report, rewritten text).
fn run_file(path: &Path) -> (Option<String>, String) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (seed, items) = parse(&text);
    let mut session = Session::new(seed);
    let mut report = String::new();
    let mut rewritten = String::new();
    for item in &items {
        match item {
            Item::Comment(l) => {
                rewritten.push_str(l);
                rewritten.push('\n');
            }
            Item::File { name, lines } => {
                session.add_file(name, &file_content(lines));
                let _ = writeln!(rewritten, "# file: {name}");
                for l in lines {
                    rewritten.push_str(l);
                    rewritten.push('\n');
                }
            }
            Item::Command { lines, expected } => {
                let actual = run_command(&mut session, lines, &mut report);
                let _ = writeln!(rewritten, "$ {}", lines[0]);
                for l in &lines[1..] {
                    let _ = writeln!(rewritten, "> {l}");
                }
                for l in &actual {
                    rewritten.push_str(l);
                    rewritten.push('\n');
                }
                if &actual != expected {
                    let _ = writeln!(report, "  $ {}", lines[0]);
                    report.push_str(&diff(expected, &actual));
                }
            }
        }
    }
    let failure = (!report.is_empty()).then(|| format!("{}:\n{report}", path.display()));
    (failure, rewritten)
}

fn run_command(session: &mut Session, lines: &[String], report: &mut String) -> Vec<String> {
    session.advance(Duration::from_secs(1));
    // Every line's output counts: a heredoc answers only on its last line, while an editor or
    // an interactive `kubectl exec` answers line by line.
    let mut output: Option<CommandOutput> = None;
    let mut completed = false;
    for l in lines {
        let answer = session.feed(l);
        completed = answer.is_some();
        if let Some(out) = answer {
            match &mut output {
                Some(all) => all.extend(out),
                None => output = Some(out),
            }
        }
    }
    if !completed {
        let _ = writeln!(report, "  `$ {}`: command never completed", lines[0]);
    }
    output.map(|o| to_lines(&o.text())).unwrap_or_default()
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
