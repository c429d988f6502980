//! The validator as commands (skill-format §2): the rule catalogue the UI shows beside
//! findings, and validating a skill folder with the content scan, as `skill validate` does.

use std::path::PathBuf;

use crate::protocol::AppError;
use crate::protocol::validation::{Profile, RuleInfo, ValidationReport};
use crate::skill::{rules, security, validate};

/// Every rule of the catalogue, sorted by id.
pub fn validation_rules() -> Vec<RuleInfo> {
    rules::RULES.iter().map(rules::Rule::info).collect()
}

/// Validates the skill folder `dir` against `profile` and runs the security gate over it
/// (SB35x findings follow the validator's), on the blocking pool.
pub async fn validate_skill_dir(dir: PathBuf, profile: Profile) -> Result<ValidationReport, AppError> {
    super::blocking(move || validate_and_scan(&dir, profile)).await
}

/// The blocking body of [`validate_skill_dir`], for callers already off the async workers.
pub fn validate_and_scan(dir: &std::path::Path, profile: Profile) -> Result<ValidationReport, AppError> {
    let mut report = validate::validate_dir(dir, profile)?;
    report.findings.extend(security::scan_dir(dir)?);
    Ok(report)
}
