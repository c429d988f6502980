//! Imported & Marketplace commands (backend.md §3.8) except `export_skill`: uploads into
//! Settings → Skills (`WS/.claude/skills/<name>`), its listing, activation and removal, and the
//! SKILL.md of a skill in either registry. Uploads go through the import pipeline
//! (`crate::import`): staged next to the destination, published with one rename, and the row
//! written after; a failure at any step leaves neither folder nor row.

use std::path::{Path, PathBuf};

use crate::import::{self, Source, Staged};
use crate::protocol::*;
use crate::{Backend, skill};

use super::blocking;

/// Marks a library skill's agent copy in `WS/.claude/skills/<name>`; only such a copy is removed.
pub const COPY_MARKER: &str = ".skill-builder-copy";
const INACTIVE: &str = ".inactive";

/// `WS/.claude/skills`: Settings → Skills and the agent copies.
pub fn workspace_skills_dir(backend: &Backend) -> PathBuf {
    backend.paths().workspace.join(".claude").join("skills")
}

/// A staging folder name below `WS/.claude/skills`.
pub fn staging_name() -> String {
    format!(".staging-{}", uuid::Uuid::new_v4())
}

/// Where a workspace skill's folder is, by its active flag.
fn workspace_folder(backend: &Backend, name: &str, active: bool) -> PathBuf {
    let base = workspace_skills_dir(backend);
    if active { base.join(name) } else { base.join(INACTIVE).join(name) }
}

/// Removes a staged import on the blocking pool.
pub async fn discard(staged: Staged) {
    let _ = blocking(move || {
        drop(staged);
        Ok(())
    })
    .await;
}

fn picked(file: &Path) -> Result<Source, AppError> {
    if !file.is_absolute() {
        return Err(AppError::PathRejected { reason: "not_absolute", path: file.display().to_string() });
    }
    Ok(Source::from_path(file))
}

async fn stage(backend: &Backend, source: Source, folder: Option<String>) -> Result<Staged, AppError> {
    let parent = workspace_skills_dir(backend);
    blocking(move || import::stage_upload(&source, &parent, &staging_name(), folder.as_deref())).await
}

/// Whether `name` is taken in Settings → Skills: a row, or any folder (active, inactive, an
/// agent copy) of that name.
async fn taken(backend: &Backend, name: &str) -> Result<bool, AppError> {
    if backend.db().get_workspace_skill(name).await?.is_some() {
        return Ok(true);
    }
    let (active, inactive) = (workspace_folder(backend, name, true), workspace_folder(backend, name, false));
    blocking(move || Ok(active.symlink_metadata().is_ok() || inactive.symlink_metadata().is_ok())).await
}

/// The first free `<name>-N`.
async fn free_name(backend: &Backend, name: &str) -> Result<String, AppError> {
    for n in 2..1000 {
        let candidate = format!("{}-{n}", name.chars().take(60).collect::<String>());
        if !taken(backend, &candidate).await? {
            return Ok(candidate);
        }
    }
    Err(AppError::AlreadyExists { kind: "workspace skill", name: name.to_string() })
}

/// Shows what uploading `file` would do: findings, fixes, the name and any conflict. Nothing
/// is kept.
#[tracing::instrument(skip_all, err)]
pub async fn preview_upload(
    backend: &Backend,
    file: PathBuf,
    folder: Option<String>,
) -> Result<ImportPreview, AppError> {
    let staged = stage(backend, picked(&file)?, folder).await?;
    let mut preview = staged.preview();
    discard(staged).await;
    if !preview.name.is_empty() && taken(backend, &preview.name).await? {
        preview.conflict = Some(ImportConflict {
            existing: preview.name.clone(),
            rename_to: free_name(backend, &preview.name).await?,
            choices: vec![ConflictChoice::Skip, ConflictChoice::Rename, ConflictChoice::Replace],
        });
    }
    Ok(preview)
}

/// `upload_skill`: a `.zip`, `.skill` or skill folder into Settings → Skills.
#[tracing::instrument(skip_all, err)]
pub async fn upload_skill(
    backend: &Backend,
    file: PathBuf,
    options: UploadOptions,
) -> Result<WorkspaceSkill, AppError> {
    let source = picked(&file)?;
    let file_name = source.file_name();
    let staged = stage(backend, source, options.folder.clone()).await?;
    if let Some(err) = staged.inspected.refusal() {
        discard(staged).await;
        return Err(err);
    }
    let mut row = workspace_row(backend, &staged.inspected, WorkspaceOrigin::Upload);
    row.upload_file_name = file_name;
    install(backend, staged, row, options.on_conflict).await
}

