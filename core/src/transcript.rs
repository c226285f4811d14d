//! Transcripts: terminal sessions written down as data. One implementation serves the native
//! suite (`core/tests/transcripts.rs`), the wasm determinism test and lesson checks.
//!
//! Format, line by line:
//! - `# seed: N` — the session's seed (default 1); must come before the first command.
//! - `# file: NAME` followed by `#| ` lines — puts a file into the learner's home directory
//!   (each `#| text` line is one line of it; `#|` alone is an empty line), when reached.
//! - any other line starting with `#`, and blank lines between commands — comments. A `#` line
//!   ends an expected-output block, so expected output never contains a line starting with `#`.
//! - `$ COMMAND` — one command line; `> TEXT` lines right after it continue it (heredoc bodies,
//!   editor lines).
//! - every other line up to the next `$` or `#` line is the expected output, stdout and stderr
//!   interleaved as the terminal shows them. If the output does not end in a newline, its last
//!   line is followed by a line `%no-eol`.
//!
//! Replaying follows the `kubeplay` CLI: before each command simulated time advances 1 s, then
//! every line of the command is given to `Session::feed`; all of their output counts.

use crate::sim::Duration;
use crate::{CommandOutput, Session};

/// Marks expected output that does not end in a newline.
pub const NO_EOL: &str = "%no-eol";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A comment, directive or blank line, kept verbatim.
    Comment(String),
    /// `# file: NAME` and its `#|` lines, kept verbatim.
    File { name: String, lines: Vec<String> },
    /// A command (first line, then continuation lines) and its expected output block.
    Command {
        input: Vec<String>,
        output: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript {
    pub seed: u64,
    pub items: Vec<Item>,
}

/// What replaying one command produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The output as expected-block lines.
    pub output: Vec<String>,
    /// False if the command's last line still left it unfinished (an unterminated heredoc).
    pub completed: bool,
}

impl Transcript {
    /// Parses the format above; the error names the first line that fits nowhere.
    pub fn parse(text: &str) -> Result<Transcript, String> {
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
                    .map_err(|_| format!("line {i}: bad seed {line:?}"))?;
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
                let mut input = vec![cmd.to_string()];
                while i < lines.len() && lines[i].starts_with("> ") {
                    input.push(lines[i][2..].to_string());
                    i += 1;
                }
                let mut output = Vec::new();
                while i < lines.len() && !lines[i].starts_with("$ ") && !lines[i].starts_with('#') {
                    output.push(lines[i].to_string());
                    i += 1;
                }
                items.push(Item::Command { input, output });
            } else {
                return Err(format!("line {i}: output before any command: {line:?}"));
            }
        }
        Ok(Transcript { seed, items })
    }

    /// Runs the transcript on a fresh session; one `Run` per command, in order.
    pub fn replay(&self) -> Vec<Run> {
        let mut session = Session::new(self.seed);
        let mut runs = Vec::new();
        for item in &self.items {
            match item {
                Item::Comment(_) => {}
                Item::File { name, lines } => session.add_file(name, &file_content(lines)),
                Item::Command { input, .. } => runs.push(run_command(&mut session, input)),
            }
        }
        runs
    }

    /// The same transcript with each command's output replaced by `runs`, in order.
    pub fn with_outputs(&self, runs: &[Run]) -> Transcript {
        let mut runs = runs.iter();
        let items = self
            .items
            .iter()
            .map(|item| match item {
                Item::Command { input, output } => Item::Command {
                    input: input.clone(),
                    output: runs
                        .next()
                        .map_or_else(|| output.clone(), |r| r.output.clone()),
                },
                other => other.clone(),
            })
            .collect();
        Transcript {
            seed: self.seed,
            items,
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut push = |l: &str| {
            out.push_str(l);
            out.push('\n');
        };
        for item in &self.items {
            match item {
                Item::Comment(l) => push(l),
                Item::File { name, lines } => {
                    push(&format!("# file: {name}"));
                    lines.iter().for_each(|l| push(l));
                }
                Item::Command { input, output } => {
                    push(&format!("$ {}", input[0]));
                    input[1..].iter().for_each(|l| push(&format!("> {l}")));
                    output.iter().for_each(|l| push(l));
                }
            }
        }
        out
    }
}

fn run_command(session: &mut Session, input: &[String]) -> Run {
    session.advance(Duration::from_secs(1));
    let (output, completed) = feed_lines(session, input.iter().map(String::as_str));
    Run { output, completed }
}

/// Feeds `lines` to the terminal as one command and returns its output as expected-block
/// lines, and whether the last line completed the command. Every line's output counts: a
/// heredoc answers only on its last line, while an editor or an interactive `kubectl exec`
/// answers line by line.
pub fn feed_lines<'a>(
    session: &mut Session,
    lines: impl IntoIterator<Item = &'a str>,
) -> (Vec<String>, bool) {
    let mut output: Option<CommandOutput> = None;
    let mut completed = false;
    for line in lines {
        let answer = session.feed(line);
        completed = answer.is_some();
        if let Some(out) = answer {
            match &mut output {
                Some(all) => all.extend(out),
                None => output = Some(out),
            }
        }
    }
    let text = output.map(|o| o.text()).unwrap_or_default();
    (output_lines(&text), completed)
}

/// Terminal text as expected-block lines (`%no-eol` after text without a final newline).
pub fn output_lines(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    if text.ends_with('\n') {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_replays() {
        let text = "# seed: 3\n# file: a.txt\n#| one\n#|\n\n$ cat a.txt\none\n\n$ printf x\nx\n%no-eol\n$ cat <<EOF\n> hi\n> EOF\nhi\n";
        let t = Transcript::parse(text).expect("parses");
        assert_eq!(t.seed, 3);
        assert_eq!(t.render(), text);
        let runs = t.replay();
        assert!(runs.iter().all(|r| r.completed));
        assert_eq!(t.with_outputs(&runs).render(), text);
    }

    #[test]
    fn rejects_output_before_a_command() {
        assert!(Transcript::parse("stray\n$ true\n").is_err());
    }
}
