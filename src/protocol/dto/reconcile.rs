//! Workspace & Reconciliation DTOs (backend.md §3.11, §4): the report that compares the skills
//! folder with the database, the actions the user can choose, and `clear_workspace`'s report.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::skills::SkillSource;

/// Whether a reconciliation pass ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Completed,
    /// The skills folder is not configured or not reachable; nothing was compared.
    Skipped,
}

/// Why a library row does not match its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum OrphanKind {
    /// The skill's folder is gone.
    FolderMissing,
    /// The database says steps are completed whose outputs are missing or invalid on disk.
    OutputsMissing,
    /// A marketplace or imported skill whose folder exists but has no `SKILL.md`.
    SkillMdMissing,
}

/// What `resolve_orphan` can do (backend.md §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum OrphanAction {
    /// Dismiss for this run; reported again next time if still true.
    Keep,
    /// Set the workflow statuses from what is on disk. Touches no file.
    ResetToDetected,
    /// Write the stored artifact snapshots of missing files back; never overwrites a file.
    RestoreArtifacts,
    /// Marketplace only: download the recorded commit again.
    Reimport,
    /// Forget the skill; its files (if any) stay.
    DeleteRecord,
    /// Checkpoint, then delete the row, the skill folder and its workspace scratch folder.
    DeleteAll,
}

/// A library row without a matching folder (or without the outputs it claims).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Orphan {
    pub skill_name: String,
    pub source: SkillSource,
    pub kind: OrphanKind,
    /// Skill-relative paths that are missing or invalid.
    pub missing: Vec<String>,
    /// The highest workflow step whose outputs are complete on disk.
    pub detected_step: Option<u8>,
    /// Stored artifact snapshots exist for at least one missing file.
    pub restorable: bool,
    pub actions: Vec<OrphanAction>,
}

/// How a folder without a library row looks (backend.md §4.2 pass 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DiscoveryKind {
    /// `SKILL.md` plus valid research and decisions artifacts: built by Skill Builder.
    Built,
    /// `SKILL.md` without them (e.g. written by hand or by another tool).
    Imported,
    /// Workflow artifacts without a `SKILL.md`.
    PartialBuild,
    /// The folder name is not a valid skill name.
    InvalidName,
    /// Files, but neither a `SKILL.md` nor workflow artifacts.
    Unrecognized,
}

/// What `resolve_discovered` can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DiscoveryAction {
    /// Add the folder to the library and commit it.
    Register,
    /// Add the folder to the ignore list; it is not reported again.
    Ignore,
    /// Checkpoint, then remove the folder.
    Delete,
}

/// The library a discovered folder is registered into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum RegisterAs {
    #[serde(rename = "skill-builder")]
    SkillBuilder,
    #[serde(rename = "imported")]
    Imported,
}

/// A top-level folder of the skills folder that no library row claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Discovery {
    pub folder: String,
    pub kind: DiscoveryKind,
    pub detected_step: Option<u8>,
    /// `name:` of the SKILL.md frontmatter, when there is one.
    pub frontmatter_name: Option<String>,
    pub warnings: Vec<String>,
    pub actions: Vec<DiscoveryAction>,
}

/// A refine session of a dead instance whose folder differs from its baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UnsavedRefineSession {
    pub session_id: String,
    pub skill_name: String,
    pub changed_files: Vec<String>,
}

/// A rendered Markdown view edited outside the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EditedView {
    pub skill_name: String,
    pub path: String,
}

/// The result of a reconciliation pass (backend.md §4.5), also the `reconciliation-finished` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationReport {
    pub status: ReportStatus,
    pub reason: Option<String>,
    pub ran_at: String,
    pub orphans: Vec<Orphan>,
    pub discoveries: Vec<Discovery>,
    pub unsaved_refine_sessions: Vec<UnsavedRefineSession>,
    pub edited_views: Vec<EditedView>,
    /// Things changed automatically or worth knowing (steps advanced, partial outputs kept…).
    pub notifications: Vec<String>,
    /// Skills whose workflow state was advanced to match the files on disk.
    pub auto_fixed: u32,
    /// Empty leftovers removed: rows with no folder and no progress, empty folder trees.
    pub auto_cleaned: u32,
    /// Skills skipped because another live instance has them open.
    pub skipped_in_use: Vec<String>,
    pub reclaimed_locks: u32,
    /// Transcripts older than the retention period removed before this pass.
    pub pruned_transcripts: u32,
}

impl ReconciliationReport {
    /// A report for a pass that could not run.
    pub fn skipped(reason: impl Into<String>, ran_at: String) -> Self {
        ReconciliationReport {
            status: ReportStatus::Skipped,
            reason: Some(reason.into()),
            ran_at,
            orphans: Vec::new(),
            discoveries: Vec::new(),
            unsaved_refine_sessions: Vec::new(),
            edited_views: Vec::new(),
            notifications: Vec::new(),
            auto_fixed: 0,
            auto_cleaned: 0,
            skipped_in_use: Vec::new(),
            reclaimed_locks: 0,
            pruned_transcripts: 0,
        }
    }
}

/// `clear_workspace`: what was rewritten, removed and deliberately kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClearWorkspaceReport {
    pub updated: Vec<String>,
    pub removed: Vec<String>,
    pub kept: Vec<String>,
}
