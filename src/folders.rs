//! Folder operations shared by the commands and the reconciler: removing a skill folder only
//! after its content is safe (a git checkpoint, or a copy in the app's trash), moves that work
//! across file systems, symlink-preserving copies, and the cleanup of empty folder trees.

use std::path::{Path, PathBuf};

use crate::actors::git::{CommitOutcome, GitHandle};
use crate::protocol::AppError;

/// Where the content of a removed folder can be found again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removal {
    /// The commit holding the folder's last state.
    pub checkpoint_sha: Option<String>,
    /// The safety copy in the app's trash, when git could not (or could not fully) keep it.
    pub trash_path: Option<PathBuf>,
}

/// Removes `skills_root/<folder>` after a checkpoint commit (`<folder>: checkpoint before
/// <operation>`). When git cannot commit (disabled, switched off, mid-merge) or the folder holds
/// ignored files the commit leaves out, the folder is moved to `trash_root/<folder>-<stamp>`
/// instead. A checkpoint that fails aborts before anything is deleted.
pub async fn remove_safely(
    git: &GitHandle,
    skills_root: &Path,
    folder: &str,
    operation: &str,
    trash_root: &Path,
    stamp: &str,
) -> Result<Removal, AppError> {
    let path = skills_root.join(folder);
    if path.symlink_metadata().is_err() {
        return Ok(Removal::default());
    }
    let outcome = git.checkpoint(folder, operation).await?;
    let mut removal = Removal { checkpoint_sha: outcome.sha().map(str::to_string), trash_path: None };
    let keep_copy =
        matches!(outcome, CommitOutcome::Skipped { .. }) || outcome.ignored() > 0 || removal.checkpoint_sha.is_none();
    if keep_copy {
        let trash = trash_root.join(format!("{folder}-{stamp}"));
        let (from, to) = (path.clone(), trash.clone());
        blocking(move || move_dir(&from, &to)).await?;
        removal.trash_path = Some(trash);
    } else {
        let target = path.clone();
        blocking(move || std::fs::remove_dir_all(&target).map_err(|e| AppError::io(&target, e))).await?;
    }
    Ok(removal)
}

/// A timestamp usable in a file name: the digits of an RFC 3339 time.
pub fn stamp(now: &str) -> String {
    now.chars().filter(char::is_ascii_alphanumeric).collect()
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(format!("file task: {e}")))?
}

/// Moves a folder, copying across file systems when a rename cannot.
pub fn move_dir(from: &Path, to: &Path) -> Result<(), AppError> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
    }
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::CrossesDevices => {
            copy_tree(from, to)?;
            std::fs::remove_dir_all(from).map_err(|e| AppError::io(from, e))
        }
        Err(err) => Err(AppError::io(from, err)),
    }
}

/// Copies a tree without following symlinks (links are recreated as links).
pub fn copy_tree(from: &Path, to: &Path) -> Result<(), AppError> {
    std::fs::create_dir_all(to).map_err(|e| AppError::io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| AppError::io(from, e))? {
        let entry = entry.map_err(|e| AppError::io(from, e))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().map_err(|e| AppError::io(&src, e))?;
        if kind.is_dir() {
            copy_tree(&src, &dst)?;
        } else if kind.is_symlink() {
            #[cfg(unix)]
            {
                let target = std::fs::read_link(&src).map_err(|e| AppError::io(&src, e))?;
                std::os::unix::fs::symlink(target, &dst).map_err(|e| AppError::io(&dst, e))?;
            }
        } else {
            std::fs::copy(&src, &dst).map_err(|e| AppError::io(&src, e))?;
        }
    }
    Ok(())
}

/// Whether a folder tree holds no file, symlink or other non-directory entry.
pub fn is_empty_tree(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    for entry in entries {
        let Ok(entry) = entry else { return false };
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => {
                if !is_empty_tree(&entry.path()) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// Removes a folder tree only if it holds no files: `remove_dir` cannot delete a file, so a
/// file that appears meanwhile survives. Returns whether the folder is gone.
pub fn remove_empty_tree(dir: &Path) -> bool {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_tree(&entry.path());
            }
        }
    }
    std::fs::remove_dir(dir).is_ok()
}
