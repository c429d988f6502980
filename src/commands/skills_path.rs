//! Changing the skills folder (backend.md §6.6), called by `save_settings` before the setting
//! is written. `adopt` switches to an existing folder. `copy` copies the whole current folder
//! (`.git` included, symlinks as links, permissions kept) into a missing or empty target,
//! verifies every file by size and sha256, records the move in the new folder's history, and
//! only then lets the caller switch. Any failure removes what was copied and leaves the old
//! folder, which is never modified, as the source of truth.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Backend;
use crate::config::default_skills_path;
use crate::events::AppEvent;
use crate::protocol::*;

/// Emit a progress event every this many files.
const PROGRESS_EVERY: u32 = 256;

/// Checks the preconditions and, for `copy`, copies and verifies. The caller writes the
/// setting and reopens git afterwards.
pub async fn prepare(
    backend: &Backend,
    current: &AppSettings,
    update: Option<&SkillsPathUpdate>,
) -> Result<SkillsPathMigration, AppError> {
    if backend.skills_path_override().is_some() {
        return Err(AppError::Conflict {
            reason: "skills_path_overridden",
            message: "This window was started with --skills-path; restart without it to change the skills folder"
                .into(),
        });
    }
    let target = match update {
        Some(update) => PathBuf::from(update.path().trim().trim_end_matches(['/', '\\'])),
        None => default_skills_path()?,
    };
    let mode = update.map_or(SkillsPathMode::Adopt, SkillsPathUpdate::mode);
    let default_dir = default_skills_path().ok();
    let old = match &current.skills_path {
        Some(path) => Some(PathBuf::from(path)),
        None => super::blocking(move || Ok(default_dir.filter(|p| p.is_dir()))).await?,
    };
    let (paths, checked, current_dir) = (backend.paths().clone(), target.clone(), old.clone());
    super::blocking(move || check_target(&paths, &checked, current_dir.as_deref())).await?;
    super::guards::refuse_if_agent_runs(backend, None).await?;
    super::guards::refuse_if_other_instance(backend, "change the skills folder").await?;
    let mut migration = SkillsPathMigration {
        mode,
        from: old.as_ref().map(|p| p.display().to_string()),
        to: target.display().to_string(),
        files_copied: 0,
        commit_sha: None,
    };
    if mode == SkillsPathMode::Adopt {
        let made = target.clone();
        super::blocking(move || std::fs::create_dir_all(&made).map_err(|e| AppError::io(&made, e))).await?;
        return Ok(migration);
    }
    let (probe, source) = (target.clone(), old.clone());
    let (source, existed, before) = super::blocking(move || {
        let source = source.filter(|p| p.is_dir());
        Ok((source, probe.exists(), pre_existing(&probe)?))
    })
    .await?;
    let Some(old) = source else {
        return Err(AppError::invalid("skillsPath", "there is no current skills folder to copy; use adopt"));
    };
    let backend_for_copy = backend.clone();
    let (from, to) = (old.clone(), target.clone());
    let copied = tokio::task::spawn_blocking(move || copy_and_verify(&backend_for_copy, &from, &to))
        .await
        .map_err(|e| AppError::Internal(format!("copy task: {e}")))?;
    let copied = match copied {
        Ok(copied) => copied,
        Err(err) => {
            undo_copy_blocking(target, existed, before).await;
            return Err(err);
        }
    };
    migration.files_copied = copied;
    backend.emit(AppEvent::SkillsPathMigration {
        phase: MigrationPhase::Switching,
        files_done: copied,
        files_total: copied,
    });
    let skills: Vec<String> =
        backend.db().list_skills(SkillFilter::default()).await?.iter().map(|s| s.name.clone()).collect();
    let summary = format!("skills folder moved here from {}", old.display());
    match backend.git().commit_at(target.clone(), skills, summary).await {
        Ok(sha) => migration.commit_sha = sha,
        Err(err) => {
            undo_copy_blocking(target, existed, before).await;
            return Err(err);
        }
    }
    Ok(migration)
}

