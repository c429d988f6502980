//! File operations confined beneath a root folder, through directory handles (backend.md §7.2).
//!
//! Checking a path and opening it later leaves a gap: a folder swapped for a symlink in between
//! led reads, writes and copies outside the roots. Here every operation starts from an open
//! handle on the root and resolves the (already validated) components relative to it without
//! following any symlink: `openat2` with `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS` on Linux, and an
//! `O_NOFOLLOW` walk, one component at a time, elsewhere and on kernels without `openat2`. A
//! write creates its temp file and renames it inside the parent folder it opened that way
//! (`atomic::write_in`), so no path is resolved twice. A symlink anywhere below the root is
//! refused (`symlink_escape`), whether it points inside or out.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;

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

/// An open root folder. The root itself is configuration (the skills folder may be a symlink
/// to another drive) and is opened as named; everything below it is confined.
pub struct Root {
    fd: OwnedFd,
    path: PathBuf,
}

fn rejected(reason: &'static str, rel: &str) -> AppError {
    AppError::PathRejected { reason, path: rel.chars().take(200).collect() }
}

/// Flags every open below a root carries: never follow a final symlink, never leak the fd.
fn confined(flags: OFlags) -> OFlags {
    flags | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY
}

fn dir_flags() -> OFlags {
    confined(OFlags::RDONLY | OFlags::DIRECTORY)
}

/// The stat fields we use; their integer types differ between platforms.
#[allow(clippy::unnecessary_cast)]
fn entry_meta(stat: &rustix::fs::Stat) -> EntryMeta {
    let kind = match FileType::from_raw_mode(crate::atomic::raw_mode(stat)) {
        FileType::RegularFile => Kind::File,
        FileType::Directory => Kind::Dir,
        FileType::Symlink => Kind::Symlink,
        _ => Kind::Other,
    };
    let (secs, nanos) = (stat.st_mtime as i64, stat.st_mtime_nsec as u32);
    let modified = u64::try_from(secs).ok().and_then(|s| UNIX_EPOCH.checked_add(Duration::new(s, nanos)));
    EntryMeta { kind, len: if kind == Kind::File { stat.st_size as u64 } else { 0 }, modified }
}

/// Whether the kernel has `openat2` (Linux 5.6+); cleared on the first `ENOSYS`.
#[cfg(any(target_os = "linux", target_os = "android"))]
static OPENAT2: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// A folder still to read: its parent's handle (shared, so at most one per level stays open)
/// and its name.
type Pending = (Rc<OwnedFd>, OsString);

