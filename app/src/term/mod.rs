//! The terminal's logic without the DOM: history, scrollback and completion.

pub mod complete;
pub mod history;
pub mod scrollback;
