//! Creating the repository of a skills folder that has none (backend.md §6.2), so that a crash
//! leaves either no repository or a complete one.
//!
//! The repository is built in a temporary git dir inside the folder (`.skill-builder-git-…`,
//! whose work tree is the folder), and renamed to `.git` only once HEAD points at the complete
//! first commit. Killed before that, the next start finds no `.git`, removes the dead process's
//! temporary dir and starts over; it never adopts an empty repository beside untracked skills.
//! Two processes creating at once both build; the first rename wins and the other adopts it.

use std::path::Path;

use git2::{Repository, RepositoryInitOptions, Signature};

use super::core::ensure_ignore_block;
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
    let was_empty = std::fs::read_dir(root).map(|mut d| d.next().is_none()).unwrap_or(true);
    let summary = if was_empty { "Initial commit" } else { "record existing skills" };
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let temp = root.join(format!("{TEMP_PREFIX}{}-{}-{nanos}", own.pid, own.pid_start_time.unwrap_or(0)));
    if let Err(err) = build(root, &temp, summary, &signature) {
        remove(&temp);
        return Err(err);
    }
    crashpoint::hit("git:initial:committed");
    let git_dir = root.join(".git");
    if let Err(e) = std::fs::rename(&temp, &git_dir) {
        remove(&temp);
        if !git_dir.exists() {
            return Err(AppError::io(&git_dir, e));
        }
        tracing::info!(root = %root.display(), "another process created the repository first; using it");
    } else {
        tracing::info!(root = %root.display(), summary, "initialised the skills folder's repository");
    }
    Ok(Repository::open(root)?)
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
