//! What the autosave keeps and how a page reload rebuilds the cluster from it. The simulation is
//! deterministic, so saving the seed plus every input with the simulated instant it happened at
//! is enough: replaying them on a fresh `Session` gives back the same cluster, byte for byte.

use std::collections::BTreeMap;

use kubeplay_core::session::{TerminalId, WORKSTATION};
use kubeplay_core::sim::Duration;
use kubeplay_core::{CommandOutput, Session};
use serde::{Deserialize, Serialize};

/// Bumped whenever the format changes; saves from versions not listed in [`Save::from_json`]
/// are then treated as unreadable.
/// 2: steps name their terminal (tabs), plus Ctrl-D, editor hand-offs and the browser pane.
pub const SAVE_VERSION: u32 = 2;
pub const STORAGE_KEY: &str = "kubeplay.save";

fn is_workstation(t: &TerminalId) -> bool {
    *t == WORKSTATION
}

/// One input the session received. `term` names the terminal tab it went to (omitted for the
/// workstation), so a reload replays every tab's input into the same tab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Step {
    /// A line fed to a terminal at simulated millisecond `at`.
    Line {
        at: u64,
        line: String,
        #[serde(default, skip_serializing_if = "is_workstation")]
        term: TerminalId,
    },
    /// A file the editor wrote into the home directory.
    Write {
        at: u64,
        name: String,
        contents: String,
    },
    /// Ctrl-C at a terminal, which abandons a half-typed command.
    Interrupt {
        at: u64,
        #[serde(default, skip_serializing_if = "is_workstation")]
        term: TerminalId,
    },
    /// Ctrl-D at a terminal: leaves a pod shell, ends a heredoc.
    Eof {
        at: u64,
        #[serde(default, skip_serializing_if = "is_workstation")]
        term: TerminalId,
    },
    /// The editor pane closed a file `vi`/`nano` opened: saved with `contents`, or cancelled.
    Edit {
        at: u64,
        #[serde(default, skip_serializing_if = "is_workstation")]
        term: TerminalId,
        contents: Option<String>,
    },
    /// A new terminal tab (ids follow from the order of these steps).
    Open { at: u64 },
    /// A terminal tab closed.
    Close { at: u64, term: TerminalId },
    /// The browser pane fetched `url` from the workstation.
    Browse { at: u64, url: String },
}

impl Step {
    pub fn at(&self) -> u64 {
        match self {
            Step::Line { at, .. }
            | Step::Write { at, .. }
            | Step::Interrupt { at, .. }
            | Step::Eof { at, .. }
            | Step::Edit { at, .. }
            | Step::Open { at }
            | Step::Close { at, .. }
            | Step::Browse { at, .. } => *at,
        }
    }

