//! The bridge between the page and the core: holds the one `Session`, runs command lines and
//! editor writes on it (journaling each for the autosave), and bumps a revision signal so views
//! re-read what changed. The only module that touches `Session`.

use kubeplay_core::api::Kind;
use kubeplay_core::session::{TerminalId, WORKSTATION};
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
    /// Requests the last command made, for the map to animate.
    pub flights: RwSignal<Vec<Flight>>,
    /// The latest requests in plain words, newest last, for the inspector's explainer.
    pub requests: RwSignal<Vec<Explained>>,
    /// Set when a command was `explain …`: the request the inspector should open.
    pub explained: RwSignal<Option<u64>>,
    next_request: StoredValue<u64>,
}

/// One request the cluster traced, kept for the explainer.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub id: u64,
    /// Who sent it: `workstation` or `namespace/pod`.
    pub origin: String,
    pub command: String,
    pub delivered: bool,
    /// The core's own account of every hop (`Trace::explain`), the same text `explain` prints.
    pub text: String,
}

/// How many traced requests the explainer keeps.
const KEEP_REQUESTS: usize = 50;

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
            flights: RwSignal::new(Vec::new()),
            requests: RwSignal::new(Vec::new()),
            explained: RwSignal::new(None),
            next_request: StoredValue::new(0),
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

    /// Applies and journals one input, then hands the requests it made to the map and the
    /// explainer. Every input the page sends the session goes through here.
    fn step(&self, step: Step) -> Option<CommandOutput> {
        let out = self
            .session
            .try_update_value(|s| journal::apply_step(s, &step))
            .flatten();
        self.steps.update_value(|st| st.push(step));
        let traces = self
            .session
            .try_update_value(|s| s.cluster.net.drain_traces())
            .unwrap_or_default();
        if !traces.is_empty() {
            self.keep_traces(&traces);
        }
        self.changed();
        out
    }

    fn keep_traces(&self, traces: &[kubeplay_core::network::Trace]) {
        let first = self.next_request.get_value();
        self.next_request.set_value(first + traces.len() as u64);
        let mut fl = Vec::new();
        let mut explained = Vec::new();
        for (i, t) in traces.iter().enumerate() {
            let f = flights::flight_of(t, first + i as u64);
            explained.push(Explained {
                id: f.trace,
                origin: t.origin.clone(),
                command: t.command.clone(),
                delivered: f.delivered,
                text: t.explain(),
            });
            fl.push(f);
        }
        self.flights.set(fl);
        self.requests.update(|r| {
            r.extend(explained);
            let excess = r.len().saturating_sub(KEEP_REQUESTS);
            r.drain(..excess);
        });
    }

    /// Feeds a line to the workstation terminal. `None` while it continues an unfinished command.
    pub fn run(&self, line: &str) -> Option<CommandOutput> {
        self.run_in(WORKSTATION, line)
    }

    /// Feeds a line to terminal `term`. `None` while it continues an unfinished command.
    pub fn run_in(&self, term: TerminalId, line: &str) -> Option<CommandOutput> {
        let out = self.step(Step::Line {
            at: self.now_ms(),
            line: line.to_string(),
            term,
        });
        if first_word_is_explain(line) {
            let last = self.requests.with_untracked(|r| r.last().map(|e| e.id));
            self.explained.set(last);
        }
        out
    }

    /// Writes an editor file into the learner's home directory.
    pub fn write_file(&self, name: &str, contents: &str) {
        self.step(Step::Write {
            at: self.now_ms(),
            name: name.to_string(),
            contents: contents.to_string(),
        });
    }

    /// The prompt of the workstation terminal.
    pub fn prompt(&self) -> String {
        self.prompt_in(WORKSTATION)
    }

    /// What terminal `term` shows before its next line (`> ` while a command continues).
    pub fn prompt_in(&self, term: TerminalId) -> String {
        self.revision.track();
        self.session.with_value(|s| s.prompt_in(term))
    }

    /// The pod whose shell terminal `term` is in, if any.
    pub fn pod_in(&self, term: TerminalId) -> Option<String> {
        self.revision.track();
        self.session
            .with_value(|s| s.pod_in(term).map(|p| p.pod.clone()))
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
        self.changed();
    }

    /// Replaces the session (a restored save).
    pub fn replace(&self, session: Session, steps: Vec<Step>) {
        self.session.set_value(session);
        self.steps.set_value(steps);
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
    pub fn interrupt(&self, term: TerminalId) {
        self.step(Step::Interrupt {
            at: self.now_ms(),
            term,
        });
    }

    /// Ctrl-D: leaves a pod shell or ends a heredoc; `None` when nothing happens.
    pub fn eof(&self, term: TerminalId) -> Option<CommandOutput> {
        self.step(Step::Eof {
            at: self.now_ms(),
            term,
        })
    }

    /// The file `vi`/`nano` opened in terminal `term` and its contents, while one is open.
    pub fn editing(&self, term: TerminalId) -> Option<(String, String)> {
        self.revision.track();
        self.session
            .try_update_value(|s| s.editing_in(term))
            .flatten()
    }

    /// Closes the editor of terminal `term`: saves `contents`, or cancels with `None`.
    pub fn finish_edit(&self, term: TerminalId, contents: Option<String>) -> Option<CommandOutput> {
        self.step(Step::Edit {
            at: self.now_ms(),
            term,
            contents,
        })
    }

    /// Opens another terminal on the same cluster.
    pub fn open_terminal(&self) -> TerminalId {
        self.step(Step::Open { at: self.now_ms() });
        self.session
            .with_value(|s| s.terminals().last().copied())
            .unwrap_or(WORKSTATION)
    }

    pub fn close_terminal(&self, term: TerminalId) {
        self.step(Step::Close {
            at: self.now_ms(),
            term,
        });
    }

    /// The browser pane: fetches `url` from the workstation, traced like curl.
    pub fn browse(&self, url: &str) -> CommandOutput {
        self.step(Step::Browse {
            at: self.now_ms(),
            url: url.to_string(),
        })
        .unwrap_or_default()
    }

    /// True while a `kubectl get -w` holds terminal `term`.
    pub fn running(&self, term: TerminalId) -> bool {
        self.revision.track();
        self.session.with_value(|s| s.running_in(term))
    }

    /// The rows a watch in terminal `term` printed since the last call.
    pub fn take_stream(&self, term: TerminalId) -> Option<CommandOutput> {
        self.session
            .try_update_value(|s| s.take_stream_in(term))
            .flatten()
    }

    /// The simulated clock without subscribing (for saves).
    pub fn clock_untracked(&self) -> u64 {
        self.now_ms()
    }
}

/// `explain curl …`, also inside `kubectl exec POD -- explain …`.
fn first_word_is_explain(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.first() == Some(&"explain")
        || words
            .iter()
            .position(|w| *w == "--")
            .and_then(|i| words.get(i + 1))
            == Some(&"explain")
}

impl Bridge {
    /// Runs a lesson step's checks against the session as it is now (the lesson panel's
    /// "Check my work"); checks only read the session. `request` checks count the requests
    /// logged after `since` (a [`Bridge::request_mark`] taken when the step began).
    pub fn check_lesson_step(
        &self,
        step: &kubeplay_core::lesson::Step,
        since: u64,
    ) -> Vec<kubeplay_core::lesson::CheckResult> {
        self.session.with_value(|s| step.check(s, since))
    }

    /// How many requests the session has logged: a lesson step's starting mark.
    pub fn request_mark(&self) -> u64 {
        self.session.with_value(|s| s.cluster.net.requests.mark())
    }
}
