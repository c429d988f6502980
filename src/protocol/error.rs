//! The one error type of the backend: `AppError` inside Rust, `CommandError` on the wire.
//!
//! Every variant maps to a stable [`ErrorCode`]; the UI and the CLI branch on the code, never on
//! the message text. Messages are written for people and never contain secrets.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::validation::Finding;

/// The actor an ask was addressed to; named in timeout and availability errors and in the
/// `backend-degraded` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    Db,
    Git,
    Reconciler,
    Supervisor,
    Agent,
    Workflow,
}

impl std::fmt::Display for ActorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ActorKind::Db => "database",
            ActorKind::Git => "git",
            ActorKind::Reconciler => "reconciler",
            ActorKind::Supervisor => "agent supervisor",
            ActorKind::Agent => "agent",
            ActorKind::Workflow => "workflow engine",
        })
    }
}

/// Stable, snake_case error codes (backend.md §3.1). A code exists only where the UI branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    NotFound,
    AlreadyExists,
    Conflict,
    SkillLocked,
    AgentBusy,
    AgentLimit,
    SessionBusy,
    NotConfigured,
    SkillsPathUnreachable,
    ApiKeyMissing,
    NotSupported,
    PathRejected,
    TooLarge,
    InvalidSkill,
    InvalidArchive,
    Unauthorized,
    RateLimited,
    Upstream,
    Network,
    Timeout,
    Cancelled,
    Busy,
    GitFailed,
    SecretsUnavailable,
    Io,
    Database,
    Internal,
    RuntimeMissing,
    NodeMissing,
    NodeIncompatible,
    ClaudeCodeMissing,
    RuntimeStartFailed,
    InvalidStepTransition,
    StepDisabled,
    MissingInput,
}

impl ErrorCode {
    /// The snake_case spelling, as printed by the CLI and sent to the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::AlreadyExists => "already_exists",
            ErrorCode::Conflict => "conflict",
            ErrorCode::SkillLocked => "skill_locked",
            ErrorCode::AgentBusy => "agent_busy",
            ErrorCode::AgentLimit => "agent_limit",
            ErrorCode::SessionBusy => "session_busy",
            ErrorCode::NotConfigured => "not_configured",
            ErrorCode::SkillsPathUnreachable => "skills_path_unreachable",
            ErrorCode::ApiKeyMissing => "api_key_missing",
            ErrorCode::NotSupported => "not_supported",
            ErrorCode::PathRejected => "path_rejected",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::InvalidSkill => "invalid_skill",
            ErrorCode::InvalidArchive => "invalid_archive",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Upstream => "upstream",
            ErrorCode::Network => "network",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Busy => "busy",
            ErrorCode::GitFailed => "git_failed",
            ErrorCode::SecretsUnavailable => "secrets_unavailable",
            ErrorCode::Io => "io",
            ErrorCode::Database => "database",
            ErrorCode::Internal => "internal",
            ErrorCode::RuntimeMissing => "runtime_missing",
            ErrorCode::NodeMissing => "node_missing",
            ErrorCode::NodeIncompatible => "node_incompatible",
            ErrorCode::ClaudeCodeMissing => "claude_code_missing",
            ErrorCode::RuntimeStartFailed => "runtime_start_failed",
            ErrorCode::InvalidStepTransition => "invalid_step_transition",
            ErrorCode::StepDisabled => "step_disabled",
            ErrorCode::MissingInput => "missing_input",
        }
    }
}

/// Who holds a skill lock; carried by `skill_locked` errors so the UI can name the other window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LockHolder {
    pub instance_id: String,
    pub pid: u32,
    pub purpose: String,
    pub acquired_at: String,
}

