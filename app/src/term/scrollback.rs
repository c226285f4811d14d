//! The terminal's output as numbered lines, bounded so a long session cannot grow the page
//! without limit. Line ids only grow, so the view can key rows by them and never re-render old ones.

use std::collections::VecDeque;

/// How many lines the terminal keeps.
pub const SCROLLBACK_LIMIT: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A prompt plus what was typed after it.
    Input,
    Output,
    /// What a command wrote to stderr, shown in the same stream but marked.
    Error,
    /// A note from the page itself (restored session, reset), not from the cluster.
    Notice,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub id: u64,
    pub kind: LineKind,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scrollback {
    lines: VecDeque<Line>,
    next_id: u64,
}

impl Scrollback {
    pub fn lines(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter()
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Appends `text` split at newlines; a trailing newline does not make an empty line.
    pub fn push(&mut self, kind: LineKind, text: &str) {
        let body = text.strip_suffix('\n').unwrap_or(text);
        let output = matches!(kind, LineKind::Output | LineKind::Error);
        if body.is_empty() && !text.is_empty() && output {
            self.push_line(kind, String::new());
            return;
        }
        if text.is_empty() && output {
            return;
        }
        for part in body.split('\n') {
            self.push_line(kind, part.to_string());
        }
    }

    fn push_line(&mut self, kind: LineKind, text: String) {
        self.lines.push_back(Line {
            id: self.next_id,
            kind,
            text,
        });
        self.next_id += 1;
        while self.lines.len() > SCROLLBACK_LIMIT {
            self.lines.pop_front();
        }
    }

    /// Ctrl-L / `clear`.
    pub fn clear(&mut self) {
        self.lines.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_output_into_lines() {
        let mut s = Scrollback::default();
        s.push(LineKind::Input, "$ kubectl get nodes");
        s.push(LineKind::Output, "a\nb\n");
        s.push(LineKind::Output, "");
        let texts: Vec<_> = s.lines().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["$ kubectl get nodes", "a", "b"]);
    }

    #[test]
    fn is_bounded_and_ids_keep_growing() {
        let mut s = Scrollback::default();
        for i in 0..(SCROLLBACK_LIMIT + 10) {
            s.push(LineKind::Output, &format!("{i}\n"));
        }
        assert_eq!(s.len(), SCROLLBACK_LIMIT);
        assert_eq!(s.lines().next().map(|l| l.id), Some(10));
        s.clear();
        s.push(LineKind::Output, "x");
        assert_eq!(
            s.lines().next().map(|l| l.id),
            Some(SCROLLBACK_LIMIT as u64 + 10)
        );
    }
}
