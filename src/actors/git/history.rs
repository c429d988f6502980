//! History of one skill (backend.md §6.4): a revwalk from HEAD by time, keeping the commits
//! whose tree differs from any parent's under `<skill>/`, following renames recorded by the
//! `Skill-Builder-Renamed-From` trailer.
//!
//! Our own single-parent commits name the skills they touched in `Skill-Builder-Skill` trailers,
//! and they stage nothing else (per-skill commits), so for them the trailers answer without
//! loading two root trees; that keeps a page of history cheap in a repository of thousands of
//! skills. Every other commit (the user's, merges, large multi-skill commits) is judged by
//! comparing tree entries.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use std::io::Read;

use git2::{Commit, ObjectType, Odb, Oid, Repository, Tree};

use super::commit::{EVENT_TRAILER, RENAMED_TRAILER, SKILL_TRAILER, head_commit};
use crate::clock::format_timestamp;
use crate::protocol::{AppError, SkillCommit};

/// The value of every `key: value` trailer line of a message.
fn trailers<'m>(message: &'m str, key: &'m str) -> impl Iterator<Item = &'m str> + 'm {
    message.lines().filter_map(move |line| line.strip_prefix(key)?.strip_prefix(':').map(str::trim))
}

/// Whether `commit` changed any of `names` (top-level folders) against any parent.
fn touches(
    repo: &Repository,
    commit: &Commit<'_>,
    names: &[String],
    subtrees: &mut Subtrees<'_>,
) -> Result<bool, AppError> {
    let message = commit.message().unwrap_or_default();
    if commit.parent_count() == 1 && trailers(message, EVENT_TRAILER).next().is_some() {
        let mut listed = trailers(message, SKILL_TRAILER).peekable();
        if listed.peek().is_some() {
            return Ok(listed.into_iter().any(|skill| names.iter().any(|n| n == skill)));
        }
    }
    let mine = subtrees.of(repo, commit.tree_id(), names)?;
    if commit.parent_count() == 0 {
        return Ok(mine.iter().any(Option::is_some));
    }
    for parent in commit.parent_ids() {
        let parent_tree = repo.find_commit(parent)?.tree_id();
        if subtrees.of(repo, parent_tree, names)? != mine {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The ids of the `names` entries of root trees, each root tree read once per page: a commit's
/// tree is looked up as its own and again as its child's parent.
///
/// A root tree of thousands of skills is tens of KB; reading it through `find_tree` inflates it
/// whole, checks its SHA-1 and parses every entry, for the one or two entries we want. A loose
/// tree (what the user's git writes) is instead inflated and scanned in order, stopping at the
/// first entry sorted after the names; a packed one is read whole. Loose files are read here
/// ([`loose_tree`]): libgit2's object stream maps each file and probes its path first, and
/// those system calls and page faults were a fifth of a page of history.
struct Subtrees<'r> {
    odb: Option<Odb<'r>>,
    objects: std::path::PathBuf,
    file: Vec<u8>,
    by_root: HashMap<Oid, Vec<Option<Oid>>>,
}

impl<'r> Subtrees<'r> {
    fn new(repo: &'r Repository) -> Self {
        Subtrees {
            odb: repo.odb().ok(),
            objects: repo.path().join("objects"),
            file: Vec::with_capacity(64 * 1024),
            by_root: HashMap::new(),
        }
    }

    fn of(&mut self, repo: &Repository, root: Oid, names: &[String]) -> Result<Vec<Option<Oid>>, AppError> {
        if let Some(ids) = self.by_root.get(&root)
            && ids.len() == names.len()
        {
            return Ok(ids.clone());
        }
        let streamed = match loose_tree(&self.objects, root, &mut self.file) {
            Some(reader) => scan_tree(reader, names).ok().flatten(),
            None => match self.odb.as_ref().map(|odb| odb.reader(root)) {
                Some(Ok((reader, _, ObjectType::Tree))) => scan_tree(reader, names).ok().flatten(),
                _ => None,
            },
        };
        let ids = match streamed {
            Some(ids) => ids,
            None => {
                let tree = repo.find_tree(root)?;
                names.iter().map(|n| entry(&tree, n)).collect()
            }
        };
        self.by_root.insert(root, ids.clone());
        Ok(ids)
    }
}

/// The content of the loose tree object `id` as an inflating reader, its file read into `file`;
/// `None` when there is no such loose file or it is not a zlib stream of a tree, so the caller
/// asks libgit2 (packed objects, other formats). The zlib header is checked and skipped and the
/// deflate data inflated raw: git verifies object ids, not zlib's Adler-32, which was another
/// twentieth of the time.
fn loose_tree<'f>(objects: &std::path::Path, id: Oid, file: &'f mut Vec<u8>) -> Option<impl Read + 'f> {
    let hex = id.to_string();
    let path = objects.join(&hex[..2]).join(&hex[2..]);
    file.clear();
    std::fs::File::open(path).ok()?.read_to_end(file).ok()?;
    let (&cmf, &flg) = (file.first()?, file.get(1)?);
    // Deflate (method 8), no preset dictionary, and the header's own check.
    if cmf & 0x0f != 8 || flg & 0x20 != 0 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return None;
    }
    let mut content = flate2::bufread::DeflateDecoder::new(&file[2..]);
    let mut header = Vec::with_capacity(16);
    let mut byte = [0u8; 1];
    loop {
        content.read_exact(&mut byte).ok()?;
        if byte[0] == 0 {
            break;
        }
        header.push(byte[0]);
        if header.len() > 32 {
            return None;
        }
    }
    header.starts_with(b"tree ").then_some(content)
}

