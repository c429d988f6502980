//! Cross-process serialisation of writes to the skills repository (backend.md §5.5).
//!
//! Each instance's `GitActor` serialises its own writes, but two instances on one skills folder
//! would otherwise both build a commit on the same tip, and one index write would overwrite the
//! other's. Every write (creating the repository, commits, restores) therefore holds an advisory
//! lock on `<git dir>/skill-builder.lock` from reading HEAD until the index is written. The lock
//! is released by the kernel when its holder exits, so a crashed instance leaves nothing to clean.
//! The user's own git commands do not take it; commits retry on a moved tip for them.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::protocol::AppError;

/// The lock file's name inside the git directory.
pub const LOCK_FILE: &str = "skill-builder.lock";
/// Longest pause between two attempts: short, since a holder keeps the lock for one commit.
const MAX_PAUSE: Duration = Duration::from_millis(20);

/// Held while it lives; dropping it (closing the file) releases the lock.
#[derive(Debug)]
pub struct RepoLock {
    _file: File,
}

impl RepoLock {
    /// Waits up to `wait` for the lock of the repository whose git directory is `git_dir`.
    pub fn acquire(git_dir: &Path, wait: Duration) -> Result<RepoLock, AppError> {
        let path = git_dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| AppError::io(&path, e))?;
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(RepoLock { _file: file }),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(MAX_PAUSE);
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(AppError::Git {
                        reason: "locked",
                        message: format!("another Skill Builder window kept the repository busy for {wait:?}"),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(AppError::io(&path, e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_and_gives_up_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = RepoLock::acquire(dir.path(), Duration::ZERO).unwrap();
        let busy = RepoLock::acquire(dir.path(), Duration::from_millis(30)).unwrap_err();
        assert!(matches!(busy, AppError::Git { reason: "locked", .. }), "{busy}");
        drop(first);
        RepoLock::acquire(dir.path(), Duration::ZERO).unwrap();
    }
}
