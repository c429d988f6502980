//! A repository's skills (backend.md §10.3): the ref pinned to a commit, the tree listed (a
//! truncated recursive listing falls back to listing folder by folder, never a partial tree),
//! `SKILL.md` candidates found, and a skill folder's files downloaded, four at a time, with the
//! import limits enforced while the bytes arrive.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::http::GitHub;
use crate::import::{block, blocked};
use crate::protocol::validation::Finding;
use crate::protocol::{AppError, GitHubRepoRef, RepoCheck};
use crate::skill::limits;

/// Folders a listing may fetch one by one after a truncated recursive listing.
const MAX_FOLDER_LISTINGS: usize = 300;
/// Skills are looked for at most this deep without a marketplace manifest (skill-format §3.3).
pub const MAX_SKILL_DEPTH: usize = 6;
/// Downloads in flight per skill.
const PARALLEL: usize = 4;

#[derive(Debug, Deserialize)]
struct RepoInfo {
    default_branch: String,
    #[serde(default)]
    private: bool,
}

#[derive(Debug, Deserialize)]
struct CommitInfo {
    sha: String,
}

#[derive(Debug, Deserialize)]
struct RefInfo {
    object: CommitInfo,
}

#[derive(Debug, Clone, Deserialize)]
struct TreeEntry {
    path: String,
    mode: String,
    #[serde(rename = "type")]
    kind: String,
    sha: String,
    size: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct TreeListing {
    #[serde(default)]
    truncated: bool,
    tree: Vec<TreeEntry>,
}

/// One file of the repository at the pinned commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub path: String,
    pub executable: bool,
    /// A symlink (mode 120000) or submodule: never downloaded (`SB211`).
    pub special: bool,
    pub size: Option<u64>,
}

/// A repository pinned to one commit, with its whole file list.
#[derive(Debug, Clone)]
pub struct PinnedRepo {
    pub owner: String,
    pub repo: String,
    /// The ref as asked for, or the default branch.
    pub git_ref: String,
    pub sha: String,
    /// The folder the user pointed at, if any.
    pub subpath: Option<String>,
    /// Every file, by path.
    pub files: BTreeMap<String, Blob>,
}

/// `GET /repos/{o}/{r}`.
pub async fn check(gh: &GitHub, owner: &str, repo: &str) -> Result<RepoCheck, AppError> {
    let info: RepoInfo = gh.api_json(&["repos", owner, repo], &[]).await?;
    Ok(RepoCheck { owner: owner.into(), repo: repo.into(), default_branch: info.default_branch, private: info.private })
}

/// Pins the ref to a commit and lists the tree (below the subpath, when there is one).
pub async fn pin(gh: &GitHub, target: &GitHubRepoRef) -> Result<PinnedRepo, AppError> {
    let (owner, repo) = (target.owner.as_str(), target.repo.as_str());
    let (git_ref, sha, subpath) = resolve(gh, target).await?;
    let files = list(gh, owner, repo, &sha, subpath.as_deref()).await?;
    Ok(PinnedRepo { owner: owner.into(), repo: repo.into(), git_ref, sha, subpath, files })
}

/// The ref and its commit. A `/tree/a/b/c` URL may mean ref `a/b` and folder `c`: when the
/// first segment is no commit, longer candidates are tried as branches (at most 5 tries).
async fn resolve(gh: &GitHub, target: &GitHubRepoRef) -> Result<(String, String, Option<String>), AppError> {
    let (owner, repo) = (target.owner.as_str(), target.repo.as_str());
    let Some(reference) = &target.git_ref else {
        let info = check(gh, owner, repo).await?;
        let commit: CommitInfo = gh.api_json(&["repos", owner, repo, "commits", &info.default_branch], &[]).await?;
        return Ok((info.default_branch, commit.sha, target.subpath.clone()));
    };
    match gh.api_json::<CommitInfo>(&["repos", owner, repo, "commits", reference], &[]).await {
        Ok(commit) => return Ok((reference.clone(), commit.sha, target.subpath.clone())),
        Err(AppError::NotFound { .. } | AppError::Upstream { status: Some(422), .. }) if target.subpath.is_some() => {}
        Err(err) => return Err(err),
    }
    let rest: Vec<&str> = target.subpath.as_deref().unwrap_or_default().split('/').collect();
    for take in (1..=rest.len()).rev().take(5) {
        let candidate = format!("{reference}/{}", rest[..take].join("/"));
        let mut segments = vec!["repos", owner, repo, "git", "ref", "heads"];
        segments.extend(candidate.split('/'));
        if let Ok(found) = gh.api_json::<RefInfo>(&segments, &[]).await {
            let subpath = (take < rest.len()).then(|| rest[take..].join("/"));
            return Ok((candidate, found.object.sha, subpath));
        }
    }
    Err(AppError::NotFound { kind: "GitHub ref", name: format!("{owner}/{repo}@{reference}") })
}

