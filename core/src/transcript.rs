//! Transcripts: terminal sessions written down as data, used by the test suites (natively and
//! in the browser), lesson checks and the CLI.
//!
//! ```text
//! # seed: 7                  (optional directive; comment lines start with '#')
//! $ kubectl get nodes        (a command line, typed at the workstation)
//! > continuation             (further input lines of the same command, e.g. heredoc bodies)
//! NAME ...                   (expected output: stdout and stderr as the terminal shows them)
//! ```
//! An output line that itself starts with `#`, `$ `, `> ` or `|` is written with a leading `|`.
//! Output that does not end in a newline is followed by the line `\ No newline at end of output`.
//! Replaying feeds every input line like the `kubeplay` CLI: advance simulated time 1 s, then
//! `Session::feed`.

use crate::sim::Duration;
use crate::Session;

const NO_NEWLINE: &str = "\\ No newline at end of output";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Comment(String),
    Command { input: Vec<String>, output: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript {
    pub seed: u64,
    pub items: Vec<Item>,
}

impl Transcript {
    pub fn parse(text: &str) -> Transcript {
        let mut items = Vec::new();
        let mut seed = 0;
        let mut lines = text.lines().peekable();
        while let Some(line) = lines.next() {
            if let Some(cmd) = line
                .strip_prefix("$ ")
                .or(if line == "$" { Some("") } else { None })
            {
                let mut input = vec![cmd.to_string()];
                while let Some(cont) = lines
                    .peek()
                    .and_then(|l| l.strip_prefix("> ").or((*l == ">").then_some("")))
                {
                    input.push(cont.to_string());
                    lines.next();
                }
                let mut output = String::new();
                while let Some(next) = lines.peek() {
                    if next.starts_with('#') || next.starts_with("$ ") || *next == "$" {
                        break;
                    }
                    let next = lines.next().unwrap_or_default();
                    if next == NO_NEWLINE {
                        output.pop();
                        continue;
                    }
                    output.push_str(next.strip_prefix('|').unwrap_or(next));
                    output.push('\n');
                }
                items.push(Item::Command { input, output });
            } else if line.starts_with('#') {
                if let Some(v) = line.strip_prefix("# seed:") {
                    seed = v.trim().parse().unwrap_or(0);
                }
                items.push(Item::Comment(line.to_string()));
            } else if !line.is_empty() {
                // Stray text before the first command: kept as a comment so rendering round-trips.
                items.push(Item::Comment(line.to_string()));
            }
        }
        Transcript { seed, items }
    }

    /// Runs the commands on a fresh session and returns each command's output.
    pub fn replay(&self) -> Vec<String> {
        let mut session = Session::new(self.seed);
        self.items
            .iter()
            .filter_map(|item| match item {
                Item::Command { input, .. } => Some(input),
                Item::Comment(_) => None,
            })
            .map(|input| {
                let mut text = String::new();
                for line in input {
                    session.advance(Duration::from_secs(1));
                    if let Some(out) = session.feed(line) {
                        text.push_str(&out.text());
                    }
                }
                text
            })
            .collect()
    }

    /// The same transcript with the given outputs in command order.
    pub fn with_outputs(&self, outputs: &[String]) -> Transcript {
        let mut outputs = outputs.iter();
        let items = self
            .items
            .iter()
            .map(|item| match item {
                Item::Command { input, output } => Item::Command {
                    input: input.clone(),
                    output: outputs.next().cloned().unwrap_or_else(|| output.clone()),
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
        for item in &self.items {
            match item {
                Item::Comment(c) => {
                    out.push_str(c);
                    out.push('\n');
                }
                Item::Command { input, output } => {
                    for (i, line) in input.iter().enumerate() {
                        out.push_str(if i == 0 { "$ " } else { "> " });
                        out.push_str(line);
                        out.push('\n');
                    }
                    for line in output.lines() {
                        let escape = line.starts_with('#')
                            || line.starts_with("$ ")
                            || line == "$"
                            || line.starts_with("> ")
                            || line.starts_with('|');
                        if escape {
                            out.push('|');
                        }
                        out.push_str(line);
                        out.push('\n');
                    }
                    if !output.is_empty() && !output.ends_with('\n') {
                        out.push_str(NO_NEWLINE);
                        out.push('\n');
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let text = "# seed: 3\n$ echo\n> more\n|# hash line\nplain\n$ x\nno newline\n\\ No newline at end of output\n";
        let t = Transcript::parse(text);
        assert_eq!(t.seed, 3);
        assert_eq!(t.render(), text);
        match &t.items[2] {
            Item::Command { output, .. } => assert_eq!(output, "no newline"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