/// The backend's error. Variants carry their context; [`AppError::code`] gives the stable code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    #[error("{kind} '{name}' was not found")]
    NotFound { kind: &'static str, name: String },
    #[error("{kind} '{name}' already exists")]
    AlreadyExists { kind: &'static str, name: String },
    #[error("{message}")]
    Conflict { reason: &'static str, message: String },
    #[error("Skill '{skill}' is open in another Skill Builder window (pid {})", holder.pid)]
    SkillLocked { skill: String, holder: LockHolder },
    /// The command needs this instance to hold the skill's lock, and nobody holds it.
    #[error("Open '{skill}' first: this needs the skill's lock, which this window does not hold")]
    LockRequired { skill: String },
    #[error("An agent is already running for this skill ({agent_id})")]
    AgentBusy { agent_id: String },
    #[error("{limit} agents are already running; wait for one to finish")]
    AgentLimit { limit: u32 },
    #[error("The previous turn of this session is still running ({run_id})")]
    SessionBusy { run_id: String },
    #[error("{message}")]
    Runtime { code: ErrorCode, message: String, reason: Option<&'static str>, stderr_tail: Vec<String> },
    #[error("{what} is not configured")]
    NotConfigured { what: &'static str },
    /// A chosen skills folder that is not there (an unmounted drive): never recreated empty,
    /// which would read as "every skill is gone".
    #[error("The skills folder {path} is missing or unreachable")]
    SkillsPathUnreachable { path: String },
    #[error("No Anthropic API key is set")]
    ApiKeyMissing,
    #[error("{0}")]
    NotSupported(String),
    #[error("Path rejected ({reason}): {path}")]
    PathRejected { reason: &'static str, path: String },
    #[error("{what} is too large ({actual} bytes; the limit is {limit})")]
    TooLarge { what: String, limit: u64, actual: u64 },
    /// Findings with errors in the profile the skill was checked against (skill-format §2).
    #[error("The skill breaks {} rule(s): {}", findings.len(), findings.first().map(|f| format!("{} {}", f.rule, f.message)).unwrap_or_default())]
    InvalidSkill { findings: Vec<crate::protocol::validation::Finding> },
    /// An unsafe or malformed archive (`SB3xx` findings), or several skills where one was
    /// expected (`skills` names their folders so the UI can offer a picker).
    #[error("{message}")]
    InvalidArchive { message: String, findings: Vec<Finding>, skills: Vec<String> },
    #[error("The {service} credentials were rejected")]
    Unauthorized { service: &'static str },
    #[error("{service} is rate limiting requests{}", reset_at.as_ref().map(|at| format!(" until {at}")).unwrap_or_default())]
    RateLimited { service: &'static str, retry_after_secs: Option<u64>, reset_at: Option<String>, authenticated: bool },
    #[error("{service} answered with an error{}: {message}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Upstream { service: &'static str, status: Option<u16>, message: String },
    #[error("Could not reach {service}: {message}")]
    Network { service: &'static str, message: String },
    #[error("The {operation} did not finish within {after:?}")]
    Timeout { operation: String, after: Duration },
    #[error("The {actor} is not running")]
    Unavailable { actor: ActorKind },
    #[error("Skill Builder is busy ({reason})")]
    Busy { reason: &'static str },
    #[error("Git failed ({reason}): {message}")]
    Git { reason: &'static str, message: String },
    #[error("File system error at {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("The {backend} secret store did not answer")]
    SecretsUnavailable { backend: &'static str },
    #[error("Database error: {0}")]
    Database(String),
    #[error("Internal error: {0}")]
    Internal(String),
    /// A workflow command that the steps' statuses do not allow (agents-and-workflow.md §5.2).
    #[error("{message}")]
    InvalidStepTransition { message: String, statuses: Vec<String> },
    /// The step is disabled by the research scope or contradictory decisions (§5.8).
    #[error("{reason}")]
    StepDisabled { step: u8, reset_to: u8, reason: String },
    /// A workflow input file is missing or unusable.
    #[error("{what}")]
    MissingInput { what: String },
}

impl AppError {
    /// Shorthand for the most common validation failure.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AppError::InvalidInput { field: field.into(), reason: reason.into() }
    }

    /// Wraps an I/O error with the path it concerned.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        AppError::Io { path: path.as_ref().display().to_string(), source }
    }

    pub fn skill_not_found(name: impl Into<String>) -> Self {
        AppError::NotFound { kind: "skill", name: name.into() }
    }

    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::InvalidInput { .. } => ErrorCode::InvalidInput,
            AppError::NotFound { .. } => ErrorCode::NotFound,
            AppError::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            AppError::Conflict { .. } => ErrorCode::Conflict,
            AppError::SkillLocked { .. } | AppError::LockRequired { .. } => ErrorCode::SkillLocked,
            AppError::AgentBusy { .. } => ErrorCode::AgentBusy,
            AppError::AgentLimit { .. } => ErrorCode::AgentLimit,
            AppError::SessionBusy { .. } => ErrorCode::SessionBusy,
            AppError::Runtime { code, .. } => *code,
            AppError::NotConfigured { .. } => ErrorCode::NotConfigured,
            AppError::SkillsPathUnreachable { .. } => ErrorCode::SkillsPathUnreachable,
            AppError::ApiKeyMissing => ErrorCode::ApiKeyMissing,
            AppError::NotSupported(_) => ErrorCode::NotSupported,
            AppError::PathRejected { .. } => ErrorCode::PathRejected,
            AppError::TooLarge { .. } => ErrorCode::TooLarge,
            AppError::InvalidSkill { .. } => ErrorCode::InvalidSkill,
            AppError::InvalidArchive { .. } => ErrorCode::InvalidArchive,
            AppError::Unauthorized { .. } => ErrorCode::Unauthorized,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Upstream { .. } => ErrorCode::Upstream,
            AppError::Network { .. } => ErrorCode::Network,
            AppError::Timeout { .. } => ErrorCode::Timeout,
            AppError::Busy { .. } => ErrorCode::Busy,
            AppError::Git { .. } => ErrorCode::GitFailed,
            AppError::SecretsUnavailable { .. } => ErrorCode::SecretsUnavailable,
            AppError::Io { .. } => ErrorCode::Io,
            AppError::Database(_) => ErrorCode::Database,
            AppError::Unavailable { .. } | AppError::Internal(_) => ErrorCode::Internal,
            AppError::InvalidStepTransition { .. } => ErrorCode::InvalidStepTransition,
            AppError::StepDisabled { .. } => ErrorCode::StepDisabled,
            AppError::MissingInput { .. } => ErrorCode::MissingInput,
        }
    }

    /// What the user can do about it, where there is something to do.
    fn fix_hint(&self) -> Option<String> {
        let hint = match self {
            AppError::SkillLocked { .. } => "Close the skill in the other window, or wait for it to finish.",
            AppError::NotConfigured { what: "skills_path" } => "Choose a skills folder in Settings.",
            AppError::SkillsPathUnreachable { .. } => {
                "Connect the drive that holds it (nothing was changed), or choose another skills folder in Settings."
            }
            AppError::ApiKeyMissing => "Add your Anthropic API key in Settings, or turn on mock mode.",
            AppError::Unauthorized { service: "anthropic" } => "Check the API key in Settings.",
            AppError::Unauthorized { service: "github" } => "Sign in to GitHub again in Settings.",
            AppError::NotConfigured { what: "github_sign_in" } => "Sign in to GitHub in Settings.",
            AppError::Busy { reason: "database_busy" } => "Another Skill Builder window is writing; try again.",
            AppError::PathRejected { .. } => "Use a path inside the skill's folder.",
            AppError::Io { source, .. } if source.kind() == std::io::ErrorKind::StorageFull => {
                "Free some disk space, then try again; nothing was changed."
            }
            AppError::Network { .. } => "Check your internet connection.",
            AppError::RateLimited { service: "github", authenticated: false, .. } => {
                "Sign in to GitHub in Settings for a higher limit, or wait until the reset time."
            }
            AppError::SecretsUnavailable { .. } => "Unlock the system keyring, then try again.",
            AppError::AgentLimit { .. } => "Wait for a running agent to finish, or raise the limit in Settings.",
            AppError::Runtime { code: ErrorCode::NodeMissing | ErrorCode::NodeIncompatible, .. } => {
                "Install Node.js 18.14 or newer (up to 24), then restart Skill Builder."
            }
            AppError::Runtime { .. } => "Reinstall Skill Builder; if it persists, send feedback with the log file.",
            _ => return None,
        };
        Some(hint.to_string())
    }

    /// Machine-readable context, per code (backend.md §3.1).
    fn details(&self) -> Option<Value> {
        Some(match self {
            AppError::InvalidInput { field, reason } => json!({ "field": field, "reason": reason }),
            AppError::NotFound { kind, name } | AppError::AlreadyExists { kind, name } => {
                json!({ "kind": kind, "name": name })
            }
            AppError::Conflict { reason, .. } => json!({ "reason": reason }),
            AppError::SkillLocked { holder, .. } => json!({ "holder": holder }),
            AppError::LockRequired { .. } => json!({ "holder": null }),
            AppError::NotConfigured { what } => json!({ "missing": [what] }),
            AppError::SkillsPathUnreachable { path } => json!({ "path": path }),
            AppError::AgentBusy { agent_id } => json!({ "agentId": agent_id }),
            AppError::AgentLimit { limit } => json!({ "limit": limit }),
            AppError::SessionBusy { run_id } => json!({ "runId": run_id }),
            AppError::Runtime { reason, stderr_tail, .. } => json!({ "reason": reason, "stderrTail": stderr_tail }),
            AppError::PathRejected { reason, path } => json!({ "reason": reason, "path": path }),
            AppError::TooLarge { what, limit, actual } => {
                json!({ "what": what, "limit": limit, "actual": actual })
            }
            AppError::InvalidSkill { findings } => json!({ "findings": findings }),
            AppError::Unauthorized { service } => json!({ "service": service }),
            AppError::RateLimited { service, retry_after_secs, reset_at, authenticated } => {
                json!({ "service": service, "retryAfterSecs": retry_after_secs, "resetAt": reset_at, "authenticated": authenticated })
            }
            AppError::InvalidArchive { findings, skills, .. } if findings.is_empty() => json!({ "skills": skills }),
            AppError::InvalidArchive { findings, .. } => json!({ "findings": findings }),
            AppError::Upstream { service, status, message } => {
                json!({ "service": service, "status": status, "message": message })
            }
            AppError::Network { service, .. } => json!({ "service": service }),
            AppError::Timeout { operation, after } => {
                json!({ "operation": operation, "afterMs": after.as_millis() as u64 })
            }
            AppError::Busy { reason } => json!({ "reason": reason }),
            AppError::SecretsUnavailable { backend } => json!({ "backend": backend }),
            AppError::Git { reason, message } => json!({ "reason": reason, "gitMessage": message }),
            AppError::Io { path, source } => json!({ "path": path, "kind": source.kind().to_string() }),
            AppError::InvalidStepTransition { statuses, .. } => json!({ "statuses": statuses }),
            AppError::StepDisabled { step, reset_to, .. } => json!({ "step": step, "resetTo": reset_to }),
            _ => return None,
        })
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as Sqlite;
        match err.sqlite_error_code() {
            Some(Sqlite::DatabaseBusy | Sqlite::DatabaseLocked) => AppError::Busy { reason: "database_busy" },
            Some(Sqlite::DiskFull) => AppError::Io {
                path: "database".into(),
                source: std::io::Error::new(std::io::ErrorKind::StorageFull, "the disk is full"),
            },
            _ => AppError::Database(err.to_string()),
        }
    }
}

impl From<serde_json::Error> for AppError {
    fn from(err: serde_json::Error) -> Self {
        AppError::Internal(format!("JSON: {err}"))
    }
}

/// A libgit2 failure inside the `GitActor`; a held `index.lock` gets its own reason so callers
/// can retry (backend.md §5.5).
impl From<git2::Error> for AppError {
    fn from(err: git2::Error) -> Self {
        let reason = if err.code() == git2::ErrorCode::Locked { "locked" } else { "operation_failed" };
        AppError::Git { reason, message: err.message().to_string() }
    }
}

/// The wire form of [`AppError`]: what the UI receives and what `--json` prints.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix_hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

impl From<AppError> for CommandError {
    fn from(err: AppError) -> Self {
        CommandError { code: err.code(), message: err.to_string(), fix_hint: err.fix_hint(), details: err.details() }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error[{}]: {}", self.code.as_str(), self.message)?;
        if let Some(hint) = &self.fix_hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_error_is_camel_case_and_omits_empty_fields() {
        let wire = CommandError::from(AppError::invalid("name", "must be kebab-case"));
        let json = serde_json::to_value(&wire).unwrap();
        assert_eq!(json["code"], "invalid_input");
        assert_eq!(json["details"]["field"], "name");
        assert!(json.get("fixHint").is_none());
    }

    #[test]
    fn codes_serialise_as_their_stable_spelling() {
        for code in [ErrorCode::InvalidInput, ErrorCode::SkillLocked, ErrorCode::GitFailed, ErrorCode::TooLarge] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