impl Root {
    pub fn open(path: &Path) -> Result<Root, AppError> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = rustix::fs::open(path, flags, Mode::empty()).map_err(|e| AppError::io(path, e.into()))?;
        Ok(Root { fd, path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Maps an errno from resolving `rel` (split into `parts`): a symlink on the way is an
    /// escape attempt. Linux answers `ENOTDIR` for `O_DIRECTORY | O_NOFOLLOW` on a symlink, so
    /// that answer is told apart by looking (the open was refused either way).
    fn error(&self, err: Errno, parts: &[&str], rel: &str) -> AppError {
        match err {
            // ELOOP: a symlink (NO_SYMLINKS, O_NOFOLLOW); EXDEV: out of the root (BENEATH);
            // EMLINK: FreeBSD's answer to O_NOFOLLOW on a symlink.
            Errno::LOOP | Errno::XDEV | Errno::MLINK => rejected("symlink_escape", rel),
            Errno::NOTDIR if self.has_symlink(parts) => rejected("symlink_escape", rel),
            Errno::NOENT | Errno::NOTDIR => AppError::NotFound { kind: "file", name: rel.to_string() },
            other => AppError::io(self.path.join(rel), other.into()),
        }
    }

    /// Whether one of the existing leading components of `parts` is a symlink.
    fn has_symlink(&self, parts: &[&str]) -> bool {
        let mut dir: Option<OwnedFd> = None;
        for part in parts {
            let here = dir.as_ref().unwrap_or(&self.fd);
            match rustix::fs::statat(here, *part, AtFlags::SYMLINK_NOFOLLOW).map(|s| entry_meta(&s).kind) {
                Ok(Kind::Symlink) => return true,
                Ok(Kind::Dir) => match rustix::fs::openat(here, *part, dir_flags(), Mode::empty()) {
                    Ok(next) => dir = Some(next),
                    Err(_) => return false,
                },
                _ => return false,
            }
        }
        false
    }

    /// Opens `parts` (non-empty, validated) below the root with `flags`, following no link.
    fn open_beneath(&self, parts: &[&str], flags: OFlags) -> Result<OwnedFd, Errno> {
        let flags = confined(flags);
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if OPENAT2.load(std::sync::atomic::Ordering::Relaxed) {
            use rustix::fs::ResolveFlags;
            let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
            match rustix::fs::openat2(&self.fd, parts.join("/"), flags, Mode::empty(), resolve) {
                Err(Errno::NOSYS) => OPENAT2.store(false, std::sync::atomic::Ordering::Relaxed),
                // A seccomp filter may refuse the call itself; the walk below is as safe.
                Err(Errno::PERM) => {}
                other => return other,
            }
        }
        self.walk(parts, flags)
    }

    /// The portable path: one `openat` per component, each refusing a symlink.
    fn walk(&self, parts: &[&str], flags: OFlags) -> Result<OwnedFd, Errno> {
        let Some((last, folders)) = parts.split_last() else {
            return rustix::fs::openat(&self.fd, ".", dir_flags(), Mode::empty());
        };
        let mut dir: Option<OwnedFd> = None;
        for part in folders {
            let next = rustix::fs::openat(dir.as_ref().unwrap_or(&self.fd), *part, dir_flags(), Mode::empty())?;
            dir = Some(next);
        }
        rustix::fs::openat(dir.as_ref().unwrap_or(&self.fd), *last, confined(flags), Mode::empty())
    }

    /// Opens the folder `parts` (the root when empty), creating what is missing when asked.
    fn open_dir(&self, parts: &[&str], create: bool, rel: &str) -> Result<OwnedFd, AppError> {
        if parts.is_empty() {
            return self.walk(parts, dir_flags()).map_err(|e| self.error(e, parts, rel));
        }
        match self.open_beneath(parts, OFlags::RDONLY | OFlags::DIRECTORY) {
            Err(Errno::NOENT) if create => {}
            other => return other.map_err(|e| self.error(e, parts, rel)),
        }
        let mut dir = self.walk(&[], dir_flags()).map_err(|e| self.error(e, parts, rel))?;
        for part in parts {
            dir = match rustix::fs::openat(&dir, *part, dir_flags(), Mode::empty()) {
                Err(Errno::NOENT) => {
                    match rustix::fs::mkdirat(&dir, *part, Mode::from_raw_mode(0o777)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(e) => return Err(self.error(e, parts, rel)),
                    }
                    rustix::fs::openat(&dir, *part, dir_flags(), Mode::empty())
                }
                other => other,
            }
            .map_err(|e| self.error(e, parts, rel))?;
        }
        Ok(dir)
    }

    /// The entry at `rel` without following it; `None` when nothing is there.
    pub fn stat(&self, rel: &str) -> Result<Option<EntryMeta>, AppError> {
        let parts = validate_relative(rel)?;
        let Some((name, folders)) = parts.split_last() else { return Ok(None) };
        let dir = match self.open_dir(folders, false, rel) {
            Err(AppError::NotFound { .. }) => return Ok(None),
            other => other?,
        };
        match rustix::fs::statat(&dir, *name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => Ok(Some(entry_meta(&stat))),
            Err(Errno::NOENT) => Ok(None),
            Err(e) => Err(self.error(e, &parts, rel)),
        }
    }

    /// Reads the whole regular file at `rel`, refusing more than `limit` bytes.
    pub fn read(&self, rel: &str, limit: u64) -> Result<(Vec<u8>, EntryMeta), AppError> {
        let parts = validate_relative(rel)?;
        // O_NONBLOCK: opening a FIFO must not hang; regular files ignore it.
        let fd =
            self.open_beneath(&parts, OFlags::RDONLY | OFlags::NONBLOCK).map_err(|e| self.error(e, &parts, rel))?;
        let meta = entry_meta(&rustix::fs::fstat(&fd).map_err(|e| self.error(e, &parts, rel))?);
        if meta.kind != Kind::File {
            return Err(AppError::invalid("path", format!("'{rel}' is not a file")));
        }
        let too_large = |actual| AppError::TooLarge { what: rel.to_string(), limit, actual };
        if meta.len > limit {
            return Err(too_large(meta.len));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len).unwrap_or(0));
        std::fs::File::from(fd)
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| AppError::io(self.path.join(rel), e))?;
        // The file may have grown since the stat.
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64));
        }
        Ok((bytes, meta))
    }

    /// Writes `bytes` atomically at `rel`, creating missing parent folders below the root. A
    /// final symlink is refused; `replace: false` refuses an existing entry (`already_exists`).
    pub fn write(&self, rel: &str, bytes: &[u8], replace: bool) -> Result<EntryMeta, AppError> {
        let parts = validate_relative(rel)?;
        let Some((name, folders)) = parts.split_last() else { return Err(rejected("empty", rel)) };
        let dir = self.open_dir(folders, true, rel)?;
        match rustix::fs::statat(&dir, *name, AtFlags::SYMLINK_NOFOLLOW).map(|s| entry_meta(&s).kind) {
            Ok(Kind::Symlink) => return Err(rejected("symlink_escape", rel)),
            Ok(Kind::Dir) => return Err(AppError::invalid("path", format!("'{rel}' is a folder"))),
            Ok(_) if !replace => return Err(AppError::AlreadyExists { kind: "file", name: rel.to_string() }),
            Ok(_) | Err(Errno::NOENT) => {}
            Err(e) => return Err(self.error(e, &parts, rel)),
        }
        crate::atomic::write_in(&dir, OsStr::new(name), bytes, replace).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => AppError::AlreadyExists { kind: "file", name: rel.to_string() },
            _ => AppError::io(self.path.join(rel), e),
        })?;
        match rustix::fs::statat(&dir, *name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => Ok(entry_meta(&stat)),
            Err(e) => Err(self.error(e, &parts, rel)),
        }
    }

    /// Lists the folder `rel` recursively: symlinks are listed, never followed, names that
    /// `skip` refuses are left out with everything below them, at most `max` entries. `None`
    /// when the folder does not exist; a folder that is itself a symlink is refused.
    pub fn list(&self, rel: &str, max: usize, skip: impl Fn(&OsStr) -> bool) -> Result<Option<Listing>, AppError> {
        let parts = validate_relative(rel)?;
        let base = match self.open_dir(&parts, false, rel) {
            Err(AppError::NotFound { .. }) => return Ok(None),
            other => other?,
        };
        let mut listing = Listing::default();
        let mut pending: Vec<(Option<Pending>, String)> = vec![(None, String::new())];
        let base = Rc::new(base);
        while let Some((from, prefix)) = pending.pop() {
            let dir = match from {
                None => Rc::clone(&base),
                // A folder swapped for a symlink since it was listed is not followed.
                Some((parent, name)) => match rustix::fs::openat(&*parent, &name, dir_flags(), Mode::empty()) {
                    Ok(fd) => Rc::new(fd),
                    Err(_) => continue,
                },
            };
            let mut names: Vec<OsString> = Vec::new();
            for entry in rustix::fs::Dir::read_from(&*dir).map_err(|e| self.error(e, &parts, rel))? {
                let entry = entry.map_err(|e| self.error(e, &parts, rel))?;
                let name = OsStr::from_bytes(entry.file_name().to_bytes());
                if name != "." && name != ".." && !skip(name) {
                    names.push(name.to_os_string());
                }
            }
            names.sort();
            for name in names {
                if listing.entries.len() >= max {
                    listing.truncated = true;
                    return Ok(Some(listing));
                }
                let meta = match rustix::fs::statat(&*dir, &name, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(stat) => entry_meta(&stat),
                    Err(Errno::NOENT) => continue,
                    Err(e) => return Err(self.error(e, &parts, rel)),
                };
                let path = format!("{prefix}{}", name.to_string_lossy());
                if meta.kind == Kind::Dir {
                    pending.push((Some((Rc::clone(&dir), name)), format!("{path}/")));
                }
                listing.entries.push((path, meta));
            }
        }
        listing.entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Some(listing))
    }
}

#[cfg(test)]
#[path = "beneath_tests.rs"]
mod tests;
