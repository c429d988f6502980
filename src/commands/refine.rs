//! Refine sessions (agents-and-workflow.md §7.1, backend.md §3.12): a baseline commit, turns
//! with one warm agent, diffs by session and by last turn, and a save or discard that both
//! end in commits (a discard keeps the discarded edits in history).

use std::path::PathBuf;

use super::refine_agent::{agent_id_of, deliver, turn_message};
use super::refine_diff::{self, Snap};
use super::{blocking, locks};
use crate::Backend;
use crate::actors::db::RefineSessionRow;
use crate::actors::git::{CommitKind, CommitRequest};
use crate::protocol::*;

/// The longest message a turn takes (backend.md §3.12).
const MAX_MESSAGE_BYTES: usize = 100 * 1024;

async fn skill_dir(backend: &Backend, skill: &str) -> Result<PathBuf, AppError> {
    Ok(backend.skills_path().await?.join(skill))
}

/// [LOCK]: this instance must hold the skill's lock (the page, or the CLI, takes it).
async fn require_lock(backend: &Backend, skill: &str) -> Result<(), AppError> {
    match locks::check_lock(backend, skill).await?.state {
        LockState::Mine => Ok(()),
        _ => Err(AppError::LockRequired { skill: skill.to_string() }),
    }
}

/// The skill a session belongs to (the CLI takes its lock before sending).
pub async fn refine_session_skill(backend: &Backend, session_id: &str) -> Result<String, AppError> {
    Ok(backend.db().refine_session(session_id).await?.skill_name)
}

/// Files of the folder that differ from the baseline commit.
async fn changed_since_baseline(backend: &Backend, row: &RefineSessionRow) -> Result<Vec<String>, AppError> {
    let Some(base) = row.baseline_sha.clone() else { return Ok(Vec::new()) };
    let diff = backend.git().diff(&row.skill_name, base, None).await?;
    Ok(diff.files.into_iter().map(|f| f.path).collect())
}

#[tracing::instrument(skip_all, fields(skill = %skill_name), err)]
pub async fn start_refine_session(backend: &Backend, skill_name: &str) -> Result<RefineSessionInfo, AppError> {
    let name = SkillName::parse(skill_name)?;
    let skill = name.as_str();
    backend.db().get_skill(skill).await?;
    require_lock(backend, skill).await?;
    let dir = skill_dir(backend, skill).await?;
    let skill_md = dir.join("SKILL.md");
    if !blocking(move || Ok(skill_md.is_file())).await? {
        return Err(AppError::NotFound { kind: "file", name: format!("{skill}/SKILL.md") });
    }
    // One session per skill. One left by an exit without changes is closed on the way.
    for old in backend.db().unclosed_refine_sessions(Some(skill)).await? {
        if old.mine || old.elsewhere || !changed_since_baseline(backend, &old).await?.is_empty() {
            return Err(AppError::AgentBusy { agent_id: old.session_id });
        }
        backend.db().close_refine_session(&old.session_id).await?;
    }
    let baseline = backend.git().checkpoint(skill, "refine").await?.sha().map(str::to_string);
    let session_id = crate::protocol::ids::new_session_id();
    backend.db().create_refine_session(skill, &session_id, baseline.clone()).await?;
    let files = blocking(move || refine_diff::snapshot(&dir)).await?.into_keys().collect();
    Ok(RefineSessionInfo { session_id, skill_name: skill.to_string(), baseline_commit: baseline, files })
}

/// Checks `targets` (skill-relative files that exist) before anything is sent.
fn check_targets(dir: &std::path::Path, targets: &[String]) -> Result<(), AppError> {
    for target in targets {
        crate::paths::validate_relative(target)?;
        let path = dir.join(target);
        let meta = std::fs::symlink_metadata(&path);
        if !meta.is_ok_and(|m| m.is_file()) {
            return Err(AppError::PathRejected { reason: "not_a_skill_file", path: target.clone() });
        }
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(session = %session_id), err)]
pub async fn send_refine_message(
    backend: &Backend,
    session_id: &str,
    text: &str,
    command: Option<RefineCommand>,
    targets: Vec<String>,
) -> Result<AgentHandle, AppError> {
    let command = command.unwrap_or_default();
    if text.trim().is_empty() && command == RefineCommand::Refine {
        return Err(AppError::invalid("text", "must not be empty"));
    }
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(AppError::TooLarge {
            what: "message".into(),
            limit: MAX_MESSAGE_BYTES as u64,
            actual: text.len() as u64,
        });
    }
    let mut row = backend.db().refine_session(session_id).await?;
    require_lock(backend, &row.skill_name).await?;
    if !row.mine {
        // Left by an exit or a crash (or an earlier CLI command): this instance takes it over.
        backend.db().adopt_refine_session(session_id).await?;
        row = backend.db().refine_session(session_id).await?;
    }
    if let Some(sdk) = &row.sdk_session_id {
        backend.db().set_refine_sdk_session(session_id, sdk).await?;
    }
    let dir = skill_dir(backend, &row.skill_name).await?;
    // The pre-turn snapshot replaces the last one only once the turn has started: a refused
    // message (`session_busy`) must not move the last-turn diff's base.
    let snapshot_file = refine_diff::turn_snapshot_path(&backend.paths().temp, session_id);
    let pending = snapshot_file.with_extension("next.json");
    let (job_dir, job_targets, job_pending) = (dir.clone(), targets.clone(), pending.clone());
    blocking(move || {
        check_targets(&job_dir, &job_targets)?;
        if command == RefineCommand::Validate {
            // The agent judges what a lint cannot; the lint itself is ours, fresh for the turn.
            let report = crate::skill::validate::validate_dir(&job_dir, crate::protocol::validation::Profile::Library)?;
            let context = job_dir.join("context");
            std::fs::create_dir_all(&context).map_err(|e| AppError::io(&context, e))?;
            crate::atomic::write_atomic(&context.join("lint.json"), &serde_json::to_vec_pretty(&report)?)?;
        }
        let before = refine_diff::snapshot(&job_dir)?;
        refine_diff::save_turn_snapshot(&job_pending, &before)
    })
    .await?;
    let delivered = deliver(backend, &row, &dir, turn_message(text, command, &targets)).await;
    let started = delivered.is_ok();
    blocking(move || {
        let done = if started { std::fs::rename(&pending, &snapshot_file) } else { std::fs::remove_file(&pending) };
        done.map_err(|e| AppError::io(&pending, e))
    })
    .await?;
    delivered
}

