//! File I/O commands. Every path goes through `paths::resolve_under`; text and binary content
//! is capped at 5 MB; every write is atomic.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

use crate::Backend;
use crate::atomic::write_atomic;
use crate::clock::format_timestamp;
use crate::paths::{Access, resolve_under, validate_file_name, validate_relative};
use crate::protocol::*;

/// 5 MB (MiB), the cap on any file content a command reads or writes.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// Most entries a folder listing returns.
const MAX_LISTING: usize = 10_000;
/// The JSON artifacts `save_raw_file` may write, and the read-only views rendered from them.
const RAW_FILES: &[&str] = &["clarifications.json", "refinements.json", "decisions.json"];
const RENDERED_VIEWS: &[&str] = &["clarifications.md", "decisions.md", "validation-report.md"];

async fn root_dir(backend: &Backend, root: FileRoot) -> Result<PathBuf, AppError> {
    let dir = match root {
        FileRoot::Skills => backend.skills_path().await?,
        FileRoot::Workspace => backend.paths().workspace.clone(),
        FileRoot::Temp => backend.paths().temp.clone(),
    };
    std::fs::create_dir_all(&dir).map_err(|e| AppError::io(&dir, e))?;
    Ok(dir)
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn modified_at(meta: &std::fs::Metadata) -> Option<String> {
    meta.modified().ok().map(|t| format_timestamp(t.into()))
}

fn check_size(path: &str, size: u64) -> Result<(), AppError> {
    if size > MAX_FILE_BYTES {
        return Err(AppError::TooLarge { what: path.to_string(), limit: MAX_FILE_BYTES, actual: size });
    }
    Ok(())
}

/// Reads a whole regular file of at most 5 MB.
fn read_capped(path: &Path, display: &str) -> Result<(Vec<u8>, std::fs::Metadata), AppError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => AppError::NotFound { kind: "file", name: display.to_string() },
        _ => AppError::io(path, e),
    })?;
    if !meta.is_file() {
        return Err(AppError::invalid("path", format!("'{display}' is not a file")));
    }
    check_size(display, meta.len())?;
    let bytes = std::fs::read(path).map_err(|e| AppError::io(path, e))?;
    // The file may have grown between stat and read.
    check_size(display, bytes.len() as u64)?;
    Ok((bytes, meta))
}

/// Paths whose content only the backend writes (backend.md §7.1).
fn refuse_managed(file: &FileRef) -> Result<(), AppError> {
    let parts = validate_relative(&file.path)?;
    let managed = match file.root {
        FileRoot::Skills => parts.get(1) == Some(&"context"),
        FileRoot::Workspace => {
            parts.first() == Some(&".claude")
                && matches!(parts.get(1), Some(&"agents") | Some(&".skill-builder-manifest.json") | Some(&"skills"))
        }
        FileRoot::Temp => false,
    };
    if managed {
        return Err(AppError::PathRejected { reason: "managed_path", path: file.path.clone() });
    }
    Ok(())
}

/// Writes under `SP/<skill>/` need that no other live instance holds the skill's lock.
async fn refuse_if_locked_elsewhere(backend: &Backend, file: &FileRef) -> Result<(), AppError> {
    if file.root != FileRoot::Skills {
        return Ok(());
    }
    let Some(first) = validate_relative(&file.path)?.first().copied() else { return Ok(()) };
    let Ok(name) = SkillName::parse(first) else { return Ok(()) };
    match backend.db().check_lock(name.as_str()).await {
        Ok(LockStatus { state: LockState::Other, holder: Some(holder) }) => {
            Err(AppError::SkillLocked { skill: name.to_string(), holder })
        }
        Ok(_) | Err(AppError::NotFound { .. }) => Ok(()),
        Err(err) => Err(err),
    }
}

