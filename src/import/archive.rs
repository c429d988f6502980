//! Reading a `.zip` or `.skill` into staging (skill-format §3.2, backend.md §10.2). The central
//! directory is checked first (size on disk, entry count, duplicate names); then each entry's
//! name is checked as a string, its type and method are checked, and its bytes are streamed
//! through [`TreeWriter`], which counts them. Nested archives stay files.

use std::io::BufReader;
use std::path::Path;

use zip::{CompressionMethod, ZipArchive};

use super::finding::{archive_error, block};
use super::names::{self, Checked};
use super::tree::{FileMeta, TreeWriter};
use crate::protocol::AppError;
use crate::skill::limits;

const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;

/// Checks that `path` is a regular file with a `.zip` or `.skill` name within `SB301`'s size.
pub fn check_source(path: &Path) -> Result<(), AppError> {
    let shown = path.display().to_string();
    let meta = std::fs::symlink_metadata(path).map_err(|e| AppError::io(path, e))?;
    if !meta.file_type().is_file() {
        return Err(AppError::PathRejected { reason: "not_a_regular_file", path: shown });
    }
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(extension.as_deref(), Some("zip" | "skill")) {
        return Err(AppError::PathRejected { reason: "not_a_zip_or_skill_file", path: shown });
    }
    if meta.len() > limits::ARCHIVE_BYTES {
        return Err(AppError::TooLarge {
            what: "archive (SB301: max 50 MiB)".into(),
            limit: limits::ARCHIVE_BYTES,
            actual: meta.len(),
        });
    }
    Ok(())
}

/// Unpacks every entry of the archive at `path` through `tree`.
pub fn extract(path: &Path, tree: &mut TreeWriter) -> Result<(), AppError> {
    check_source(path)?;
    let file = std::fs::File::open(path).map_err(|e| AppError::io(path, e))?;
    let unreadable = |e: zip::result::ZipError| archive_error(block("SB302", format!("Not a readable zip ({e})."), ""));
    let mut archive = ZipArchive::new(BufReader::new(file)).map_err(unreadable)?;
    if archive.len() > limits::ENTRIES {
        let message = format!("{} entries; max 2,000 / 1,000.", archive.len());
        return Err(archive_error(block("SB303", message, "")));
    }
    if archive.metadata().has_duplicate_names() {
        let message = "Two entries have the same name; they collide after normalization.".to_string();
        return Err(archive_error(block("SB312", message, "")));
    }
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).map_err(unreadable)?;
        let checked = names::check(entry.name_raw())?;
        let path = match checked {
            Checked::Ignored(shown) => {
                tree.ignore(&shown)?;
                continue;
            }
            Checked::Path(path) => path,
        };
        let shown = path.as_string();
        if entry.encrypted() || !matches!(entry.compression(), CompressionMethod::Stored | CompressionMethod::Deflated)
        {
            let method = format!("{:?}", entry.compression());
            let message = format!("`{shown}` is encrypted or uses `{method}` (only Stored and Deflate).");
            return Err(archive_error(block("SB314", message, &shown)));
        }
        let kind = entry.unix_mode().map(|m| m & S_IFMT).filter(|k| *k != 0);
        let is_dir = entry.is_dir() || kind == Some(S_IFDIR);
        let mode = entry.unix_mode();
        let meta = FileMeta { mode, declared: Some(entry.size()), compressed: Some(entry.compressed_size()) };
        if entry.is_symlink() || kind.is_some_and(|k| k != S_IFREG && k != S_IFDIR) {
            tree.skip_link(&shown)?;
        } else if is_dir {
            tree.dir(&path)?;
        } else {
            drop(entry);
            let mut reader = archive.by_index(index).map_err(unreadable)?;
            tree.file(&path, &mut reader, meta)?;
        }
    }
    Ok(())
}
