//! Refine session DTOs (agents-and-workflow.md §7.1, backend.md §3.12).

use serde::{Deserialize, Serialize};
use specta::Type;

use super::git::FileChangeKind;

/// `start_refine_session`: the session, the commit its diff is taken against, and the files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RefineSessionInfo {
    pub session_id: String,
    pub skill_name: String,
    /// `None` only when git is off for the skills folder (then diffs have no session baseline).
    pub baseline_commit: Option<String>,
    pub files: Vec<String>,
}

/// What a refine turn asks of the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RefineCommand {
    #[default]
    Refine,
    Rewrite,
    Validate,
}

impl RefineCommand {
    pub fn as_str(self) -> &'static str {
        match self {
            RefineCommand::Refine => "refine",
            RefineCommand::Rewrite => "rewrite",
            RefineCommand::Validate => "validate",
        }
    }
}

/// `get_refine_diff` scope: since the session's baseline, or since the last turn began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DiffScope {
    Session,
    LastTurn,
}

/// One line of a hunk: `op` is `equal`, `insert` or `delete`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DiffLine {
    pub op: String,
    pub text: String,
}

/// A group of changes with up to 3 lines of context, 1-based line numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DiffHunk {
    pub old_start: u32,
    pub new_start: u32,
    pub lines: Vec<DiffLine>,
}

/// One changed file, relative to the skill folder. Binary files are listed without a patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RefineFileDiff {
    pub path: String,
    pub status: FileChangeKind,
    pub binary: bool,
    pub patch: String,
    pub hunks: Vec<DiffHunk>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DiffStat {
    pub files: u32,
    pub insertions: u32,
    pub deletions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RefineDiff {
    pub base_sha: Option<String>,
    pub stat: DiffStat,
    pub files: Vec<RefineFileDiff>,
}

/// `close_refine_session`: the commit that saved (or, on discard, restored) the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CloseRefineReport {
    pub commit_sha: Option<String>,
    /// Discard only: the commit holding the discarded edits.
    pub discarded_sha: Option<String>,
}

/// One file of `get_skill_content_for_refine`; files over 5 MB come without content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillFileContent {
    pub path: String,
    pub content: Option<String>,
    #[specta(type = f64)]
    pub bytes: u64,
}
