//! The diff of one skill folder (backend.md §6.4): subtree to subtree between two commits, or a
//! commit's subtree to the working folder with untracked files. Rename detection is on; paths
//! are relative to the skill folder; each side's text is capped at 1 MB.

use git2::{Delta, Diff, DiffFindOptions, DiffOptions, Oid, Patch, Repository, Tree};

use crate::protocol::{AppError, DiffStats, FileChangeKind, FileDiff, SkillDiff};

/// The largest side whose text (and patch) is returned.
const MAX_CONTENT_BYTES: usize = 1024 * 1024;

/// The `<skill>` subtree of a commit, `None` when the commit has no such folder.
pub fn subtree<'r>(repo: &'r Repository, commit: Oid, skill: &str) -> Result<Option<Tree<'r>>, AppError> {
    let commit =
        repo.find_commit(commit).map_err(|_| AppError::NotFound { kind: "commit", name: commit.to_string() })?;
    let tree = commit.tree()?;
    match tree.get_name(skill) {
        Some(entry) if entry.kind() == Some(git2::ObjectType::Tree) => Ok(Some(repo.find_tree(entry.id())?)),
        _ => Ok(None),
    }
}

pub fn diff(repo: &Repository, skill: &str, from: Oid, to: Option<Oid>) -> Result<SkillDiff, AppError> {
    let from_tree = subtree(repo, from, skill)?;
    let mut options = DiffOptions::new();
    options.max_size(MAX_CONTENT_BYTES as i64).context_lines(3);
    let mut diff = match to {
        Some(to) => {
            let to_tree = subtree(repo, to, skill)?;
            repo.diff_tree_to_tree(from_tree.as_ref(), to_tree.as_ref(), Some(&mut options))?
        }
        None => {
            let root_tree = repo.find_commit(from)?.tree()?;
            options
                .pathspec(format!("{skill}/"))
                .include_untracked(true)
                .recurse_untracked_dirs(true)
                .show_untracked_content(true);
            repo.diff_tree_to_workdir(Some(&root_tree), Some(&mut options))?
        }
    };
    let mut find = DiffFindOptions::new();
    find.renames(true).renames_from_rewrites(true).for_untracked(true);
    diff.find_similar(Some(&mut find))?;
    let prefix = if to.is_none() { format!("{skill}/") } else { String::new() };
    let workdir = repo.workdir().map(|w| w.join(skill));
    let mut files = Vec::new();
    let mut stats = DiffStats::default();
    for index in 0..diff.deltas().len() {
        let file = file_diff(repo, &diff, index, &prefix, if to.is_none() { workdir.as_deref() } else { None })?;
        stats.files_changed += 1;
        stats.additions += file.additions;
        stats.deletions += file.deletions;
        files.push(file);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(SkillDiff { from_sha: from.to_string(), to_sha: to.map(|t| t.to_string()), files, stats })
}

fn rel(path: Option<&std::path::Path>, prefix: &str) -> Option<String> {
    let text = path?.to_string_lossy().replace('\\', "/");
    Some(text.strip_prefix(prefix).unwrap_or(&text).to_string())
}

fn file_diff(
    repo: &Repository,
    diff: &Diff<'_>,
    index: usize,
    prefix: &str,
    workdir: Option<&std::path::Path>,
) -> Result<FileDiff, AppError> {
    let delta = diff.get_delta(index).ok_or_else(|| AppError::Internal("diff delta vanished".into()))?;
    let status = match delta.status() {
        Delta::Added | Delta::Untracked | Delta::Copied => FileChangeKind::Added,
        Delta::Deleted => FileChangeKind::Deleted,
        Delta::Renamed => FileChangeKind::Renamed,
        _ => FileChangeKind::Modified,
    };
    let new_path = rel(delta.new_file().path(), prefix).unwrap_or_default();
    let old_path = rel(delta.old_file().path(), prefix);
    let path = if status == FileChangeKind::Deleted { old_path.clone().unwrap_or_default() } else { new_path.clone() };
    let old = match status {
        FileChangeKind::Added => None,
        _ => Some(read_blob(repo, delta.old_file().id())?),
    };
    let new = match (status, workdir) {
        (FileChangeKind::Deleted, _) => None,
        (_, Some(dir)) => Some(std::fs::read(dir.join(&new_path)).map_err(|e| AppError::io(dir.join(&new_path), e))?),
        (_, None) => Some(read_blob(repo, delta.new_file().id())?),
    };
    let truncated = [&old, &new].iter().any(|side| side.as_ref().is_some_and(|b| b.len() > MAX_CONTENT_BYTES));
    // libgit2 calls any side over `max_size` binary; only a NUL byte makes a big file binary here.
    let has_nul = [&old, &new].iter().any(|s| s.as_deref().is_some_and(is_binary));
    let binary = has_nul || (!truncated && delta.flags().is_binary());
    let (old_content, new_content) =
        if binary { (None, None) } else { (old.as_deref().and_then(text), new.as_deref().and_then(text)) };
    let mut file = FileDiff {
        path,
        old_path: if status == FileChangeKind::Renamed { old_path } else { None },
        status,
        binary,
        additions: 0,
        deletions: 0,
        patch: None,
        old_content,
        new_content,
        truncated,
    };
    if !binary
        && !truncated
        && let Some(mut patch) = Patch::from_diff(diff, index)?
    {
        let (_, additions, deletions) = patch.line_stats()?;
        file.additions = u32::try_from(additions).unwrap_or(u32::MAX);
        file.deletions = u32::try_from(deletions).unwrap_or(u32::MAX);
        let buf = patch.to_buf()?;
        file.patch = buf.as_str().ok().map(|p| strip_prefix_in_patch(p, prefix));
    }
    Ok(file)
}

/// Working-tree diffs name paths from the repository root; the UI wants them skill-relative.
fn strip_prefix_in_patch(patch: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        return patch.to_string();
    }
    patch
        .lines()
        .map(|line| {
            if line.starts_with("diff --git ") || line.starts_with("--- ") || line.starts_with("+++ ") {
                line.replace(&format!("a/{prefix}"), "a/").replace(&format!("b/{prefix}"), "b/")
            } else if let Some(rest) = line.strip_prefix("rename from ").or_else(|| line.strip_prefix("rename to ")) {
                line.replace(rest, rest.strip_prefix(prefix).unwrap_or(rest))
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn read_blob(repo: &Repository, id: Oid) -> Result<Vec<u8>, AppError> {
    if id.is_zero() {
        return Ok(Vec::new());
    }
    Ok(repo.find_blob(id)?.content().to_vec())
}

fn is_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8000).any(|b| *b == 0)
}

/// UTF-8 text of a side, cut at 1 MB on a character boundary; `None` when it is not text.
fn text(bytes: &[u8]) -> Option<String> {
    let capped = &bytes[..bytes.len().min(MAX_CONTENT_BYTES)];
    match std::str::from_utf8(capped) {
        Ok(text) => Some(text.to_string()),
        Err(err) if err.error_len().is_none() => {
            Some(String::from_utf8_lossy(&capped[..err.valid_up_to()]).into_owned())
        }
        Err(_) => None,
    }
}
