//! Restoring a skill folder to an earlier commit (backend.md §6.5): checkpoint the current state,
//! check the folder out of the target commit (modes included, ignored files left alone), commit.
//! Every step is a commit, so a restore is undone by restoring the checkpoint.

use git2::build::CheckoutBuilder;
use git2::{Oid, Repository, Signature};

use super::commit::{self, commit_paths, head_commit};
use super::diff::subtree;
use crate::protocol::{AppError, RestoreReport};

pub fn restore(
    repo: &Repository,
    signature: &Signature<'_>,
    skill: &str,
    target: Oid,
) -> Result<RestoreReport, AppError> {
    let short: String = target.to_string().chars().take(8).collect();
    if subtree(repo, target, skill)?.is_none() {
        return Err(AppError::NotFound { kind: "commit", name: format!("{short} (it has no {skill}/ folder)") });
    }
    let names = [skill.to_string()];
    let checkpoint_message = commit::message(&format!("{skill}: checkpoint before restore"), "checkpoint", &names, &[]);
    let checkpoint = match commit_paths(repo, signature, &names, &checkpoint_message, false)?.sha {
        Some(sha) => Some(sha),
        // Unchanged: HEAD already holds the current state, if the folder was ever committed.
        None => {
            head_commit(repo)?.filter(|head| head.tree().is_ok_and(|t| t.get_name(skill).is_some())).map(|c| c.id())
        }
    };
    let target_commit = repo.find_commit(target)?;
    let mut checkout = CheckoutBuilder::new();
    checkout.force().path(format!("{skill}/")).remove_ignored(false).remove_untracked(false);
    repo.checkout_tree(target_commit.as_object(), Some(&mut checkout))?;
    let restored_message = commit::message(&format!("{skill}: restored to {short}"), "restored", &names, &[]);
    let commit = commit_paths(repo, signature, &names, &restored_message, false)?.sha;
    Ok(RestoreReport {
        checkpoint_sha: checkpoint.map(|c| c.to_string()),
        restored_from: target.to_string(),
        commit_sha: commit.map(|c| c.to_string()),
    })
}
