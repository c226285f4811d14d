//! Proving a lesson works: on a fresh session, for every step in order, begin the step, run its
//! checks (at least one must fail, or the step teaches nothing a check could notice), run its
//! solution, run its checks again (all must pass). Both runs count only the requests made
//! since the step began, as the page does. `kubeplay lesson check` and the core's
//! tests print and assert this report.

use super::{begin_step, feed_lines, CheckResult, Lesson};
use crate::Session;

/// What happened to one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    pub title: String,
    /// Checks before the solution ran.
    pub before: Vec<CheckResult>,
    /// Checks after it ran.
    pub after: Vec<CheckResult>,
    /// The terminal output of the setup and the solution.
    pub output: String,
}

impl StepReport {
    /// Every check passed after the solution.
    pub fn solved(&self) -> bool {
        self.after.iter().all(|r| r.passed)
    }

    /// At least one check failed before the solution.
    pub fn checks_can_fail(&self) -> bool {
        self.before.iter().any(|r| !r.passed)
    }

    pub fn ok(&self) -> bool {
        self.solved() && self.checks_can_fail()
    }
}

/// Replays `lesson` on a fresh session from `seed`.
pub fn verify(lesson: &Lesson, seed: u64) -> Vec<StepReport> {
    let mut session = Session::new(seed);
    lesson
        .steps
        .iter()
        .map(|step| {
            let (mut output, since) = begin_step(&mut session, step);
            let before = step.check(&session, since);
            output.push_str(&feed_lines(&mut session, &step.solution_lines()));
            let after = step.check(&session, since);
            StepReport {
                title: step.title.clone(),
                before,
                after,
                output,
            }
        })
        .collect()
}

/// The report as `kubeplay lesson check` prints it: one PASS/FAIL line per step and per check.
pub fn render(lesson: &Lesson, reports: &[StepReport]) -> String {
    let mut out = format!("lesson {}: {}\n", lesson.id, lesson.title);
    for (i, r) in reports.iter().enumerate() {
        let verdict = if r.ok() { "PASS" } else { "FAIL" };
        out.push_str(&format!("{verdict} step {}: {}\n", i + 1, r.title));
        for c in &r.after {
            if c.passed {
                out.push_str(&format!("  ok    {}\n", c.check));
            } else {
                out.push_str(&format!("  FAIL  {}\n        {}\n", c.check, c.message));
            }
        }
        if !r.checks_can_fail() {
            out.push_str(
                "  FAIL  every check already passed before the solution ran, so they prove nothing\n",
            );
        }
    }
    let failed = reports.iter().filter(|r| !r.ok()).count();
    if failed == 0 {
        out.push_str(&format!("PASS {} ({})\n", lesson.id, steps(reports.len())));
    } else {
        out.push_str(&format!(
            "FAIL {} ({failed} of {} failed)\n",
            lesson.id,
            steps(reports.len())
        ));
    }
    out
}

fn steps(n: usize) -> String {
    if n == 1 {
        "1 step".to_string()
    } else {
        format!("{n} steps")
    }
}
