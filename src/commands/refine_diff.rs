//! What a refine session changed: snapshots of a skill folder and diffs computed with
//! `similar` (agents-and-workflow.md §7.1, `get_refine_diff`).
//!
//! The session scope compares the baseline commit with the working tree (git lists the files,
//! untracked ones included); the last-turn scope compares the snapshot taken just before the
//! turn with the folder now. That snapshot is kept on disk in the data dir's `tmp/refine/`,
//! not only in memory, so a CLI command in a later process and a restarted app still see it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use similar::{ChangeTag, TextDiff};

use crate::protocol::*;

/// Larger files are listed by hash only (the 5 MB content cap of backend.md §7).
const MAX_TEXT_BYTES: u64 = 5 * 1024 * 1024;

/// One file of a snapshot: its text, or the hash of content that is not diffed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Snap {
    Text(String),
    Binary(String),
}

pub type Snapshot = BTreeMap<String, Snap>;

/// Reads every regular file under `dir` (links and `.git` are skipped), keyed by its
/// `/`-separated relative path. Blocking.
pub fn snapshot(dir: &Path) -> Result<Snapshot, AppError> {
    let mut files = Snapshot::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| AppError::io(&folder, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| AppError::io(&folder, e))?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
            let kind = entry.file_type().map_err(|e| AppError::io(entry.path(), e))?;
            let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            if kind.is_dir() && !crate::paths::is_git_name(&name) {
                stack.push((entry.path(), rel));
            } else if kind.is_file() {
                files.insert(rel, read_snap(&entry.path())?);
            }
        }
    }
    Ok(files)
}

fn read_snap(path: &Path) -> Result<Snap, AppError> {
    let bytes = std::fs::read(path).map_err(|e| AppError::io(path, e))?;
    let text = (bytes.len() as u64) <= MAX_TEXT_BYTES && !bytes.contains(&0);
    match String::from_utf8(bytes) {
        Ok(s) if text => Ok(Snap::Text(s)),
        Ok(s) => Ok(Snap::Binary(hex::encode(Sha256::digest(s.as_bytes())))),
        Err(e) => Ok(Snap::Binary(hex::encode(Sha256::digest(e.as_bytes())))),
    }
}

/// Where the pre-turn snapshot of a session is kept.
pub fn turn_snapshot_path(temp: &Path, session_id: &str) -> PathBuf {
    temp.join("refine").join(format!("{session_id}.json"))
}

pub fn save_turn_snapshot(path: &Path, snap: &Snapshot) -> Result<(), AppError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
    }
    crate::atomic::write_atomic(path, &serde_json::to_vec(snap)?)
}

/// The snapshot taken before the last turn; `None` before the first turn.
pub fn load_turn_snapshot(path: &Path) -> Result<Option<Snapshot>, AppError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AppError::io(path, e)),
    }
}

/// The diff between two snapshots, files in path order.
pub fn diff_snapshots(before: &Snapshot, after: &Snapshot) -> RefineDiff {
    let mut files = Vec::new();
    let paths: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for path in paths {
        let (old, new) = (before.get(path), after.get(path));
        if old == new {
            continue;
        }
        let status = match (old, new) {
            (None, _) => FileChangeKind::Added,
            (_, None) => FileChangeKind::Deleted,
            _ => FileChangeKind::Modified,
        };
        files.push(match (old, new) {
            (Some(Snap::Binary(_)), _) | (_, Some(Snap::Binary(_))) => binary_file(path, status),
            _ => text_file(path, status, text_of(old), text_of(new)),
        });
    }
    finish(None, files)
}

fn text_of(snap: Option<&Snap>) -> &str {
    match snap {
        Some(Snap::Text(text)) => text,
        _ => "",
    }
}

/// Turns git's view of the session (baseline → working tree) into our diff shape.
pub fn from_git(base: String, diff: SkillDiff) -> RefineDiff {
    let files = diff
        .files
        .into_iter()
        .map(|f| {
            if f.binary || f.truncated {
                binary_file(&f.path, f.status)
            } else {
                text_file(
                    &f.path,
                    f.status,
                    f.old_content.as_deref().unwrap_or(""),
                    f.new_content.as_deref().unwrap_or(""),
                )
            }
        })
        .collect();
    finish(Some(base), files)
}

