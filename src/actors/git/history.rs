//! History of one skill (backend.md §6.4): a revwalk from HEAD by time, keeping the commits
//! whose tree differs from any parent's under `<skill>/`, following renames recorded by the
//! `Skill-Builder-Renamed-From` trailer.
//!
//! Our own single-parent commits name the skills they touched in `Skill-Builder-Skill` trailers,
//! and they stage nothing else (per-skill commits), so for them the trailers answer without
//! loading two root trees; that keeps a page of history cheap in a repository of thousands of
//! skills. Every other commit (the user's, merges, large multi-skill commits) is judged by
//! comparing tree entries.

use git2::{Commit, Oid, Repository, Sort, Tree};

use super::commit::{EVENT_TRAILER, RENAMED_TRAILER, SKILL_TRAILER, head_commit};
use crate::clock::format_timestamp;
use crate::protocol::{AppError, SkillCommit};

/// The value of every `key: value` trailer line of a message.
fn trailers<'m>(message: &'m str, key: &'m str) -> impl Iterator<Item = &'m str> + 'm {
    message.lines().filter_map(move |line| line.strip_prefix(key)?.strip_prefix(':').map(str::trim))
}

/// Whether `commit` changed any of `names` (top-level folders) against any parent.
fn touches(repo: &Repository, commit: &Commit<'_>, names: &[String]) -> Result<bool, AppError> {
    let message = commit.message().unwrap_or_default();
    if commit.parent_count() == 1 && trailers(message, EVENT_TRAILER).next().is_some() {
        let mut listed = trailers(message, SKILL_TRAILER).peekable();
        if listed.peek().is_some() {
            return Ok(listed.into_iter().any(|skill| names.iter().any(|n| n == skill)));
        }
    }
    let tree = commit.tree()?;
    let mine: Vec<Option<Oid>> = names.iter().map(|n| entry(&tree, n)).collect();
    if commit.parent_count() == 0 {
        return Ok(mine.iter().any(Option::is_some));
    }
    for parent in commit.parent_ids() {
        let parent_tree = repo.find_commit(parent)?.tree()?;
        if names.iter().zip(&mine).any(|(name, oid)| entry(&parent_tree, name) != *oid) {
            return Ok(true);
        }
    }
    Ok(false)
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
    if head_commit(repo)?.is_none() {
        return Ok(out);
    }
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TIME)?;
    walk.push_head()?;
    let mut names = vec![skill.to_string()];
    let mut collecting = before.is_none();
    for oid in walk {
        let oid = oid?;
        let commit = repo.find_commit(oid)?;
        if !touches(repo, &commit, &names)? {
            if Some(oid) == before {
                collecting = true;
            }
            continue;
        }
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
        if Some(oid) == before {
            collecting = true;
        }
    }
    Ok(out)
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
