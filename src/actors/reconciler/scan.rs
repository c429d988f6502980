//! The disk side of reconciliation (blocking; runs off the async workers). Lists the skills
//! folder's top level and reads, for each folder, the few files step detection judges.
//!
//! Detection verdicts are cached per folder under a fingerprint of what was read (size, mtime,
//! ctime and inode of each file, mtime of `references/` and `evals/`), as git's index caches
//! file hashes: an unchanged folder costs a handful of `stat` calls, not five reads and three
//! JSON parses. Any change to a judged file changes its ctime, so the verdict is recomputed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
#[cfg(not(unix))]
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::detect::{self, DETECTED_FILES, Detection, FileText, SkillFiles};

/// Files larger than this are not read for detection (artifacts are capped at 5 MB).
const MAX_READ_BYTES: u64 = 5 * 1024 * 1024;
/// Bump when detection rules change, so cached verdicts are recomputed.
const CACHE_VERSION: u32 = 2;

/// A top-level entry of the skills folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopEntry {
    Dir,
    /// A symbolic link to a folder: reported, never followed.
    Symlink,
}

/// Lists the non-dot top-level folders (and folder symlinks) of the skills folder.
pub fn list_top(root: &Path) -> std::io::Result<HashMap<String, TopEntry>> {
    let mut out = HashMap::new();
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            out.insert(name, TopEntry::Dir);
        } else if kind.is_symlink() && entry.path().is_dir() {
            out.insert(name, TopEntry::Symlink);
        }
    }
    Ok(out)
}

/// Cached verdicts by folder name.
#[derive(Debug, Serialize, Deserialize)]
pub struct DetectionCache {
    version: u32,
    entries: HashMap<String, (u64, Detection)>,
}

impl Default for DetectionCache {
    fn default() -> Self {
        DetectionCache { version: CACHE_VERSION, entries: HashMap::new() }
    }
}

impl DetectionCache {
    /// Loads the cache file; a missing, unreadable or outdated one is an empty cache.
    pub fn load(path: &Path) -> Self {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<DetectionCache>(&bytes).ok())
            .filter(|cache| cache.version == CACHE_VERSION)
            .unwrap_or_default()
    }

    /// The cache file's contents (serialising is quick; writing and syncing is left to
    /// [`DetectionCache::write`], off the pass's path).
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        serde_json::to_vec(self).map_err(|err| tracing::debug!(%err, "could not encode the reconciliation cache")).ok()
    }

    /// Writes the cache atomically; failing only costs speed at the next start.
    pub fn write(path: &Path, bytes: &[u8]) {
        let result = path
            .parent()
            .map_or(Ok(()), |dir| std::fs::create_dir_all(dir).map_err(|e| crate::protocol::AppError::io(dir, e)))
            .and_then(|()| crate::atomic::write_atomic(path, bytes));
        if let Err(err) = result {
            tracing::debug!(%err, "could not save the reconciliation cache");
        }
    }

    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.entries.retain(|name, _| keep(name));
    }
}

/// The verdict for one folder, and whether it was recomputed.
pub struct Detected {
    pub folder: String,
    pub detection: Detection,
    pub fingerprint: u64,
    pub fresh: bool,
}

/// Detects every folder in `folders` (names under `root`), several at a time, and returns the
/// verdicts in the order of `folders`, as a sequential scan would. Workers take small batches
/// from a shared counter, so one slowed down (a busy core, a slow disk) does not leave the
/// others idle with half the work in its fixed share; there are twice as many as cores, so
/// reads that wait for a cold disk overlap.
pub fn detect_all(root: &Path, folders: Vec<String>, cache: &DetectionCache) -> Vec<Detected> {
    const BATCH: usize = 32;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get() * 2).clamp(1, 8);
    if folders.len() < 2 * BATCH || threads == 1 {
        return folders.into_iter().map(|f| detect_one(root, f, cache)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (folders, next) = (&folders, &next);
    let mut batches: Vec<(usize, Vec<Detected>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        let start = next.fetch_add(BATCH, std::sync::atomic::Ordering::Relaxed);
                        let Some(part) = folders.get(start..(start + BATCH).min(folders.len())) else { break };
                        out.push((start, part.iter().map(|f| detect_one(root, f.clone(), cache)).collect()));
                    }
                    out
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
    });
    batches.sort_unstable_by_key(|(start, _)| *start);
    batches.into_iter().flat_map(|(_, part)| part).collect()
}

