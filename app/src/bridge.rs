//! The bridge between the page and the core: holds the one `Session`, runs command lines and
//! editor writes on it (journaling each for the autosave), and bumps a revision signal so views
//! re-read what changed. The only module that touches `Session`.

use kubeplay_core::api::Kind;
use kubeplay_core::sim::Duration;
use kubeplay_core::view::ClusterView;
use kubeplay_core::{CommandOutput, Session};
use leptos::prelude::*;

use crate::journal::{self, Step};
use crate::map::flights::{self, Flight};
use crate::term::complete::Snapshot;

/// Cheap to copy; every component gets it from context.
#[derive(Clone, Copy)]
pub struct Bridge {
    session: StoredValue<Session, LocalStorage>,
    steps: StoredValue<Vec<Step>, LocalStorage>,
    revision: RwSignal<u64>,
    /// True while the last line fed opened a heredoc or quote the next line continues.
    pending: RwSignal<bool>,
    /// Requests the last command made, for the map to animate.
    pub flights: RwSignal<Vec<Flight>>,
}

/// A seed from the browser's entropy, so each fresh playground differs; share links will carry it.
pub fn initial_seed() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 1;
    }
    u64::from_le_bytes(bytes)
}

impl Bridge {
    pub fn new(seed: u64) -> Bridge {
        Bridge::restored(Session::new(seed), Vec::new())
    }

    /// Wraps a session rebuilt from a save, keeping its steps so the next save includes them.
    pub fn restored(session: Session, steps: Vec<Step>) -> Bridge {
        Bridge {
            session: StoredValue::new_local(session),
            steps: StoredValue::new_local(steps),
            revision: RwSignal::new(0),
            pending: RwSignal::new(false),
            flights: RwSignal::new(Vec::new()),
        }
    }

    pub fn from_context() -> Bridge {
        expect_context::<Bridge>()
    }

    fn now_ms(&self) -> u64 {
        self.session.with_value(|s| s.cluster.now.0)
    }

    fn changed(&self) {
        self.revision.update(|r| *r += 1);
    }

    /// Feeds a line to the workstation terminal. `None` while it continues an unfinished command.
    pub fn run(&self, line: &str) -> Option<CommandOutput> {
        let step = Step::Line {
            at: self.now_ms(),
            line: line.to_string(),
        };
        let out = self
            .session
            .try_update_value(|s| journal::apply_step(s, &step))
            .flatten();
        self.steps.update_value(|st| st.push(step));
        let flights = self
            .session
            .try_update_value(|s| flights::drain(&mut s.cluster))
            .unwrap_or_default();
        if !flights.is_empty() {
            self.flights.set(flights);
        }
        self.pending.set(out.is_none() && !line.trim().is_empty());
        self.changed();
        out
    }

    /// Writes an editor file into the learner's home directory.
    pub fn write_file(&self, name: &str, contents: &str) {
        let step = Step::Write {
            at: self.now_ms(),
            name: name.to_string(),
            contents: contents.to_string(),
        };
        self.session.update_value(|s| {
            journal::apply_step(s, &step);
        });
        self.steps.update_value(|st| st.push(step));
    }

    /// The workstation prompt, or bash's `> ` while a command continues.
    pub fn prompt(&self) -> String {
        if self.pending.get() {
            "> ".to_string()
        } else {
            self.session.with_value(Session::prompt)
        }
    }

    /// Lets simulated time pass; views refresh only if the cluster changed.
    pub fn advance(&self, ms: u64) {
        self.session
            .update_value(|s| s.advance(Duration::from_millis(ms)));
        self.changed();
    }

    /// Simulated milliseconds since the cluster started (re-read as time passes).
    pub fn clock(&self) -> u64 {
        self.revision.track();
        self.now_ms()
    }

    pub fn seed(&self) -> u64 {
        self.session.with_value(Session::seed)
    }

    pub fn steps(&self) -> Vec<Step> {
        self.steps.get_value()
    }

    /// Starts over with a fresh cluster from `seed`, forgetting every input.
    pub fn reset(&self, seed: u64) {
        self.session.set_value(Session::new(seed));
        self.steps.set_value(Vec::new());
        self.pending.set(false);
        self.changed();
    }

    /// Replaces the session (a restored save).
    pub fn replace(&self, session: Session, steps: Vec<Step>) {
        self.session.set_value(session);
        self.steps.set_value(steps);
        self.pending.set(false);
        self.changed();
    }

    /// Direct access for tests and tools that stage a scene (objects put straight into the store).
    pub fn update_session(&self, f: impl FnOnce(&mut Session)) {
        self.session.update_value(f);
        self.changed();
    }

    /// What the map and inspector draw, re-read whenever the session changes.
    pub fn view(&self) -> ClusterView {
        self.revision.track();
        self.session.with_value(|s| ClusterView::of(&s.cluster))
    }

    /// What Tab completion may offer right now.
    pub fn completion_snapshot(&self) -> Snapshot {
        self.session.with_value(|s| {
            let home = format!("{}/", kubeplay_core::session::HOME);
            Snapshot {
                files: s
                    .fs
                    .files_under(&home)
                    .filter_map(|(p, _)| p.strip_prefix(&home).map(str::to_string))
                    .collect(),
                objects: s
                    .cluster
                    .store
                    .iter()
                    .filter(|(k, _)| k.kind != Kind::Event)
                    .map(|(k, _)| (k.kind, k.namespace.clone(), k.name.clone()))
                    .collect(),
                namespace: s.namespace.clone(),
            }
        })
    }
}

impl Bridge {
    /// Ctrl-C: abandons an unfinished command (journaled, since it changes what later lines mean).
    pub fn interrupt(&self) {
        let step = Step::Interrupt { at: self.now_ms() };
        self.session.update_value(|s| {
            journal::apply_step(s, &step);
        });
        self.steps.update_value(|st| st.push(step));
        self.pending.set(false);
        self.changed();
    }
}

impl Bridge {
    /// The simulated clock without subscribing (for saves).
    pub fn clock_untracked(&self) -> u64 {
        self.now_ms()
    }
}

impl Bridge {
    /// Runs a lesson step's checks against the session as it is now (the lesson panel's
    /// "Check my work"); checks only read the session.
    pub fn check_lesson_step(
        &self,
        step: &kubeplay_core::lesson::Step,
    ) -> Vec<kubeplay_core::lesson::CheckResult> {
        self.session.with_value(|s| step.check(s))
    }
}
