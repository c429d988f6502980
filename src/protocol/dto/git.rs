//! Git History DTOs (backend.md §3.13, §6): commits of one skill, the diff between two of its
//! states, the report of a restore, and the state of the skills folder's repository.

use serde::{Deserialize, Serialize};
use specta::Type;

/// One commit that touched a skill's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillCommit {
    pub sha: String,
    /// The first 8 hex digits, as commit messages quote them.
    pub short_sha: String,
    pub summary: String,
    /// The message after its summary line, trailers included.
    pub body: String,
    pub author_name: String,
    pub author_email: String,
    /// Commit time, RFC 3339 UTC with milliseconds.
    pub timestamp: String,
    /// The `Skill-Builder-Event` trailer of automatic commits (`created`, `deleted`, …).
    pub event: Option<String>,
}

/// How a file changed between the two sides of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FileChangeKind {
    Added,
    Modified,
    Deleted,
    Renamed,
}

/// One file of a [`SkillDiff`]. Paths are relative to the skill folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FileDiff {
    pub path: String,
    pub old_path: Option<String>,
    pub status: FileChangeKind,
    pub binary: bool,
    pub additions: u32,
    pub deletions: u32,
    /// Unified diff text of this file; `None` for binary or truncated files.
    pub patch: Option<String>,
    /// UTF-8 text of each side, at most 1 MB; `None` for binary files or an absent side.
    pub old_content: Option<String>,
    pub new_content: Option<String>,
    /// A side was over 1 MB: its content is cut and no patch is given.
    pub truncated: bool,
}

/// Totals over every file of a diff.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DiffStats {
    pub files_changed: u32,
    pub additions: u32,
    pub deletions: u32,
}

/// `get_skill_diff`: one skill's folder between two commits, or a commit and the working tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillDiff {
    pub from_sha: String,
    /// `None` when the right side is the working tree (untracked files included).
    pub to_sha: Option<String>,
    pub files: Vec<FileDiff>,
    pub stats: DiffStats,
}

/// `restore_skill_version`: the checkpoint that makes the restore undoable, and the new commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    /// The commit holding the state before the restore (`None` if the folder was never committed).
    pub checkpoint_sha: Option<String>,
    pub restored_from: String,
    /// `None` when the folder already matched the target.
    pub commit_sha: Option<String>,
}

/// Whether the skills folder's repository can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum GitReadiness {
    Ready,
    Disabled,
}

/// Why git is disabled (backend.md §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum GitDisabledReason {
    NotConfigured,
    InsideOtherRepo,
    OpenFailed,
    UserDisabled,
}

/// The repository state shown in Settings and the startup checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GitStatus {
    pub state: GitReadiness,
    pub reason: Option<GitDisabledReason>,
    /// A human explanation of a disabled state (the libgit2 message for `open_failed`).
    pub message: Option<String>,
    /// Set while a merge, rebase, cherry-pick… is in progress or HEAD is detached; automatic
    /// commits are skipped until the user finishes it. History and diff still work.
    pub repo_state: Option<String>,
    /// The repository's work tree (the skills folder).
    pub path: Option<String>,
    /// The last automatic commit that was skipped or failed, for the UI to show.
    pub notice: Option<String>,
}

impl GitStatus {
    pub fn disabled(reason: GitDisabledReason, message: impl Into<String>) -> Self {
        GitStatus {
            state: GitReadiness::Disabled,
            reason: Some(reason),
            message: Some(message.into()),
            repo_state: None,
            path: None,
            notice: None,
        }
    }
}
