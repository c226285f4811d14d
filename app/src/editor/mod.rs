//! The manifest editor's logic without the DOM: YAML highlighting, syntax checks and templates.

pub mod highlight;
pub mod indent;
pub mod templates;
