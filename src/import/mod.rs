//! The import pipeline (skill-format §3.2, backend.md §10): every way in (ZIP, `.skill`,
//! folder, GitHub, marketplace) stages the skill in a folder on the destination's file system,
//! checked entry by entry while it streams (`names`, `tree`, `archive`, `folder`), locates and
//! inspects it (`stage`, `inspect`), and publishes it with one rename. Until that rename nothing
//! exists outside the staging folder, and dropping a [`Staged`] removes it.
//!
//! Everything here is blocking file work: callers run it on the blocking pool.

mod archive;
mod finding;
mod folder;
mod inspect;
mod names;
mod stage;
mod tree;

use std::path::{Path, PathBuf};

pub use finding::{block, blocked, blocks};
pub use inspect::Inspected;
pub use names::{Checked, EntryPath, check as check_entry_name};
pub use stage::{Staging, content_sha256};
pub use tree::{FileMeta, TreeWriter};

use crate::protocol::validation::Finding;
use crate::protocol::{AppError, ImportPreview};

/// Where an upload comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A `.zip` or `.skill` file.
    Archive(PathBuf),
    /// A skill folder.
    Folder(PathBuf),
}

impl Source {
    /// A picked path: a folder, else an archive (checked as one).
    pub fn from_path(path: &Path) -> Source {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => Source::Folder(path.to_path_buf()),
            _ => Source::Archive(path.to_path_buf()),
        }
    }

    /// The file or folder name, recorded as `upload_file_name`.
    pub fn file_name(&self) -> Option<String> {
        let (Source::Archive(p) | Source::Folder(p)) = self;
        p.file_name().map(|n| n.to_string_lossy().into_owned())
    }
}

/// A skill in its staging folder, inspected and ready to publish.
pub struct Staged {
    staging: Staging,
    skill_dir: PathBuf,
    pub inspected: Inspected,
}

impl Staged {
    /// The staged skill folder.
    pub fn dir(&self) -> &Path {
        &self.skill_dir
    }

    /// The preview of skill-format §3.2 step 5 (the caller adds the conflict).
    pub fn preview(&self) -> ImportPreview {
        let i = &self.inspected;
        ImportPreview {
            name: i.name.clone(),
            description: i.description.clone(),
            domain: i.domain.clone(),
            skill_type: i.skill_type.clone(),
            findings: i.findings.clone(),
            fixes: i.fixes.clone(),
            importable: i.importable(),
            conflict: None,
            content_sha256: i.content_sha256.clone(),
        }
    }

    /// Moves the skill to `dest` with one rename; the rest of staging goes when `self` drops.
    pub fn publish(self, dest: &Path) -> Result<(), AppError> {
        let result = stage::publish(&self.skill_dir, dest);
        drop(self.staging);
        result
    }
}

/// Stages an upload below `parent` (created if missing) as `parent/<staging_name>`.
/// `folder` picks one skill of an archive that holds several.
pub fn stage_upload(
    source: &Source,
    parent: &Path,
    staging_name: &str,
    folder: Option<&str>,
) -> Result<Staged, AppError> {
    let staging = Staging::create(parent, staging_name)?;
    let tree_dir = staging.path().join("tree");
    std::fs::create_dir(&tree_dir).map_err(|e| AppError::io(&tree_dir, e))?;
    let mut tree = TreeWriter::new(&tree_dir);
    let single = match source {
        Source::Archive(path) => {
            archive::extract(path, &mut tree)?;
            path.extension().is_some_and(|e| e.eq_ignore_ascii_case("skill"))
        }
        Source::Folder(path) => {
            folder::copy(path, &mut tree)?;
            true
        }
    };
    finish(staging, &tree_dir, tree.finish(), folder, single)
}

/// Stages files that arrive one by one (GitHub downloads): `write` feeds `tree` paths that
/// start with the skill's folder name, as an archive's would.
pub fn stage_files(
    parent: &Path,
    staging_name: &str,
    write: impl FnOnce(&mut TreeWriter) -> Result<(), AppError>,
) -> Result<Staged, AppError> {
    let staging = Staging::create(parent, staging_name)?;
    let tree_dir = staging.path().join("tree");
    std::fs::create_dir(&tree_dir).map_err(|e| AppError::io(&tree_dir, e))?;
    let mut tree = TreeWriter::new(&tree_dir);
    write(&mut tree)?;
    finish(staging, &tree_dir, tree.finish(), None, true)
}

fn finish(
    staging: Staging,
    tree_dir: &Path,
    notes: Vec<Finding>,
    folder: Option<&str>,
    single: bool,
) -> Result<Staged, AppError> {
    let located = stage::locate(tree_dir, folder, single)?;
    let inspected = inspect::inspect(&located, notes)?;
    Ok(Staged { staging, skill_dir: located.dir, inspected })
}