    /// The terminal whose screen shows this step's output.
    pub fn terminal(&self) -> TerminalId {
        match self {
            Step::Line { term, .. }
            | Step::Interrupt { term, .. }
            | Step::Eof { term, .. }
            | Step::Edit { term, .. }
            | Step::Close { term, .. } => *term,
            Step::Write { .. } | Step::Open { .. } | Step::Browse { .. } => WORKSTATION,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditorFile {
    pub name: String,
    pub contents: String,
}

/// A terminal tab as the page showed it: its id in the session, its title and its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedTab {
    pub id: TerminalId,
    pub title: String,
    pub history: Vec<String>,
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
    /// The workstation terminal's history.
    pub history: Vec<String>,
    /// The other open terminal tabs.
    #[serde(default)]
    pub tabs: Vec<SavedTab>,
}

impl Save {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a save; `None` for anything unreadable or from an unknown format version.
    ///
    /// Version 1 (before terminal tabs) is a subset of version 2: its lines, file writes and
    /// Ctrl-C all went to the one terminal, which is what a version-2 step without `term`
    /// means, and it had no tabs. So it reads as version 2 and replays the same inputs.
    pub fn from_json(text: &str) -> Option<Save> {
        let mut save = kubeplay_core::walk::from_json::<Save>(text).ok()?;
        match save.version {
            1 => save.version = SAVE_VERSION,
            SAVE_VERSION => {}
            _ => return None,
        }
        Some(save)
    }
}

/// Applies one step to `session`, first moving its clock to the step's instant. Returns what
/// the step printed in its terminal.
pub fn apply_step(session: &mut Session, step: &Step) -> Option<CommandOutput> {
    advance_to(session, step.at());
    match step {
        Step::Line { line, term, .. } => session.feed_in(*term, line),
        Step::Write { name, contents, .. } => {
            session.add_file(name, contents);
            None
        }
        Step::Interrupt { term, .. } => {
            session.in_terminal(*term, Session::interrupt);
            None
        }
        Step::Eof { term, .. } => session.in_terminal(*term, Session::eof).flatten(),
        Step::Edit { term, contents, .. } => {
            session.in_terminal(*term, |s| s.finish_edit(contents.as_deref()))
        }
        Step::Open { .. } => {
            session.open_terminal();
            None
        }
        Step::Close { term, .. } => {
            session.close_terminal(*term);
            None
        }
        Step::Browse { url, .. } => Some(session.browse(url)),
    }
}

pub fn advance_to(session: &mut Session, at: u64) {
    let now = session.cluster.now.0;
    if at > now {
        session.advance(Duration::from_millis(at - now));
    }
}

/// A fresh session with `save`'s steps replayed, and the text each terminal printed.
pub fn replay(save: &Save) -> (Session, BTreeMap<TerminalId, String>) {
    let mut session = Session::new(save.seed);
    let mut screens: BTreeMap<TerminalId, String> = BTreeMap::new();
    for step in &save.steps {
        let term = step.terminal();
        if let Step::Line { line, .. } = step {
            let prompt = session.prompt_in(term);
            screens
                .entry(term)
                .or_default()
                .push_str(&format!("{prompt}{line}\n"));
        }
        let out = apply_step(&mut session, step);
        if let (Some(out), false) = (out, matches!(step, Step::Browse { .. })) {
            screens.entry(term).or_default().push_str(&out.text());
        }
        // What watches printed while time passed up to the next step.
        let terminals = std::iter::once(WORKSTATION).chain(session.terminals());
        for t in terminals.collect::<Vec<_>>() {
            if let Some(rows) = session.take_stream_in(t) {
                screens.entry(t).or_default().push_str(&rows.text());
            }
        }
    }
    advance_to(&mut session, save.now);
    (session, screens)
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
                term: WORKSTATION,
            },
            Step::Open { at: 1600 },
            Step::Line {
                at: 1700,
                line: "cd /tmp".into(),
                term: 1,
            },
            Step::Line {
                at: 1800,
                line: "pwd".into(),
                term: 1,
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
            tabs: vec![SavedTab {
                id: 1,
                title: "Shell 1".into(),
                history: vec!["cd /tmp".into(), "pwd".into()],
            }],
        };
        let restored = Save::from_json(&save.to_json());
        assert_eq!(restored.as_ref(), Some(&save));
        let (session, transcript) = replay(&save);
        advance_to(&mut live, 4000);
        assert_eq!(session.cluster.store, live.cluster.store);
        assert_eq!(session.cluster.now, live.cluster.now);
        assert_eq!(session.fs, live.fs);
        let ws = transcript.get(&WORKSTATION).cloned().unwrap_or_default();
        assert!(ws.contains("kubectl get nodes"));
        assert!(!ws.contains("/tmp"));
        assert_eq!(
            transcript.get(&1).map(String::as_str),
            Some("learner@workstation:~$ cd /tmp\nlearner@workstation:/tmp$ pwd\n/tmp\n")
        );
    }

    #[test]
    fn corrupt_saves_are_rejected() {
        assert_eq!(Save::from_json("{not json"), None);
        assert_eq!(Save::from_json("{\"version\":99}"), None);
    }

    #[test]
    fn version_1_saves_replay_in_the_workstation_terminal() {
        let v1 = r#"{"version":1,"seed":7,"steps":[{"t":"write","at":172980100,"name":"ns.yaml","contents":"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n"},{"t":"line","at":172981000,"line":"kubectl apply -f ns.yaml"},{"t":"interrupt","at":172981500},{"t":"line","at":172982000,"line":"kubectl get ns team -o name"}],"now":172983000,"files":[{"name":"ns.yaml","contents":""}],"active_file":0,"history":["kubectl apply -f ns.yaml"]}"#;
        let save = Save::from_json(v1).expect("a version-1 save reads");
        assert_eq!(save.version, SAVE_VERSION);
        assert!(save.tabs.is_empty());
        assert!(save.steps.iter().all(|s| s.terminal() == WORKSTATION));
        let (_, screens) = replay(&save);
        assert_eq!(
            screens.get(&WORKSTATION).map(String::as_str),
            Some("learner@workstation:~$ kubectl apply -f ns.yaml\nnamespace/team created\nlearner@workstation:~$ kubectl get ns team -o name\nnamespace/team\n")
        );
        // Saved again, it is a version-2 save.
        assert_eq!(Save::from_json(&save.to_json()), Some(save));
    }
}
