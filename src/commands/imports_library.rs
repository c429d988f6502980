//! Marketplace skills in the Skills Library (backend.md §3.8, §10.4): imports from a GitHub
//! repository into `SP/<name>` with a `skills(marketplace)` row and its `imported_skills`
//! child, and the agent copy in `WS/.claude/skills/<name>` that an active one gets.
//! A re-import of unchanged content is `skipped`; changed upstream content from the same source
//! is `updated`; a copy edited locally is `conflict{modified_locally}` unless the caller
//! overwrites (after a checkpoint); any other skill or folder of that name is `already_exists`.

use std::path::PathBuf;

use crate::actors::db::NewMarketplaceSkill;
use crate::actors::git::CommitRequest;
use crate::events::AppEvent;
use crate::github::GitHub;
use crate::github::repo::{self, PinnedRepo};
use crate::import::{self, FileMeta, Source, Staged};
use crate::protocol::*;
use crate::{Backend, commands::locks::with_edit_lock};

use super::blocking;
use super::imports::{COPY_MARKER, discard, staging_name, workspace_skills_dir};

/// `SP/.skill-builder-staging`: git-ignored, on the skills folder's file system.
fn library_staging(skills_path: &std::path::Path) -> PathBuf {
    skills_path.join(".skill-builder-staging")
}

/// Downloads the skill folder `dir` of `pinned` and stages it below `parent`.
pub async fn stage_from_github(
    gh: &GitHub,
    pinned: &PinnedRepo,
    dir: &str,
    parent: PathBuf,
    staging: String,
) -> Result<Staged, AppError> {
    if !pinned.files.contains_key(&if dir.is_empty() { "SKILL.md".to_string() } else { format!("{dir}/SKILL.md") }) {
        return Err(AppError::NotFound { kind: "skill folder (no SKILL.md)", name: dir.to_string() });
    }
    let (files, special) = repo::download(gh, pinned, dir).await?;
    let top = dir.rsplit('/').next().filter(|t| !t.is_empty()).unwrap_or(&pinned.repo).to_string();
    blocking(move || {
        import::stage_files(&parent, &staging, |tree| {
            for link in &special {
                tree.skip_link(&format!("{top}/{link}"))?;
            }
            for file in files {
                let raw = format!("{top}/{}", file.rel);
                let path = match import::check_entry_name(raw.as_bytes())? {
                    import::Checked::Path(path) => path,
                    import::Checked::Ignored(shown) => {
                        tree.ignore(&shown)?;
                        continue;
                    }
                };
                let mode = Some(if file.executable { 0o755 } else { 0o644 });
                tree.file(&path, &mut file.bytes.as_slice(), FileMeta { mode, declared: None, compressed: None })?;
            }
            Ok(())
        })
    })
    .await
}

/// Imports one skill folder of `pinned` into the library.
pub async fn import_one(
    backend: &Backend,
    gh: &GitHub,
    pinned: &PinnedRepo,
    dir: &str,
    overwrite: bool,
) -> Result<(String, ImportOutcome), AppError> {
    let skills_path = backend.skills_path().await?;
    let staged =
        stage_from_github(gh, pinned, dir, library_staging(&skills_path), uuid::Uuid::new_v4().to_string()).await?;
    if let Some(err) = staged.inspected.refusal() {
        discard(staged).await;
        return Err(err);
    }
    let name = SkillName::parse(&staged.inspected.name)?;
    let source = pinned.full_name();
    let existing = backend.db().get_marketplace_skill(name.as_str()).await?;
    let same_source = existing.as_ref().is_some_and(|r| r.source_repo == source && r.source_path == dir);
    if !same_source && (existing.is_some() || backend.db().get_skill(name.as_str()).await.is_ok()) {
        discard(staged).await;
        return Err(AppError::AlreadyExists { kind: "skill", name: name.to_string() });
    }
    let i = &staged.inspected;
    let row = NewMarketplaceSkill {
        name: name.to_string(),
        domain: i.domain.clone(),
        skill_type: i.skill_type.clone(),
        description: i.description.clone(),
        source_repo: source.clone(),
        source_ref: Some(pinned.git_ref.clone()),
        source_commit: pinned.sha.clone(),
        source_path: dir.to_string(),
        content_sha256: i.content_sha256.clone(),
        version: i.version.clone(),
        model: i.model.clone(),
        argument_hint: i.argument_hint.clone(),
        user_invocable: i.user_invocable,
        disable_model_invocation: i.disable_model_invocation,
    };
    let outcome = match existing.filter(|_| same_source) {
        None => {
            let dest = skills_path.join(name.as_str());
            let placed = dest.clone();
            blocking(move || staged.publish(&dest)).await?;
            if let Err(err) = backend.db().put_marketplace_skill(row, false).await {
                let _ = blocking(move || std::fs::remove_dir_all(&placed).map_err(|e| AppError::io(&placed, e))).await;
                return Err(err);
            }
            ImportOutcome::Imported
        }
        Some(record) => {
            let folder = skills_path.join(&record.rel_path);
            let on_disk = {
                let f = folder.clone();
                blocking(move || if f.is_dir() { import::content_sha256(&f).map(Some) } else { Ok(None) }).await?
            };
            let modified = on_disk.as_deref().is_some_and(|h| h != record.content_sha256);
            if !modified && on_disk.is_some() && record.content_sha256 == row.content_sha256 {
                discard(staged).await;
                return Ok((name.to_string(), ImportOutcome::Skipped));
            }
            if modified && !overwrite {
                discard(staged).await;
                return Err(AppError::Conflict {
                    reason: "modified_locally",
                    message: format!("'{name}' was changed since it was imported; overwrite to replace it"),
                });
            }
            let work = replace_in_library(backend, staged, folder, row, modified);
            with_edit_lock(backend, &name, work).await?;
            ImportOutcome::Updated
        }
    };
    let summary = format!("{name}: imported from {source}");
    backend.git().auto_commit(CommitRequest::auto(&[name.to_string()], summary, "imported")).await;
    if let Err(err) = refresh_agent_copy(backend, &name).await {
        tracing::warn!(%err, skill = %name, "could not refresh the agent copy");
    }
    backend.emit(AppEvent::SkillsChanged { skill_name: name.to_string() });
    Ok((name.to_string(), outcome))
}

