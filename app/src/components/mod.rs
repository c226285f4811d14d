//! Page components. Each reads plain data from context (`Bridge`, `Console`, `Files`, …) and
//! keeps its own logic in the DOM-free modules (`term`, `editor`, `map`).

pub mod browser;
pub mod cluster_map;
pub mod controls;
pub mod editor;
pub mod inspector;
pub mod lesson;
pub mod lesson_markdown;
pub mod lesson_progress;
pub mod terminal;
pub mod traffic;
