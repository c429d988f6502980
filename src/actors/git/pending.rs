//! Skills whose automatic commit could not be made, kept in `<git dir>/skill-builder-pending`
//! (one top-level name a line) so no change is dropped: reconciliation's commit of outside
//! changes (pass 3) includes them, deleted folders too, and the status notice names them until
//! they are committed. The file lives with the repository, so every instance sees it.
//!
//! Names are appended (`O_APPEND`, safe without the repository lock); the file is rewritten only
//! by a holder of the repository lock, after a commit settled some names.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use crate::protocol::AppError;

const PENDING_FILE: &str = "skill-builder-pending";

/// The pending names; none when the file is missing or unreadable.
pub fn read(git_dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(git_dir.join(PENDING_FILE))
        .map(|text| text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Adds `names` to the pending list.
pub fn add(git_dir: &Path, names: &[String]) -> Result<(), AppError> {
    let path = git_dir.join(PENDING_FILE);
    let mut file =
        std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(|e| AppError::io(&path, e))?;
    let text: String = names.iter().map(|n| format!("{n}\n")).collect();
    file.write_all(text.as_bytes()).map_err(|e| AppError::io(&path, e))
}

/// Removes `names` (now committed, or unchanged since HEAD holds them). Call with the
/// repository lock held.
pub fn settle(git_dir: &Path, names: &[String]) -> Result<(), AppError> {
    let path = git_dir.join(PENDING_FILE);
    if !path.exists() {
        return Ok(());
    }
    let before = read(git_dir);
    let after: BTreeSet<&String> = before.iter().filter(|n| !names.contains(n)).collect();
    if after.len() == before.len() {
        return Ok(());
    }
    if after.is_empty() {
        return std::fs::remove_file(&path).map_err(|e| AppError::io(&path, e));
    }
    let text: String = after.iter().map(|n| format!("{n}\n")).collect();
    crate::atomic::write_atomic(&path, text.as_bytes())
}

/// The status notice for pending names, if any.
pub fn notice(pending: &BTreeSet<String>) -> Option<String> {
    if pending.is_empty() {
        return None;
    }
    let mut listed: Vec<&str> = pending.iter().take(10).map(String::as_str).collect();
    let more = pending.len().saturating_sub(listed.len());
    let extra = if more > 0 { format!(" and {more} more") } else { String::new() };
    listed.sort_unstable();
    Some(format!("Changes to {}{extra} are not committed yet; the next reconciliation commits them", listed.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_added_settled_and_the_file_goes_when_empty() {
        let dir = tempfile::tempdir().unwrap();
        add(dir.path(), &["a".into(), "b".into()]).unwrap();
        add(dir.path(), &["a".into()]).unwrap();
        assert_eq!(read(dir.path()), BTreeSet::from(["a".to_string(), "b".to_string()]));
        assert!(notice(&read(dir.path())).unwrap().contains("a, b"));
        settle(dir.path(), &["a".into()]).unwrap();
        assert_eq!(read(dir.path()), BTreeSet::from(["b".to_string()]));
        settle(dir.path(), &["b".into()]).unwrap();
        assert!(!dir.path().join(PENDING_FILE).exists());
        assert_eq!(notice(&read(dir.path())), None);
    }
}
