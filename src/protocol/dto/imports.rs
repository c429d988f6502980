//! Imported & Marketplace and GitHub import DTOs (backend.md §3.8, §3.9): the Settings → Skills
//! registry, previews of an import, GitHub repositories and per-item import reports.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::skills::Registry;
use crate::protocol::error::CommandError;
use crate::protocol::validation::{Finding, FixProposal};

/// A skill in one of the two registries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillTarget {
    pub registry: Registry,
    pub name: String,
}

/// How a Settings → Skills entry arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum WorkspaceOrigin {
    Github,
    Upload,
    Bundled,
}

impl WorkspaceOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkspaceOrigin::Github => "github",
            WorkspaceOrigin::Upload => "upload",
            WorkspaceOrigin::Bundled => "bundled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "github" => Some(WorkspaceOrigin::Github),
            "upload" => Some(WorkspaceOrigin::Upload),
            "bundled" => Some(WorkspaceOrigin::Bundled),
            _ => None,
        }
    }
}

/// One row of Settings → Skills (`workspace_skills`), hydrated from disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSkill {
    pub name: String,
    pub origin: WorkspaceOrigin,
    pub is_active: bool,
    pub domain: Option<String>,
    pub skill_type: Option<String>,
    pub description: Option<String>,
    pub version: Option<String>,
    pub model: Option<String>,
    pub argument_hint: Option<String>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
    pub source_repo: Option<String>,
    pub source_ref: Option<String>,
    pub source_commit: Option<String>,
    pub source_path: Option<String>,
    pub upload_file_name: Option<String>,
    pub content_sha256: String,
    pub imported_at: String,
    pub updated_at: String,
    /// The row exists but its folder does not (filled by `list_workspace_skills`).
    pub missing_on_disk: bool,
}

/// A skill's SKILL.md and its parsed front-matter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillContent {
    pub markdown: String,
    /// The front-matter as JSON (empty object when it cannot be parsed).
    #[specta(type = serde_json::Map<String, serde_json::Value>)]
    pub frontmatter: serde_json::Value,
    pub path: String,
}

/// What to do when the imported skill's name is taken (`SB320`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ConflictChoice {
    /// Keep the installed skill; import nothing.
    Skip,
    /// Import under the first free `<name>-N`.
    Rename,
    /// Replace the installed skill's folder and row.
    Replace,
}

/// The name an import would take is already used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportConflict {
    pub existing: String,
    /// The name `rename` would use.
    pub rename_to: String,
    pub choices: Vec<ConflictChoice>,
}

/// What an import would do, before anything is written (skill-format §3.2 step 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    /// The skill's name (front-matter `name`, else its folder).
    pub name: String,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub skill_type: Option<String>,
    /// Archive, validation and content-scan findings; `block` ones stop the import.
    pub findings: Vec<Finding>,
    /// Repairs the import applies or offers (`fix` and `opt` findings).
    pub fixes: Vec<FixProposal>,
    /// False when a finding blocks the import.
    pub importable: bool,
    pub conflict: Option<ImportConflict>,
    /// SHA-256 over the sorted `(path, bytes)` of the skill as it arrived, before fixes.
    pub content_sha256: String,
}

/// Where an upload or folder import goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UploadOptions {
    /// The skill folder to take from an archive holding several.
    pub folder: Option<String>,
    /// What to do when the name is taken; without one a taken name is `already_exists`.
    pub on_conflict: Option<ConflictChoice>,
}

/// A GitHub repository, optionally narrowed to a ref and a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GitHubRepoRef {
    pub owner: String,
    pub repo: String,
    /// Absent: the default branch.
    pub git_ref: Option<String>,
    pub subpath: Option<String>,
}

/// `check_marketplace_url`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RepoCheck {
    pub owner: String,
    pub repo: String,
    pub default_branch: String,
    pub private: bool,
}

/// One skill found in a repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AvailableSkill {
    /// The skill folder in the repository (`""` for the root).
    pub path: String,
    pub name: String,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub skill_type: Option<String>,
    pub importable: bool,
    pub problems: Vec<Finding>,
    /// A skill of that name is installed in either registry.
    pub installed: bool,
}

/// One item an import could not bring in.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportFailure {
    pub path: String,
    pub error: CommandError,
}

/// `import_github_skills`' answer: per item, never one joined error.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub imported: Vec<WorkspaceSkill>,
    pub failed: Vec<ImportFailure>,
}

/// What happened to one marketplace skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    Imported,
    Updated,
    Skipped,
    Failed,
}

/// One item of `import_marketplace_to_library`.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MarketplaceImportResult {
    pub path: String,
    pub skill_name: Option<String>,
    pub outcome: ImportOutcome,
    pub error: Option<CommandError>,
}
