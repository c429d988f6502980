//! The first commit of a new repository ("Initial commit" / "record existing skills"): every
//! file that is not ignored, with its stat data in the index so the next `git status` does not
//! rehash the library.
//!
//! libgit2's `add_all` goes through a full workdir diff and its filters one file at a time; a
//! library of 10,000 skills (70,000 files) took tens of seconds that way, most of it creating
//! one loose file per object. Here each top-level folder is one unit of work: a few threads hash
//! the files and build the folders' trees in memory (`snapshot.rs`; through libgit2 when
//! attributes could convert content), then write them as one packfile each (`pack.rs`); the main
//! thread writes the root tree, the index (in path order, so every insert appends) and the commit.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use git2::{IndexEntry, Oid, Repository, Signature};

use super::commit::{MODE_TREE, build_dir, build_file, message, open_index};
use super::pack::{self, PackObject};
use super::snapshot::{Hasher, NeedsFilters, filters_configured};
use crate::protocol::AppError;

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
    let listed_ms = started.elapsed().as_millis() as u64;
    let folders = build_folders(repo, workdir, &dirs)?;
    let built_ms = started.elapsed().as_millis() as u64;
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

/// Builds the top-level folders on a few threads, each writing its own pack. A `.gitattributes`
/// met on the direct path restarts the work through libgit2 (objects already packed are valid
/// duplicates).
fn build_folders(repo: &Repository, workdir: &Path, dirs: &[String]) -> Result<Vec<Folder>, AppError> {
    let direct_ok = !filters_configured(repo) && !workdir.join(".gitattributes").exists();
    if direct_ok {
        if let Ok(folders) = build_parallel(workdir, dirs, Hashing::Direct)? {
            return Ok(folders);
        }
        tracing::info!("a .gitattributes file may convert content; hashing through libgit2");
    }
    build_parallel(workdir, dirs, Hashing::Filtered)?.map_err(|_| AppError::Internal("filtered hashing refused".into()))
}

type PartResult = Result<Result<Vec<Folder>, NeedsFilters>, AppError>;

fn build_parallel(workdir: &Path, dirs: &[String], hashing: Hashing) -> PartResult {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let chunk = dirs.len().div_ceil(threads).max(1);
    let results: Vec<PartResult> = std::thread::scope(|scope| {
        let workers: Vec<_> = dirs
            .chunks(chunk)
            .map(|part| {
                let workdir: PathBuf = workdir.to_path_buf();
                scope.spawn(move || match hashing {
                    Hashing::Direct => build_direct(&workdir, part),
                    Hashing::Filtered => build_filtered(&workdir, part).map(Ok),
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
        match part? {
            Ok(part) => folders.extend(part),
            Err(needs) => return Ok(Err(needs)),
        }
    }
    Ok(Ok(folders))
}

fn build_direct(workdir: &Path, part: &[String]) -> PartResult {
    let started = Instant::now();
    let repo = Repository::open(workdir)?;
    let mut hasher = Hasher::new(&repo);
    let mut out = Vec::with_capacity(part.len());
    for name in part {
        let mut entries = Vec::new();
        match hasher.dir(&workdir.join(name), name, &mut entries)? {
            Ok(tree) => out.push(Folder { name: name.clone(), tree, entries }),
            Err(needs) => return Ok(Err(needs)),
        }
    }
    let hashed_ms = started.elapsed().as_millis() as u64;
    if !hasher.objects.is_empty() {
        pack::write_pack_files(&repo.path().join("objects/pack"), &hasher.objects)?;
    }
    let objects = hasher.objects.len();
    tracing::debug!(objects, hashed_ms, ms = started.elapsed().as_millis() as u64, "packed a part");
    Ok(Ok(out))
}

/// libgit2 hashes (filters applied) into an in-memory object database, then the objects are
/// packed like the direct path's.
fn build_filtered(workdir: &Path, part: &[String]) -> Result<Vec<Folder>, AppError> {
    let scratch = Repository::open(workdir)?;
    let odb = scratch.odb()?;
    let _in_memory = odb.add_new_mempack_backend(1000)?;
    let mut out = Vec::with_capacity(part.len());
    let mut objects: Vec<Oid> = Vec::new();
    let mut seen: HashSet<Oid> = HashSet::new();
    for name in part {
        let mut entries = Vec::new();
        let mut ignored = 0;
        let tree = build_dir(&scratch, &workdir.join(name), name, &mut entries, &mut ignored)?;
        if let Some(tree) = tree {
            collect_objects(&scratch, tree, &mut objects, &mut seen)?;
        }
        out.push(Folder { name: name.clone(), tree, entries });
    }
    let mut packed = Vec::with_capacity(objects.len());
    for oid in objects {
        let object = odb.read(oid)?;
        packed.push(PackObject { kind: object.kind(), oid, data: object.data().to_vec() });
    }
    if !packed.is_empty() {
        pack::write_pack_files(&scratch.path().join("objects/pack"), &packed)?;
    }
    Ok(out)
}

/// A tree and everything below it, each object once.
fn collect_objects(repo: &Repository, tree: Oid, out: &mut Vec<Oid>, seen: &mut HashSet<Oid>) -> Result<(), AppError> {
    if !seen.insert(tree) {
        return Ok(());
    }
    out.push(tree);
    for entry in repo.find_tree(tree)?.iter() {
        match entry.kind() {
            Some(git2::ObjectType::Tree) => collect_objects(repo, entry.id(), out, seen)?,
            _ => {
                if seen.insert(entry.id()) {
                    out.push(entry.id());
                }
            }
        }
    }
    Ok(())
}
