//! The skill validator's entry point (skill-format §2). The rule catalogue is being built; until
//! it lands this checks only what every caller relies on: that the folder has a `SKILL.md`.

use std::path::Path;

use crate::protocol::AppError;
use crate::protocol::validation::{Finding, Profile, Severity, ValidationReport};

/// Validates the skill folder `dir` against `profile`, reading only inside `dir`.
pub fn validate_dir(dir: &Path, profile: Profile) -> Result<ValidationReport, AppError> {
    let mut findings = Vec::new();
    if !dir.join("SKILL.md").is_file() {
        findings.push(Finding {
            rule: "SB001".into(),
            severity: Severity::Error,
            message: "No `SKILL.md` at the skill root.".into(),
            path: None,
            line: None,
            col: None,
            fix: None,
        });
    }
    Ok(ValidationReport { profile, findings })
}