/// Detects one folder, reusing the cached verdict when nothing judged has changed.
pub fn detect_one(root: &Path, folder: String, cache: &DetectionCache) -> Detected {
    let dir = root.join(&folder);
    let reader = FolderReader::open(&dir);
    let metas: [Option<Meta>; 5] = DETECTED_FILES.map(|f| reader.stat(f));
    // `references/` and `evals/` matter only without a SKILL.md (partial output vs none).
    const GENERATED: [&str; 2] = ["references", "evals"];
    let generated_metas: [Option<Meta>; 2] =
        if metas[4].is_some() { [None, None] } else { GENERATED.map(|d| reader.stat(d)) };
    let fingerprint = fingerprint(&metas, &generated_metas);
    if let Some((cached, detection)) = cache.entries.get(&folder)
        && *cached == fingerprint
    {
        return Detected { folder, detection: detection.clone(), fingerprint, fresh: false };
    }
    let mut files = SkillFiles::default();
    for ((slot, rel), meta) in files.texts.iter_mut().zip(DETECTED_FILES).zip(&metas) {
        *slot = match meta {
            None => FileText::Absent,
            Some(meta) if !meta.is_file => FileText::Unreadable("not a regular file".into()),
            Some(meta) if meta.len > MAX_READ_BYTES => FileText::Unreadable("larger than 5 MB".into()),
            Some(meta) => match reader.read(rel, meta.len) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => FileText::Text(text),
                    Err(_) => FileText::Unreadable("not UTF-8 text".into()),
                },
                Err(err) => FileText::Unreadable(err.to_string()),
            },
        };
    }
    files.has_generated_files = GENERATED
        .iter()
        .zip(&generated_metas)
        .any(|(name, meta)| meta.is_some_and(|m| m.is_dir) && !crate::folders::is_empty_tree(&dir.join(name)));
    let detection = detect::detect(&files);
    Detected { folder, detection, fingerprint, fresh: true }
}

/// What detection needs of a `stat`.
#[derive(Debug, Clone, Copy)]
struct Meta {
    is_file: bool,
    is_dir: bool,
    len: u64,
    /// (size, inode, mtime ns, ctime ns), for the fingerprint.
    key: (u64, u64, i128, i128),
}

/// One skill folder, opened once: its files are found relative to the open folder, so each
/// `stat` and `open` walks one or two path components instead of the whole path from `/`
/// (path walks were a third of a cold scan's system time, 10 per skill).
struct FolderReader {
    #[cfg(unix)]
    dir: Option<std::os::fd::OwnedFd>,
    #[cfg(not(unix))]
    dir: PathBuf,
}

#[cfg(unix)]
impl FolderReader {
    fn open(dir: &Path) -> Self {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        FolderReader { dir: rustix::fs::open(dir, flags, Mode::empty()).ok() }
    }

    /// `stat` of `rel`, following symbolic links like `std::fs::metadata`; `None` when absent.
    fn stat(&self, rel: &str) -> Option<Meta> {
        use rustix::fs::{AtFlags, FileType};
        let st = rustix::fs::statat(self.dir.as_ref()?, rel, AtFlags::empty()).ok()?;
        let kind = FileType::from_raw_mode(st.st_mode);
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        let len = u64::try_from(st.st_size).unwrap_or(0);
        #[allow(clippy::useless_conversion, clippy::unnecessary_cast)] // the field types differ by target
        let key = (
            len,
            st.st_ino as u64,
            ns(st.st_mtime as i64, st.st_mtime_nsec as i64),
            ns(st.st_ctime as i64, st.st_ctime_nsec as i64),
        );
        Some(Meta { is_file: kind == FileType::RegularFile, is_dir: kind == FileType::Directory, len, key })
    }

    /// Opens `rel` without blocking (a FIFO swapped in after the `stat` cannot hang the scan).
    fn read(&self, rel: &str, len: u64) -> std::io::Result<Vec<u8>> {
        use rustix::fs::{Mode, OFlags};
        let dir = self.dir.as_ref().ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
        let fd = rustix::fs::openat(dir, rel, OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK, Mode::empty())?;
        read_known(std::fs::File::from(fd), len)
    }
}

#[cfg(not(unix))]
impl FolderReader {
    fn open(dir: &Path) -> Self {
        FolderReader { dir: dir.to_path_buf() }
    }

    fn stat(&self, rel: &str) -> Option<Meta> {
        let m = std::fs::metadata(self.dir.join(rel)).ok()?;
        let mtime = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
        let key = (m.len(), 0, mtime.as_nanos() as i128, 0);
        Some(Meta { is_file: m.is_file(), is_dir: m.is_dir(), len: m.len(), key })
    }

