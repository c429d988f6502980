//! Writing a large number of new objects as compressed packfiles through libgit2's bulk path,
//! with bounded memory.
//!
//! A loose object costs a file creation and a rename; the first commit of a 10,000-skill
//! library (over 100,000 objects) took tens of seconds that way. Here objects are written through
//! a repository handle whose object database is a mempack; every few MB the trees written since
//! the last flush go through libgit2's pack builder (deltas between similar files, zlib) into the
//! repository's `Odb::packwriter`, which indexes the pack on disk, and the mempack is emptied. (`Mempack::dump` packs only what commits reach, and these objects have
//! no commit yet, so the pack builder is given the trees instead.)

use std::io::Write as _;
use std::path::Path;

use git2::{Buf, Mempack, Odb, Oid, Repository};

use crate::protocol::AppError;

/// Content gathered in memory before it is packed to disk.
pub const FLUSH_BYTES: u64 = 8 << 20;
/// The only backend of the in-memory object database.
const MEMPACK_PRIORITY: i32 = 1000;

/// A second handle on a repository whose object database is only a mempack: writes through it
/// stay in memory (and skip the disk backends' existence checks, a file lookup per object).
pub fn in_memory(git_dir: &Path) -> Result<(Repository, Odb<'static>), AppError> {
    let repo = Repository::open(git_dir)?;
    let odb = Odb::new()?;
    repo.set_odb(&odb)?;
    Ok((repo, odb))
}

/// Packs the trees handed to it, with everything below them, once enough content is pending.
pub struct Packer<'r> {
    memory: &'r Repository,
    mempack: Mempack<'r>,
    disk: &'r Odb<'r>,
    trees: Vec<Oid>,
    bytes: u64,
    /// Packfiles written so far.
    pub packs: usize,
    /// Time spent building packs (deltas, compression) and indexing them, for the debug log.
    pub build_ms: u64,
    pub index_ms: u64,
}

impl<'r> Packer<'r> {
    /// `memory` and `odb` come from [`in_memory`]; packs go to `disk`, the repository's own
    /// object database.
    pub fn new(memory: &'r Repository, odb: &'r Odb<'r>, disk: &'r Odb<'r>) -> Result<Self, AppError> {
        let mempack = odb.add_new_mempack_backend(MEMPACK_PRIORITY)?;
        Ok(Packer { memory, mempack, disk, trees: Vec::new(), bytes: 0, packs: 0, build_ms: 0, index_ms: 0 })
    }

    /// Records a tree just written (and `bytes` of file content below it); flushes past
    /// [`FLUSH_BYTES`].
    pub fn add(&mut self, tree: Oid, bytes: u64) -> Result<(), AppError> {
        self.trees.push(tree);
        self.bytes += bytes;
        if self.bytes >= FLUSH_BYTES { self.flush() } else { Ok(()) }
    }

    /// Packs the pending trees and everything they reach into one packfile with its index,
    /// then empties the mempack (its objects are now on disk).
    pub fn flush(&mut self) -> Result<(), AppError> {
        if self.trees.is_empty() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let mut pack = Buf::new();
        {
            let mut builder = self.memory.packbuilder()?;
            // The callers already run one packer per core.
            builder.set_threads(1);
            for tree in self.trees.drain(..) {
                builder.insert_tree(tree)?;
            }
            builder.write_buf(&mut pack)?;
        }
        let built = started.elapsed();
        let failed = |e: std::io::Error| AppError::Git { reason: "operation_failed", message: e.to_string() };
        let mut writer = self.disk.packwriter()?;
        writer.write_all(&pack).map_err(failed)?;
        writer.commit()?;
        drop(writer);
        self.mempack.reset()?;
        self.bytes = 0;
        self.packs += 1;
        self.build_ms += built.as_millis() as u64;
        self.index_ms += (started.elapsed() - built).as_millis() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack_files(repo: &Repository) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(repo.path().join("objects/pack"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn flushed_trees_are_packed_compressed_and_read_back_after_the_mempack_is_emptied() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let disk = repo.odb().unwrap();
        let (memory, odb) = in_memory(repo.path()).unwrap();
        let big = "a line that repeats\n".repeat(20_000);
        let tree = {
            let mut packer = Packer::new(&memory, &odb, &disk).unwrap();
            let blob = memory.blob(big.as_bytes()).unwrap();
            let empty = memory.blob(b"").unwrap();
            let mut builder = memory.treebuilder(None).unwrap();
            builder.insert("big.md", blob, 0o100644).unwrap();
            builder.insert("empty", empty, 0o100644).unwrap();
            let tree = builder.write().unwrap();
            assert!(pack_files(&repo).is_empty(), "nothing reaches the disk before a flush");
            packer.add(tree, big.len() as u64).unwrap();
            packer.flush().unwrap();
            packer.flush().unwrap();
            assert_eq!(packer.packs, 1, "a flush with nothing pending writes nothing");
            tree
        };
        let names = pack_files(&repo);
        assert_eq!(names.len(), 2, "one .pack and its .idx: {names:?}");
        let pack = names.iter().find(|n| n.ends_with(".pack")).unwrap();
        let size = std::fs::metadata(repo.path().join("objects/pack").join(pack)).unwrap().len();
        assert!(size < 10_000, "400 KB of repeated lines compress: {size} bytes");
        let fresh = Repository::open(dir.path()).unwrap();
        let tree = fresh.find_tree(tree).unwrap();
        let blob = fresh.find_blob(tree.get_name("big.md").unwrap().id()).unwrap();
        assert_eq!(blob.content(), big.as_bytes());
        assert!(std::fs::read_dir(repo.path().join("objects")).unwrap().all(|e| {
            let name = e.unwrap().file_name();
            name == "pack" || name == "info"
        }));
    }
}
