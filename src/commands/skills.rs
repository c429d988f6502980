//! Skill Management commands: the Skills Library and its folders under `skills_path`.
//!
//! Disk and database change together or not at all: folders are created or moved first and
//! undone when the database refuses; nothing is deleted without a safety copy.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::actors::db::NewSkill;
use crate::actors::git::CommitRequest;
use crate::events::AppEvent;
use crate::pending::{self, PendingGuard, PendingOp};
use crate::protocol::*;
use crate::{Backend, crashpoint, folders, skill_fields};

use super::blocking;
use super::locks::{with_edit_lock, with_edit_lock_renaming};

/// The library, newest first, narrowed by `filter`.
#[tracing::instrument(skip_all, err)]
pub async fn list_skills(backend: &Backend, filter: Option<SkillFilter>) -> Result<Arc<[SkillSummary]>, AppError> {
    backend.db().list_skills(filter.unwrap_or_default()).await
}

/// Creates `SP/<name>/{context,references}` and the skill's rows. Validates everything before
/// touching disk, so bad input changes nothing.
#[tracing::instrument(skip_all, fields(skill = %req.name), err)]
pub async fn create_skill(backend: &Backend, req: CreateSkillRequest) -> Result<SkillSummary, AppError> {
    let name = SkillName::parse(&req.name)?;
    if name.as_str().contains("anthropic") || name.as_str().contains("claude") {
        tracing::warn!(skill = %name, "SB106: names containing 'anthropic' or 'claude' may be refused by Claude");
    }
    let mut request = req.clone();
    request.domain = skill_fields::domain(req.domain.as_deref())?;
    request.description = skill_fields::description(req.description.as_deref())?;
    request.skill_type = skill_fields::one_line("skillType", req.skill_type.as_deref(), 40)?;
    request.version = skill_fields::one_line("version", req.version.as_deref(), 40)?;
    request.model = skill_fields::one_line("model", req.model.as_deref(), 100)?;
    request.argument_hint = skill_fields::one_line("argumentHint", req.argument_hint.as_deref(), 200)?;
    if let Some(intake) = &req.intake {
        skill_fields::intake(intake)?;
    }
    let tags = skill_fields::normalize_tags(req.tags.as_deref().unwrap_or_default())?;

    let skills_path = backend.skills_path().await?;
    let folder = skills_path.join(name.as_str());
    let record_args = (backend.paths().data_dir.clone(), backend.instance().clone(), skills_path.clone());
    let (made, op) = (folder.clone(), PendingOp::Create { name: name.to_string() });
    let pending = blocking(move || {
        if made.symlink_metadata().is_ok() {
            return Err(AppError::AlreadyExists { kind: "folder", name: made.display().to_string() });
        }
        // A crash from here until the row exists leaves folders that reconciliation removes again.
        let (data_dir, me, root) = record_args;
        let guard = pending::begin(&data_dir, &me, &root, op)?;
        create_dirs(&[made.join("context"), made.join("references")])?;
        Ok(guard)
    })
    .await?;
    crashpoint::hit("create:after_folders");
    let settings = backend.db().settings().await;
    let (author_login, author_avatar) = match settings {
        Ok(s) => (s.github_user_login, s.github_user_avatar),
        Err(_) => (None, None),
    };
    let new = NewSkill { name: name.clone(), request, tags, author_login, author_avatar };
    match backend.db().create_skill(new).await {
        Ok(summary) => {
            crashpoint::hit("create:after_row");
            // The folders are still empty, so this usually records nothing (backend.md §6.3).
            record(backend, &[name.to_string()], format!("{name}: created"), "created", Vec::new()).await;
            release(pending).await;
            backend.emit(AppEvent::SkillsChanged { skill_name: name.to_string() });
            Ok(summary)
        }
        Err(err) => {
            let _ = blocking(move || {
                folders::remove_empty_tree(&folder);
                drop(pending);
                Ok(())
            })
            .await;
            Err(err)
        }
    }
}

/// Records an operation that is about to change the skills folder (see [`pending`]).
async fn journal(backend: &Backend, skills_root: &Path, op: PendingOp) -> Result<PendingGuard, AppError> {
    let (data_dir, me, root) =
        (backend.paths().data_dir.clone(), backend.instance().clone(), skills_root.to_path_buf());
    blocking(move || pending::begin(&data_dir, &me, &root, op)).await
}

/// Removes an operation's record (dropping the guard) on the blocking pool.
async fn release(guard: impl Send + 'static) {
    let _ = blocking(move || {
        drop(guard);
        Ok(())
    })
    .await;
}

