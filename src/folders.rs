//! Folder operations shared by the commands and the reconciler: removing a skill folder only
//! after its content is safe (a git checkpoint, or a copy in the app's trash), moves that work
//! across file systems, symlink-preserving copies, and the cleanup of empty folder trees.
//!
//! A checkpoint cannot hold everything a folder may contain: nested repositories (`.git`),
//! names that are not UTF-8, sockets and pipes, ignored files. A folder holding any of these
//! goes to the trash whole (the checkpoint is still made), so a delete never destroys what git
//! cannot give back.

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
/// anything the commit leaves out ([`uncaptured`], ignored files), the folder is moved to
/// `trash_root/<folder>-<stamp>` instead. A checkpoint that fails aborts before anything is
/// deleted.
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
    crate::crashpoint::hit("remove:after_checkpoint");
    let mut removal = Removal { checkpoint_sha: outcome.sha().map(str::to_string), trash_path: None };
    let scanned = path.clone();
    let left_out = blocking(move || Ok(uncaptured(&scanned))).await?;
    if let Some(first) = left_out.first() {
        tracing::info!(folder, count = left_out.len(), first = %first.display(), "git cannot keep all of this folder; it goes to the trash");
    }
    let keep_copy = matches!(outcome, CommitOutcome::Skipped { .. })
        || outcome.ignored() > 0
        || removal.checkpoint_sha.is_none()
        || !left_out.is_empty();
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

/// What a checkpoint commit leaves out of `dir` (never following links): every `.git` (a nested
/// repository's history), every entry whose name is not UTF-8, every socket, pipe or device.
/// Ignored files are counted by the commit itself.
pub fn uncaptured(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    collect_uncaptured(dir, &mut found);
    found
}

fn collect_uncaptured(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Ok(kind) = entry.file_type() else { continue };
        if name.to_str().is_none_or(|n| n == ".git") || !(kind.is_dir() || kind.is_file() || kind.is_symlink()) {
            found.push(entry.path());
        } else if kind.is_dir() {
            collect_uncaptured(&entry.path(), found);
        }
    }
}

/// Moves a folder, copying across file systems when a rename cannot. A copy that fails is
/// removed again, leaving the source as it was.
pub fn move_dir(from: &Path, to: &Path) -> Result<(), AppError> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
    }
    match std::fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::CrossesDevices => {
            if let Err(err) = copy_tree(from, to) {
                let _ = std::fs::remove_dir_all(to);
                return Err(err);
            }
            std::fs::remove_dir_all(from).map_err(|e| AppError::io(from, e))
        }
        Err(err) => Err(AppError::io(from, err)),
    }
}

/// Copies a tree without following symlinks (links are recreated as links, pipes as pipes).
/// A socket or device file cannot be copied and fails the copy, naming it.
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
        } else if kind.is_file() {
            std::fs::copy(&src, &dst).map_err(|e| AppError::io(&src, e))?;
        } else {
            copy_special(&src, &dst, kind)?;
        }
    }
    Ok(())
}

/// Recreates a named pipe (opening one to copy it would block until a writer came).
#[cfg(unix)]
fn copy_special(src: &Path, dst: &Path, kind: std::fs::FileType) -> Result<(), AppError> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let unsupported = || std::io::Error::new(std::io::ErrorKind::Unsupported, "a socket or device cannot be copied");
    if !kind.is_fifo() {
        return Err(AppError::io(src, unsupported()));
    }
    let mode = std::fs::symlink_metadata(src).map_err(|e| AppError::io(src, e))?.permissions().mode() & 0o7777;
    let c_path = std::ffi::CString::new(dst.as_os_str().as_bytes()).map_err(|e| AppError::io(dst, e.into()))?;
    // SAFETY: `c_path` is a valid NUL-terminated string that outlives the call.
    if unsafe { libc::mkfifo(c_path.as_ptr(), mode as libc::mode_t) } != 0 {
        return Err(AppError::io(dst, std::io::Error::last_os_error()));
    }
    Ok(())
}

#[cfg(not(unix))]
fn copy_special(src: &Path, _dst: &Path, _kind: std::fs::FileType) -> Result<(), AppError> {
    Err(AppError::io(src, std::io::Error::new(std::io::ErrorKind::Unsupported, "a special file cannot be copied")))
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

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::FileTypeExt;

    use super::*;

    fn fifo(path: &Path) -> bool {
        std::process::Command::new("mkfifo").arg(path).status().is_ok_and(|s| s.success())
    }

    #[test]
    fn uncaptured_names_nested_repositories_foreign_names_and_pipes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("inner/.git/objects")).unwrap();
        std::fs::write(root.join("inner/kept.md"), "x").unwrap();
        std::fs::write(root.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")), "x").unwrap();
        assert!(fifo(&root.join("pipe")));
        std::fs::write(root.join("SKILL.md"), "x").unwrap();
        let mut found = uncaptured(root);
        found.sort();
        let names: Vec<&[u8]> = found.iter().map(|p| p.strip_prefix(root).unwrap().as_os_str().as_bytes()).collect();
        assert_eq!(names, [b"caf\xe9.txt".as_slice(), b"inner/.git", b"pipe"]);
    }

    #[test]
    fn a_copy_recreates_pipes_instead_of_blocking_on_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("from")).unwrap();
        assert!(fifo(&dir.path().join("from/pipe")));
        copy_tree(&dir.path().join("from"), &dir.path().join("to")).unwrap();
        assert!(std::fs::symlink_metadata(dir.path().join("to/pipe")).unwrap().file_type().is_fifo());
    }
}
