//! The validation vocabulary (skill-format §2) shared by the validator, import, export, the CLI
//! and the UI: a finding names a rule id from the catalogue, where it was found and, when the
//! builder can repair it, the proposed fix.

use serde::{Deserialize, Serialize};

/// How bad a finding is in the profile it was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// What an import does about a finding (skill-format §2: block, fix, opt, keep).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ImportAction {
    Block,
    Fix,
    Optional,
    Keep,
}

/// The target a skill is checked against; `Library` is what the app itself stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    Library,
    Spec,
    ClaudeAi,
    ClaudeCode,
    Codex,
    Plugin,
}

/// A repair the builder can apply, shown to the user as a diff before it is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FixProposal {
    pub summary: String,
    /// Unified diff of the file the fix changes, when it changes one.
    pub diff: Option<String>,
}

/// One rule that a skill breaks, located as precisely as the rule allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// The catalogue id, e.g. `"SB104"`; never renumbered or reused.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// Path relative to the skill root, `/`-separated.
    pub path: Option<String>,
    pub line: Option<u32>,
    pub col: Option<u32>,
    pub fix: Option<FixProposal>,
}

/// Every finding for one skill folder in one profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    pub profile: Profile,
    pub findings: Vec<Finding>,
}

impl ValidationReport {
    /// Any error in the chosen profile blocks export and publish.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// One rule of the catalogue (`skill::rules::RULES`) as the UI gets it: the severity outside
/// the profiles listed in `errorIn`, where it is an error (`E*` in skill-format §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RuleInfo {
    pub id: String,
    pub severity: Severity,
    pub error_in: Vec<Profile>,
    pub import: ImportAction,
    /// The message template; `{placeholders}` are filled per finding.
    pub message: String,
}
