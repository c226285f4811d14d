//! What the autosave keeps and how a page reload rebuilds the cluster from it. The simulation is
//! deterministic, so saving the seed plus every input with the simulated instant it happened at
//! is enough: replaying them on a fresh `Session` gives back the same cluster, byte for byte.

use kubeplay_core::sim::Duration;
use kubeplay_core::{CommandOutput, Session};
use serde::{Deserialize, Serialize};

/// Bumped whenever the format changes; older saves are then treated as unreadable.
pub const SAVE_VERSION: u32 = 1;
pub const STORAGE_KEY: &str = "kubeplay.save";

/// One input the session received.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Step {
    /// A line fed to the workstation terminal at simulated millisecond `at`.
    Line { at: u64, line: String },
    /// A file the editor wrote into the home directory.
    Write {
        at: u64,
        name: String,
        contents: String,
    },
    /// Ctrl-C at the terminal, which abandons a half-typed command.
    Interrupt { at: u64 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditorFile {
    pub name: String,
    pub contents: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Save {
    pub version: u32,
    pub seed: u64,
    pub steps: Vec<Step>,
    /// Simulated time when saved, so the clock resumes where it was.
    pub now: u64,
    pub files: Vec<EditorFile>,
    pub active_file: usize,
    pub history: Vec<String>,
}

impl Save {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a save; `None` for anything unreadable or from another format version.
    pub fn from_json(text: &str) -> Option<Save> {
        serde_json::from_str::<Save>(text)
            .ok()
            .filter(|s| s.version == SAVE_VERSION)
    }
}

/// Applies one step to `session`, first moving its clock to the step's instant.
pub fn apply_step(session: &mut Session, step: &Step) -> Option<CommandOutput> {
    let at = match step {
        Step::Line { at, .. } | Step::Write { at, .. } | Step::Interrupt { at } => *at,
    };
    advance_to(session, at);
    match step {
        Step::Line { line, .. } => session.feed(line),
        Step::Write { name, contents, .. } => {
            session.add_file(name, contents);
            None
        }
        Step::Interrupt { .. } => {
            session.interrupt();
            None
        }
    }
}

pub fn advance_to(session: &mut Session, at: u64) {
    let now = session.cluster.now.0;
    if at > now {
        session.advance(Duration::from_millis(at - now));
    }
}

/// A fresh session with `save`'s steps replayed, and the terminal text they printed.
pub fn replay(save: &Save) -> (Session, String) {
    let mut session = Session::new(save.seed);
    let mut transcript = String::new();
    for step in &save.steps {
        if let Step::Line { line, .. } = step {
            transcript.push_str(&format!("{}{line}\n", session.prompt()));
        }
        if let Some(out) = apply_step(&mut session, step) {
            transcript.push_str(&out.text());
        }
    }
    advance_to(&mut session, save.now);
    (session, transcript)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_rebuilds_the_same_cluster() {
        let mut live = Session::new(42);
        let steps = vec![
            Step::Write {
                at: 500,
                name: "a.yaml".into(),
                contents: "kind: Namespace\n".into(),
            },
            Step::Line {
                at: 1500,
                line: "kubectl get nodes".into(),
            },
        ];
        for s in &steps {
            apply_step(&mut live, s);
        }
        let save = Save {
            version: SAVE_VERSION,
            seed: 42,
            steps,
            now: 4000,
            files: vec![],
            active_file: 0,
            history: vec!["kubectl get nodes".into()],
        };
        let restored = Save::from_json(&save.to_json());
        assert_eq!(restored.as_ref(), Some(&save));
        let (session, transcript) = replay(&save);
        advance_to(&mut live, 4000);
        assert_eq!(session.cluster.store, live.cluster.store);
        assert_eq!(session.cluster.now, live.cluster.now);
        assert_eq!(session.fs, live.fs);
        assert!(transcript.contains("kubectl get nodes"));
    }

    #[test]
    fn corrupt_saves_are_rejected() {
        assert_eq!(Save::from_json("{not json"), None);
        assert_eq!(Save::from_json("{\"version\":99}"), None);
    }
}
