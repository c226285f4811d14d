//! Page components.

pub mod cluster_map;
pub mod terminal;
