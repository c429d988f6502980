//! The staging folder of one import (skill-format §3.2 steps 2, 3 and 6): made on the same file
//! system as the destination, removed with everything in it unless its skill was moved out,
//! and the one atomic rename that publishes the skill.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::finding::{block, note};
use crate::protocol::AppError;
use crate::protocol::validation::{Finding, Severity};

/// A staging folder; dropping it removes it, and the parent folders it had to create when they
/// are empty again, so a failed import leaves the tree as it found it.
pub struct Staging {
    dir: PathBuf,
    created: Vec<PathBuf>,
}

impl Staging {
    /// Makes `parent/<name>` (0700), creating `parent` if needed.
    pub fn create(parent: &Path, name: &str) -> Result<Staging, AppError> {
        let mut created = Vec::new();
        let mut missing = Vec::new();
        let mut cursor = parent.to_path_buf();
        while !cursor.exists() {
            missing.push(cursor.clone());
            if !cursor.pop() {
                break;
            }
        }
        for dir in missing.iter().rev() {
            match std::fs::create_dir(dir) {
                Ok(()) => created.push(dir.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(AppError::io(dir, e)),
            }
        }
        let dir = parent.join(name);
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        let staging = Staging { dir: dir.clone(), created };
        builder.create(&dir).map_err(|e| AppError::io(&dir, e))?;
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Err(err) = std::fs::remove_dir_all(&self.dir)
            && err.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(%err, dir = %self.dir.display(), "could not remove an import staging folder");
        }
        for dir in self.created.iter().rev() {
            // Fails harmlessly when something else now lives there.
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Where the skill is inside a staged tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The skill folder (the tree itself for a root `SKILL.md`).
    pub dir: PathBuf,
    /// Its name in the tree (`None` for the root).
    pub top: Option<String>,
    pub findings: Vec<Finding>,
}

/// Finds the skill: `<top>/SKILL.md`, else a root `SKILL.md` (`SB317`), else `SB315`. Several
/// top folders with a `SKILL.md` need `folder` to pick one (`invalid_archive{skills}`), and are
/// refused outright for a `.skill` (`SB316`).
pub fn locate(tree: &Path, folder: Option<&str>, single: bool) -> Result<Located, AppError> {
    let mut skills: Vec<String> = std::fs::read_dir(tree)
        .map_err(|e| AppError::io(tree, e))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && e.path().join("SKILL.md").is_file())
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .collect();
    skills.sort();
    if let Some(wanted) = folder {
        if !skills.iter().any(|s| s == wanted) {
            return Err(AppError::NotFound { kind: "skill folder in the archive", name: wanted.to_string() });
        }
        skills = vec![wanted.to_string()];
    }
    match skills.as_slice() {
        [top] => {
            let mut findings = Vec::new();
            let others = std::fs::read_dir(tree).map_err(|e| AppError::io(tree, e))?.count();
            if others > 1 {
                let message = "Ignored: entries outside the skill folder.".to_string();
                findings.push(note("SB319", Severity::Info, message, None));
            }
            Ok(Located { dir: tree.join(top), top: Some(top.clone()), findings })
        }
        [] if tree.join("SKILL.md").is_file() => {
            let message = "SKILL.md at the archive root; folder named after `name`.".to_string();
            let findings = vec![note("SB317", Severity::Warning, message, Some("SKILL.md"))];
            Ok(Located { dir: tree.to_path_buf(), top: None, findings })
        }
        [] => {
            Err(super::finding::archive_error(block("SB315", "No SKILL.md at the root or one folder deep.".into(), "")))
        }
        many if single => {
            let message = format!("A `.skill` must hold one skill; found {}.", many.len());
            Err(super::finding::archive_error(block("SB316", message, "")))
        }
        many => Err(AppError::InvalidArchive {
            message: format!("The archive holds {} skills; pick one: {}.", many.len(), many.join(", ")),
            findings: Vec::new(),
            skills: many.to_vec(),
        }),
    }
}

/// SHA-256 over the sorted `(path, bytes)` of a folder's regular files: the upstream hash an
/// import records, and what later tells a local edit from the imported content.
pub fn content_sha256(dir: &Path) -> Result<String, AppError> {
    let mut files = Vec::new();
    collect(dir, "", &mut files)?;
    files.sort();
    let mut hasher = Sha256::new();
    for rel in files {
        let path = dir.join(&rel);
        let bytes = std::fs::read(&path).map_err(|e| AppError::io(&path, e))?;
        hasher.update((rel.len() as u64).to_le_bytes());
        hasher.update(rel.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn collect(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<(), AppError> {
    for entry in std::fs::read_dir(dir).map_err(|e| AppError::io(dir, e))? {
        let entry = entry.map_err(|e| AppError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".skill-builder-copy" {
            continue;
        }
        let child = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        let kind = entry.file_type().map_err(|e| AppError::io(entry.path(), e))?;
        if kind.is_dir() {
            collect(&entry.path(), &child, out)?;
        } else if kind.is_file() {
            out.push(child);
        }
    }
    Ok(())
}

/// Publishes `from` as `to` in one rename; `to` must not exist (an existing folder, even an
/// empty one, is `already_exists`).
pub fn publish(from: &Path, to: &Path) -> Result<(), AppError> {
    if to.symlink_metadata().is_ok() {
        return Err(AppError::AlreadyExists { kind: "folder", name: to.display().to_string() });
    }
    rename_no_replace(from, to).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::DirectoryNotEmpty => {
            AppError::AlreadyExists { kind: "folder", name: to.display().to_string() }
        }
        _ => AppError::io(to, e),
    })
}

/// A rename that never replaces `to`, even an empty folder another process made meanwhile.
#[cfg(target_os = "linux")]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        // File systems without RENAME_NOREPLACE: the check above is all we have.
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => std::fs::rename(from, to),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to)
}
