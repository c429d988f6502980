//! The security gate (skill-format §2.4, SB350–SB356) run on import and export. The scanners are
//! being built; until they land the gate reports nothing.

use std::path::Path;

use crate::protocol::AppError;
use crate::protocol::validation::Finding;

/// Scans every file under `dir` and returns the security findings.
pub fn scan_dir(_dir: &Path) -> Result<Vec<Finding>, AppError> {
    Ok(Vec::new())
}
