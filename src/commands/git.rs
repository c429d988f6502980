//! Git History commands (backend.md §3.13): a skill's commits, the diff between two of its
//! states, and restoring it to an earlier commit (itself a new commit, so it can be undone).

use crate::Backend;
use crate::actors::git::parse_sha;
use crate::protocol::*;

use super::locks::with_edit_lock;

/// Largest history page.
const MAX_HISTORY: u32 = 500;
const DEFAULT_HISTORY: u32 = 100;

/// Commits that touched the skill's folder, newest first, `limit` at a time; pass the last
/// `sha` of a page as `beforeSha` for the next one.
#[tracing::instrument(skip_all, fields(skill = %skill_name), err)]
pub async fn get_skill_history(
    backend: &Backend,
    skill_name: &str,
    limit: Option<u32>,
    before_sha: Option<String>,
) -> Result<Vec<SkillCommit>, AppError> {
    let name = SkillName::parse(skill_name)?;
    let limit = limit.unwrap_or(DEFAULT_HISTORY);
    if !(1..=MAX_HISTORY).contains(&limit) {
        return Err(AppError::invalid("limit", format!("must be between 1 and {MAX_HISTORY}")));
    }
    let before = before_sha.map(|sha| parse_sha("beforeSha", &sha)).transpose()?;
    let folder = skill_folder(backend, &name).await?;
    backend.git().history(&folder, limit as usize, before).await
}

/// The skill's folder between `fromSha` and `toSha`, or the working tree when `toSha` is absent.
#[tracing::instrument(skip_all, fields(skill = %skill_name), err)]
pub async fn get_skill_diff(
    backend: &Backend,
    skill_name: &str,
    from_sha: &str,
    to_sha: Option<String>,
) -> Result<SkillDiff, AppError> {
    let name = SkillName::parse(skill_name)?;
    let from = parse_sha("fromSha", from_sha)?;
    let to = to_sha.map(|sha| parse_sha("toSha", &sha)).transpose()?;
    let folder = skill_folder(backend, &name).await?;
    backend.git().diff(&folder, from, to).await
}

/// Restores the skill's folder to `sha`: checkpoint, checkout, commit, then re-detect its
/// workflow state. Refused while another window holds the skill, an agent runs on it, or a
/// refine session of it is open.
#[tracing::instrument(skip_all, fields(skill = %skill_name, sha), err)]
pub async fn restore_skill_version(backend: &Backend, skill_name: &str, sha: &str) -> Result<RestoreReport, AppError> {
    let name = SkillName::parse(skill_name)?;
    let sha = parse_sha("sha", sha)?;
    let folder = skill_folder(backend, &name).await?;
    // The lock first: another window holding the skill is the answer, whatever it runs.
    let report = with_edit_lock(backend, &name, async {
        if let Some(session_id) = backend.db().open_refine_session(name.as_str()).await? {
            return Err(AppError::Conflict {
                reason: "refine_unsaved",
                message: format!("A refine session of '{name}' is open ({session_id}); save or discard it first"),
            });
        }
        super::guards::refuse_if_agent_runs(backend, Some(name.as_str())).await?;
        backend.git().restore(&folder, sha).await
    })
    .await?;
    if let Err(err) = backend.reconciler().run_skill(name.as_str()).await {
        tracing::warn!(%err, "restored, but could not re-detect the workflow state");
    }
    backend.emit(crate::events::AppEvent::SkillsChanged { skill_name: name.to_string() });
    Ok(report)
}

/// The skill's folder under the skills path (marketplace skills may live elsewhere one day;
/// today every folder is named after its skill).
async fn skill_folder(backend: &Backend, name: &SkillName) -> Result<String, AppError> {
    backend.db().get_skill(name.as_str()).await?;
    Ok(name.to_string())
}
