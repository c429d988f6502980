//! Atomic file writes: a temp file in the same folder, fsync, rename over the target, fsync
//! the folder. Readers see the old file or the new one, never a torn one, and a failure (a full
//! disk included) leaves the old file intact and no temp file behind.
//!
//! On Unix every write goes through [`write_in`], which works inside an already opened folder
//! (`openat`/`renameat`), so callers that resolved that folder without following links
//! (`beneath.rs`) keep that guarantee to the end. A replaced file keeps its mode; a new file is
//! created `0666` less the umask (`0644` usually), like any editor's, not tempfile's `0600`.

use std::path::Path;

use crate::protocol::AppError;

/// Writes `bytes` to `path` atomically, keeping the permissions of a file it replaces.
/// The folder is trusted (the app's own or the skills folder): it is opened as named.
#[cfg(unix)]
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    use rustix::fs::{Mode, OFlags};
    let dir = path.parent().ok_or_else(|| AppError::invalid("path", "has no parent folder"))?;
    let name = path.file_name().ok_or_else(|| AppError::invalid("path", "has no file name"))?;
    let dir_fd = rustix::fs::open(dir, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
        .map_err(|e| AppError::io(dir, e.into()))?;
    write_in(&dir_fd, name, bytes, true).map_err(|e| AppError::io(path, e))
}

/// Writes `bytes` as `name` inside the open folder `dir`, atomically. With `replace: false`
/// an existing entry is never overwritten (`AlreadyExists`), even one that appears meanwhile.
#[cfg(unix)]
pub fn write_in(
    dir: &std::os::fd::OwnedFd,
    name: &std::ffi::OsStr,
    bytes: &[u8],
    replace: bool,
) -> std::io::Result<()> {
    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    use rustix::io::Errno;

    let keep_mode = match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(_) if !replace => return Err(std::io::ErrorKind::AlreadyExists.into()),
        Ok(stat) => {
            let mode = raw_mode(&stat);
            (FileType::from_raw_mode(mode) == FileType::RegularFile).then(|| Mode::from_raw_mode(mode & 0o777))
        }
        Err(Errno::NOENT) => None,
        Err(err) => return Err(err.into()),
    };
    let temp = temp_name(name);
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = rustix::fs::openat(dir, temp.as_os_str(), flags, Mode::from_raw_mode(0o666))?;
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::from(fd);
        std::io::Write::write_all(&mut file, bytes)?;
        if let Some(mode) = keep_mode {
            rustix::fs::fchmod(&file, mode)?;
        }
        file.sync_all()?;
        drop(file);
        if replace {
            rustix::fs::renameat(dir, temp.as_os_str(), dir, name)?;
        } else {
            rename_no_replace(dir, temp.as_os_str(), name)?;
        }
        Ok(())
    })();
    if let Err(err) = written {
        let _ = rustix::fs::unlinkat(dir, temp.as_os_str(), AtFlags::empty());
        return Err(err);
    }
    // Makes the rename durable. Best effort: some file systems refuse to fsync a folder.
    if let Err(err) = rustix::fs::fsync(dir) {
        tracing::debug!(%err, "could not fsync folder");
    }
    Ok(())
}

/// `st_mode`, whose integer type differs between platforms.
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)]
pub(crate) fn raw_mode(stat: &rustix::fs::Stat) -> rustix::fs::RawMode {
    stat.st_mode as rustix::fs::RawMode
}

/// `.<name>.sb-<random>.tmp`, with the name shortened so the whole stays a valid component.
#[cfg(unix)]
fn temp_name(name: &std::ffi::OsStr) -> std::ffi::OsString {
    let name = name.to_string_lossy();
    let mut cut = name.len().min(200);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!(".{}.sb-{}.tmp", &name[..cut], &random[..12]).into()
}

/// A rename that fails with `AlreadyExists` instead of replacing, atomically where the kernel
/// offers it (Linux `RENAME_NOREPLACE`, macOS `RENAME_EXCL`), else checked just before.
#[cfg(unix)]
fn rename_no_replace(dir: &std::os::fd::OwnedFd, from: &std::ffi::OsStr, to: &std::ffi::OsStr) -> std::io::Result<()> {
    use rustix::fs::AtFlags;
    use rustix::io::Errno;
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    match rustix::fs::renameat_with(dir, from, dir, to, rustix::fs::RenameFlags::NOREPLACE) {
        // Some file systems do not support the flag.
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => {}
        Err(Errno::EXIST) => return Err(std::io::ErrorKind::AlreadyExists.into()),
        other => return other.map_err(Into::into),
    }
    match rustix::fs::statat(dir, to, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(_) => Err(std::io::ErrorKind::AlreadyExists.into()),
        Err(Errno::NOENT) => rustix::fs::renameat(dir, from, dir, to).map_err(Into::into),
        Err(err) => Err(err.into()),
    }
}

/// Writes `bytes` to `path` atomically, keeping the permissions of a file it replaces.
#[cfg(not(unix))]
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    use std::io::Write;
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
    Ok(())
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

    /// New files get the mode any program's would (`0666` less the umask), not `0600`.
    #[cfg(unix)]
    #[test]
    fn new_files_get_the_usual_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let reference = dir.path().join("reference");
        std::fs::File::create(&reference).unwrap();
        let path = dir.path().join(".gitignore");
        write_atomic(&path, b"x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&reference));
        assert_ne!(mode(&path), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn without_replace_an_existing_file_is_kept() {
        use rustix::fs::{Mode, OFlags};
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "old").unwrap();
        let fd = rustix::fs::open(dir.path(), OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).unwrap();
        let err = write_in(&fd, "a.md".as_ref(), b"new", false).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        write_in(&fd, "b.md".as_ref(), b"new", false).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("a.md")).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(dir.path().join("b.md")).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
