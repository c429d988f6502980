//! Export options and results (skill-format.md §3.1, backend.md §3.8 `export_skill`).

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::protocol::validation::{Finding, Profile};

/// What the export produces: a `.skill` or `.zip` archive (identical bytes), or a folder
/// installed into a skills directory (`~/.claude/skills`, `.agents/skills`, …).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "kebab-case")]
pub enum ExportContainer {
    #[default]
    Skill,
    Zip,
    Folder,
}

/// Export options; every field has the spec's default (the first choice of §3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ExportOptions {
    pub profile: Profile,
    pub container: ExportContainer,
    /// Package `evals/` too.
    pub include_evals: bool,
    /// Remove the `metadata.skill-builder.*` projection.
    pub strip_builder_metadata: bool,
    /// Drop, rather than lift into `metadata.claude-code.*`, the keys the profile does not allow.
    pub drop_non_portable_keys: bool,
    /// `plugin`: bump the patch version when the content changed since the version was last
    /// exported; off, such an export fails with `SB409`.
    pub bump_version: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            profile: Profile::ClaudeCode,
            container: ExportContainer::Skill,
            include_evals: false,
            strip_builder_metadata: false,
            drop_non_portable_keys: false,
            bump_version: true,
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    /// The archive, or the installed folder.
    pub path: String,
    /// Archive size, or the installed files' total size.
    pub size_bytes: u64,
    /// SHA-256 of the archive, or the content hash of the installed folder (sorted paths and bytes).
    pub sha256: String,
    /// Warnings and notes of the profile's validation and the security scan (errors block).
    pub findings: Vec<Finding>,
    /// Front-matter keys moved into `metadata` (e.g. `model` → `metadata.claude-code.model`).
    pub lifted: Vec<String>,
    /// Front-matter keys left out of the export.
    pub dropped: Vec<String>,
    /// `plugin`: the version written to `plugin.json`, and the one it was bumped from.
    pub plugin_version: Option<String>,
    pub bumped_from: Option<String>,
}
