//! The copy of the database taken before a migration changes it (backend.md §2.5): written
//! with `VACUUM INTO` into a file created 0600 (it holds the fallback store's secrets too), and
//! only the newest three copies kept.

use std::path::Path;

use rusqlite::Connection;

use crate::protocol::AppError;

/// Copies the database with `VACUUM INTO` and keeps the newest three copies.
pub(super) fn backup(conn: &Connection, dir: &Path, from: i64, now: &str) -> Result<std::path::PathBuf, AppError> {
    std::fs::create_dir_all(dir).map_err(|e| AppError::io(dir, e))?;
    let stamp: String = now.chars().filter(char::is_ascii_alphanumeric).collect();
    let target = dir.join(format!("skill-builder-v{from}-{stamp}.db"));
    // The copy holds everything the database does, secrets of the fallback store included, so
    // it is created 0600 before SQLite fills it (`VACUUM INTO` accepts an empty file).
    create_private(&target)?;
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
    let mut copies: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| AppError::io(dir, e))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "db"))
        .collect();
    for copy in &copies {
        // Copies written by earlier versions were 0644.
        make_private(copy);
    }
    copies.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    let excess = copies.len().saturating_sub(3);
    for old in copies.into_iter().take(excess) {
        // A backup that cannot be removed only costs disk space; migrating matters more.
        if let Err(err) = std::fs::remove_file(&old) {
            tracing::warn!(path = %old.display(), %err, "could not prune an old database backup");
        }
    }
    Ok(target)
}

#[cfg(unix)]
fn create_private(path: &Path) -> Result<(), AppError> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| AppError::io(path, e))?;
    Ok(())
}

#[cfg(not(unix))]
fn create_private(_path: &Path) -> Result<(), AppError> {
    Ok(())
}

#[cfg(unix)]
fn make_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Err(err) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
        tracing::warn!(path = %path.display(), %err, "could not make a database backup private");
    }
}

#[cfg(not(unix))]
fn make_private(_path: &Path) {}