/// [`undo_copy`] on the blocking pool.
async fn undo_copy_blocking(target: PathBuf, existed: bool, before: BTreeSet<std::ffi::OsString>) {
    let _ = super::blocking(move || {
        undo_copy(&target, existed, &before);
        Ok(())
    })
    .await;
}

/// The target may not be the root, home, or overlap the current skills folder, the workspace or
/// the app data folder; for `copy` it must be missing or hold only dotfiles (no `.git`).
fn check_target(paths: &crate::config::AppPaths, target: &Path, old: Option<&Path>) -> Result<(), AppError> {
    let reject = |reason: &str| Err(AppError::invalid("skillsPath", reason.to_string()));
    if !target.is_absolute() {
        return reject("must be an absolute path");
    }
    if target.parent().is_none() {
        return reject("must not be the file-system root");
    }
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let t = canonical(target);
    if dirs::home_dir().is_some_and(|h| canonical(&h) == t) {
        return reject("must not be your home folder");
    }
    let mut others: Vec<(&str, PathBuf)> =
        vec![("the app data folder", paths.data_dir.clone()), ("the workspace", paths.workspace.clone())];
    if let Some(old) = old {
        others.push(("the current skills folder", old.to_path_buf()));
    }
    for (what, other) in others {
        let o = canonical(&other);
        if t.starts_with(&o) || o.starts_with(&t) {
            return reject(&format!("must not be, contain or lie inside {what} ({})", other.display()));
        }
    }
    Ok(())
}

/// Names already in the target; only dotfiles other than `.git` are allowed.
fn pre_existing(target: &Path) -> Result<BTreeSet<std::ffi::OsString>, AppError> {
    let Ok(entries) = std::fs::read_dir(target) else { return Ok(BTreeSet::new()) };
    let mut names = BTreeSet::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let text = name.to_string_lossy();
        if !text.starts_with('.') || text == ".git" {
            return Err(AppError::Conflict {
                reason: "target_not_empty",
                message: format!("{} is not empty; choose an empty or new folder", target.display()),
            });
        }
        names.insert(name);
    }
    Ok(names)
}

/// Removes what the copy created: the target itself if it did not exist, else the new entries.
fn undo_copy(target: &Path, existed: bool, before: &BTreeSet<std::ffi::OsString>) {
    let result = if existed {
        std::fs::read_dir(target).map(|entries| {
            for entry in entries.filter_map(Result::ok).filter(|e| !before.contains(&e.file_name())) {
                let path = entry.path();
                let removed = if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
                if let Err(err) = removed {
                    tracing::warn!(%err, path = %path.display(), "could not remove a partial copy");
                }
            }
        })
    } else {
        std::fs::remove_dir_all(target)
    };
    if let Err(err) = result {
        tracing::warn!(%err, target = %target.display(), "could not remove the partial copy");
    }
}

/// One file of the source tree.
struct Item {
    rel: PathBuf,
    kind: ItemKind,
}

enum ItemKind {
    Dir,
    File {
        size: u64,
    },
    Link,
    /// A pipe, socket or device: it cannot be copied faithfully, so reaching it fails the move.
    Special,
}

/// Lists the source tree in order, without following symlinks.
fn list(root: &Path) -> Result<Vec<Item>, AppError> {
    let mut items = Vec::new();
    let mut queue = std::collections::VecDeque::from([PathBuf::new()]);
    while let Some(rel) = queue.pop_front() {
        let dir = root.join(&rel);
        let mut entries: Vec<_> =
            std::fs::read_dir(&dir).map_err(|e| AppError::io(&dir, e))?.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let child = rel.join(entry.file_name());
            let meta = std::fs::symlink_metadata(entry.path()).map_err(|e| AppError::io(entry.path(), e))?;
            let kind = meta.file_type();
            if kind.is_dir() {
                items.push(Item { rel: child.clone(), kind: ItemKind::Dir });
                queue.push_back(child);
            } else if kind.is_symlink() {
                items.push(Item { rel: child, kind: ItemKind::Link });
            } else if kind.is_file() {
                items.push(Item { rel: child, kind: ItemKind::File { size: meta.len() } });
            } else {
                items.push(Item { rel: child, kind: ItemKind::Special });
            }
        }
    }
    Ok(items)
}

