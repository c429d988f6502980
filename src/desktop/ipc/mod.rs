//! Thin Tauri commands, one module per command group: each command is a single call into
//! `src/commands`. Argument names are the wire names (camelCase in JSON); errors cross as
//! `CommandError`. `bindings.rs` lists them all.

use crate::protocol::CommandError;

pub mod agents;
pub mod files;
pub mod git;
pub mod imports;
pub mod refine_test;
pub mod settings;
pub mod share;
pub mod skills;
pub mod usage;
pub mod workflow;
pub mod workspace;

type Res<T> = Result<T, CommandError>;
