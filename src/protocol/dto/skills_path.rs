//! Changing the skills folder (backend.md §6.6): the patch form, the progress event and the report.

use serde::{Deserialize, Serialize};
use specta::Type;

/// How `save_settings` moves to a new skills folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SkillsPathMode {
    /// Switch to an existing folder (empty or already holding skills); nothing is copied.
    #[default]
    Adopt,
    /// Copy the whole current folder (history included) into a missing or empty target,
    /// verify every file, commit there, then switch. The old folder is left untouched.
    Copy,
}

/// `skillsPath` in a settings patch: a bare path (adopt) or `{path, mode}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(untagged)]
pub enum SkillsPathUpdate {
    Path(String),
    Change {
        path: String,
        #[serde(default)]
        mode: SkillsPathMode,
    },
}

impl SkillsPathUpdate {
    pub fn path(&self) -> &str {
        match self {
            SkillsPathUpdate::Path(path) | SkillsPathUpdate::Change { path, .. } => path,
        }
    }

    pub fn mode(&self) -> SkillsPathMode {
        match self {
            SkillsPathUpdate::Path(_) => SkillsPathMode::Adopt,
            SkillsPathUpdate::Change { mode, .. } => *mode,
        }
    }
}

/// Phases of a copy, for the `skills-path-migration` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MigrationPhase {
    Copying,
    Verifying,
    Switching,
}

/// What a skills-folder change did; the old folder is named so the UI can offer to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillsPathMigration {
    pub mode: SkillsPathMode,
    pub from: Option<String>,
    pub to: String,
    pub files_copied: u32,
    /// The commit recording the move in the new folder's history.
    pub commit_sha: Option<String>,
}