/// The row a staged skill becomes.
pub fn workspace_row(backend: &Backend, i: &import::Inspected, origin: WorkspaceOrigin) -> WorkspaceSkill {
    let now = backend.clock().now_str();
    WorkspaceSkill {
        name: i.name.clone(),
        origin,
        is_active: true,
        domain: i.domain.clone(),
        skill_type: i.skill_type.clone(),
        description: i.description.clone(),
        version: i.version.clone(),
        model: i.model.clone(),
        argument_hint: i.argument_hint.clone(),
        user_invocable: i.user_invocable,
        disable_model_invocation: i.disable_model_invocation,
        source_repo: None,
        source_ref: None,
        source_commit: None,
        source_path: None,
        upload_file_name: None,
        content_sha256: i.content_sha256.clone(),
        imported_at: now.clone(),
        updated_at: now,
        missing_on_disk: false,
    }
}

/// Publishes a staged skill as `row` in Settings → Skills, resolving a taken name by `choice`
/// (without one a taken name is `already_exists`, `SB320`). The folder is placed first and the
/// row written after; if the row fails the folder goes (and a replaced one comes back).
pub async fn install(
    backend: &Backend,
    staged: Staged,
    mut row: WorkspaceSkill,
    choice: Option<ConflictChoice>,
) -> Result<WorkspaceSkill, AppError> {
    let mut replace = None;
    if taken(backend, &row.name).await? {
        let existing = backend.db().get_workspace_skill(&row.name).await?;
        match (choice, existing) {
            (Some(ConflictChoice::Skip), Some(existing)) => {
                discard(staged).await;
                return Ok(existing);
            }
            (Some(ConflictChoice::Rename), _) => row.name = free_name(backend, &row.name).await?,
            (Some(ConflictChoice::Replace), Some(existing)) if existing.origin != WorkspaceOrigin::Bundled => {
                row.is_active = existing.is_active;
                replace = Some(existing);
            }
            _ => {
                discard(staged).await;
                return Err(AppError::AlreadyExists { kind: "workspace skill", name: row.name });
            }
        }
    }
    let dest = workspace_folder(backend, &row.name, row.is_active);
    let aside = workspace_skills_dir(backend).join(staging_name());
    let had_old = replace.is_some();
    let (placed, old_aside) = (dest.clone(), aside.clone());
    blocking(move || {
        if had_old {
            std::fs::rename(&dest, &aside).map_err(|e| AppError::io(&dest, e))?;
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
        }
        match staged.publish(&dest) {
            Ok(()) => Ok(()),
            Err(err) => {
                if had_old {
                    let _ = std::fs::rename(&aside, &dest);
                }
                Err(err)
            }
        }
    })
    .await?;
    match backend.db().put_workspace_skill(row, had_old).await {
        Ok(saved) => {
            let _ = blocking(move || {
                if had_old {
                    let _ = std::fs::remove_dir_all(&old_aside);
                }
                Ok(())
            })
            .await;
            Ok(saved)
        }
        Err(err) => {
            let _ = blocking(move || {
                let _ = std::fs::remove_dir_all(&placed);
                if had_old {
                    let _ = std::fs::rename(&old_aside, &placed);
                }
                Ok(())
            })
            .await;
            Err(err)
        }
    }
}

/// `list_workspace_skills`: every row by name, with `description` from its SKILL.md and
/// `missingOnDisk`.
pub async fn list_workspace_skills(backend: &Backend) -> Result<Vec<WorkspaceSkill>, AppError> {
    let rows = backend.db().list_workspace_skills().await?;
    let base = workspace_skills_dir(backend);
    blocking(move || {
        Ok(rows
            .into_iter()
            .map(|mut row| {
                let dir = if row.is_active { base.join(&row.name) } else { base.join(INACTIVE).join(&row.name) };
                row.missing_on_disk = !dir.is_dir();
                if let Ok(text) = std::fs::read_to_string(dir.join("SKILL.md"))
                    && let Ok(fm) = skill::frontmatter::parse(&text)
                    && let Some(description) = fm.text("description")
                {
                    row.description = Some(description.to_string());
                }
                row
            })
            .collect())
    })
    .await
}

/// `toggle_skill_active`: moves a workspace skill between `.claude/skills/<n>` and
/// `.claude/skills/.inactive/<n>`, or places/removes a marketplace skill's agent copy.
#[tracing::instrument(skip_all, fields(skill = %target.name, active), err)]
pub async fn toggle_skill_active(backend: &Backend, target: SkillTarget, active: bool) -> Result<(), AppError> {
    let name = SkillName::parse(&target.name)?;
    if target.registry == Registry::Library {
        return super::imports_library::toggle_library(backend, &name, active).await;
    }
    let row = backend
        .db()
        .get_workspace_skill(name.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound { kind: "workspace skill", name: name.to_string() })?;
    if row.is_active == active {
        return Ok(());
    }
    let (from, to) =
        (workspace_folder(backend, name.as_str(), row.is_active), workspace_folder(backend, name.as_str(), active));
    let (f, t) = (from.clone(), to.clone());
    blocking(move || {
        if t.symlink_metadata().is_ok() {
            return Err(AppError::AlreadyExists { kind: "folder", name: t.display().to_string() });
        }
        if let Some(parent) = t.parent() {
            std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
        }
        std::fs::rename(&f, &t).map_err(|e| AppError::io(&f, e))
    })
    .await?;
    if let Err(err) = backend.db().set_workspace_skill_active(name.as_str(), active).await {
        let _ = blocking(move || std::fs::rename(&to, &from).map_err(|e| AppError::io(&to, e))).await;
        return Err(err);
    }
    Ok(())
}