fn create_dirs(dirs: &[PathBuf]) -> Result<(), AppError> {
    for dir in dirs {
        std::fs::create_dir_all(dir).map_err(|e| AppError::io(dir, e))?;
    }
    Ok(())
}

/// Records skill folders in git. Never fails the user's command: a skipped or failed commit is
/// logged and kept as the git status notice, and the next commit includes the changes.
async fn record(
    backend: &Backend,
    folders: &[String],
    summary: String,
    event: &str,
    trailers: Vec<(&'static str, String)>,
) {
    let mut req = CommitRequest::auto(folders, summary, event);
    req.trailers = trailers;
    backend.git().auto_commit(req).await;
}

/// Deletes a skill. Its folder is first checkpointed in git (or, when git cannot, moved to the
/// app's trash, kept 30 days), so a delete is always recoverable; a failed checkpoint aborts
/// before anything is deleted. The database row goes last, so a failed removal can be retried.
#[tracing::instrument(skip_all, fields(skill = %name), err)]
pub async fn delete_skill(backend: &Backend, name: &str, delete_files: bool) -> Result<DeleteSkillReport, AppError> {
    let name = SkillName::parse(name)?;
    backend.db().get_skill(name.as_str()).await?;
    // No agent may keep writing into a folder that is about to go.
    backend.sidecars().stop_skill(name.as_str()).await?;
    let (report, pending) = with_edit_lock(backend, &name, async {
        let mut report = DeleteSkillReport::default();
        let root = backend.skills_path().await?;
        let folder = root.join(name.as_str());
        // From here on the delete is finished by reconciliation if this process dies.
        let op = PendingOp::Delete { name: Some(name.to_string()), folder: name.to_string() };
        let guard = if delete_files { Some(journal(backend, &root, op).await?) } else { None };
        let probe = folder.clone();
        if delete_files && blocking(move || Ok(probe.symlink_metadata().is_ok())).await? {
            let stamp = folders::stamp(&backend.clock().now_str());
            let trash = &backend.paths().trash;
            let removal = folders::remove_safely(backend.git(), &root, name.as_str(), "delete", trash, &stamp).await?;
            report.checkpoint_sha = removal.checkpoint_sha;
            report.trash_path = removal.trash_path.map(|p| p.display().to_string());
            report.removed.push(folder.display().to_string());
            crashpoint::hit("delete:after_folders");
        }
        let scratch = backend.paths().workspace.join(name.as_str());
        let removed = scratch.clone();
        let scratch_removed = blocking(move || match std::fs::remove_dir_all(&removed) {
            Ok(()) => Ok(true),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(err) => Err(AppError::io(&removed, err)),
        })
        .await?;
        if scratch_removed {
            report.removed.push(scratch.display().to_string());
        }
        Ok((report, guard))
    })
    .await?;
    // The lock row cascades with the skill, so the edit lock needs no release here.
    backend.db().delete_skill(name.as_str()).await?;
    crashpoint::hit("delete:after_row");
    if delete_files {
        record(backend, &[name.to_string()], format!("{name}: deleted"), "deleted", Vec::new()).await;
    }
    release(pending).await;
    backend.emit(AppEvent::SkillsChanged { skill_name: name.to_string() });
    Ok(report)
}

/// Renames a skill: its folders, its rows and the `name:` in its SKILL.md. Each step is undone
/// if a later one fails, so the skill is never half-renamed.
#[tracing::instrument(skip_all, fields(old = %old_name, new = %new_name), err)]
pub async fn rename_skill(backend: &Backend, old_name: &str, new_name: &str) -> Result<SkillSummary, AppError> {
    let old = SkillName::parse(old_name)?;
    let new = SkillName::parse(new_name)?;
    backend.db().get_skill(old.as_str()).await?;
    if old == new {
        return backend.db().get_skill(old.as_str()).await;
    }
    let skills_path = backend.skills_path().await?;
    let workspace = backend.paths().workspace.clone();
    let moves = [
        (skills_path.join(old.as_str()), skills_path.join(new.as_str())),
        (workspace.join(old.as_str()), workspace.join(new.as_str())),
    ];
    let targets: Vec<PathBuf> = moves.iter().map(|(_, to)| to.clone()).collect();
    blocking(move || match targets.iter().find(|to| to.symlink_metadata().is_ok()) {
        Some(to) => Err(AppError::AlreadyExists { kind: "folder", name: to.display().to_string() }),
        None => Ok(()),
    })
    .await?;
    backend.sidecars().stop_skill(old.as_str()).await?;
    let (summary, pending) = with_edit_lock_renaming(backend, &old, &new, async {
        // A crash before the row is renamed moves the folders back; after it, the commit follows.
        let op = PendingOp::Rename { old: old.to_string(), new: new.to_string() };
        let guard = journal(backend, &skills_path, op).await?;
        let pairs = moves.to_vec();
        let done = blocking(move || {
            let mut done: Vec<(PathBuf, PathBuf)> = Vec::new();
            for pair in pairs {
                if pair.0.exists() {
                    if let Err(err) = std::fs::rename(&pair.0, &pair.1) {
                        undo_moves(&done);
                        return Err(AppError::io(&pair.0, err));
                    }
                    done.push(pair);
                }
            }
            Ok(done)
        })
        .await?;
        crashpoint::hit("rename:after_folders");
        match backend.db().rename_skill(old.as_str(), new.as_str()).await {
            Ok(summary) => {
                crashpoint::hit("rename:after_row");
                Ok((summary, guard))
            }
            Err(err) => {
                let _ = blocking(move || {
                    undo_moves(&done);
                    drop(guard);
                    Ok(())
                })
                .await;
                Err(err)
            }
        }
    })
    .await?;
    let (skill_md, renamed) = (skills_path.join(new.as_str()).join("SKILL.md"), new.clone());
    let _ = blocking(move || {
        rewrite_skill_md_name(&skill_md, &renamed);
        Ok(())
    })
    .await;
    let folders = [new.to_string(), old.to_string()];
    let trailers = vec![(crate::actors::git::RENAMED_TRAILER, old.to_string())];
    record(backend, &folders, format!("{new}: renamed from {old}"), "renamed", trailers).await;
    release(pending).await;
    backend.emit(AppEvent::SkillsChanged { skill_name: new.to_string() });
    Ok(summary)
}

fn undo_moves(done: &[(PathBuf, PathBuf)]) {
    for (from, to) in done.iter().rev() {
        if let Err(err) = std::fs::rename(to, from) {
            tracing::error!(%err, from = %to.display(), to = %from.display(), "could not undo a rename");
        }
    }
}

/// Keeps SKILL.md's `name:` in step with the folder; a file without one is left alone.
pub(crate) fn rewrite_skill_md_name(path: &Path, name: &SkillName) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    match skill_fields::rewrite_frontmatter_name(&text, name.as_str()) {
        Some(updated) => {
            if let Err(err) = crate::atomic::write_atomic(path, updated.as_bytes()) {
                tracing::warn!(%err, "renamed the skill but could not update SKILL.md");
            }
        }
        None => tracing::warn!(path = %path.display(), "SKILL.md has no frontmatter name to update"),
    }
}

