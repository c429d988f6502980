//! The core integration tests: every command group through `Backend`, the real `skill-builder`
//! binary as a second instance, and a writer killed with SIGKILL. One binary, one module per area.
//!
//! Some tests re-execute this binary as a child process (a second live instance, a writer to
//! kill); those child entry points are ordinary tests that return at once unless their
//! environment variable is set, so they pass when run normally.

// Helpers outside `#[test]` functions unwrap too: a failed setup should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod agent_process;
mod agents;
mod backpressure;
mod cli;
mod crash;
mod crash_repair;
mod db_runtime;
mod delete_keeps;
mod export;
mod export_roundtrip;
mod files;
mod files_security;
mod full_disk;
mod git;
mod git_initial;
mod github_auth;
mod github_import;
mod imports;
mod locks;
mod migrations;
mod reconcile;
mod refine;
mod secrets;
mod settings;
mod skill_tester;
mod skill_validate;
mod skills;
mod strict_input;
mod supervision;
mod support;
mod tidy;
mod two_instances;
mod unreachable;
mod usage;
mod workflow;
