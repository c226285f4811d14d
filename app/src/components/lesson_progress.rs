//! Where the learner is in each lesson, and the `#/lessons…` routes. Progress is kept in
//! `localStorage`, one key per lesson so a panel or widget reads and writes only its own: the
//! page's under `kubeplay.lesson.<id>` (beside the autosave of the page's cluster), the blog
//! widget's under `kubeplay.widget-lesson.<id>` (a widget's cluster is fresh on every load, so
//! its progress cannot share the page's "begun" steps). Plain Rust apart from the storage
//! calls, so native unit tests reach it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The single key every lesson shared before progress was kept per lesson; read once to
/// migrate, then removed.
pub const OLD_PROGRESS_KEY: &str = "kubeplay.lessons";

/// Where a lesson panel keeps its progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// The full page: `kubeplay.lesson.<id>`.
    Page,
    /// A blog widget: `kubeplay.widget-lesson.<id>`, per lesson per origin.
    Widget,
    /// A widget with `progress="off"`: nothing read or written.
    Off,
}

impl Keep {
    pub fn key(self, id: &str) -> Option<String> {
        match self {
            Keep::Page => Some(format!("kubeplay.lesson.{id}")),
            Keep::Widget => Some(format!("kubeplay.widget-lesson.{id}")),
            Keep::Off => None,
        }
    }
}

/// What the URL fragment asks the lesson panel to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// No lesson panel (the plain playground).
    Closed,
    /// `#/lessons`: the list.
    List,
    /// `#/lessons/<id>`.
    Lesson(String),
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_end_matches('/');
        match path.strip_prefix("/lessons") {
            Some("") => Route::List,
            Some(rest) => match rest.strip_prefix('/') {
                Some(id) if !id.contains('/') => Route::Lesson(id.to_string()),
                Some(_) => Route::List,
                None => Route::Closed,
            },
            None => Route::Closed,
        }
    }

    pub fn is_open(&self) -> bool {
        *self != Route::Closed
    }
}

/// One lesson's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// The step on screen (0-based).
    pub step: usize,
    /// How many steps have had their files and setup put into the cluster.
    pub begun: usize,
    /// Steps whose checks all passed.
    pub done: BTreeSet<usize>,
    /// Where the current step's requests start, for its `request` checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<StepMark>,
}

/// The request log's mark when the learner moved to step `step` of a cluster from `seed`. The
/// core replays the autosave deterministically, so the mark means the same after a reload; a
/// cluster from another seed ("Reset cluster") makes it void.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepMark {
    pub step: usize,
    pub seed: u64,
    pub since: u64,
}

