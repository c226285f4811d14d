//! Where the learner is in each lesson, kept in `localStorage` next to the autosave so it
//! survives reloads, and the `#/lessons…` routes. Plain Rust apart from the storage calls, so
//! native unit tests reach it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub const PROGRESS_KEY: &str = "kubeplay.lessons";

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
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub lessons: BTreeMap<String, LessonProgress>,
}

impl Progress {
    pub fn of(&self, id: &str) -> LessonProgress {
        self.lessons.get(id).cloned().unwrap_or_default()
    }

    pub fn set(&mut self, id: &str, p: LessonProgress) {
        self.lessons.insert(id.to_string(), p);
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Anything unreadable counts as no progress.
    pub fn from_json(text: &str) -> Progress {
        kubeplay_core::walk::from_json(text).unwrap_or_default()
    }
}

fn storage() -> Option<leptos::web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

pub fn load() -> Progress {
    storage()
        .and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten())
        .map(|t| Progress::from_json(&t))
        .unwrap_or_default()
}

pub fn store(p: &Progress) {
    if let Some(s) = storage() {
        let _ = s.set_item(PROGRESS_KEY, &p.to_json());
    }
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
        let mut p = Progress::default();
        p.set(
            "clusterip",
            LessonProgress {
                step: 1,
                begun: 2,
                done: BTreeSet::from([0]),
            },
        );
        assert_eq!(Progress::from_json(&p.to_json()), p);
        assert_eq!(Progress::from_json("{not json"), Progress::default());
        assert_eq!(p.of("missing"), LessonProgress::default());
    }
}
