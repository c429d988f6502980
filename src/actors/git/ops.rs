//! The operations the `GitActor` runs on its blocking thread, with the rules that decide when
//! git may write: automatic commits and checkpoints step aside (with a notice) when git is
//! disabled, switched off or mid-merge/rebase/detached; explicit operations (restore, the
//! skills-folder move) fail with a clear error instead.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use git2::{Oid, Repository, Signature};

use super::core::{GitCore, GitSettings};
use super::lock::RepoLock;
use super::{CommitKind, CommitOutcome, CommitRequest, commit, diff, history, pending, restore};
use crate::protocol::{AppError, GitStatus, RestoreReport, SkillCommit, SkillDiff};

/// How long a write waits for another instance's write to the repository (one commit, or
/// the first commit of a large folder) before it is reported as not made.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);
/// Commits rebuilt on a tip that moved meanwhile (the user's own commits) before giving up.
const TIP_RETRIES: u32 = 5;

/// Parses a full or abbreviated (≥ 4 hex digits) commit id.
pub fn parse_sha(field: &str, sha: &str) -> Result<String, AppError> {
    let sha = sha.trim();
    if sha.len() < 4 || sha.len() > 40 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::invalid(field, "must be a commit id of 4 to 40 hex digits"));
    }
    Ok(sha.to_ascii_lowercase())
}

impl GitCore {
    pub fn status(&mut self) -> GitStatus {
        let _ = self.ensure();
        self.status.clone()
    }

    /// Switches to `root` with `settings` and opens it.
    pub fn reopen(&mut self, root: Option<PathBuf>, settings: GitSettings) -> GitStatus {
        self.root = root;
        self.settings = settings;
        self.open();
        self.status.clone()
    }

    fn skip(&mut self, kind: CommitKind, reason: String) -> Result<CommitOutcome, AppError> {
        if kind == CommitKind::Auto {
            tracing::info!(%reason, "automatic commit skipped");
            self.status.notice = Some(reason.clone());
        }
        Ok(CommitOutcome::Skipped { reason })
    }

    pub fn commit(&mut self, req: &CommitRequest) -> Result<CommitOutcome, AppError> {
        if req.kind != CommitKind::Explicit && !self.settings.auto_commit {
            return self.skip(req.kind, "automatic commits are switched off in Settings".into());
        }
        if let Err(err) = self.ensure() {
            return match req.kind {
                CommitKind::Explicit => Err(err),
                _ => self.skip(req.kind, err.to_string()),
            };
        }
        if let Some(state) = self.status.repo_state.clone() {
            let message = describe_state(&state);
            return match req.kind {
                CommitKind::Explicit => Err(AppError::Conflict { reason: "repo_state", message }),
                CommitKind::Auto => {
                    self.keep_pending(&req.paths, message.clone());
                    Ok(CommitOutcome::Skipped { reason: message })
                }
                CommitKind::Checkpoint => self.skip(req.kind, message),
            };
        }
        let Some(repo) = self.repo.as_ref() else { return Err(self.unavailable()) };
        let signature = self.signature(repo)?;
        let extra: Vec<(&str, String)> = req.trailers.iter().map(|(k, v)| (*k, v.clone())).collect();
        let text = commit::message(&req.summary, &req.event, &req.skills, &extra);
        let result = commit_serialised(repo, &signature, &req.paths, &text, req.allow_empty);
        if result.is_ok() && self.status.notice.is_some() && pending::read(repo.path()).is_empty() {
            // Nothing is left uncommitted: what the notice warned about is resolved.
            self.status.notice = None;
        }
        match result {
            Ok(done) => Ok(match done.sha {
                Some(sha) => CommitOutcome::Committed { sha: sha.to_string(), ignored: done.ignored },
                None => {
                    let head = commit::head_commit(repo)?.map(|c| c.id().to_string());
                    CommitOutcome::Unchanged { head, ignored: done.ignored }
                }
            }),
            Err(err) if req.kind == CommitKind::Auto => {
                tracing::warn!(%err, summary = %req.summary, "automatic commit failed");
                let reason = format!("automatic commit failed: {err}");
                self.keep_pending(&req.paths, reason.clone());
                Ok(CommitOutcome::Skipped { reason })
            }
            Err(err) => Err(err),
        }
    }

    /// Remembers paths whose automatic commit was not made, for pass 3 of the next
    /// reconciliation, and shows them in the status notice.
    fn keep_pending(&mut self, paths: &[String], reason: String) {
        let Some(repo) = self.repo.as_ref() else {
            self.status.notice = Some(reason);
            return;
        };
        if let Err(err) = pending::add(repo.path(), paths) {
            tracing::warn!(%err, "could not remember the uncommitted skills");
        }
        let listed = pending::notice(&pending::read(repo.path())).unwrap_or_default();
        self.status.notice = Some(format!("{reason}. {listed}"));
    }

