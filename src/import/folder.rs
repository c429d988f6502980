//! Importing a skill folder: the same checks as an archive, reading the folder without following
//! any link (a linked file or folder is skipped and reported, `SB313`), so an import never reads
//! outside the folder the user picked.

use std::path::Path;

use super::names::{self, Checked};
use super::tree::{FileMeta, TreeWriter};
use crate::protocol::AppError;
use crate::skill::limits;

/// Copies the skill folder `source` into `tree` under a top folder named like `source`.
pub fn copy(source: &Path, tree: &mut TreeWriter) -> Result<(), AppError> {
    let meta = std::fs::symlink_metadata(source).map_err(|e| AppError::io(source, e))?;
    if !meta.is_dir() {
        return Err(AppError::PathRejected { reason: "not_a_folder", path: source.display().to_string() });
    }
    let top = source.file_name().and_then(|n| n.to_str()).unwrap_or("skill").to_string();
    walk(source, &top, 0, tree)
}

fn walk(dir: &Path, rel: &str, depth: usize, tree: &mut TreeWriter) -> Result<(), AppError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| AppError::io(dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::io(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let child_rel = format!("{rel}/{}", name.to_string_lossy());
        let raw = name_bytes(&name, rel);
        let path = match names::check(&raw)? {
            Checked::Ignored(shown) => {
                tree.ignore(&shown)?;
                continue;
            }
            Checked::Path(path) => path,
        };
        let file_type = entry.file_type().map_err(|e| AppError::io(entry.path(), e))?;
        if file_type.is_dir() {
            if depth >= limits::DEPTH {
                return Err(super::finding::archive_error(super::finding::block(
                    "SB310",
                    format!("`{child_rel}` too deep or too long (8 folders, 240 bytes, 255 per name)."),
                    &child_rel,
                )));
            }
            tree.dir(&path)?;
            walk(&entry.path(), &path.as_string(), depth + 1, tree)?;
        } else if file_type.is_file() {
            let file = open_no_follow(&entry.path())?;
            let mode = file_mode(&file);
            tree.file(&path, &mut std::io::BufReader::new(file), FileMeta { mode, declared: None, compressed: None })?;
        } else {
            tree.skip_link(&path.as_string())?;
        }
    }
    Ok(())
}

/// `rel/name` as bytes, so a non-UTF-8 name is refused like one in an archive.
fn name_bytes(name: &std::ffi::OsStr, rel: &str) -> Vec<u8> {
    let mut raw = rel.as_bytes().to_vec();
    raw.push(b'/');
    #[cfg(unix)]
    raw.extend_from_slice(std::os::unix::ffi::OsStrExt::as_bytes(name));
    #[cfg(not(unix))]
    raw.extend_from_slice(name.to_string_lossy().as_bytes());
    raw
}

/// Opens a file that must still be the regular file listed: a link swapped in meanwhile fails.
fn open_no_follow(path: &Path) -> Result<std::fs::File, AppError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    options.open(path).map_err(|e| AppError::io(path, e))
}

fn file_mode(file: &std::fs::File) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.metadata().ok().map(|m| m.permissions().mode())
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        None
    }
}
