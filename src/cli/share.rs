//! `skill export`, `github login|whoami|logout` and `feedback send`: the ways a skill or a
//! report leaves this machine. Arguments and dispatch live together so these groups merge
//! cleanly beside the others in `args.rs` and `mod.rs`.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::Value;

use super::{enum_arg, stdin_text, to_json};
use crate::Backend;
use crate::github::{auth, feedback};
use crate::protocol::{AppError, ExportOptions, IssueRequest};

#[derive(Debug, Subcommand)]
pub enum SkillCmd {
    /// Export a library skill as a .skill/.zip archive or an installed folder.
    Export {
        name: String,
        /// claude-code (default), spec, claude-ai, codex or plugin.
        #[arg(long)]
        profile: Option<String>,
        /// skill (default), zip or folder.
        #[arg(long)]
        container: Option<String>,
        /// The archive's path (or a folder for it); for `folder`, the skills directory to
        /// install into (e.g. ~/.claude/skills). Default: <data dir>/exports/.
        #[arg(long)]
        dest: Option<PathBuf>,
        /// Package evals/ too.
        #[arg(long)]
        include_evals: bool,
        /// Remove the metadata.skill-builder.* keys.
        #[arg(long)]
        strip_builder_metadata: bool,
        /// Drop, rather than lift into metadata, the keys the profile does not allow.
        #[arg(long)]
        drop_non_portable_keys: bool,
        /// plugin: fail with SB409 instead of bumping the patch version after a content change.
        #[arg(long)]
        no_bump: bool,
    },
    /// Check skill folders against the rule catalogue and the security gate; exits 1 when any
    /// finding is an error in the chosen profile.
    Validate {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "library")]
        profile: super::args::ProfileArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum GithubAccountCmd {
    /// Sign in with a code shown here and typed at GitHub's device page; waits until done.
    Login,
    /// The signed-in GitHub user (no network).
    Whoami,
    /// Forget the GitHub token and identity.
    Logout,
}

#[derive(Debug, Subcommand)]
pub enum FeedbackCmd {
    /// File an issue in this project's repository; the body is read from stdin.
    Send {
        #[arg(long)]
        title: String,
        /// A label the repository already has (never created); repeatable.
        #[arg(long = "label")]
        labels: Vec<String>,
    },
}

pub async fn skill(b: &Backend, cmd: SkillCmd) -> Result<Value, AppError> {
    match cmd {
        SkillCmd::Validate { .. } => Err(AppError::Internal("validate runs without a backend".into())),
        SkillCmd::Export {
            name,
            profile,
            container,
            dest,
            include_evals,
            strip_builder_metadata,
            drop_non_portable_keys,
            no_bump,
        } => {
            let defaults = ExportOptions::default();
            let options = ExportOptions {
                profile: enum_arg("profile", profile)?.unwrap_or(defaults.profile),
                container: enum_arg("container", container)?.unwrap_or(defaults.container),
                include_evals,
                strip_builder_metadata,
                drop_non_portable_keys,
                bump_version: !no_bump,
            };
            to_json(crate::export::export_skill(b, &name, dest, options).await?)
        }
    }
}

pub async fn github_account(b: &Backend, cmd: GithubAccountCmd) -> Result<Value, AppError> {
    match cmd {
        GithubAccountCmd::Login => {
            let start = auth::start_device_flow(b).await?;
            // On stderr, so stdout carries only the result.
            eprintln!("Open {} and enter the code {}", start.verification_uri, start.user_code);
            let result = auth::wait_for_sign_in(b, &start, |secs| tracing::debug!(secs, "waiting for GitHub")).await?;
            to_json(result)
        }
        GithubAccountCmd::Whoami => to_json(auth::get_user(b).await?),
        GithubAccountCmd::Logout => to_json(auth::logout(b).await?),
    }
}

pub async fn feedback(b: &Backend, cmd: FeedbackCmd) -> Result<Value, AppError> {
    match cmd {
        FeedbackCmd::Send { title, labels } => {
            let req = IssueRequest { title, body: stdin_text()?, labels };
            to_json(feedback::create_github_issue(b, req).await?)
        }
    }
}
