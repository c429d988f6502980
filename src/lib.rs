//! Skill Builder's backend: actors that own the database (and soon git and agent processes),
//! commands over them, and the CLI and desktop front doors. Module wiring only.

pub mod actors;
pub mod atomic;
pub mod backend;
#[cfg(unix)]
pub mod beneath;
#[cfg(not(unix))]
#[path = "beneath_std.rs"]
pub mod beneath;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod crashpoint;
#[cfg(feature = "desktop")]
pub mod desktop;
pub mod detect;
pub mod events;
pub mod export;
pub mod folders;
pub mod github;
pub mod import;
pub mod instance;
pub mod paths;
pub mod pending;
pub mod protocol;
pub mod redact;
pub mod resources;
pub mod run_logs;
pub mod secrets;
pub mod skill;
pub mod skill_fields;
pub mod telemetry;
pub mod workflow;

pub use backend::Backend;
pub use config::Config;
