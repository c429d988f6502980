//! The first commit of a new repository ("Initial commit" / "record existing skills"): every
//! file that is not ignored, with its stat data in the index so the next `git status` does not
//! rehash the library.
//!
//! libgit2's `add_all` goes through a full workdir diff and its filters one file at a time, and
//! writes one loose file per object; a library of 10,000 skills (70,000 files) took tens of
//! seconds that way. Here each top-level folder is one unit of work: a few threads write the
//! folders' blobs and trees into an in-memory object database (`snapshot.rs`; through libgit2's
//! filters when attributes could convert content), packed to disk every few MB (`packer.rs`);
//! the main thread writes the root tree, the index (in path order, so every insert appends) and
//! the commit.

use std::path::Path;
use std::time::Instant;

use git2::{IndexEntry, Oid, Repository, Signature};

use super::commit::{MODE_TREE, build_dir, build_file, message, open_index};
use super::packer::{self, Packer};
use super::snapshot::{Hasher, NeedsFilters, filters_configured};
use crate::crashpoint;
use crate::protocol::AppError;

/// One top-level folder's tree (`None` when it holds nothing to track) and index entries.
struct Folder {
    name: String,
    tree: Option<Oid>,
    entries: Vec<IndexEntry>,
}

/// Commits every trackable file of `repo`'s work tree as its first commit. Top-level entries
/// named `skip` (the repository being built, when its git dir is not yet `.git`) are left out.
pub fn initial(
    repo: &Repository,
    signature: &Signature<'_>,
    summary: &str,
    skip: &dyn Fn(&str) -> bool,
) -> Result<Oid, AppError> {
    let started = Instant::now();
    let workdir = repo.workdir().ok_or_else(|| AppError::Git { reason: "unavailable", message: "bare".into() })?;
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(workdir).map_err(|e| AppError::io(workdir, e))? {
        let entry = entry.map_err(|e| AppError::io(workdir, e))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        if name == ".git" || skip(&name) {
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
    let listed_ms = started.elapsed().as_millis() as u64;
    let folders = build_folders(repo, workdir, &dirs)?;
    let built_ms = started.elapsed().as_millis() as u64;
    crashpoint::hit("git:initial:objects-written");
    let mut root = repo.treebuilder(None)?;
    let mut entries: Vec<IndexEntry> = Vec::new();
    for folder in folders {
        if let Some(tree) = folder.tree {
            root.insert(&folder.name, tree, MODE_TREE as i32)?;
            entries.extend(folder.entries);
        }
    }
    for (name, meta) in &files {
        if let Some((oid, mode)) = build_file(repo, &workdir.join(name), name, meta, &mut entries)? {
            root.insert(name, oid, mode as i32)?;
        }
    }
    let tree = repo.find_tree(root.write()?)?;
    let root_ms = started.elapsed().as_millis() as u64;
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let mut index = open_index(repo)?;
    index.clear()?;
    for entry in &entries {
        index.add(entry)?;
    }
    index.write()?;
    let index_ms = started.elapsed().as_millis() as u64;
    let text = message(summary, "initialized", &[], &[]);
    let commit = repo.commit(Some("HEAD"), signature, signature, &text, &tree, &[])?;
    tracing::debug!(
        files = entries.len(),
        listed_ms,
        built_ms,
        root_ms,
        index_ms,
        ms = started.elapsed().as_millis() as u64,
        "initial commit written"
    );
    Ok(commit)
}

/// How file content becomes blobs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hashing {
    /// Hashed here, content as is (no attributes or `core.autocrlf` in play).
    Direct,
    /// Through libgit2, which applies the filters attributes ask for (into memory first).
    Filtered,
}

/// Builds the top-level folders on a few threads, each writing its own packs. A `.gitattributes`
/// met on the direct path restarts the work through libgit2, after dropping the packs written so
/// far (the repository is new: nothing else is in them).
fn build_folders(repo: &Repository, workdir: &Path, dirs: &[String]) -> Result<Vec<Folder>, AppError> {
    let direct_ok = !filters_configured(repo) && !workdir.join(".gitattributes").exists();
    if direct_ok {
        if let Ok(folders) = build_parallel(repo.path(), dirs, Hashing::Direct)? {
            return Ok(folders);
        }
        tracing::info!("a .gitattributes file may convert content; hashing through libgit2");
        let packs = repo.path().join("objects/pack");
        std::fs::remove_dir_all(&packs).map_err(|e| AppError::io(&packs, e))?;
        std::fs::create_dir(&packs).map_err(|e| AppError::io(&packs, e))?;
        repo.odb()?.refresh()?;
    }
    build_parallel(repo.path(), dirs, Hashing::Filtered)?
        .map_err(|_| AppError::Internal("filtered hashing refused".into()))
}

type PartResult = Result<Result<Vec<Folder>, NeedsFilters>, AppError>;

fn build_parallel(gitdir: &Path, dirs: &[String], hashing: Hashing) -> PartResult {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let chunk = dirs.len().div_ceil(threads).max(1);
    let results: Vec<PartResult> = std::thread::scope(|scope| {
        let workers: Vec<_> =
            dirs.chunks(chunk).map(|part| scope.spawn(move || build_part(gitdir, part, hashing))).collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err(AppError::Internal("a commit worker panicked".into()))))
            .collect()
    });
    let mut folders = Vec::with_capacity(dirs.len());
    for part in results {
        match part? {
            Ok(part) => folders.extend(part),
            Err(needs) => return Ok(Err(needs)),
        }
    }
    Ok(Ok(folders))
}

/// One thread's folders: objects into its own mempack, packed every few MB.
fn build_part(gitdir: &Path, part: &[String], hashing: Hashing) -> PartResult {
    let started = Instant::now();
    let disk = Repository::open(gitdir)?;
    let disk_odb = disk.odb()?;
    let (repo, odb) = packer::in_memory(gitdir)?;
    let workdir = repo.workdir().ok_or_else(|| AppError::Git { reason: "unavailable", message: "bare".into() })?;
    let mut packer = Packer::new(&repo, &odb, &disk_odb)?;
    let mut hasher = Hasher::new(&repo, &odb);
    let mut out = Vec::with_capacity(part.len());
    for name in part {
        let mut entries = Vec::new();
        let path = workdir.join(name);
        let tree = match hashing {
            Hashing::Direct => match hasher.dir(&path, name, &mut entries)? {
                Ok(tree) => tree,
                Err(needs) => return Ok(Err(needs)),
            },
            Hashing::Filtered => build_dir(&repo, &path, name, &mut entries, &mut 0)?,
        };
        if let Some(tree) = tree {
            packer.add(tree, entries.iter().map(|e| u64::from(e.file_size)).sum())?;
        }
        out.push(Folder { name: name.clone(), tree, entries });
    }
    packer.flush()?;
    tracing::debug!(
        folders = part.len(),
        packs = packer.packs,
        build_ms = packer.build_ms,
        index_ms = packer.index_ms,
        ms = started.elapsed().as_millis() as u64,
        "packed a part"
    );
    Ok(Ok(out))
}
