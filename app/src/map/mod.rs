//! The cluster map's logic without the DOM: layout and the accessible names of what it draws.

pub mod flights;
pub mod labels;
pub mod layout;
