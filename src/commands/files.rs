//! File I/O commands (backend.md §3.7, §7). Every path is validated lexically and checked
//! against the managed paths (`paths.rs`), then opened beneath an open handle on its root
//! without following links (`beneath.rs`); text and binary content is capped at 5 MB; every
//! write is atomic. The file work runs on the blocking pool.

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

use crate::Backend;
use crate::beneath::{EntryMeta, Kind, Root};
use crate::clock::format_timestamp;
use crate::paths::{Access, check_managed, is_git_name, validate_file_name, validate_relative};
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

/// Validates `file` for `access` and returns its open root.
async fn open(backend: &Backend, file: &FileRef, access: Access) -> Result<Root, AppError> {
    check_managed(file.root, &validate_relative(&file.path)?, access)?;
    let dir = root_dir(backend, file.root).await?;
    blocking(move || Root::open(&dir)).await
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(format!("file task: {e}")))?
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn modified_at(meta: &EntryMeta) -> Option<String> {
    meta.modified.map(|t| format_timestamp(t.into()))
}

fn check_size(path: &str, size: u64) -> Result<(), AppError> {
    if size > MAX_FILE_BYTES {
        return Err(AppError::TooLarge { what: path.to_string(), limit: MAX_FILE_BYTES, actual: size });
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

/// Reads a whole file of at most 5 MB.
async fn read_bytes(backend: &Backend, file: FileRef) -> Result<(Vec<u8>, EntryMeta), AppError> {
    let root = open(backend, &file, Access::Read).await?;
    blocking(move || root.read(&file.path, MAX_FILE_BYTES)).await
}

#[tracing::instrument(skip_all, fields(root = ?file.root, path = %file.path), err)]
pub async fn read_file(backend: &Backend, file: FileRef) -> Result<TextFile, AppError> {
    let (bytes, meta) = read_bytes(backend, file).await?;
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
    let root = open(backend, &file, Access::Write).await?;
    refuse_if_locked_elsewhere(backend, &file).await?;
    blocking(move || {
        if let Some(expected) = expected_sha256 {
            let current = root.read(&file.path, MAX_FILE_BYTES).ok().map(|(b, _)| sha256_hex(&b));
            if current.as_deref() != Some(expected.as_str()) {
                return Err(AppError::Conflict {
                    reason: "stale_content",
                    message: format!("'{}' changed on disk since it was read", file.path),
                });
            }
        }
        let meta = root.write(&file.path, content.as_bytes(), true)?;
        Ok(TextFile {
            sha256: sha256_hex(content.as_bytes()),
            size_bytes: u32::try_from(content.len()).unwrap_or(u32::MAX),
            content,
            modified_at: modified_at(&meta),
        })
    })
    .await
}

#[tracing::instrument(skip_all, err)]
pub async fn copy_file(backend: &Backend, src: FileRef, dest: FileRef, overwrite: bool) -> Result<(), AppError> {
    let dest_root = open(backend, &dest, Access::Write).await?;
    refuse_if_locked_elsewhere(backend, &dest).await?;
    let (bytes, _) = read_bytes(backend, src).await?;
    blocking(move || dest_root.write(&dest.path, &bytes, overwrite).map(drop)).await
}

pub async fn read_file_as_base64(backend: &Backend, file: FileRef) -> Result<String, AppError> {
    let (bytes, _) = read_bytes(backend, file).await?;
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
    let file = FileRef { root: FileRoot::Temp, path: format!("attachments/{}/{file_name}", uuid::Uuid::new_v4()) };
    let root = open(backend, &file, Access::Write).await?;
    blocking(move || {
        root.write(&file.path, &bytes, false)?;
        let dir = root.path().canonicalize().map_err(|e| AppError::io(root.path(), e))?;
        Ok(dir.join(&file.path).display().to_string())
    })
    .await
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
    // The managed `context/` folder is this command's to write, and the path is fixed.
    let dir = root_dir(backend, FileRoot::Skills).await?;
    let root = blocking(move || Root::open(&dir)).await?;
    blocking(move || root.write(&target.path, content.as_bytes(), true).map(drop)).await
}

/// Lists `SP/<skill>` or `WS/<skill>` recursively, skipping `.git`; symlinks are listed, never
/// followed, and a skill folder that is itself a symlink is refused. A missing folder is an
/// empty listing.
pub async fn list_skill_files(
    backend: &Backend,
    skill_name: &str,
    root: FileRoot,
) -> Result<SkillFileListing, AppError> {
    let name = SkillName::parse(skill_name)?;
    backend.db().get_skill(name.as_str()).await?;
    if root == FileRoot::Temp {
        return Err(AppError::invalid("root", "must be skills or workspace"));
    }
    let file = FileRef { root, path: name.to_string() };
    let dir = open(backend, &file, Access::Read).await?;
    let listing = blocking(move || dir.list(&file.path, MAX_LISTING, |n| n.to_str().is_some_and(is_git_name))).await?;
    let Some(listing) = listing else { return Ok(SkillFileListing { entries: Vec::new(), truncated: false }) };
    let entries = listing
        .entries
        .into_iter()
        .map(|(relative_path, meta)| FileEntry {
            relative_path,
            is_directory: meta.kind == Kind::Dir,
            is_symlink: meta.kind == Kind::Symlink,
            size_bytes: meta.len,
            modified_at: modified_at(&meta),
        })
        .collect();
    Ok(SkillFileListing { entries, truncated: listing.truncated })
}