#[tracing::instrument(skip_all, fields(skill = %name), err)]
pub async fn update_skill_tags(backend: &Backend, name: &str, tags: Vec<String>) -> Result<Vec<String>, AppError> {
    let name = SkillName::parse(name)?;
    let tags = skill_fields::normalize_tags(&tags)?;
    let stored = with_edit_lock(backend, &name, backend.db().set_tags(name.as_str(), tags)).await?;
    backend.emit(AppEvent::SkillsChanged { skill_name: name.to_string() });
    Ok(stored)
}

#[tracing::instrument(skip_all, fields(skill = %name), err)]
pub async fn update_skill_metadata(
    backend: &Backend,
    name: &str,
    mut patch: SkillMetadataPatch,
) -> Result<SkillSummary, AppError> {
    let name = SkillName::parse(name)?;
    if let Some(Some(domain)) = &patch.domain {
        patch.domain = Some(skill_fields::domain(Some(domain))?);
    }
    if let Some(Some(text)) = &patch.description {
        patch.description = Some(skill_fields::description(Some(text))?);
    }
    if let Some(Some(intake)) = &patch.intake {
        skill_fields::intake(intake)?;
    }
    let summary = with_edit_lock(backend, &name, backend.db().update_metadata(name.as_str(), patch)).await?;
    // Metadata lives in the database; this records whatever changed in the folder alongside it.
    record(backend, &[name.to_string()], format!("{name}: metadata updated"), "metadata", Vec::new()).await;
    backend.emit(AppEvent::SkillsChanged { skill_name: name.to_string() });
    Ok(summary)
}

pub async fn get_all_tags(backend: &Backend) -> Result<Vec<String>, AppError> {
    backend.db().all_tags().await
}

pub async fn get_installed_skill_names(backend: &Backend) -> Result<Vec<InstalledSkillName>, AppError> {
    backend.db().installed_names().await
}
