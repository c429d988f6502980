//! Skills Library DTOs: listing, creation, metadata, tags and locks.

use serde::{Deserialize, Deserializer, Serialize};
use specta::Type;

use crate::protocol::error::LockHolder;

/// Where a Skills Library skill came from; spelled as the seed spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum SkillSource {
    #[serde(rename = "skill-builder")]
    SkillBuilder,
    #[serde(rename = "marketplace")]
    Marketplace,
    #[serde(rename = "imported")]
    Imported,
}

impl SkillSource {
    pub fn as_str(self) -> &'static str {
        match self {
            SkillSource::SkillBuilder => "skill-builder",
            SkillSource::Marketplace => "marketplace",
            SkillSource::Imported => "imported",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [SkillSource::SkillBuilder, SkillSource::Marketplace, SkillSource::Imported]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// Overall state of a skill-builder skill's workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowStatus {
    Pending,
    InProgress,
    Completed,
}

impl WorkflowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowStatus::Pending => "pending",
            WorkflowStatus::InProgress => "in_progress",
            WorkflowStatus::Completed => "completed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [WorkflowStatus::Pending, WorkflowStatus::InProgress, WorkflowStatus::Completed]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// Narrows `list_skills`; every field is optional and they combine with AND.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct SkillFilter {
    pub source: Option<SkillSource>,
    pub status: Option<WorkflowStatus>,
    pub tag: Option<String>,
    /// Case-insensitive substring of the name, domain or description.
    pub search: Option<String>,
    /// Order of the list; most recently updated first by default.
    pub sort: Option<SkillSort>,
}

/// How `list_skills` orders its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SkillSort {
    #[default]
    RecentlyUpdated,
    Name,
    RecentlyCreated,
}

/// Workflow progress shown on a library card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowProgress {
    pub current_step: u8,
    pub status: WorkflowStatus,
}

/// Marketplace facts shown on a library card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MarketplaceInfo {
    pub is_active: bool,
    pub source_repo: String,
}

/// Who holds a skill's lock, from this instance's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LockState {
    Free,
    Mine,
    Other,
}

/// The lock of one skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LockStatus {
    pub state: LockState,
    pub holder: Option<LockHolder>,
}

/// One Skills Library entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillSummary {
    pub name: String,
    pub source: SkillSource,
    pub domain: Option<String>,
    pub skill_type: String,
    pub description: Option<String>,
    /// Sorted, lowercase.
    pub tags: Vec<String>,
    pub workflow: Option<WorkflowProgress>,
    pub marketplace: Option<MarketplaceInfo>,
    pub lock: LockStatus,
    pub created_at: String,
    pub updated_at: String,
}

/// `create_skill`: only the name is required; everything else can be filled in later.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateSkillRequest {
    pub name: String,
    pub domain: Option<String>,
    pub skill_type: Option<String>,
    pub tags: Option<Vec<String>>,
    pub description: Option<String>,
    /// Answers of the intake form: known string keys only.
    pub intake: Option<serde_json::Map<String, serde_json::Value>>,
    pub version: Option<String>,
    pub model: Option<String>,
    pub argument_hint: Option<String>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
}

/// What `delete_skill` removed, and where its content can be found again: the git checkpoint
/// commit, or the safety copy in the app's trash when git could not keep it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DeleteSkillReport {
    pub checkpoint_sha: Option<String>,
    pub trash_path: Option<String>,
    pub removed: Vec<String>,
}

/// A field of a patch: absent keeps the value, `null` clears it, a value sets it.
pub type Patch<T> = Option<Option<T>>;

/// Deserialises a [`Patch`] so that an explicit `null` is `Some(None)`.
pub(crate) fn patch_field<'de, D: Deserializer<'de>, T: Deserialize<'de>>(de: D) -> Result<Patch<T>, D::Error> {
    Option::<T>::deserialize(de).map(Some)
}

/// `update_skill_metadata`: a tri-state patch. Unknown and read-only keys (`name`: use
/// `rename_skill`; `tags`: `update_skill_tags`) are refused.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SkillMetadataPatch {
    #[serde(deserialize_with = "patch_field")]
    #[specta(type = Option<String>)]
    pub domain: Patch<String>,
    #[serde(deserialize_with = "patch_field")]
    #[specta(type = Option<String>)]
    pub skill_type: Patch<String>,
    #[serde(deserialize_with = "patch_field")]
    #[specta(type = Option<String>)]
    pub description: Patch<String>,
    #[serde(deserialize_with = "patch_field")]
    #[specta(type = Option<String>)]
    pub display_name: Patch<String>,
    #[serde(deserialize_with = "patch_field")]
    #[specta(type = Option<String>)]
    pub version: Patch<String>,
    #[serde(deserialize_with = "patch_field")]
    #[specta(type = Option<String>)]
    pub model: Patch<String>,
    #[serde(deserialize_with = "patch_field")]
    #[specta(type = Option<String>)]
    pub argument_hint: Patch<String>,
    #[serde(deserialize_with = "patch_field")]
    #[specta(type = Option<bool>)]
    pub user_invocable: Patch<bool>,
    #[serde(deserialize_with = "patch_field")]
    #[specta(type = Option<bool>)]
    pub disable_model_invocation: Patch<bool>,
    #[serde(deserialize_with = "patch_field")]
    #[specta(type = Option<serde_json::Map<String, serde_json::Value>>)]
    pub intake: Patch<serde_json::Map<String, serde_json::Value>>,
}

/// Which registry an installed name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Registry {
    Library,
    Workspace,
}

/// One entry of `get_installed_skill_names`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InstalledSkillName {
    pub name: String,
    pub registry: Registry,
}

/// Why a skill is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LockPurpose {
    Workflow,
    Refine,
    Test,
    Edit,
}

impl LockPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LockPurpose::Workflow => "workflow",
            LockPurpose::Refine => "refine",
            LockPurpose::Test => "test",
            LockPurpose::Edit => "edit",
        }
    }
}

/// One held lock, as `acquire_lock` and `get_locked_skills` return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillLockInfo {
    pub skill_name: String,
    pub instance_id: String,
    pub pid: u32,
    pub purpose: String,
    pub acquired_at: String,
    pub mine: bool,
}