impl LessonProgress {
    /// Anything unreadable counts as no progress.
    pub fn from_json(text: &str) -> LessonProgress {
        kubeplay_core::walk::from_json(text).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The mark `request` checks of step `step` count from on a cluster from `seed` that has
    /// logged `logged` requests: the step's own mark if it is for this step and cluster, else
    /// every request (the cluster was replaced under the lesson).
    pub fn since(&self, step: usize, seed: u64, logged: u64) -> u64 {
        match self.mark {
            Some(m) if m.step == step && m.seed == seed && m.since <= logged => m.since,
            _ => 0,
        }
    }
}

/// The old shared key's contents: every lesson's progress in one map.
#[derive(Default, Deserialize)]
struct OldProgress {
    lessons: std::collections::BTreeMap<String, LessonProgress>,
}

/// Splits the old shared key's text into per-lesson entries; unreadable text gives none.
pub fn split_old(text: &str) -> Vec<(String, LessonProgress)> {
    kubeplay_core::walk::from_json::<OldProgress>(text)
        .map(|old| old.lessons.into_iter().collect())
        .unwrap_or_default()
}

fn storage() -> Option<leptos::web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

pub fn load(keep: Keep, id: &str) -> LessonProgress {
    let Some(key) = keep.key(id) else {
        return LessonProgress::default();
    };
    storage()
        .and_then(|s| s.get_item(&key).ok().flatten())
        .map(|t| LessonProgress::from_json(&t))
        .unwrap_or_default()
}

pub fn store(keep: Keep, id: &str, p: &LessonProgress) {
    if let (Some(s), Some(key)) = (storage(), keep.key(id)) {
        let _ = s.set_item(&key, &p.to_json());
    }
}

/// Moves the page's progress from the old shared key to per-lesson keys (a lesson that already
/// has its own key keeps it) and removes the old key. Unreadable old data is dropped silently:
/// the learner only loses ticks, never sees an error.
pub fn migrate() {
    let Some(s) = storage() else { return };
    let Some(text) = s.get_item(OLD_PROGRESS_KEY).ok().flatten() else {
        return;
    };
    for (id, p) in split_old(&text) {
        let Some(key) = Keep::Page.key(&id) else {
            continue;
        };
        if s.get_item(&key).ok().flatten().is_none() {
            let _ = s.set_item(&key, &p.to_json());
        }
    }
    let _ = s.remove_item(OLD_PROGRESS_KEY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let table = [
            ("", Route::Closed),
            ("#", Route::Closed),
            ("#demo", Route::Closed),
            ("#/lessons", Route::List),
            ("#/lessons/", Route::List),
            ("#/lessons/bluegreen", Route::Lesson("bluegreen".into())),
            ("#/lessons/bluegreen/", Route::Lesson("bluegreen".into())),
            ("#/lessons/a/b", Route::List),
            ("#/lessonsx", Route::Closed),
        ];
        for (hash, want) in table {
            assert_eq!(Route::parse(hash), want, "{hash}");
        }
    }

    #[test]
    fn progress_round_trips_and_tolerates_garbage() {
        let p = LessonProgress {
            step: 1,
            begun: 2,
            done: BTreeSet::from([0]),
            mark: Some(StepMark {
                step: 1,
                seed: 9,
                since: 4,
            }),
        };
        assert_eq!(LessonProgress::from_json(&p.to_json()), p);
        assert_eq!(
            LessonProgress::from_json("{not json"),
            LessonProgress::default()
        );
        // Progress saved before marks existed still reads.
        let old = LessonProgress::from_json(r#"{"step":2,"begun":3,"done":[0,1]}"#);
        assert_eq!((old.step, old.begun, old.mark), (2, 3, None));
    }

    #[test]
    fn the_old_shared_key_splits_per_lesson() {
        let text = r#"{"lessons":{"clusterip":{"step":1,"begun":2,"done":[0]},"bluegreen":{"step":0,"begun":1,"done":[]}}}"#;
        let got: Vec<(String, usize)> = split_old(text)
            .into_iter()
            .map(|(id, p)| (id, p.step))
            .collect();
        assert_eq!(
            got,
            [("bluegreen".to_string(), 0), ("clusterip".to_string(), 1)]
        );
        for garbage in ["", "{", "[1,2]", r#"{"lessons":7}"#] {
            assert!(split_old(garbage).is_empty(), "{garbage}");
        }
    }

    #[test]
    fn keys_are_per_lesson_and_per_host() {
        assert_eq!(
            Keep::Page.key("bluegreen").as_deref(),
            Some("kubeplay.lesson.bluegreen")
        );
        assert_eq!(
            Keep::Widget.key("bluegreen").as_deref(),
            Some("kubeplay.widget-lesson.bluegreen")
        );
        assert_eq!(Keep::Off.key("bluegreen"), None);
    }

    #[test]
    fn a_mark_counts_only_for_its_step_and_cluster() {
        let p = LessonProgress {
            mark: Some(StepMark {
                step: 1,
                seed: 9,
                since: 4,
            }),
            ..LessonProgress::default()
        };
        let table = [
            ((1, 9, 10), 4),
            ((1, 9, 4), 4),
            ((0, 9, 10), 0),
            ((1, 8, 10), 0),
            ((1, 9, 3), 0),
        ];
        for ((step, seed, logged), want) in table {
            assert_eq!(p.since(step, seed, logged), want, "{step} {seed} {logged}");
        }
        assert_eq!(LessonProgress::default().since(0, 9, 10), 0);
    }
}
