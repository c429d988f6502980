//! `refine …` and `test …`: refine sessions and the skill tester from the command line.
//!
//! Each CLI command is its own process and instance, so these commands take the skill's lock
//! for their duration (as the window's page does) and wait for the agents they start; a refine
//! session outlives the process and the next `refine send` resumes its conversation.

use std::time::Duration;

use clap::{Subcommand, ValueEnum};
use serde_json::{Value, json};

use crate::Backend;
use crate::commands::{locks, refine, run_wait, skill_test, skill_test_evals};
use crate::protocol::*;

/// A refine turn's deadline (agents-and-workflow.md §1.10), with a margin.
const TURN_LIMIT: Duration = Duration::from_secs(31 * 60);

#[derive(Debug, Subcommand)]
pub enum RefineCmd {
    /// Open a refine session for a skill (commits a checkpoint when the folder is dirty).
    Start { name: String },
    /// Send one request and wait for the agent's turn to end. TEXT `-` reads stdin.
    Send {
        session_id: String,
        text: String,
        #[arg(long, value_enum, default_value = "refine")]
        command: TurnArg,
        /// Skill-relative files the turn may change (repeatable).
        #[arg(long = "target")]
        targets: Vec<String>,
        /// Print a progress line per agent event on stderr.
        #[arg(long)]
        follow: bool,
    },
    /// What the session changed since its baseline, or during the last turn.
    Diff {
        session_id: String,
        #[arg(long, value_enum, default_value = "session")]
        scope: ScopeArg,
    },
    /// End the session: --save commits the edits, --discard commits them, then restores the baseline.
    Close {
        session_id: String,
        #[arg(long, conflicts_with = "discard", required_unless_present = "discard")]
        save: bool,
        #[arg(long)]
        discard: bool,
        #[arg(long)]
        message: Option<String>,
    },
    /// The files a refine page shows: SKILL.md, references, context views.
    Content { name: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TurnArg {
    Refine,
    Rewrite,
    Validate,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    Session,
    LastTurn,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Installed,
    Embedded,
}

#[derive(Debug, Subcommand)]
pub enum TestCmd {
    /// Prepare the with/without folders of a test.
    Prepare {
        name: String,
        #[arg(long, value_enum, default_value = "installed")]
        mode: ModeArg,
    },
    /// Plan PROMPT with and without the skill, compare the plans, save the result, clean up.
    Start {
        test_id: String,
        prompt: String,
        #[arg(long)]
        follow: bool,
    },
    /// Run the skill's evals/evals.json N times per arm: pass rate mean ± sd per case.
    Evals {
        test_id: String,
        #[arg(long, default_value_t = 3)]
        runs: u32,
        /// Hard cap per agent run, in USD.
        #[arg(long)]
        max_run_usd: Option<f64>,
        /// Hard cap for the whole eval run of this skill (resumes included), in USD.
        #[arg(long)]
        max_skill_usd: Option<f64>,
        /// Continue a run a cap stopped.
        #[arg(long)]
        resume: bool,
        #[arg(long)]
        follow: bool,
    },
    /// Stop the test's agents.
    Stop { test_id: String },
    /// Stop the test's agents and remove its folders.
    Cleanup { test_id: String },
}

impl RefineCmd {
    pub fn follows(&self) -> bool {
        matches!(self, RefineCmd::Send { follow: true, .. })
    }
}

impl TestCmd {
    pub fn follows(&self) -> bool {
        matches!(self, TestCmd::Start { follow: true, .. } | TestCmd::Evals { follow: true, .. })
    }
}

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, AppError> {
    Ok(serde_json::to_value(value)?)
}

async fn lock(b: &Backend, skill: &str, purpose: LockPurpose) -> Result<(), AppError> {
    locks::acquire_lock(b, skill, purpose).await.map(|_| ())
}

pub async fn refine(b: &Backend, cmd: RefineCmd, json: bool) -> Result<Value, AppError> {
    match cmd {
        RefineCmd::Start { name } => {
            lock(b, &name, LockPurpose::Refine).await?;
            to_json(refine::start_refine_session(b, &name).await?)
        }
        RefineCmd::Send { session_id, text, command, targets, .. } => {
            let text = if text == "-" { super::stdin_text()? } else { text };
            let command = match command {
                TurnArg::Refine => RefineCommand::Refine,
                TurnArg::Rewrite => RefineCommand::Rewrite,
                TurnArg::Validate => RefineCommand::Validate,
            };
            lock(b, &refine::refine_session_skill(b, &session_id).await?, LockPurpose::Refine).await?;
            let handle = refine::send_refine_message(b, &session_id, &text, Some(command), targets).await?;
            let end = run_wait::wait_run(b, &handle, TURN_LIMIT).await?;
            let outcome = serde_json::to_value(end.outcome)?;
            Ok(json!({ "handle": handle, "outcome": outcome, "summary": end.text, "costUsd": end.cost_usd }))
        }
        RefineCmd::Diff { session_id, scope } => {
            let scope = match scope {
                ScopeArg::Session => DiffScope::Session,
                ScopeArg::LastTurn => DiffScope::LastTurn,
            };
            let diff = refine::get_refine_diff(b, &session_id, scope).await?;
            if json {
                return to_json(diff);
            }
            let patches: String = diff.files.iter().map(|f| f.patch.as_str()).collect();
            let stat = &diff.stat;
            Ok(Value::String(format!(
                "{patches}{} files changed, {} insertions(+), {} deletions(-)",
                stat.files, stat.insertions, stat.deletions
            )))
        }
        RefineCmd::Close { session_id, save, discard, message } => {
            lock(b, &refine::refine_session_skill(b, &session_id).await?, LockPurpose::Refine).await?;
            to_json(refine::close_refine_session(b, &session_id, save && !discard, message).await?)
        }
        RefineCmd::Content { name } => to_json(refine::get_skill_content_for_refine(b, &name).await?),
    }
}

pub async fn test(b: &Backend, cmd: TestCmd) -> Result<Value, AppError> {
    match cmd {
        TestCmd::Prepare { name, mode } => {
            let mode = match mode {
                ModeArg::Installed => TestMode::Installed,
                ModeArg::Embedded => TestMode::Embedded,
            };
            to_json(skill_test::prepare_skill_test(b, &name, Some(mode)).await?)
        }
        TestCmd::Start { test_id, prompt, .. } => {
            lock_test(b, &test_id).await?;
            to_json(skill_test::run_skill_test(b, &test_id, &prompt).await?)
        }
        TestCmd::Evals { test_id, runs, max_run_usd, max_skill_usd, resume, .. } => {
            lock_test(b, &test_id).await?;
            let caps = CostCaps { per_run_usd: max_run_usd, per_skill_usd: max_skill_usd };
            to_json(skill_test_evals::run_skill_evals(b, &test_id, runs, caps, resume).await?)
        }
        TestCmd::Stop { test_id } => to_json(skill_test::stop_skill_test(b, &test_id).await?),
        TestCmd::Cleanup { test_id } => to_json(skill_test::cleanup_skill_test(b, &test_id).await?),
    }
}

async fn lock_test(b: &Backend, test_id: &str) -> Result<(), AppError> {
    let manifest = skill_test::manifest(b, test_id)
        .await?
        .ok_or_else(|| AppError::NotFound { kind: "test", name: test_id.to_string() })?;
    lock(b, &manifest.skill_name, LockPurpose::Test).await
}