/// Every file under `subpath` (or the whole repository).
async fn list(
    gh: &GitHub,
    owner: &str,
    repo: &str,
    sha: &str,
    subpath: Option<&str>,
) -> Result<BTreeMap<String, Blob>, AppError> {
    let listing: TreeListing = gh.api_json(&["repos", owner, repo, "git", "trees", sha], &[("recursive", "1")]).await?;
    let mut files = BTreeMap::new();
    if !listing.truncated {
        for entry in listing.tree {
            add(&mut files, entry, subpath);
        }
        return Ok(files);
    }
    // Truncated: list folder by folder from the root, never keeping a partial tree.
    let mut queue = vec![(sha.to_string(), String::new())];
    let mut fetched = 0;
    while let Some((tree_sha, prefix)) = queue.pop() {
        fetched += 1;
        if fetched > MAX_FOLDER_LISTINGS {
            return Err(AppError::TooLarge {
                what: "tree (SB512: the repository is too large to list; give a folder URL)".into(),
                limit: MAX_FOLDER_LISTINGS as u64,
                actual: fetched as u64,
            });
        }
        let level: TreeListing = gh.api_json(&["repos", owner, repo, "git", "trees", &tree_sha], &[]).await?;
        if level.truncated {
            return Err(AppError::TooLarge {
                what: "tree (SB512: a folder is too large to list)".into(),
                limit: 0,
                actual: 0,
            });
        }
        for entry in level.tree {
            let full = if prefix.is_empty() { entry.path.clone() } else { format!("{prefix}/{}", entry.path) };
            if entry.kind == "tree" {
                let inside = subpath.is_none_or(|s| {
                    full.starts_with(&format!("{s}/")) || s == full || s.starts_with(&format!("{full}/"))
                });
                if inside && full.matches('/').count() < limits::DEPTH + MAX_SKILL_DEPTH {
                    queue.push((entry.sha.clone(), full));
                }
            } else {
                add(&mut files, TreeEntry { path: full, ..entry }, subpath);
            }
        }
    }
    Ok(files)
}

fn add(files: &mut BTreeMap<String, Blob>, entry: TreeEntry, subpath: Option<&str>) {
    if entry.kind == "tree" {
        return;
    }
    if let Some(sub) = subpath
        && !entry.path.starts_with(&format!("{sub}/"))
    {
        return;
    }
    let blob = Blob {
        special: entry.kind == "commit" || entry.mode == "120000",
        executable: entry.mode == "100755",
        size: entry.size,
        path: entry.path.clone(),
    };
    files.insert(entry.path, blob);
}

impl PinnedRepo {
    /// Folders holding a `SKILL.md`, at most [`MAX_SKILL_DEPTH`] deep below the subpath; without
    /// a subpath, `plugins/` (a marketplace's), `node_modules` and `.git` are skipped.
    pub fn skill_dirs(&self) -> Vec<String> {
        let base_depth = self.subpath.as_deref().map_or(0, |s| s.split('/').count());
        self.files
            .values()
            .filter(|b| !b.special)
            .filter_map(|b| {
                let dir = if b.path == "SKILL.md" { "" } else { b.path.strip_suffix("/SKILL.md")? };
                Some(dir.to_string())
            })
            .filter(|dir| {
                let parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
                parts.len() <= base_depth + MAX_SKILL_DEPTH
                    && !parts.iter().any(|p| *p == "node_modules" || *p == ".git")
                    && (self.subpath.is_some() || parts.first() != Some(&"plugins"))
            })
            .collect()
    }

    /// The files of the skill folder `dir` (`""` = the root); a skill owns everything below it.
    pub fn files_under(&self, dir: &str) -> Vec<&Blob> {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        self.files.values().filter(|b| b.path.starts_with(&prefix)).collect()
    }

    /// `owner/repo`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.repo)
    }
}

/// A downloaded file: its path relative to the skill folder and its bytes.
pub struct Downloaded {
    pub rel: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
}

/// Downloads the skill folder `dir`, four files at a time, within the per-skill limits (file
/// count, bytes per file, bytes in total) counted as the bytes arrive. Special entries are
/// returned by path, not downloaded.
pub async fn download(gh: &GitHub, pinned: &PinnedRepo, dir: &str) -> Result<(Vec<Downloaded>, Vec<String>), AppError> {
    let blobs = pinned.files_under(dir);
    let (special, regular): (Vec<&Blob>, Vec<&Blob>) = blobs.into_iter().partition(|b| b.special);
    if regular.len() > limits::FILES {
        return Err(blocked(vec![too_many(regular.len())]));
    }
    let strip = if dir.is_empty() { 0 } else { dir.len() + 1 };
    let mut out = Vec::with_capacity(regular.len());
    let mut total: u64 = 0;
    for chunk in regular.chunks(PARALLEL) {
        let mut set = tokio::task::JoinSet::new();
        for blob in chunk {
            let (gh, owner, repo, sha) = (gh.clone(), pinned.owner.clone(), pinned.repo.clone(), pinned.sha.clone());
            let (path, executable) = (blob.path.clone(), blob.executable);
            set.spawn(async move {
                let bytes = gh.raw_file(&owner, &repo, &sha, &path, limits::FILE_BYTES).await;
                (path, executable, bytes)
            });
        }
        while let Some(joined) = set.join_next().await {
            let (path, executable, bytes) = joined.map_err(|e| AppError::Internal(format!("download task: {e}")))?;
            let bytes = bytes.map_err(|err| download_error(&path, err))?;
            total += bytes.len() as u64;
            if total > limits::TOTAL_BYTES {
                return Err(AppError::TooLarge {
                    what: "skill (SB305)".into(),
                    limit: limits::TOTAL_BYTES,
                    actual: total,
                });
            }
            out.push(Downloaded { rel: path[strip..].to_string(), bytes, executable });
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok((out, special.iter().map(|b| b.path[strip..].to_string()).collect()))
}

/// A failed download is `SB513` (nothing saved); rate limits and network failures keep their
/// own codes so the caller can stop.
fn download_error(path: &str, err: AppError) -> AppError {
    let status = match &err {
        AppError::NotFound { .. } => 404,
        AppError::Upstream { status, .. } => status.unwrap_or(0),
        _ => return err,
    };
    let message = format!("Download `{path}` returned HTTP {status}; nothing saved.");
    blocked(vec![block("SB513", message, path)])
}

fn too_many(n: usize) -> Finding {
    block("SB303", format!("{n} files; max 2,000 / 1,000."), "")
}
