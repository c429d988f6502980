//! Per-skill commits (backend.md §6.3). A commit stages only the named top-level paths: their
//! trees are built from the working folder, spliced into HEAD's tree, and the repository index is
//! updated for those paths alone, so unrelated changes (other folders, files the user staged)
//! never enter our commits and stay as the user left them.

use std::collections::BTreeSet;
use std::path::Path;

use git2::{Commit, Index, IndexEntry, IndexTime, Oid, Repository, Signature, Status, StatusOptions};

use crate::protocol::AppError;

/// Trailers every automatic commit carries; history reads them back.
pub const EVENT_TRAILER: &str = "Skill-Builder-Event";
pub const SKILL_TRAILER: &str = "Skill-Builder-Skill";
pub const RENAMED_TRAILER: &str = "Skill-Builder-Renamed-From";
/// Commits naming more skills than this carry no per-skill trailers (history then compares trees).
const MAX_SKILL_TRAILERS: usize = 50;
/// Another writer (the user's git) holds `index.lock`: retry a few times (backend.md §5.5).
pub const INDEX_LOCK_RETRIES: u32 = 3;
pub const INDEX_LOCK_BACKOFF: std::time::Duration = std::time::Duration::from_millis(200);

/// Git's entry modes, as the index stores them (tree builders take them as `i32`).
pub const MODE_TREE: u32 = 0o040000;
pub const MODE_FILE: u32 = 0o100644;
pub const MODE_EXEC: u32 = 0o100755;
pub const MODE_LINK: u32 = 0o120000;

/// What a commit did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    /// `None` when the paths already matched HEAD.
    pub sha: Option<Oid>,
    /// Files left out because `.gitignore` ignores them (they are not in the commit).
    pub ignored: u32,
}

/// `<summary>`, a blank line, then the trailers.
pub fn message(summary: &str, event: &str, skills: &[String], extra: &[(&str, String)]) -> String {
    let mut text = format!("{summary}\n\n{EVENT_TRAILER}: {event}\n");
    for (key, value) in extra {
        text.push_str(&format!("{key}: {value}\n"));
    }
    if skills.len() <= MAX_SKILL_TRAILERS {
        for skill in skills {
            text.push_str(&format!("{SKILL_TRAILER}: {skill}\n"));
        }
    }
    text
}

