//! Writes an incoming skill tree into its staging folder, whatever it came from (archive,
//! folder, GitHub), enforcing the limits of skill-format §3.2 while the bytes stream: sizes are
//! counted as they are read and declared sizes are never trusted. Only regular files and
//! folders are ever created, with modes 0644/0755 (setuid, setgid and world-writable bits are
//! never set, `SB321`).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::finding::{archive_error, block, note};
use super::names::{Collisions, EntryPath};
use crate::protocol::AppError;
use crate::protocol::validation::{Finding, Severity};
use crate::skill::limits;

/// What the source says about one file, besides its bytes (all optional, none trusted).
#[derive(Debug, Clone, Copy, Default)]
pub struct FileMeta {
    /// Unix mode bits, when the source has them.
    pub mode: Option<u32>,
    /// The size the source claims.
    pub declared: Option<u64>,
    /// The compressed size in an archive (for the ratio rule).
    pub compressed: Option<u64>,
}

/// The staging writer. Every path is checked by [`super::names::check`] before it gets here.
pub struct TreeWriter {
    root: PathBuf,
    entries: usize,
    files: usize,
    total: u64,
    collisions: Collisions,
    skipped_links: Vec<String>,
    ignored: Vec<String>,
    cleared_modes: usize,
    backslashes: usize,
}

impl TreeWriter {
    /// Starts writing below `root`, which must exist and be empty.
    pub fn new(root: &Path) -> Self {
        TreeWriter {
            root: root.to_path_buf(),
            entries: 0,
            files: 0,
            total: 0,
            collisions: Collisions::default(),
            skipped_links: Vec::new(),
            ignored: Vec::new(),
            cleared_modes: 0,
            backslashes: 0,
        }
    }

    /// Counts an entry of any kind against the entry limit (`SB303`).
    fn count_entry(&mut self) -> Result<(), AppError> {
        self.entries += 1;
        if self.entries > limits::ENTRIES {
            return Err(too_many(self.entries, self.files));
        }
        Ok(())
    }

    fn note_path(&mut self, path: &EntryPath) {
        if path.had_backslashes {
            self.backslashes += 1;
        }
    }

    pub fn dir(&mut self, path: &EntryPath) -> Result<(), AppError> {
        self.count_entry()?;
        self.collisions.add(path, true)?;
        self.note_path(path);
        let target = self.target(path);
        std::fs::create_dir_all(&target).map_err(|e| AppError::io(&target, e))
    }

    /// A symlink, device or other special entry: never created, listed (`SB313`).
    pub fn skip_link(&mut self, shown: &str) -> Result<(), AppError> {
        self.count_entry()?;
        self.skipped_links.push(shown.to_string());
        Ok(())
    }

    /// OS junk or an entry outside the skill (`SB319`).
    pub fn ignore(&mut self, shown: &str) -> Result<(), AppError> {
        self.count_entry()?;
        if self.ignored.len() < 20 {
            self.ignored.push(shown.to_string());
        }
        Ok(())
    }

    /// Streams one file into place, stopping as soon as a limit is crossed.
    pub fn file(&mut self, path: &EntryPath, source: &mut dyn Read, meta: FileMeta) -> Result<(), AppError> {
        self.count_entry()?;
        self.files += 1;
        if self.files > limits::FILES {
            return Err(too_many(self.entries, self.files));
        }
        self.collisions.add(path, false)?;
        self.note_path(path);
        let shown = path.as_string();
        let is_skill_md = path.parts.last().is_some_and(|n| n == "SKILL.md") && path.parts.len() <= 2;
        let file_limit = if is_skill_md { limits::SKILL_MD_BYTES } else { limits::FILE_BYTES };
        let executable = meta.mode.is_some_and(|m| m & 0o111 != 0);
        if meta.mode.is_some_and(|m| m & 0o6002 != 0) {
            self.cleared_modes += 1;
        }
        let target = self.target(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
        }
        let mut out = create_file(&target, executable)?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut written: u64 = 0;
        loop {
            let n = match source.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(archive_error(block("SB302", format!("Not a readable zip ({e})."), &shown)));
                }
            };
            written += n as u64;
            self.total += n as u64;
            if written > file_limit {
                let message =
                    format!("`{shown}` unpacks to more than {file_limit} bytes; max 10 MiB per file (SKILL.md 1 MiB).");
                return Err(archive_error(block("SB304", message, &shown)));
            }
            if self.total > limits::TOTAL_BYTES {
                let message = format!("Unpacks to more than {} bytes; max 50 MiB in total.", limits::TOTAL_BYTES);
                return Err(archive_error(block("SB305", message, &shown)));
            }
            let over_ratio = meta
                .compressed
                .is_some_and(|c| written > limits::RATIO_MIN_BYTES && written > c.saturating_mul(limits::RATIO));
            if meta.declared.is_some_and(|d| written > d) || over_ratio {
                let message = format!("`{shown}`: ratio {}:1 or more bytes than declared.", limits::RATIO);
                return Err(archive_error(block("SB306", message, &shown)));
            }
            out.write_all(&buf[..n]).map_err(|e| AppError::io(&target, e))?;
        }
        Ok(())
    }

    fn target(&self, path: &EntryPath) -> PathBuf {
        path.parts.iter().fold(self.root.clone(), |p, part| p.join(part))
    }

    /// The non-blocking findings of the whole tree (`SB313`, `SB319`, `SB321`, `SB322`).
    pub fn finish(self) -> Vec<Finding> {
        let mut findings = Vec::new();
        for link in &self.skipped_links {
            let message = format!("Symlink `{link}` skipped (a linked SKILL.md is `SB001`).");
            findings.push(note("SB313", Severity::Warning, message, Some(link)));
        }
        if !self.ignored.is_empty() {
            let message = format!("Ignored: {} (OS junk, entries outside the skill).", self.ignored.join(", "));
            findings.push(note("SB319", Severity::Info, message, None));
        }
        if self.cleared_modes > 0 {
            let message = format!("setuid/setgid/world-writable modes cleared on {} files.", self.cleared_modes);
            findings.push(note("SB321", Severity::Info, message, None));
        }
        if self.backslashes > 0 {
            let message = format!("`\\` separators normalized in {} names.", self.backslashes);
            findings.push(note("SB322", Severity::Info, message, None));
        }
        findings
    }
}

fn too_many(entries: usize, files: usize) -> AppError {
    archive_error(block("SB303", format!("{entries} entries / {files} files or more; max 2,000 / 1,000."), ""))
}

/// A new regular file, never following or replacing anything already there.
fn create_file(path: &Path, executable: bool) -> Result<File, AppError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, if executable { 0o755 } else { 0o644 });
    #[cfg(not(unix))]
    let _ = executable;
    options.open(path).map_err(|e| AppError::io(path, e))
}