#[tracing::instrument(skip_all, fields(session = %session_id), err)]
pub async fn get_refine_diff(backend: &Backend, session_id: &str, scope: DiffScope) -> Result<RefineDiff, AppError> {
    let row = backend.db().refine_session(session_id).await?;
    let dir = skill_dir(backend, &row.skill_name).await?;
    match scope {
        DiffScope::Session => {
            let base = row.baseline_sha.clone().ok_or_else(|| {
                AppError::NotSupported("Git is off for the skills folder, so the session has no baseline".into())
            })?;
            let diff = backend.git().diff(&row.skill_name, base.clone(), None).await?;
            Ok(refine_diff::from_git(base, diff))
        }
        DiffScope::LastTurn => {
            let file = refine_diff::turn_snapshot_path(&backend.paths().temp, session_id);
            blocking(move || {
                let now = refine_diff::snapshot(&dir)?;
                let before = refine_diff::load_turn_snapshot(&file)?.unwrap_or_else(|| now.clone());
                Ok(refine_diff::diff_snapshots(&before, &now))
            })
            .await
        }
    }
}

/// The last turn's summary this process saw, for the save commit's message.
fn last_summary(backend: &Backend, session_id: &str) -> Option<String> {
    let snapshot = backend.run_logs().snapshot(&agent_id_of(session_id)).ok()?;
    let run = snapshot.runs.iter().rev().find(|r| r.summary.is_some())?;
    let text = run.summary.as_ref()?["resultText"].as_str()?.lines().next()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

#[tracing::instrument(skip_all, fields(session = %session_id, save), err)]
pub async fn close_refine_session(
    backend: &Backend,
    session_id: &str,
    save: bool,
    message: Option<String>,
) -> Result<CloseRefineReport, AppError> {
    let row = backend.db().refine_session(session_id).await?;
    if row.closed {
        return Ok(CloseRefineReport { commit_sha: None, discarded_sha: None });
    }
    if row.elsewhere {
        return Err(AppError::Conflict {
            reason: "other_instance_running",
            message: format!("Refine session {session_id} is open in another Skill Builder window"),
        });
    }
    require_lock(backend, &row.skill_name).await?;
    let summary = message.filter(|m| !m.trim().is_empty()).or_else(|| last_summary(backend, session_id));
    backend.sidecars().stop_agents(vec![agent_id_of(session_id)]).await?;
    let skill = row.skill_name.clone();
    let report = if save {
        let summary = briefs_line(summary.as_deref().unwrap_or("saved the session's edits"));
        let mut req =
            CommitRequest::auto(std::slice::from_ref(&skill), format!("{skill}: refine — {summary}"), "refine_saved");
        req.kind = CommitKind::Explicit;
        let sha = backend.git().commit(req).await?.sha().map(str::to_string);
        CloseRefineReport { commit_sha: sha, discarded_sha: None }
    } else {
        let base = row.baseline_sha.clone().ok_or_else(|| {
            AppError::NotSupported("Git is off for the skills folder, so there is no baseline to go back to".into())
        })?;
        let restored = backend.git().restore(&skill, base).await?;
        CloseRefineReport { commit_sha: restored.commit_sha, discarded_sha: restored.checkpoint_sha }
    };
    backend.db().close_refine_session(session_id).await?;
    let file = refine_diff::turn_snapshot_path(&backend.paths().temp, session_id);
    let _ = blocking(move || Ok(std::fs::remove_file(file))).await;
    Ok(report)
}

/// One line of at most 72 characters for a commit summary.
fn briefs_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    line.chars().take(72).collect()
}

/// SKILL.md, then `references/**`, then `context/*.md`; files over 5 MB without content.
pub async fn get_skill_content_for_refine(
    backend: &Backend,
    skill_name: &str,
) -> Result<Vec<SkillFileContent>, AppError> {
    let name = SkillName::parse(skill_name)?;
    backend.db().get_skill(name.as_str()).await?;
    let dir = skill_dir(backend, name.as_str()).await?;
    blocking(move || {
        let files = refine_diff::snapshot(&dir)?;
        let rank = |path: &str| match path {
            "SKILL.md" => Some(0),
            p if p.starts_with("references/") => Some(1),
            p if p.starts_with("context/") && p.ends_with(".md") && p.matches('/').count() == 1 => Some(2),
            _ => None,
        };
        let mut out: Vec<(u8, SkillFileContent)> = Vec::new();
        for (path, snap) in files {
            let Some(rank) = rank(&path) else { continue };
            let bytes = std::fs::metadata(dir.join(&path)).map(|m| m.len()).unwrap_or(0);
            let content = match snap {
                Snap::Text(text) => Some(text),
                Snap::Binary(_) => None,
            };
            out.push((rank, SkillFileContent { path, content, bytes }));
        }
        out.sort_by(|a, b| (a.0, &a.1.path).cmp(&(b.0, &b.1.path)));
        Ok(out.into_iter().map(|(_, f)| f).collect())
    })
    .await
}