/// The commit HEAD points to; `None` on an unborn branch.
pub fn head_commit(repo: &Repository) -> Result<Option<Commit<'_>>, AppError> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_commit()?)),
        Err(e) if matches!(e.code(), git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The repository index, read from disk even when libgit2 thinks its copy is current (another
/// instance may have rewritten it within the file-time granularity). A corrupt index file is
/// moved aside (kept as `index.corrupt-<time>`) and rebuilt from HEAD: no working file is
/// touched, and the user's staged-but-uncommitted state survives in the kept copy.
pub fn open_index(repo: &Repository) -> Result<Index, AppError> {
    let first = match repo.index() {
        Ok(mut index) => match index.read(true) {
            Ok(()) => return Ok(index),
            Err(e) => e,
        },
        Err(e) => e,
    };
    let path = repo.path().join("index");
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let kept = repo.path().join(format!("index.corrupt-{stamp}"));
    tracing::warn!(error = first.message(), kept = %kept.display(), "the git index is unreadable; rebuilding it from HEAD");
    std::fs::rename(&path, &kept).map_err(|e| AppError::io(&path, e))?;
    let mut index = repo.index()?;
    index.clear()?;
    if let Some(head) = head_commit(repo)? {
        index.read_tree(&head.tree()?)?;
    }
    index.write()?;
    Ok(index)
}

/// Commits the current state of the top-level `names` (folders or files; a missing one is
/// removed from the tree) on top of HEAD.
pub fn commit_paths(
    repo: &Repository,
    signature: &Signature<'_>,
    names: &[String],
    message: &str,
    allow_empty: bool,
) -> Result<Committed, AppError> {
    let workdir = repo.workdir().ok_or_else(|| AppError::Git { reason: "unavailable", message: "bare".into() })?;
    let started = std::time::Instant::now();
    let head = head_commit(repo)?;
    let base = head.as_ref().map(Commit::tree).transpose()?;
    let mut builder = repo.treebuilder(base.as_ref())?;
    let mut staged: Vec<(String, Vec<IndexEntry>)> = Vec::with_capacity(names.len());
    let mut ignored = 0u32;
    for name in names {
        let mut entries = Vec::new();
        let path = workdir.join(name);
        let built = match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                build_dir(repo, &path, name, &mut entries, &mut ignored)?.map(|oid| (oid, MODE_TREE as i32))
            }
            Ok(meta) if !repo.is_path_ignored(name)? => {
                build_file(repo, &path, name, &meta, &mut entries)?.map(|(oid, mode)| (oid, mode as i32))
            }
            Ok(_) => {
                ignored += 1;
                None
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(AppError::io(&path, e)),
        };
        match built {
            Some((oid, mode)) => {
                builder.insert(name, oid, mode)?;
            }
            None if builder.get(name)?.is_some() => builder.remove(name)?,
            None => {}
        }
        staged.push((name.clone(), entries));
    }
    let tree_oid = builder.write()?;
    if !allow_empty && base.as_ref().is_some_and(|b| b.id() == tree_oid) {
        return Ok(Committed { sha: None, ignored });
    }
    let tree = repo.find_tree(tree_oid)?;
    let parents: Vec<&Commit<'_>> = head.iter().collect();
    let tree_ms = started.elapsed().as_millis() as u64;
    let sha = repo.commit(Some("HEAD"), signature, signature, message, &tree, &parents).map_err(commit_error)?;
    // The commit is made: a failed index update must not report it as failed (a retry would
    // find nothing to commit); the index then still shows these paths changed until the next one.
    if let Err(err) = update_index_retrying(repo, &staged) {
        tracing::warn!(%err, "committed, but could not update the index");
    }
    tracing::debug!(paths = names.len(), tree_ms, total_ms = started.elapsed().as_millis() as u64, "committed");
    Ok(Committed { sha: Some(sha), ignored })
}

/// `tip_moved` when HEAD moved after we read it (another writer committed in between): the
/// caller rebuilds the tree on the new tip and tries again.
fn commit_error(err: git2::Error) -> AppError {
    if err.code() == git2::ErrorCode::Modified {
        return AppError::Git { reason: "tip_moved", message: err.message().to_string() };
    }
    err.into()
}

/// [`update_index`], retried while someone else holds `index.lock` (backend.md §5.5).
fn update_index_retrying(repo: &Repository, staged: &[(String, Vec<IndexEntry>)]) -> Result<(), AppError> {
    let mut attempt = 0;
    loop {
        match update_index(repo, staged) {
            Err(AppError::Git { reason: "locked", .. }) if attempt < INDEX_LOCK_RETRIES => {
                attempt += 1;
                std::thread::sleep(INDEX_LOCK_BACKOFF);
            }
            other => return other,
        }
    }
}

/// Replaces the index entries under each committed path with what was committed, stat data
/// included, so `git status` shows those paths clean without rehashing them.
fn update_index(repo: &Repository, staged: &[(String, Vec<IndexEntry>)]) -> Result<(), AppError> {
    let mut index = open_index(repo)?;
    for (name, entries) in staged {
        index.remove_dir(Path::new(name), 0)?;
        if index.get_path(Path::new(name), 0).is_some() {
            index.remove_path(Path::new(name))?;
        }
        for entry in entries {
            index.add(entry)?;
        }
    }
    index.write()?;
    Ok(())
}

/// The tree of one folder; `None` when it holds nothing git can track. Nested `.git` folders
/// and ignored paths are left out; special files (sockets, pipes) cannot be committed.
pub(super) fn build_dir(
    repo: &Repository,
    dir: &Path,
    rel: &str,
    entries: &mut Vec<IndexEntry>,
    ignored: &mut u32,
) -> Result<Option<Oid>, AppError> {
    let mut builder = repo.treebuilder(None)?;
    for (name, child) in trackable_entries(dir)? {
        let child_rel = format!("{rel}/{name}");
        let path = child.path();
        let meta = std::fs::symlink_metadata(&path).map_err(|e| AppError::io(&path, e))?;
        let ignore_probe = if meta.is_dir() { format!("{child_rel}/") } else { child_rel.clone() };
        if repo.is_path_ignored(&ignore_probe)? {
            *ignored += 1;
            continue;
        }
        if meta.is_dir() {
            if let Some(oid) = build_dir(repo, &path, &child_rel, entries, ignored)? {
                builder.insert(&name, oid, MODE_TREE as i32)?;
            }
        } else if let Some((oid, mode)) = build_file(repo, &path, &child_rel, &meta, entries)? {
            builder.insert(&name, oid, mode as i32)?;
        }
    }
    if builder.is_empty() {
        return Ok(None);
    }
    Ok(Some(builder.write()?))
}

/// The blob of one file or symlink, and its index entry.
pub(super) fn build_file(
    repo: &Repository,
    path: &Path,
    rel: &str,
    meta: &std::fs::Metadata,
    entries: &mut Vec<IndexEntry>,
) -> Result<Option<(Oid, u32)>, AppError> {
    let kind = meta.file_type();
    let (oid, mode) = if kind.is_symlink() {
        let target = std::fs::read_link(path).map_err(|e| AppError::io(path, e))?;
        (repo.blob(target.to_string_lossy().as_bytes())?, MODE_LINK)
    } else if kind.is_file() {
        (repo.blob_path(path)?, if is_executable(meta) { MODE_EXEC } else { MODE_FILE })
    } else {
        tracing::warn!(path = %path.display(), "skipping a special file git cannot track");
        return Ok(None);
    };
    entries.push(index_entry(rel, oid, mode, meta));
    Ok(Some((oid, mode)))
}

/// The entries of `dir` git can track: UTF-8 names (others are logged and skipped), no `.git`.
pub fn trackable_entries(dir: &Path) -> Result<Vec<(String, std::fs::DirEntry)>, AppError> {
    let mut entries = Vec::new();
    for child in std::fs::read_dir(dir).map_err(|e| AppError::io(dir, e))? {
        let child = child.map_err(|e| AppError::io(dir, e))?;
        match child.file_name().to_str() {
            Some(".git") => {}
            Some(name) => entries.push((name.to_string(), child)),
            None => tracing::warn!(path = %child.path().display(), "skipping a file name that is not UTF-8"),
        }
    }
    Ok(entries)
}

#[cfg(unix)]
pub fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
pub fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

/// An index entry with the file's stat data; git truncates the wide fields the same way.
#[cfg(unix)]
pub fn index_entry(rel: &str, id: Oid, mode: u32, meta: &std::fs::Metadata) -> IndexEntry {
    use std::os::unix::fs::MetadataExt;
    IndexEntry {
        ctime: IndexTime::new(meta.ctime() as i32, meta.ctime_nsec() as u32),
        mtime: IndexTime::new(meta.mtime() as i32, meta.mtime_nsec() as u32),
        dev: meta.dev() as u32,
        ino: meta.ino() as u32,
        mode,
        uid: meta.uid(),
        gid: meta.gid(),
        file_size: meta.size() as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: rel.as_bytes().to_vec(),
    }
}

#[cfg(not(unix))]
pub fn index_entry(rel: &str, id: Oid, mode: u32, meta: &std::fs::Metadata) -> IndexEntry {
    let mtime = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
    IndexEntry {
        ctime: IndexTime::new(mtime.as_secs() as i32, mtime.subsec_nanos()),
        mtime: IndexTime::new(mtime.as_secs() as i32, mtime.subsec_nanos()),
        dev: 0,
        ino: 0,
        mode,
        uid: 0,
        gid: 0,
        file_size: meta.len() as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: rel.as_bytes().to_vec(),
    }
}

/// Top-level names with any change (staged, unstaged or untracked) among `candidates`.
pub fn changed_top_level(repo: &Repository, candidates: &BTreeSet<String>) -> Result<Vec<String>, AppError> {
    let mut options = StatusOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true).include_ignored(false).exclude_submodules(true);
    // A few folders (one skill re-judged after a restore): look only there, not at the whole library.
    if candidates.len() <= 50 {
        for name in candidates {
            options.pathspec(format!("{name}/"));
        }
    }
    let statuses = repo.statuses(Some(&mut options))?;
    let mut changed = BTreeSet::new();
    for entry in statuses.iter() {
        if entry.status() == Status::CURRENT || entry.status().contains(Status::IGNORED) {
            continue;
        }
        let Ok(path) = entry.path() else { continue };
        let top = path.split('/').next().unwrap_or(path);
        if candidates.contains(top) {
            changed.insert(top.to_string());
        }
    }
    Ok(changed.into_iter().collect())
}