#[tracing::instrument(skip_all, fields(root = ?file.root, path = %file.path), err)]
pub async fn read_file(backend: &Backend, file: FileRef) -> Result<TextFile, AppError> {
    let root = root_dir(backend, file.root).await?;
    let path = resolve_under(&root, &file.path, Access::Read)?;
    let (bytes, meta) = read_capped(&path, &file.path)?;
    let sha256 = sha256_hex(&bytes);
    let size_bytes = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    let content = String::from_utf8(bytes)
        .map_err(|_| AppError::invalid("content", "not_utf8: the file is not UTF-8 text; read it as base64 instead"))?;
    Ok(TextFile { content, sha256, size_bytes, modified_at: modified_at(&meta) })
}

/// Writes a text file atomically. With `expected_sha256`, a file changed on disk since it was
/// read (by an agent, an editor) is refused with `conflict{stale_content}` instead of lost.
#[tracing::instrument(skip_all, fields(root = ?file.root, path = %file.path), err)]
pub async fn write_file(
    backend: &Backend,
    file: FileRef,
    content: String,
    expected_sha256: Option<String>,
) -> Result<TextFile, AppError> {
    check_size(&file.path, content.len() as u64)?;
    refuse_managed(&file)?;
    refuse_if_locked_elsewhere(backend, &file).await?;
    let root = root_dir(backend, file.root).await?;
    let path = resolve_under(&root, &file.path, Access::Write)?;
    if let Some(expected) = expected_sha256 {
        let current = std::fs::read(&path).ok().map(|b| sha256_hex(&b));
        if current.as_deref() != Some(expected.as_str()) {
            return Err(AppError::Conflict {
                reason: "stale_content",
                message: format!("'{}' changed on disk since it was read", file.path),
            });
        }
    }
    write_with_parents(&path, content.as_bytes())?;
    let meta = std::fs::metadata(&path).map_err(|e| AppError::io(&path, e))?;
    Ok(TextFile {
        sha256: sha256_hex(content.as_bytes()),
        size_bytes: u32::try_from(content.len()).unwrap_or(u32::MAX),
        content,
        modified_at: modified_at(&meta),
    })
}

/// Parents are created only below the validated root (the resolved path is inside it).
fn write_with_parents(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
    }
    write_atomic(path, bytes)
}

#[tracing::instrument(skip_all, err)]
pub async fn copy_file(backend: &Backend, src: FileRef, dest: FileRef, overwrite: bool) -> Result<(), AppError> {
    refuse_managed(&dest)?;
    refuse_if_locked_elsewhere(backend, &dest).await?;
    let src_path = resolve_under(&root_dir(backend, src.root).await?, &src.path, Access::Read)?;
    let dest_path = resolve_under(&root_dir(backend, dest.root).await?, &dest.path, Access::Write)?;
    let (bytes, _) = read_capped(&src_path, &src.path)?;
    if !overwrite && dest_path.exists() {
        return Err(AppError::AlreadyExists { kind: "file", name: dest.path });
    }
    write_with_parents(&dest_path, &bytes)
}

pub async fn read_file_as_base64(backend: &Backend, file: FileRef) -> Result<String, AppError> {
    let root = root_dir(backend, file.root).await?;
    let path = resolve_under(&root, &file.path, Access::Read)?;
    let (bytes, _) = read_capped(&path, &file.path)?;
    Ok(BASE64.encode(bytes))
}

/// Saves an attachment to a fresh folder `TMP/attachments/<uuid>/<file_name>`, so two
/// attachments with one name never overwrite each other. Returns the absolute path.
#[tracing::instrument(skip_all, err)]
pub async fn write_base64_to_temp_file(backend: &Backend, file_name: &str, base64: &str) -> Result<String, AppError> {
    let file_name = validate_file_name(file_name)?;
    // Base64 is 4/3 of the bytes, less its padding: refuse oversize input before decoding it
    // (counting the padding as bytes refused a file of exactly 5 MB).
    let text = base64.trim();
    let padding = text.bytes().rev().take_while(|b| *b == b'=').count() as u64;
    check_size(file_name, (text.len() as u64 / 4 * 3).saturating_sub(padding))?;
    let bytes =
        BASE64.decode(text).map_err(|_| AppError::invalid("base64", "bad_base64: the content is not valid base64"))?;
    check_size(file_name, bytes.len() as u64)?;
    let root = root_dir(backend, FileRoot::Temp).await?;
    let rel = format!("attachments/{}/{file_name}", uuid::Uuid::new_v4());
    let path = resolve_under(&root, &rel, Access::Write)?;
    write_with_parents(&path, &bytes)?;
    Ok(path.display().to_string())
}

