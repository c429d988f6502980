//! The first commit of a new repository ("Initial commit" / "record existing skills"): every
//! file that is not ignored, with its stat data in the index so the next `git status` does not
//! rehash the library.
//!
//! libgit2's `add_all` goes through a full workdir diff and its filters one file at a time; a
//! library of 10,000 skills (70,000 files) took tens of seconds that way. Here each top-level
//! folder is one unit of work: a few threads, each with its own handle on the same repository,
//! hash the files and write the folder's trees; the main thread then writes the root tree, the
//! index (in path order, so every insert appends) and the commit.

use std::path::{Path, PathBuf};
use std::time::Instant;

use git2::{IndexEntry, Oid, Repository, Signature};

use super::commit::{build_dir, build_file, message, open_index};
use crate::protocol::AppError;

const MODE_TREE: i32 = 0o040000;

/// One top-level folder's tree (`None` when it holds nothing to track) and index entries.
struct Folder {
    name: String,
    tree: Option<Oid>,
    entries: Vec<IndexEntry>,
}

pub fn initial(repo: &Repository, signature: &Signature<'_>, summary: &str) -> Result<Oid, AppError> {
    let started = Instant::now();
    let workdir = repo.workdir().ok_or_else(|| AppError::Git { reason: "unavailable", message: "bare".into() })?;
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(workdir).map_err(|e| AppError::io(workdir, e))? {
        let entry = entry.map_err(|e| AppError::io(workdir, e))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        if name == ".git" {
            continue;
        }
        let meta = std::fs::symlink_metadata(entry.path()).map_err(|e| AppError::io(entry.path(), e))?;
        let probe = if meta.is_dir() { format!("{name}/") } else { name.clone() };
        if repo.is_path_ignored(&probe)? {
            continue;
        }
        if meta.is_dir() {
            dirs.push(name);
        } else {
            files.push((name, meta));
        }
    }
    dirs.sort();
    let folders = build_folders(workdir, &dirs)?;
    let mut root = repo.treebuilder(None)?;
    let mut entries: Vec<IndexEntry> = Vec::new();
    for folder in folders {
        if let Some(tree) = folder.tree {
            root.insert(&folder.name, tree, MODE_TREE)?;
            entries.extend(folder.entries);
        }
    }
    for (name, meta) in &files {
        if let Some((oid, mode)) = build_file(repo, &workdir.join(name), name, meta, &mut entries)? {
            root.insert(name, oid, mode as i32)?;
        }
    }
    let tree = repo.find_tree(root.write()?)?;
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let mut index = open_index(repo)?;
    index.clear()?;
    for entry in &entries {
        index.add(entry)?;
    }
    index.write()?;
    let text = message(summary, "initialized", &[], &[]);
    let commit = repo.commit(Some("HEAD"), signature, signature, &text, &tree, &[])?;
    tracing::debug!(files = entries.len(), ms = started.elapsed().as_millis() as u64, "initial commit written");
    Ok(commit)
}

/// Builds the top-level folders on a few threads, each with its own repository handle (a
/// `Repository` is not shared between threads); the object database on disk is shared.
fn build_folders(workdir: &Path, dirs: &[String]) -> Result<Vec<Folder>, AppError> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let chunk = dirs.len().div_ceil(threads).max(1);
    let results: Vec<Result<Vec<Folder>, AppError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = dirs
            .chunks(chunk)
            .map(|part| {
                let workdir: PathBuf = workdir.to_path_buf();
                scope.spawn(move || -> Result<Vec<Folder>, AppError> {
                    let repo = Repository::open(&workdir)?;
                    let mut out = Vec::with_capacity(part.len());
                    for name in part {
                        let mut entries = Vec::new();
                        let mut ignored = 0;
                        let tree = build_dir(&repo, &workdir.join(name), name, &mut entries, &mut ignored)?;
                        out.push(Folder { name: name.clone(), tree, entries });
                    }
                    Ok(out)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err(AppError::Internal("a commit worker panicked".into()))))
            .collect()
    });
    let mut folders = Vec::with_capacity(dirs.len());
    for part in results {
        folders.extend(part?);
    }
    Ok(folders)
}
