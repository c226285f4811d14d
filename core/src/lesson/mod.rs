//! Lessons: guided labs as data. A lesson is one YAML file (format in README "Writing
//! lessons"): an id, a title, and steps, each with instructions in a Markdown subset
//! ([`markdown`]), starting files, setup commands, hints, a solution and [`check::Check`]s.
//!
//! The built-in lessons under `lessons/` are compiled in, so the page, the embed widget and
//! `kubeplay lesson check` share them. Everything here drives a [`Session`] the way a learner
//! would, through command lines, so a lesson's solution is checked on the real path.
//!
//! Map: [`check`] (the vocabulary and its evaluation), [`requests`] (the request log checks
//! read), [`markdown`] (instructions as plain data), [`verify`] (replaying a lesson's
//! solutions and proving its checks both pass and fail).

pub mod check;
pub mod markdown;
pub mod requests;
pub mod verify;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sim::Duration;
use crate::Session;
pub use check::{Check, CheckResult};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Lower-case letters, digits and `-`; the page's URL is `#/lessons/<id>`.
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// Markdown subset ([`markdown::parse`]).
    pub instructions: String,
    /// Files put into the workstation's home directory when the step starts.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Command lines run when the step starts (heredocs allowed).
    #[serde(default)]
    pub setup: String,
    #[serde(default)]
    pub hints: Vec<String>,
    /// Command lines that complete the step (heredocs allowed).
    pub solution: String,
    pub checks: Vec<Check>,
}

/// The built-in lessons' sources, in the order the lesson list shows them.
pub const BUILTIN_SOURCES: &[&str] = &[
    include_str!("../../../lessons/clusterip.yaml"),
    include_str!("../../../lessons/statefulset.yaml"),
    include_str!("../../../lessons/nodeport.yaml"),
    include_str!("../../../lessons/loadbalancer.yaml"),
    include_str!("../../../lessons/externalname.yaml"),
    include_str!("../../../lessons/bluegreen.yaml"),
    include_str!("../../../lessons/networkpolicy.yaml"),
    include_str!("../../../lessons/namespaces.yaml"),
];

/// Every built-in lesson. A built-in that fails to parse is skipped here and fails the tests.
pub fn builtins() -> Vec<Lesson> {
    BUILTIN_SOURCES
        .iter()
        .filter_map(|src| parse(src).ok())
        .collect()
}

/// The built-in lesson with this id.
pub fn builtin(id: &str) -> Option<Lesson> {
    builtins().into_iter().find(|l| l.id == id)
}

/// Reads a lesson file, with the YAML error's line and column on failure.
pub fn parse(src: &str) -> Result<Lesson, String> {
    // Through a `Value`, like manifests: see `walk`'s size rule.
    let yaml: serde_yaml::Value = serde_yaml::from_str(src).map_err(|e| e.to_string())?;
    let value = serde_json::to_value(&yaml).map_err(|e| e.to_string())?;
    let lesson: Lesson = crate::walk::from_value(&value)
        .map_err(|(path, msg)| crate::walk::with_path(&path, &msg))?;
    let id_ok = !lesson.id.is_empty()
        && lesson
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        return Err(format!(
            "id {:?}: use lower-case letters, digits and '-'",
            lesson.id
        ));
    }
    if lesson.steps.is_empty() {
        return Err("a lesson needs at least one step".into());
    }
    if let Some(s) = lesson.steps.iter().find(|s| s.checks.is_empty()) {
        return Err(format!("step {:?} has no checks", s.title));
    }
    Ok(lesson)
}

impl Lesson {
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps.get(index)
    }
}

impl Step {
    /// The solution's command lines as a learner types them (heredoc bodies included).
    pub fn solution_lines(&self) -> Vec<&str> {
        lines(&self.solution)
    }

    pub fn setup_lines(&self) -> Vec<&str> {
        lines(&self.setup)
    }

    /// Evaluates every check against the session as it is now. `since` is the request log's
    /// mark when the step began ([`begin_step`] returns it): `request` checks count only later
    /// requests.
    pub fn check(&self, session: &Session, since: u64) -> Vec<CheckResult> {
        self.checks.iter().map(|c| c.run(session, since)).collect()
    }
}

fn lines(script: &str) -> Vec<&str> {
    script.lines().collect()
}

/// Feeds `lines` as the CLI does (1 s of simulated time before each new command) and returns
/// what the terminal showed.
pub fn feed_lines(session: &mut Session, lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines {
        if !session.in_command() {
            session.advance(Duration::from_secs(1));
        }
        if let Some(o) = session.feed(line) {
            out.push_str(&o.text());
        }
    }
    out
}

/// Starts a step: writes its files into the home directory and runs its setup commands.
/// Returns the setup's terminal output and the request log's mark after it: the step's
/// `request` checks count the requests from there on, not the setup's own.
pub fn begin_step(session: &mut Session, step: &Step) -> (String, u64) {
    for (name, text) in &step.files {
        session.add_file(name, text);
    }
    let out = feed_lines(session, &step.setup_lines());
    (out, session.cluster.net.requests.mark())
}

/// Brings a fresh session to where step `index` begins: every earlier step begun and solved.
/// For front ends that resume a lesson part-way on a new cluster (the embed widget); they then
/// begin step `index` themselves. Returns what the terminal showed.
pub fn prepare(session: &mut Session, lesson: &Lesson, index: usize) -> String {
    let mut out = String::new();
    for step in lesson.steps.iter().take(index) {
        out.push_str(&begin_step(session, step).0);
        out.push_str(&feed_lines(session, &step.solution_lines()));
    }
    out
}