/// The clarification editor's raw save of a JSON artifact into `SP/<skill>/context/`.
#[tracing::instrument(skip_all, fields(skill = %skill_name, file = %file_name), err)]
pub async fn save_raw_file(
    backend: &Backend,
    skill_name: &str,
    file_name: &str,
    content: String,
) -> Result<(), AppError> {
    let name = SkillName::parse(skill_name)?;
    if RENDERED_VIEWS.contains(&file_name) {
        return Err(AppError::NotSupported(format!("{file_name} is rendered from its JSON and cannot be edited")));
    }
    if !RAW_FILES.contains(&file_name) {
        return Err(AppError::invalid("fileName", format!("must be one of {}", RAW_FILES.join(", "))));
    }
    check_size(file_name, content.len() as u64)?;
    let document: serde_json::Value =
        serde_json::from_str(&content).map_err(|e| AppError::invalid("content", format!("not valid JSON: {e}")))?;
    if !document.is_object() {
        return Err(AppError::invalid("content", "must be a JSON object"));
    }
    backend.db().get_skill(name.as_str()).await?;
    let target = FileRef { root: FileRoot::Skills, path: format!("{name}/context/{file_name}") };
    refuse_if_locked_elsewhere(backend, &target).await?;
    let path = resolve_under(&root_dir(backend, FileRoot::Skills).await?, &target.path, Access::Write)?;
    write_with_parents(&path, content.as_bytes())
}

/// Lists `SP/<skill>` or `WS/<skill>` recursively, skipping `.git`; symlinks are listed, never
/// followed. A missing folder is an empty listing.
pub async fn list_skill_files(
    backend: &Backend,
    skill_name: &str,
    root: FileRoot,
) -> Result<SkillFileListing, AppError> {
    let name = SkillName::parse(skill_name)?;
    backend.db().get_skill(name.as_str()).await?;
    let base = match root {
        FileRoot::Skills => backend.skills_path().await?.join(name.as_str()),
        FileRoot::Workspace => backend.paths().workspace.join(name.as_str()),
        FileRoot::Temp => return Err(AppError::invalid("root", "must be skills or workspace")),
    };
    tokio::task::spawn_blocking(move || list_tree(&base))
        .await
        .map_err(|e| AppError::Internal(format!("listing task: {e}")))?
}

fn list_tree(base: &Path) -> Result<SkillFileListing, AppError> {
    let mut listing = SkillFileListing { entries: Vec::new(), truncated: false };
    if !base.is_dir() {
        return Ok(listing);
    }
    let mut stack = vec![base.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut children: Vec<_> =
            std::fs::read_dir(&dir).map_err(|e| AppError::io(&dir, e))?.filter_map(Result::ok).collect();
        children.sort_by_key(|e| e.file_name());
        for child in children {
            if child.file_name() == ".git" {
                continue;
            }
            if listing.entries.len() >= MAX_LISTING {
                listing.truncated = true;
                return Ok(listing);
            }
            let path = child.path();
            let meta = std::fs::symlink_metadata(&path).map_err(|e| AppError::io(&path, e))?;
            let relative_path = path.strip_prefix(base).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if meta.is_dir() {
                stack.push(path);
            }
            listing.entries.push(FileEntry {
                relative_path,
                is_directory: meta.is_dir(),
                is_symlink: meta.file_type().is_symlink(),
                size_bytes: if meta.is_file() { meta.len() } else { 0 },
                modified_at: modified_at(&meta),
            });
        }
    }
    listing.entries.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
    Ok(listing)
}
