//! Shell tests as data: every `tests/transcripts/shell/*.txt` file is fed to a fresh `Session`
//! the way the CLI does (advance 1 s, then `feed` each line; `> ` lines continue the `$ ` line)
//! and the terminal text is compared with the expected block. `UPDATE_EXPECT=1 cargo test`
//! rewrites the expected blocks. Plus a few tables for what a transcript cannot show.

use crate::sim::Duration;
use crate::Session;

struct Step {
    lines: Vec<String>,
    expected: String,
}

fn parse_transcript(text: &str) -> (u64, Vec<String>, Vec<Step>) {
    let mut seed = 0;
    let mut header = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    for line in text.lines() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            steps.push(Step {
                lines: vec![cmd.to_string()],
                expected: String::new(),
            });
        } else if line == "$" {
            steps.push(Step {
                lines: vec![String::new()],
                expected: String::new(),
            });
        } else if let Some(step) = steps.last_mut() {
            match line.strip_prefix("> ").or((line == ">").then_some("")) {
                Some(cont) if step.expected.is_empty() => step.lines.push(cont.to_string()),
                _ if line.starts_with('#') => {}
                _ => {
                    step.expected.push_str(line);
                    step.expected.push('\n');
                }
            }
        } else {
            if let Some(s) = line.strip_prefix("# seed: ") {
                seed = s.trim().parse().unwrap_or(0);
            }
            header.push(line.to_string());
        }
    }
    (seed, header, steps)
}

fn run_steps(seed: u64, steps: &[Step]) -> Vec<String> {
    let mut session = Session::new(seed);
    steps
        .iter()
        .map(|step| {
            let mut text = String::new();
            for line in &step.lines {
                session.advance(Duration::from_secs(1));
                if let Some(out) = session.feed(line) {
                    text.push_str(&out.text());
                }
            }
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text
        })
        .collect()
}

#[test]
fn shell_transcripts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/transcripts/shell");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    assert!(!files.is_empty(), "no transcripts in {}", dir.display());
    let update = std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let (seed, header, steps) = parse_transcript(&text);
        let actual = run_steps(seed, &steps);
        if update {
            let mut out = header.join("\n");
            if !out.is_empty() {
                out.push('\n');
            }
            for (step, got) in steps.iter().zip(&actual) {
                for (i, l) in step.lines.iter().enumerate() {
                    out.push_str(if i == 0 { "$ " } else { "> " });
                    out.push_str(l);
                    out.push('\n');
                }
                out.push_str(got);
            }
            let _ = std::fs::write(&file, out);
            continue;
        }
        for (step, got) in steps.iter().zip(&actual) {
            if *got != step.expected {
                failures.push(format!(
                    "{}: $ {}\n--- expected\n{}--- actual\n{}",
                    file.display(),
                    step.lines.join("\n> "),
                    step.expected,
                    got
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn continuation_lines_produce_no_output() {
    // (lines fed, how many return None before the last)
    let table: &[&[&str]] = &[
        &["cat <<EOF", "a", "EOF"],
        &["echo 'open", "quote'"],
        &["for i in 1 2; do", "echo $i", "done"],
        &["echo a \\", "b"],
        &["echo a |", "cat"],
        &["true &&", "echo ok"],
        &["if true; then", "echo y", "fi"],
        &["echo $(echo", "x)"],
    ];
    for lines in table {
        let mut s = Session::new(0);
        let (last, init) = lines.split_last().expect("non-empty row");
        for l in init {
            assert!(s.feed(l).is_none(), "{l:?} in {lines:?} should continue");
            assert_eq!(s.prompt(), "> ");
        }
        assert!(s.feed(last).is_some(), "{lines:?} should complete");
        assert_eq!(s.prompt(), "learner@workstation:~$ ");
    }
}

#[test]
fn clear_and_limits() {
    let mut s = Session::new(0);
    assert_eq!(s.exec("clear").text(), crate::shell::CLEAR_SCREEN);
    let out = s.exec("while true; do :; done");
    assert_eq!(
        out.text(),
        "bash: command limit reached (10000 commands per line); the rest of the line was not run\n"
    );
    let out = s.exec("f() { f; }; x=$(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo deep))))))))))))))))))");
    assert!(out.text().contains("nesting"), "{}", out.text());
    let out = s.exec("seq 1 10000000 | wc -l");
    assert!(out.exit_code == 0);
    let out = s.exec("x=aaaaaaaaaaaaaaaaaaaaaaaa; for i in $(seq 40); do x=$x$x; done; echo ${#x}");
    assert!(out.text().len() < 64, "{}", out.text());
}
