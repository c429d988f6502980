//! Serializable request and result types of the commands, grouped by area.

pub mod agents;
pub mod export;
pub mod files;
pub mod git;
pub mod github_auth;
pub mod imports;
pub mod node;
pub mod reconcile;
pub mod refine;
pub mod settings;
pub mod skill_test;
pub mod skills;
pub mod skills_path;
pub mod strict;
pub mod usage;
pub mod workflow;
