//! Atomic file writes: a temp file in the same folder, fsync, rename over the target, fsync
//! the folder. Readers see the old file or the new one, never a torn one, and a failure (a full
//! disk included) leaves the old file intact and no temp file behind.

use std::io::Write;
use std::path::Path;

use crate::protocol::AppError;

/// Writes `bytes` to `path` atomically, keeping the permissions of a file it replaces.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let dir = path.parent().ok_or_else(|| AppError::invalid("path", "has no parent folder"))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}.sb-"))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| AppError::io(dir, e))?;
    temp.write_all(bytes).map_err(|e| AppError::io(path, e))?;
    temp.as_file().sync_all().map_err(|e| AppError::io(path, e))?;
    if let Ok(meta) = std::fs::metadata(path) {
        temp.as_file().set_permissions(meta.permissions()).map_err(|e| AppError::io(path, e))?;
    }
    temp.persist(path).map_err(|e| AppError::io(path, e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Makes the rename durable. Best effort: some file systems refuse to fsync a folder.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(dir)
        && let Err(err) = handle.sync_all()
    {
        tracing::debug!(%err, dir = %dir.display(), "could not fsync folder");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.sh");
        std::fs::write(&path, "x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        write_atomic(&path, b"y").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o755);
    }
}
