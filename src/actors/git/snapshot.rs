//! Writing folders as git objects straight from their bytes (blobs, and trees serialised here),
//! for the initial commit. Files are stored as they are: this path is taken only when no
//! attributes or `core.autocrlf` could ask git to convert content (see `initial.rs`); it skips
//! libgit2's per-file filter and tree-builder work, which dominates a 70,000-file commit.

use std::path::Path;

use git2::{IndexEntry, ObjectType, Odb, Oid, Repository};

use super::commit::{MODE_EXEC, MODE_FILE, MODE_LINK, MODE_TREE, index_entry, is_executable, trackable_entries};
use crate::protocol::AppError;

/// A `.gitattributes` file was found: content conversion may apply, use libgit2's path instead.
#[derive(Debug)]
pub struct NeedsFilters;

/// Writes the objects of the folders it walks into an object database (the initial commit's
/// mempack, see `packer.rs`).
pub struct Hasher<'r> {
    repo: &'r Repository,
    odb: &'r Odb<'r>,
}

impl<'r> Hasher<'r> {
    /// `repo` answers ignore questions; objects go to `odb`.
    pub fn new(repo: &'r Repository, odb: &'r Odb<'r>) -> Self {
        Hasher { repo, odb }
    }

    fn keep(&mut self, kind: ObjectType, data: &[u8]) -> Result<Oid, AppError> {
        Ok(self.odb.write(kind, data)?)
    }

    /// The tree of `dir` (`rel` from the work tree root), `None` when nothing in it is tracked.
    pub fn dir(
        &mut self,
        dir: &Path,
        rel: &str,
        entries: &mut Vec<IndexEntry>,
    ) -> Result<Result<Option<Oid>, NeedsFilters>, AppError> {
        let mut children: Vec<(Vec<u8>, u32, Oid)> = Vec::new();
        for (name, child) in trackable_entries(dir)? {
            if name == ".gitattributes" {
                return Ok(Err(NeedsFilters));
            }
            let path = child.path();
            let child_rel = format!("{rel}/{name}");
            let meta = std::fs::symlink_metadata(&path).map_err(|e| AppError::io(&path, e))?;
            let probe = if meta.is_dir() { format!("{child_rel}/") } else { child_rel.clone() };
            if self.repo.is_path_ignored(&probe)? {
                continue;
            }
            let kind = meta.file_type();
            let (mode, oid) = if kind.is_dir() {
                match self.dir(&path, &child_rel, entries)? {
                    Ok(Some(oid)) => (MODE_TREE, oid),
                    Ok(None) => continue,
                    Err(needs) => return Ok(Err(needs)),
                }
            } else if kind.is_symlink() {
                let target = std::fs::read_link(&path).map_err(|e| AppError::io(&path, e))?;
                let oid = self.keep(ObjectType::Blob, target.to_string_lossy().as_bytes())?;
                entries.push(index_entry(&child_rel, oid, MODE_LINK, &meta));
                (MODE_LINK, oid)
            } else if kind.is_file() {
                let data = std::fs::read(&path).map_err(|e| AppError::io(&path, e))?;
                let mode = if is_executable(&meta) { MODE_EXEC } else { MODE_FILE };
                let oid = self.keep(ObjectType::Blob, &data)?;
                entries.push(index_entry(&child_rel, oid, mode, &meta));
                (mode, oid)
            } else {
                tracing::warn!(path = %path.display(), "skipping a special file git cannot track");
                continue;
            };
            children.push((name.into_bytes(), mode, oid));
        }
        if children.is_empty() {
            return Ok(Ok(None));
        }
        // Git orders tree entries by name, comparing a folder as if its name ended in '/'.
        let key = |(name, mode, _): &(Vec<u8>, u32, Oid)| {
            let mut key = name.clone();
            if *mode == MODE_TREE {
                key.push(b'/');
            }
            key
        };
        children.sort_by_cached_key(key);
        let mut tree = Vec::with_capacity(children.len() * 40);
        for (name, mode, oid) in &children {
            tree.extend_from_slice(format!("{mode:o} ").as_bytes());
            tree.extend_from_slice(name);
            tree.push(0);
            tree.extend_from_slice(oid.as_bytes());
        }
        Ok(Ok(Some(self.keep(ObjectType::Tree, &tree)?)))
    }
}

/// Whether git could convert file content on the way in (then libgit2 must hash the files).
pub fn filters_configured(repo: &Repository) -> bool {
    let config = repo.config().ok();
    let set =
        |key: &str| config.as_ref().is_some_and(|c| c.get_string(key).is_ok_and(|v| !v.eq_ignore_ascii_case("false")));
    set("core.autocrlf") || set("core.attributesFile") || repo.path().join("info/attributes").exists()
}