/// The ids of `names` in a raw tree object (`<octal mode> <name>\0<20-byte id>` entries, in git's
/// order: a folder sorts as its name followed by `/`), read only up to the last of them; `None`
/// when the data is not a well-formed tree, so the caller asks libgit2 instead.
fn scan_tree(mut reader: impl Read, names: &[String]) -> std::io::Result<Option<Vec<Option<Oid>>>> {
    let last = names.iter().map(|n| format!("{n}/")).max().unwrap_or_default();
    let mut found = vec![None; names.len()];
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = [0u8; 4 * 1024];
    let mut key = Vec::with_capacity(128);
    let mut pos = 0;
    loop {
        let rest = &buf[pos..];
        let parsed = rest.iter().position(|b| *b == b' ').and_then(|space| {
            let nul = space + 1 + rest[space + 1..].iter().position(|b| *b == 0)?;
            let id = rest.get(nul + 1..nul + 21)?;
            Some((&rest[..space], &rest[space + 1..nul], id, nul + 21))
        });
        match parsed {
            Some((mode, name, id, used)) => {
                for (slot, wanted) in found.iter_mut().zip(names) {
                    if slot.is_none() && name == wanted.as_bytes() {
                        let Ok(id) = Oid::from_bytes(id) else { return Ok(None) };
                        *slot = Some(id);
                    }
                }
                key.clear();
                key.extend_from_slice(name);
                if mode == b"40000" || mode == b"040000" {
                    key.push(b'/');
                }
                if key.as_slice() > last.as_bytes() {
                    return Ok(Some(found));
                }
                pos += used;
            }
            None => {
                buf.drain(..pos);
                pos = 0;
                let read = reader.read(&mut chunk)?;
                if read == 0 {
                    return Ok(buf.is_empty().then_some(found));
                }
                buf.extend_from_slice(&chunk[..read]);
            }
        }
    }
}

fn entry(tree: &Tree<'_>, name: &str) -> Option<Oid> {
    tree.get_name(name).map(|e| e.id())
}

/// Up to `limit` commits touching `skill`, newest first, strictly older than `before` if given.
pub fn history(
    repo: &Repository,
    skill: &str,
    limit: usize,
    before: Option<Oid>,
) -> Result<Vec<SkillCommit>, AppError> {
    let mut out = Vec::with_capacity(limit.min(512));
    let Some(head) = head_commit(repo)? else { return Ok(out) };
    let mut names = vec![skill.to_string()];
    let mut collecting = before.is_none();
    let mut walk = TimeWalk::new(head);
    let mut subtrees = Subtrees::new(repo);
    while let Some(commit) = walk.next(repo)? {
        let oid = commit.id();
        if touches(repo, &commit, &names, &mut subtrees)? {
            let message = commit.message().unwrap_or_default().to_string();
            for old in trailers(&message, RENAMED_TRAILER) {
                if !names.iter().any(|n| n == old) {
                    names.push(old.to_string());
                }
            }
            if collecting {
                out.push(summarize(&commit, &message));
                if out.len() >= limit {
                    break;
                }
            }
        }
        if Some(oid) == before {
            collecting = true;
        }
    }
    Ok(out)
}

/// Commits from HEAD, newest first (ties in push order, so a child comes before its parent).
/// Each commit is parsed once and stays in libgit2's object cache for its children's lookups,
/// where a `Revwalk` would read every commit a second time.
struct TimeWalk<'r> {
    queue: BinaryHeap<(i64, Reverse<u64>, Oid)>,
    commits: HashMap<Oid, Commit<'r>>,
    seen: HashSet<Oid>,
    pushed: u64,
}

impl<'r> TimeWalk<'r> {
    fn new(head: Commit<'r>) -> Self {
        let mut walk = TimeWalk { queue: BinaryHeap::new(), commits: HashMap::new(), seen: HashSet::new(), pushed: 0 };
        walk.push(head);
        walk
    }

    fn push(&mut self, commit: Commit<'r>) {
        if self.seen.insert(commit.id()) {
            self.pushed += 1;
            self.queue.push((commit.time().seconds(), Reverse(self.pushed), commit.id()));
            self.commits.insert(commit.id(), commit);
        }
    }

    fn next(&mut self, repo: &'r Repository) -> Result<Option<Commit<'r>>, AppError> {
        let Some((_, _, oid)) = self.queue.pop() else { return Ok(None) };
        let Some(commit) = self.commits.remove(&oid) else { return Ok(None) };
        for parent in commit.parent_ids() {
            if !self.seen.contains(&parent) {
                let parent = repo.find_commit(parent)?;
                self.push(parent);
            }
        }
        Ok(Some(commit))
    }
}

fn summarize(commit: &Commit<'_>, message: &str) -> SkillCommit {
    let sha = commit.id().to_string();
    let (summary, body) = match message.split_once('\n') {
        Some((first, rest)) => (first.trim().to_string(), rest.trim().to_string()),
        None => (message.trim().to_string(), String::new()),
    };
    let author = commit.author();
    let at = chrono::DateTime::from_timestamp(commit.time().seconds(), 0).unwrap_or_default();
    SkillCommit {
        short_sha: sha.chars().take(8).collect(),
        sha,
        summary,
        body,
        author_name: author.name().unwrap_or_default().to_string(),
        author_email: author.email().unwrap_or_default().to_string(),
        timestamp: format_timestamp(at),
        event: trailers(message, EVENT_TRAILER).next().map(str::to_string),
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
