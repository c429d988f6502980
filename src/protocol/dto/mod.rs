//! Serializable request and result types of the commands, grouped by area.

pub mod files;
pub mod node;
pub mod settings;
pub mod skills;
pub mod usage;
