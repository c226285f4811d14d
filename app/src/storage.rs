//! The autosave in `localStorage`: the journal of inputs, the editor's files and the command
//! history. Everything that can fail (no storage, quota, a corrupt value) degrades to "no save".

use crate::journal::{Save, STORAGE_KEY};

fn storage() -> Option<leptos::web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

/// What the last visit left.
pub enum Loaded {
    Nothing,
    Save(Box<Save>),
    /// Something is stored but can't be read (corrupt, or from another format version).
    Unreadable,
}

pub fn load() -> Loaded {
    let Some(text) = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()) else {
        return Loaded::Nothing;
    };
    match Save::from_json(&text) {
        Some(save) => Loaded::Save(Box::new(save)),
        None => Loaded::Unreadable,
    }
}

pub fn store(save: &Save) {
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, &save.to_json());
    }
}

pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(STORAGE_KEY);
    }
}
