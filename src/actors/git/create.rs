//! Creating the repository of a skills folder that has none (backend.md §6.2), so that a crash
//! leaves either no repository or a complete one.
//!
//! The repository is built in a temporary git dir inside the folder (`.skill-builder-git-…`,
//! whose work tree is the folder), and moved into `.git` only once HEAD points at the complete
//! first commit. `.git` already exists then, holding only the repository lock (`lock.rs`) that
//! the creating process holds, so the contents move in one by one under an `installing` marker,
//! HEAD last. Killed before that, the next start removes the dead process's temporary dir and
//! starts over; killed while moving, it finds the marker, clears `.git` down to the lock and
//! starts over. It never adopts an empty repository beside untracked skills.

use std::path::Path;

use git2::{Repository, RepositoryInitOptions, Signature};

use super::core::ensure_ignore_block;
use super::lock::LOCK_FILE;
use crate::crashpoint;
use crate::instance::InstanceInfo;
use crate::protocol::AppError;

/// Names of the temporary git dirs: `<prefix><pid>-<pid start time>-<nanos>`.
const TEMP_PREFIX: &str = ".skill-builder-git-";

/// Initialises `root`'s repository and records its files; returns it opened at `root/.git`.
pub fn create(
    root: &Path,
    signature: impl Fn(&Repository) -> Result<Signature<'static>, AppError>,
) -> Result<Repository, AppError> {
    let own = InstanceInfo::current();
    remove_abandoned(root, &own);
    // `.git` is already there, holding the lock this process holds.
    let was_empty =
        std::fs::read_dir(root).map(|d| d.filter_map(Result::ok).all(|e| e.file_name() == ".git")).unwrap_or(true);
    let summary = if was_empty { "Initial commit" } else { "record existing skills" };
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let temp = root.join(format!("{TEMP_PREFIX}{}-{}-{nanos}", own.pid, own.pid_start_time.unwrap_or(0)));
    if let Err(err) = build(root, &temp, summary, &signature) {
        remove(&temp);
        return Err(err);
    }
    crashpoint::hit("git:initial:committed");
    let git_dir = root.join(".git");
    if let Err(err) = install(&temp, &git_dir) {
        remove(&temp);
        return Err(err);
    }
    tracing::info!(root = %root.display(), summary, "initialised the skills folder's repository");
    Ok(Repository::open(root)?)
}

/// Marks a `.git` whose contents are being moved in from a temporary git dir.
const INSTALLING: &str = "skill-builder-installing";

/// Whether a crash interrupted moving a new repository into `git_dir`.
pub fn interrupted(git_dir: &Path) -> bool {
    git_dir.join(INSTALLING).exists()
}

/// Moves the complete repository in `temp` into `git_dir`, which holds only the lock file (and,
/// after an interrupted install, what that install had moved): HEAD goes last, so `.git` is a
/// repository only once everything is in place.
fn install(temp: &Path, git_dir: &Path) -> Result<(), AppError> {
    std::fs::create_dir_all(git_dir).map_err(|e| AppError::io(git_dir, e))?;
    for entry in std::fs::read_dir(git_dir).map_err(|e| AppError::io(git_dir, e))?.filter_map(Result::ok) {
        if entry.file_name() != LOCK_FILE {
            let path = entry.path();
            let removed = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
            removed.map_err(|e| AppError::io(&path, e))?;
        }
    }
    let marker = git_dir.join(INSTALLING);
    std::fs::File::create(&marker).map_err(|e| AppError::io(&marker, e))?;
    for entry in std::fs::read_dir(temp).map_err(|e| AppError::io(temp, e))?.filter_map(Result::ok) {
        if entry.file_name() != "HEAD" {
            let to = git_dir.join(entry.file_name());
            std::fs::rename(entry.path(), &to).map_err(|e| AppError::io(&to, e))?;
        }
    }
    crashpoint::hit("git:initial:installing");
    let head = git_dir.join("HEAD");
    std::fs::rename(temp.join("HEAD"), &head).map_err(|e| AppError::io(&head, e))?;
    std::fs::remove_file(&marker).map_err(|e| AppError::io(&marker, e))?;
    remove(temp);
    Ok(())
}

/// Whether a top-level name is one of our temporary git dirs (never part of a commit).
pub fn is_temp_git_dir(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX)
}

fn build(
    root: &Path,
    temp: &Path,
    summary: &str,
    signature: &impl Fn(&Repository) -> Result<Signature<'static>, AppError>,
) -> Result<(), AppError> {
    // Initialised bare (a non-bare init would put a `.git` link file in the folder), then made
    // what `git init` makes: a non-bare repository, whose work tree is the git dir's parent.
    let mut options = RepositoryInitOptions::new();
    options.bare(true).initial_head("main").no_reinit(true);
    let bare = Repository::init_opts(temp, &options)?;
    let mut config = bare.config()?.open_level(git2::ConfigLevel::Local)?;
    config.set_bool("core.bare", false)?;
    config.set_bool("core.logallrefupdates", true)?;
    drop((config, bare));
    let repo = Repository::open(temp)?;
    let workdir = repo.workdir().and_then(|w| w.canonicalize().ok());
    if workdir.is_none() || workdir != root.canonicalize().ok() {
        return Err(AppError::Internal(format!("the new repository's work tree is not {}", root.display())));
    }
    ensure_ignore_block(root)?;
    let signature = signature(&repo)?;
    super::initial::initial(&repo, &signature, summary, &is_temp_git_dir)?;
    sync_packs(temp)?;
    Ok(())
}

/// Packs reach the disk before the rename makes them part of a repository.
fn sync_packs(git_dir: &Path) -> Result<(), AppError> {
    let packs = git_dir.join("objects/pack");
    for entry in std::fs::read_dir(&packs).map_err(|e| AppError::io(&packs, e))? {
        let path = entry.map_err(|e| AppError::io(&packs, e))?.path();
        std::fs::File::open(&path).and_then(|f| f.sync_all()).map_err(|e| AppError::io(&path, e))?;
    }
    Ok(())
}

/// Removes temporary git dirs left by processes that died building them.
fn remove_abandoned(root: &Path, own: &InstanceInfo) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(TEMP_PREFIX) else { continue };
        let mut parts = rest.split('-');
        let pid = parts.next().and_then(|p| p.parse::<u32>().ok());
        let start = parts.next().and_then(|s| s.parse::<i64>().ok()).filter(|s| *s != 0);
        let alive = pid.is_some_and(|pid| pid == own.pid || own.is_alive("", pid, start));
        if !alive {
            tracing::warn!(path = %entry.path().display(), "removing a repository left half-made by a process that died");
            remove(&entry.path());
        }
    }
}

fn remove(path: &Path) {
    if let Err(err) = std::fs::remove_dir_all(path)
        && err.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %path.display(), %err, "could not remove a temporary git dir");
    }
}