/// `delete_workspace_skill`: the folder (active or inactive) and the row; bundled skills are
/// deactivated instead. The folder is moved aside first, so a failed row delete puts it back.
#[tracing::instrument(skip_all, fields(skill = %name), err)]
pub async fn delete_workspace_skill(backend: &Backend, name: &str) -> Result<(), AppError> {
    let name = SkillName::parse(name)?;
    let row = backend
        .db()
        .get_workspace_skill(name.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound { kind: "workspace skill", name: name.to_string() })?;
    if row.origin == WorkspaceOrigin::Bundled {
        return Err(AppError::NotSupported("bundled skills cannot be deleted; deactivate them instead".into()));
    }
    let folder = workspace_folder(backend, name.as_str(), row.is_active);
    let aside = workspace_skills_dir(backend).join(staging_name());
    let (f, a) = (folder.clone(), aside.clone());
    let moved = blocking(move || match std::fs::rename(&f, &a) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(AppError::io(&f, e)),
    })
    .await?;
    if let Err(err) = backend.db().delete_workspace_skill(name.as_str()).await {
        if moved {
            let _ = blocking(move || std::fs::rename(&aside, &folder).map_err(|e| AppError::io(&aside, e))).await;
        }
        return Err(err);
    }
    blocking(move || match std::fs::remove_dir_all(&aside) {
        Err(e) if moved && e.kind() != std::io::ErrorKind::NotFound => Err(AppError::io(&aside, e)),
        _ => Ok(()),
    })
    .await
}

/// `get_skill_content`: SKILL.md (≤ 1 MiB) and its front-matter as JSON.
pub async fn get_skill_content(backend: &Backend, target: SkillTarget) -> Result<SkillContent, AppError> {
    let name = SkillName::parse(&target.name)?;
    let dir = match target.registry {
        Registry::Workspace => {
            let row = backend
                .db()
                .get_workspace_skill(name.as_str())
                .await?
                .ok_or_else(|| AppError::NotFound { kind: "workspace skill", name: name.to_string() })?;
            workspace_folder(backend, name.as_str(), row.is_active)
        }
        Registry::Library => {
            backend.db().get_skill(name.as_str()).await?;
            let rel = backend.db().get_marketplace_skill(name.as_str()).await?.map(|m| m.rel_path);
            backend.skills_path().await?.join(rel.unwrap_or_else(|| name.to_string()))
        }
    };
    blocking(move || read_content(&dir)).await
}

fn read_content(dir: &Path) -> Result<SkillContent, AppError> {
    let path = dir.join("SKILL.md");
    let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => AppError::NotFound { kind: "file", name: path.display().to_string() },
        _ => AppError::io(&path, e),
    })?;
    if meta.len() > skill::limits::SKILL_MD_BYTES {
        return Err(AppError::TooLarge {
            what: "SKILL.md (SB204)".into(),
            limit: skill::limits::SKILL_MD_BYTES,
            actual: meta.len(),
        });
    }
    let bytes = std::fs::read(&path).map_err(|e| AppError::io(&path, e))?;
    let markdown = String::from_utf8_lossy(&bytes).into_owned();
    let frontmatter = match skill::frontmatter::parse(&markdown) {
        Ok(fm) => mapping_json(&fm.fields),
        Err(_) => serde_json::Value::Object(Default::default()),
    };
    Ok(SkillContent { markdown, frontmatter, path: path.display().to_string() })
}

fn mapping_json(map: &skill::frontmatter::Mapping) -> serde_json::Value {
    serde_json::Value::Object(map.iter().map(|(k, e)| (k.to_string(), value_json(&e.value))).collect())
}

fn value_json(value: &skill::frontmatter::Value) -> serde_json::Value {
    use skill::frontmatter::Value as V;
    match value {
        V::Null => serde_json::Value::Null,
        V::Bool(b) => (*b).into(),
        V::Int(i) => (*i).into(),
        V::Float(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number),
        V::String(s) => s.clone().into(),
        V::List(items) => items.iter().map(value_json).collect(),
        V::Map(map) => mapping_json(map),
    }
}