    /// Pass 3 of reconciliation: one commit recording outside changes to known skills only,
    /// with the skills whose automatic commit failed earlier (pending; deleted folders too).
    pub fn record_external(&mut self, skills: &BTreeSet<String>) -> Result<CommitOutcome, AppError> {
        if !self.settings.auto_commit {
            return Ok(CommitOutcome::Skipped { reason: "automatic commits are switched off".into() });
        }
        if let Err(err) = self.ensure() {
            return Ok(CommitOutcome::Skipped { reason: err.to_string() });
        }
        let Some(repo) = self.repo.as_ref() else { return Err(self.unavailable()) };
        let workdir = repo.workdir().map(std::path::Path::to_path_buf).unwrap_or_default();
        // A pending name that is on disk but no longer a known skill (a discovery, or in use
        // by another window) is left for later: only known skills and deletions are ours.
        let pending: Vec<String> = pending::read(repo.path())
            .into_iter()
            .filter(|name| skills.contains(name) || std::fs::symlink_metadata(workdir.join(name)).is_err())
            .collect();
        let changed = if skills.is_empty() { Vec::new() } else { commit::changed_top_level(repo, skills)? };
        if changed.is_empty() && pending.is_empty() {
            return Ok(CommitOutcome::Unchanged { head: None, ignored: 0 });
        }
        let mut paths: BTreeSet<String> = changed.iter().cloned().collect();
        paths.extend(pending);
        let paths: Vec<String> = paths.into_iter().collect();
        let mut listed: Vec<String> = paths.iter().take(10).cloned().collect();
        if paths.len() > 10 {
            listed.push(format!("and {} more", paths.len() - 10));
        }
        let req = CommitRequest::auto(
            &paths,
            format!("reconcile: record external changes ({})", listed.join(", ")),
            "external",
        );
        self.commit(&req)
    }

    pub fn history(&mut self, skill: &str, limit: usize, before: Option<&str>) -> Result<Vec<SkillCommit>, AppError> {
        self.ensure()?;
        let Some(repo) = self.repo.as_ref() else { return Err(self.unavailable()) };
        let before = before.map(|sha| resolve(repo, sha)).transpose()?;
        history::history(repo, skill, limit, before)
    }

    pub fn diff(&mut self, skill: &str, from: &str, to: Option<&str>) -> Result<SkillDiff, AppError> {
        self.ensure()?;
        let Some(repo) = self.repo.as_ref() else { return Err(self.unavailable()) };
        let from = resolve(repo, from)?;
        let to = to.map(|sha| resolve(repo, sha)).transpose()?;
        diff::diff(repo, skill, from, to)
    }

    pub fn restore(&mut self, skill: &str, sha: &str) -> Result<RestoreReport, AppError> {
        self.ensure()?;
        let Some(repo) = self.repo.as_ref() else { return Err(self.unavailable()) };
        if let Some(state) = &self.status.repo_state {
            return Err(AppError::Conflict { reason: "repo_state", message: describe_state(state) });
        }
        let target = resolve(repo, sha)?;
        let signature = self.signature(repo)?;
        let _lock = RepoLock::acquire(repo.path(), LOCK_WAIT)?;
        let report = restore::restore(repo, &signature, skill, target)?;
        settle_pending(repo, &[skill.to_string()]);
        Ok(report)
    }

    /// Records a skills-folder move in the new folder's history (initialising it if it has
    /// none). Uses its own handle: the current repository stays open until the switch.
    pub fn commit_at(&self, root: PathBuf, skills: &[String], summary: String) -> Result<Option<String>, AppError> {
        let mut other = GitCore::new(self.clock.clone(), self.protected.clone());
        other.reopen(Some(root), self.settings);
        if other.repo.is_none() {
            tracing::warn!(message = ?other.status.message, "the new skills folder has no usable repository");
            return Ok(None);
        }
        let mut req = CommitRequest::auto(skills, summary, "migrated");
        req.kind = CommitKind::Explicit;
        req.allow_empty = true;
        match other.commit(&req)? {
            CommitOutcome::Committed { sha, .. } => Ok(Some(sha)),
            _ => Ok(None),
        }
    }
}

/// One commit under the repository lock (so no other instance commits or writes the index in
/// between), retried while the user's git holds `index.lock` or moved HEAD under us; the
/// committed paths leave the pending list.
fn commit_serialised(
    repo: &Repository,
    signature: &Signature<'_>,
    paths: &[String],
    text: &str,
    allow_empty: bool,
) -> Result<commit::Committed, AppError> {
    let _lock = RepoLock::acquire(repo.path(), LOCK_WAIT)?;
    let (mut locked, mut moved) = (0, 0);
    let done = loop {
        match commit::commit_paths(repo, signature, paths, text, allow_empty) {
            Err(AppError::Git { reason: "locked", .. }) if locked < commit::INDEX_LOCK_RETRIES => {
                locked += 1;
                std::thread::sleep(commit::INDEX_LOCK_BACKOFF);
            }
            Err(AppError::Git { reason: "tip_moved", .. }) if moved < TIP_RETRIES => {
                moved += 1;
                tracing::debug!(attempt = moved, "HEAD moved while committing; building on the new tip");
            }
            other => break other?,
        }
    };
    settle_pending(repo, paths);
    Ok(done)
}

/// Paths whose current state HEAD now holds are no longer pending. Call with the lock held.
fn settle_pending(repo: &Repository, paths: &[String]) {
    if let Err(err) = pending::settle(repo.path(), paths) {
        tracing::warn!(%err, "could not update the list of uncommitted skills");
    }
}

/// What the user has to do before Skill Builder may commit again.
fn describe_state(state: &str) -> String {
    match state {
        "detached_head" => "HEAD of the skills folder's repository is detached; check out a branch so Skill \
                            Builder can commit again"
            .to_string(),
        other => format!("A {other} is in progress in the skills folder's repository; finish or abort it first"),
    }
}

/// A commit id (full or abbreviated) that exists in the repository.
fn resolve(repo: &git2::Repository, sha: &str) -> Result<Oid, AppError> {
    let sha = parse_sha("sha", sha)?;
    let not_found = || AppError::NotFound { kind: "commit", name: sha.clone() };
    let object = repo.revparse_single(&sha).map_err(|_| not_found())?;
    let commit = object.peel_to_commit().map_err(|_| not_found())?;
    Ok(commit.id())
}