fn binary_file(path: &str, status: FileChangeKind) -> RefineFileDiff {
    RefineFileDiff { path: path.to_string(), status, binary: true, patch: String::new(), hunks: Vec::new() }
}

/// A unified patch and structured hunks (3 lines of context) of one text file.
pub fn text_file(path: &str, status: FileChangeKind, old: &str, new: &str) -> RefineFileDiff {
    let diff = TextDiff::from_lines(old, new);
    let patch = diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")).to_string();
    let hunks = diff
        .grouped_ops(3)
        .iter()
        .filter_map(|group| {
            let first = group.first()?;
            let lines = group
                .iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|change| DiffLine {
                    op: match change.tag() {
                        ChangeTag::Equal => "equal",
                        ChangeTag::Insert => "insert",
                        ChangeTag::Delete => "delete",
                    }
                    .into(),
                    text: change.value().trim_end_matches(['\n', '\r']).to_string(),
                })
                .collect();
            Some(DiffHunk {
                old_start: u32::try_from(first.old_range().start + 1).unwrap_or(u32::MAX),
                new_start: u32::try_from(first.new_range().start + 1).unwrap_or(u32::MAX),
                lines,
            })
        })
        .collect();
    RefineFileDiff { path: path.to_string(), status, binary: false, patch, hunks }
}

fn finish(base_sha: Option<String>, files: Vec<RefineFileDiff>) -> RefineDiff {
    let mut stat = DiffStat { files: u32::try_from(files.len()).unwrap_or(u32::MAX), ..DiffStat::default() };
    for line in files.iter().flat_map(|f| &f.hunks).flat_map(|h| &h.lines) {
        match line.op.as_str() {
            "insert" => stat.insertions += 1,
            "delete" => stat.deletions += 1,
            _ => {}
        }
    }
    RefineDiff { base_sha, stat, files }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(files: &[(&str, &str)]) -> Snapshot {
        files.iter().map(|(p, t)| ((*p).to_string(), Snap::Text((*t).to_string()))).collect()
    }

    #[test]
    fn added_modified_and_deleted_files_with_hunks_and_stat() {
        let before = snap(&[("SKILL.md", "a\nb\nc\n"), ("references/old.md", "gone\n")]);
        let after = snap(&[("SKILL.md", "a\nB\nc\n"), ("references/new.md", "x\ny\n")]);
        let diff = diff_snapshots(&before, &after);
        let kinds: Vec<_> = diff.files.iter().map(|f| (f.path.as_str(), f.status)).collect();
        assert_eq!(
            kinds,
            [
                ("SKILL.md", FileChangeKind::Modified),
                ("references/new.md", FileChangeKind::Added),
                ("references/old.md", FileChangeKind::Deleted)
            ]
        );
        assert_eq!(diff.stat, DiffStat { files: 3, insertions: 3, deletions: 2 });
        let hunk = &diff.files[0].hunks[0];
        assert_eq!((hunk.old_start, hunk.new_start), (1, 1));
        let ops: Vec<_> = hunk.lines.iter().map(|l| (l.op.as_str(), l.text.as_str())).collect();
        assert_eq!(ops, [("equal", "a"), ("delete", "b"), ("insert", "B"), ("equal", "c")]);
        assert!(diff.files[0].patch.contains("-b\n+B\n"), "{}", diff.files[0].patch);
    }

    #[test]
    fn binary_files_are_listed_without_a_patch() {
        let mut before = Snapshot::new();
        before.insert("logo.png".into(), Snap::Binary("aa".into()));
        let mut after = Snapshot::new();
        after.insert("logo.png".into(), Snap::Binary("bb".into()));
        let diff = diff_snapshots(&before, &after);
        assert!(diff.files[0].binary && diff.files[0].hunks.is_empty());
    }
}