fn copy_and_verify(backend: &Backend, from: &Path, to: &Path) -> Result<u32, AppError> {
    let items = list(from)?;
    let total = u32::try_from(items.iter().filter(|i| !matches!(i.kind, ItemKind::Dir)).count()).unwrap_or(u32::MAX);
    std::fs::create_dir_all(to).map_err(|e| AppError::io(to, e))?;
    let progress =
        |phase, done| backend.emit(AppEvent::SkillsPathMigration { phase, files_done: done, files_total: total });
    progress(MigrationPhase::Copying, 0);
    let mut done = 0u32;
    for item in &items {
        let (src, dst) = (from.join(&item.rel), to.join(&item.rel));
        match item.kind {
            ItemKind::Dir => {
                std::fs::create_dir_all(&dst).map_err(|e| AppError::io(&dst, e))?;
                let perms = std::fs::metadata(&src).map_err(|e| AppError::io(&src, e))?.permissions();
                std::fs::set_permissions(&dst, perms).map_err(|e| AppError::io(&dst, e))?;
                continue;
            }
            ItemKind::Link => copy_link(&src, &dst)?,
            ItemKind::Special => {
                return Err(AppError::invalid(
                    "skillsPath",
                    format!("{} is a special file that cannot be copied; remove it and try again", src.display()),
                ));
            }
            // `fs::copy` keeps the permission bits.
            ItemKind::File { .. } => {
                std::fs::copy(&src, &dst).map_err(|e| AppError::io(&src, e))?;
            }
        }
        done += 1;
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(MigrationPhase::Copying, done);
        }
    }
    progress(MigrationPhase::Verifying, 0);
    for (checked, item) in items.iter().filter(|i| !matches!(i.kind, ItemKind::Dir)).enumerate() {
        verify(&from.join(&item.rel), &to.join(&item.rel), &item.kind)?;
        if (checked as u32 + 1).is_multiple_of(PROGRESS_EVERY) {
            progress(MigrationPhase::Verifying, checked as u32 + 1);
        }
    }
    Ok(done)
}

#[cfg(unix)]
fn copy_link(src: &Path, dst: &Path) -> Result<(), AppError> {
    let target = std::fs::read_link(src).map_err(|e| AppError::io(src, e))?;
    std::os::unix::fs::symlink(target, dst).map_err(|e| AppError::io(dst, e))
}

#[cfg(not(unix))]
fn copy_link(src: &Path, _dst: &Path) -> Result<(), AppError> {
    Err(AppError::invalid("skillsPath", format!("{} is a symbolic link, which cannot be copied here", src.display())))
}

/// Same kind, size and sha256 (or link target) on both sides.
fn verify(src: &Path, dst: &Path, kind: &ItemKind) -> Result<(), AppError> {
    let mismatch = |what: &str| AppError::Io {
        path: dst.display().to_string(),
        source: std::io::Error::other(format!("the copy differs from the original ({what})")),
    };
    match kind {
        ItemKind::Dir | ItemKind::Special => Ok(()),
        ItemKind::Link => {
            let (a, b) = (std::fs::read_link(src), std::fs::read_link(dst));
            if a.ok() != b.ok() { Err(mismatch("link target")) } else { Ok(()) }
        }
        ItemKind::File { size } => {
            let meta = std::fs::symlink_metadata(dst).map_err(|e| AppError::io(dst, e))?;
            if !meta.is_file() || meta.len() != *size {
                return Err(mismatch("size"));
            }
            if hash(src)? != hash(dst)? {
                return Err(mismatch("content"));
            }
            Ok(())
        }
    }
}

fn hash(path: &Path) -> Result<[u8; 32], AppError> {
    let mut file = std::fs::File::open(path).map_err(|e| AppError::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| AppError::io(path, e))?;
    Ok(hasher.finalize().into())
}
