//! Command history with bash's ↑/↓ behaviour: walking back keeps the line being typed as a draft
//! and walking past the newest entry restores it.

/// Most lines a history keeps (and the autosave stores).
pub const HISTORY_LIMIT: usize = 500;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    entries: Vec<String>,
    /// Index into `entries` while browsing; `None` when editing a fresh line.
    cursor: Option<usize>,
    draft: String,
}

impl History {
    pub fn from_entries(mut entries: Vec<String>) -> History {
        let excess = entries.len().saturating_sub(HISTORY_LIMIT);
        entries.drain(..excess);
        History {
            entries,
            ..History::default()
        }
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Records a submitted line: blank lines and immediate repeats are skipped, as `ignoredups`.
    pub fn push(&mut self, line: &str) {
        self.cursor = None;
        self.draft.clear();
        if line.trim().is_empty() || self.entries.last().is_some_and(|l| l == line) {
            return;
        }
        self.entries.push(line.to_string());
        if self.entries.len() > HISTORY_LIMIT {
            self.entries.remove(0);
        }
    }

    /// ↑: the previous entry, or `None` at the oldest (the line stays as it is).
    pub fn up(&mut self, current: &str) -> Option<String> {
        let next = match self.cursor {
            None if self.entries.is_empty() => return None,
            None => {
                self.draft = current.to_string();
                self.entries.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.cursor = Some(next);
        self.entries.get(next).cloned()
    }

    /// ↓: the next newer entry, or the draft once past the newest.
    pub fn down(&mut self) -> Option<String> {
        let i = self.cursor?;
        if i + 1 < self.entries.len() {
            self.cursor = Some(i + 1);
            self.entries.get(i + 1).cloned()
        } else {
            self.cursor = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// Leaves browsing mode (Ctrl-C, Enter).
    pub fn reset_cursor(&mut self) {
        self.cursor = None;
        self.draft.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_back_and_restores_the_draft() {
        let mut h = History::default();
        h.push("kubectl get pods");
        h.push("kubectl get svc");
        h.push("kubectl get svc");
        h.push("  ");
        assert_eq!(h.entries().len(), 2);
        assert_eq!(h.up("kub").as_deref(), Some("kubectl get svc"));
        assert_eq!(h.up("").as_deref(), Some("kubectl get pods"));
        assert_eq!(h.up(""), None);
        assert_eq!(h.down().as_deref(), Some("kubectl get svc"));
        assert_eq!(h.down().as_deref(), Some("kub"));
        assert_eq!(h.down(), None);
    }

    #[test]
    fn empty_history_does_nothing() {
        let mut h = History::default();
        assert_eq!(h.up("x"), None);
        assert_eq!(h.down(), None);
    }

    #[test]
    fn keeps_only_the_newest_lines() {
        let h = History::from_entries((0..600).map(|i| i.to_string()).collect());
        assert_eq!(h.entries().len(), HISTORY_LIMIT);
        assert_eq!(h.entries().first().map(String::as_str), Some("100"));
    }
}
