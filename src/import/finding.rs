//! Building import findings and the errors they become (backend.md §10.1): `SB3xx` blocks are
//! `invalid_archive{findings}`, other blocks `invalid_skill{findings}`.

use crate::protocol::AppError;
use crate::protocol::validation::{Finding, Severity};

/// Rules whose import action is `block` (skill-format §2). Until the catalogue's `RULES` table
/// lands this list is the import's copy of that column.
const BLOCKING: &[&str] = &[
    "SB001", "SB003", "SB008", "SB010", "SB015", "SB017", "SB204", "SB301", "SB302", "SB303", "SB304", "SB305",
    "SB306", "SB307", "SB308", "SB309", "SB310", "SB311", "SB312", "SB314", "SB315", "SB316", "SB501", "SB502",
    "SB503", "SB504", "SB512", "SB513",
];

/// Whether the finding stops an import.
pub fn blocks(finding: &Finding) -> bool {
    BLOCKING.contains(&finding.rule.as_str())
}

/// A blocking error finding about `path`.
pub fn block(rule: &str, message: String, path: &str) -> Finding {
    note(rule, Severity::Error, message, Some(path))
}

/// Any finding.
pub fn note(rule: &str, severity: Severity, message: String, path: Option<&str>) -> Finding {
    Finding {
        rule: rule.into(),
        severity,
        message,
        path: path.map(|p| p.chars().take(300).collect()),
        line: None,
        col: None,
        fix: None,
    }
}

/// The error an archive finding becomes.
pub fn archive_error(finding: Finding) -> AppError {
    AppError::InvalidArchive { message: finding.message.clone(), findings: vec![finding], skills: Vec::new() }
}

/// The error for blocking findings: `invalid_archive` when any is an `SB3xx`, else `invalid_skill`.
pub fn blocked(findings: Vec<Finding>) -> AppError {
    let mut blocking: Vec<Finding> = findings.iter().filter(|f| blocks(f)).cloned().collect();
    if blocking.is_empty() {
        blocking = findings.into_iter().filter(|f| f.severity == Severity::Error).collect();
    }
    if blocking.iter().any(|f| f.rule.starts_with("SB3")) {
        let message = blocking.first().map(|f| format!("{}: {}", f.rule, f.message)).unwrap_or_default();
        AppError::InvalidArchive { message, findings: blocking, skills: Vec::new() }
    } else {
        AppError::InvalidSkill { findings: blocking }
    }
}
