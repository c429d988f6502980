//! The file operations of `beneath.rs` where there is no `openat` (Windows), on `std::fs`.
//!
//! Every existing component is checked not to be a symlink or junction just before the
//! operation, so static links never lead out; unlike the Unix version, a folder swapped for a
//! link between that check and the open is not caught (ARCHITECTURE.md, deliberate deviations).

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::paths::validate_relative;
use crate::protocol::AppError;

/// What one entry is, from a stat that does not follow a final symlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    Other,
}

#[derive(Debug, Clone, Copy)]
pub struct EntryMeta {
    pub kind: Kind,
    /// Bytes, for regular files; 0 otherwise.
    pub len: u64,
    pub modified: Option<SystemTime>,
}

/// A folder listing: entries with their path relative to the listed folder, sorted.
#[derive(Debug, Default)]
pub struct Listing {
    pub entries: Vec<(String, EntryMeta)>,
    pub truncated: bool,
}

/// A root folder; everything below it is checked for links before use.
pub struct Root {
    path: PathBuf,
}

fn rejected(reason: &'static str, rel: &str) -> AppError {
    AppError::PathRejected { reason, path: rel.chars().take(200).collect() }
}

fn entry_meta(meta: &std::fs::Metadata) -> EntryMeta {
    let kind = if meta.file_type().is_symlink() {
        Kind::Symlink
    } else if meta.is_dir() {
        Kind::Dir
    } else if meta.is_file() {
        Kind::File
    } else {
        Kind::Other
    };
    EntryMeta { kind, len: if kind == Kind::File { meta.len() } else { 0 }, modified: meta.modified().ok() }
}

impl Root {
    pub fn open(path: &Path) -> Result<Root, AppError> {
        if !path.is_dir() {
            return Err(AppError::io(path, std::io::ErrorKind::NotFound.into()));
        }
        Ok(Root { path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Joins `rel` to the root after checking that no existing component is a link; the
    /// deepest existing component's metadata comes along (`None` when `rel` does not exist).
    fn checked(&self, rel: &str) -> Result<(PathBuf, Option<EntryMeta>), AppError> {
        let mut path = self.path.clone();
        let mut last = None;
        for part in validate_relative(rel)? {
            path.push(part);
            match std::fs::symlink_metadata(&path) {
                Ok(meta) => {
                    let meta = entry_meta(&meta);
                    if meta.kind == Kind::Symlink {
                        return Err(rejected("symlink_escape", rel));
                    }
                    last = Some(meta);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => last = None,
                Err(e) => return Err(AppError::io(&path, e)),
            }
        }
        Ok((path, last))
    }

    pub fn stat(&self, rel: &str) -> Result<Option<EntryMeta>, AppError> {
        Ok(self.checked(rel)?.1)
    }

    pub fn read(&self, rel: &str, limit: u64) -> Result<(Vec<u8>, EntryMeta), AppError> {
        let (path, meta) = self.checked(rel)?;
        let meta = meta.ok_or_else(|| AppError::NotFound { kind: "file", name: rel.to_string() })?;
        if meta.kind != Kind::File {
            return Err(AppError::invalid("path", format!("'{rel}' is not a file")));
        }
        let too_large = |actual| AppError::TooLarge { what: rel.to_string(), limit, actual };
        if meta.len > limit {
            return Err(too_large(meta.len));
        }
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(limit.saturating_add(1)).read_to_end(&mut bytes))
            .map_err(|e| AppError::io(&path, e))?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64));
        }
        Ok((bytes, meta))
    }

    pub fn write(&self, rel: &str, bytes: &[u8], replace: bool) -> Result<EntryMeta, AppError> {
        let (path, meta) = self.checked(rel)?;
        match meta.map(|m| m.kind) {
            Some(Kind::Dir) => return Err(AppError::invalid("path", format!("'{rel}' is a folder"))),
            Some(_) if !replace => return Err(AppError::AlreadyExists { kind: "file", name: rel.to_string() }),
            _ => {}
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
        }
        crate::atomic::write_atomic(&path, bytes)?;
        let meta = std::fs::symlink_metadata(&path).map_err(|e| AppError::io(&path, e))?;
        Ok(entry_meta(&meta))
    }

    pub fn list(&self, rel: &str, max: usize, skip: impl Fn(&OsStr) -> bool) -> Result<Option<Listing>, AppError> {
        let (base, meta) = self.checked(rel)?;
        if meta.map(|m| m.kind) != Some(Kind::Dir) {
            return Ok(None);
        }
        let mut listing = Listing::default();
        let mut pending = vec![(base, String::new())];
        while let Some((dir, prefix)) = pending.pop() {
            let mut children: Vec<_> =
                std::fs::read_dir(&dir).map_err(|e| AppError::io(&dir, e))?.filter_map(Result::ok).collect();
            children.sort_by_key(|e| e.file_name());
            for child in children {
                let name = child.file_name();
                if skip(&name) {
                    continue;
                }
                if listing.entries.len() >= max {
                    listing.truncated = true;
                    return Ok(Some(listing));
                }
                let Ok(meta) = std::fs::symlink_metadata(child.path()) else { continue };
                let meta = entry_meta(&meta);
                let path = format!("{prefix}{}", name.to_string_lossy());
                if meta.kind == Kind::Dir {
                    pending.push((child.path(), format!("{path}/")));
                }
                listing.entries.push((path, meta));
            }
        }
        listing.entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Some(listing))
    }
}