/// Swaps the library folder for the staged one (checkpointing local edits first), then the rows;
/// a failed row update puts the old folder back.
async fn replace_in_library(
    backend: &Backend,
    staged: Staged,
    folder: PathBuf,
    row: NewMarketplaceSkill,
    checkpoint: bool,
) -> Result<(), AppError> {
    if checkpoint {
        backend.git().checkpoint(&row.name, "overwrite local changes").await?;
    }
    let aside = folder.with_file_name(format!(".skill-builder-replaced-{}", uuid::Uuid::new_v4()));
    let (f, a) = (folder.clone(), aside.clone());
    blocking(move || {
        std::fs::rename(&f, &a).map_err(|e| AppError::io(&f, e))?;
        staged.publish(&f).inspect_err(|_| {
            let _ = std::fs::rename(&a, &f);
        })
    })
    .await?;
    let result = backend.db().put_marketplace_skill(row, true).await;
    let failed = result.is_err();
    blocking(move || {
        if failed {
            let _ = std::fs::remove_dir_all(&folder);
            let _ = std::fs::rename(&aside, &folder);
        } else {
            let _ = std::fs::remove_dir_all(&aside);
        }
        Ok(())
    })
    .await?;
    result.map(|_| ())
}

/// `toggle_skill_active` for a library skill: only marketplace skills; active places the agent
/// copy, inactive removes it (only a copy carrying the marker).
pub async fn toggle_library(backend: &Backend, name: &SkillName, active: bool) -> Result<(), AppError> {
    backend.db().get_skill(name.as_str()).await?;
    if backend.db().get_marketplace_skill(name.as_str()).await?.is_none() {
        return Err(AppError::NotSupported(format!("'{name}' is not a marketplace skill")));
    }
    backend.db().set_marketplace_skill_active(name.as_str(), active).await?;
    let result = if active { refresh_agent_copy(backend, name).await } else { remove_agent_copy(backend, name).await };
    if result.is_err() {
        let _ = backend.db().set_marketplace_skill_active(name.as_str(), !active).await;
    }
    result
}

/// Places (or refreshes) the agent copy of an active marketplace skill.
async fn refresh_agent_copy(backend: &Backend, name: &SkillName) -> Result<(), AppError> {
    let Some(record) = backend.db().get_marketplace_skill(name.as_str()).await? else { return Ok(()) };
    if !record.is_active {
        return Ok(());
    }
    let source = backend.skills_path().await?.join(&record.rel_path);
    let parent = workspace_skills_dir(backend);
    let dest = parent.join(name.as_str());
    blocking(move || {
        let staged = import::stage_upload(&Source::Folder(source), &parent, &staging_name(), None)?;
        let marker = staged.dir().join(COPY_MARKER);
        std::fs::write(&marker, b"managed by Skill Builder\n").map_err(|e| AppError::io(&marker, e))?;
        if dest.symlink_metadata().is_ok() {
            if !dest.join(COPY_MARKER).is_file() {
                return Err(AppError::AlreadyExists { kind: "workspace skill", name: dest.display().to_string() });
            }
            std::fs::remove_dir_all(&dest).map_err(|e| AppError::io(&dest, e))?;
        }
        staged.publish(&dest)
    })
    .await
}

async fn remove_agent_copy(backend: &Backend, name: &SkillName) -> Result<(), AppError> {
    let dest = workspace_skills_dir(backend).join(name.as_str());
    blocking(move || {
        if dest.join(COPY_MARKER).is_file() {
            std::fs::remove_dir_all(&dest).map_err(|e| AppError::io(&dest, e))?;
        }
        Ok(())
    })
    .await
}