    fn read(&self, rel: &str, len: u64) -> std::io::Result<Vec<u8>> {
        read_known(std::fs::File::open(self.dir.join(rel))?, len)
    }
}

/// Reads a file whose size `stat` just gave: one `read` for the whole file where
/// `std::fs::read` also asks the size again and reads once more to see the end (two of the
/// six calls per file, for 50,000 files on a cold start). A file that grew or came up short
/// meanwhile is read to its end.
fn read_known(mut file: std::fs::File, len: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let len = usize::try_from(len).unwrap_or(usize::MAX - 1);
    let mut bytes = vec![0; len + 1];
    let read = loop {
        match file.read(&mut bytes) {
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            other => break other?,
        }
    };
    bytes.truncate(read);
    if read != len {
        file.read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// Stores fresh verdicts.
pub fn remember(cache: &mut DetectionCache, detected: &[Detected]) -> bool {
    let mut changed = false;
    for d in detected.iter().filter(|d| d.fresh) {
        cache.entries.insert(d.folder.clone(), (d.fingerprint, d.detection.clone()));
        changed = true;
    }
    changed
}

fn fingerprint(files: &[Option<Meta>], dirs: &[Option<Meta>]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for meta in files {
        meta.map_or((u64::MAX, 0, 0, 0), |m| m.key).hash(&mut hasher);
    }
    for meta in dirs {
        meta.map(|m| (m.is_dir, m.key.2)).hash(&mut hasher);
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_verdicts_survive_a_restart_and_a_change_invalidates_them() {
        let dir = tempfile::tempdir().unwrap();
        let skill = dir.path().join("s");
        std::fs::create_dir_all(skill.join("context")).unwrap();
        std::fs::write(skill.join("SKILL.md"), "---\nname: s\ndescription: d\n---\nbody\n").unwrap();
        let file = dir.path().join("cache/reconcile.json");
        let mut cache = DetectionCache::default();
        let first = detect_one(dir.path(), "s".into(), &cache);
        assert!(first.fresh);
        assert!(remember(&mut cache, &[first]));
        DetectionCache::write(&file, &cache.to_bytes().unwrap());

        let loaded = DetectionCache::load(&file);
        let again = detect_one(dir.path(), "s".into(), &loaded);
        assert!(!again.fresh, "a saved cache is used after a restart");
        std::fs::write(skill.join("SKILL.md"), "---\nname: s\ndescription: changed\n---\nbody\n").unwrap();
        let changed = detect_one(dir.path(), "s".into(), &loaded);
        assert!(changed.fresh);
        assert_eq!(changed.detection.frontmatter_description.as_deref(), Some("changed"));
    }

    #[test]
    fn a_parallel_scan_of_many_folders_equals_the_sequential_one() {
        let dir = tempfile::tempdir().unwrap();
        let folders: Vec<String> = (0..300).map(|i| format!("s{i:03}")).collect();
        for (i, name) in folders.iter().enumerate() {
            let skill = dir.path().join(name);
            std::fs::create_dir_all(skill.join("context")).unwrap();
            if i % 3 != 0 {
                std::fs::write(skill.join("SKILL.md"), format!("---\nname: {name}\ndescription: d{i}\n---\nbody\n"))
                    .unwrap();
            }
            if i % 5 == 0 {
                std::fs::write(skill.join("context/clarifications.json"), "{ not json").unwrap();
            }
        }
        let cache = DetectionCache::default();
        let parallel = detect_all(dir.path(), folders.clone(), &cache);
        let sequential: Vec<Detected> = folders.into_iter().map(|f| detect_one(dir.path(), f, &cache)).collect();
        let key = |d: &Detected| (d.folder.clone(), d.fingerprint, d.detection.clone());
        assert_eq!(parallel.iter().map(key).collect::<Vec<_>>(), sequential.iter().map(key).collect::<Vec<_>>());
    }

    #[test]
    fn a_file_is_read_whole_whatever_size_stat_gave() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "0123456789").unwrap();
        for (stated, why) in [(10, "exact"), (4, "grew since stat"), (25, "shrank since stat"), (0, "was empty")] {
            assert_eq!(read_known(std::fs::File::open(&path).unwrap(), stated).unwrap(), b"0123456789", "{why}");
        }
        std::fs::write(&path, "").unwrap();
        assert!(read_known(std::fs::File::open(&path).unwrap(), 0).unwrap().is_empty());
    }
}
