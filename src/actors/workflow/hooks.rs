//! Completion hooks (agents-and-workflow.md §5.3–5.4, §5.6): what happens when a watched
//! agent's run ends. Verify the outputs, send the one repair turn, persist the status, snapshot
//! and commit, then end the agent and let the held `agent-exit` through.

use serde_json::Value;

use super::HookCtx;
use super::watch::{Task, WatchEntry};
use crate::actors::db::StepUpdate;
use crate::events::{AppEvent, RunErrorInfo, RunOutcome};
use crate::protocol::{AppError, StepStatus, StepVerification};
use crate::workflow::artifacts::clarifications::Clarifications;
use crate::workflow::artifacts::evaluation::AnswerEvaluation;
use crate::workflow::artifacts::{parse, strip_wrapping, to_text};
use crate::workflow::steps::{STEPS, VALIDATE};
use crate::workflow::verify::{read_text, verify_step_output};
use crate::workflow::{finish, gate};

/// At most this many errors go into a repair turn.
const REPAIR_ERRORS: usize = 20;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, AppError> + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(format!("workflow hook: {e}")))?
}

pub(super) async fn on_run_ended(ctx: &HookCtx, event: AppEvent) {
    let AppEvent::AgentExit { agent_id, run_id, outcome, error, summary } = &event else {
        return ctx.events.emit(event);
    };
    let Some(entry) = ctx.watch.get(agent_id) else { return ctx.events.emit(event) };
    let agent_id = agent_id.clone();
    match entry.task {
        Task::Gate(gate) => {
            let result = if *outcome == RunOutcome::Completed {
                gate_result(ctx, &entry, gate).await
            } else {
                Err(failure_text(*outcome, error.as_ref()))
            };
            let skill_name = entry.dirs.name.clone();
            let (evaluation, error) = match result {
                Ok(value) => (Some(value), None),
                Err(message) => (None, Some(message)),
            };
            ctx.events.emit(AppEvent::GateResult { skill_name, gate, evaluation, error });
            finish_agent(ctx, &agent_id, &entry).await;
            ctx.events.emit(event);
        }
        Task::Step(_) | Task::Validate => {
            let result_text = summary.as_ref().and_then(|s| s.get("resultText")).and_then(Value::as_str).unwrap_or("");
            let held = step_ended(ctx, &agent_id, run_id, &entry, *outcome, error.as_ref(), result_text).await;
            ctx.events.emit(event);
            if let Some(changed) = held {
                ctx.events.emit(changed);
            }
        }
    }
}

fn step_of(task: Task) -> u8 {
    match task {
        Task::Step(s) | Task::Gate(s) => s,
        Task::Validate => VALIDATE,
    }
}

fn failure_text(outcome: RunOutcome, error: Option<&RunErrorInfo>) -> String {
    error.map(|e| e.message.clone()).unwrap_or_else(|| format!("The agent ended: {outcome:?}").to_lowercase())
}

/// Returns the `workflow-changed` event to emit after the held `agent-exit`.
async fn step_ended(
    ctx: &HookCtx,
    agent_id: &str,
    run_id: &str,
    entry: &WatchEntry,
    outcome: RunOutcome,
    error: Option<&RunErrorInfo>,
    result_text: &str,
) -> Option<AppEvent> {
    let step = step_of(entry.task);
    let skill = entry.dirs.name.clone();
    let changed =
        |notice: Option<String>| AppEvent::WorkflowChanged { skill_name: skill.clone(), step: Some(step), notice };
    let (status, err, notice) = match outcome {
        RunOutcome::Completed => {
            let (dirs, meta, text) = (entry.dirs.clone(), entry.meta.clone(), result_text.to_string());
            let checked = blocking(move || {
                finish::prepare(&dirs, step, &text, &meta)?;
                verify_step_output(&dirs, step)
            })
            .await;
            match checked {
                Ok(v) if v.ok => return Some(changed(completed(ctx, agent_id, run_id, entry).await)),
                Ok(v) if !entry.repaired => {
                    if repair(ctx, agent_id, entry, &v).await {
                        return None;
                    }
                    (StepStatus::Error, Some(("invalid_output".to_string(), v.errors.join("; "))), None)
                }
                Ok(v) => (StepStatus::Error, Some(("invalid_output".to_string(), v.errors.join("; "))), None),
                Err(e) => (StepStatus::Error, Some(("io".to_string(), e.to_string())), None),
            }
        }
        RunOutcome::Cancelled => {
            (StepStatus::Pending, None, Some("Stopped — partial output kept; Reset step deletes it".to_string()))
        }
        RunOutcome::Shutdown => (StepStatus::Pending, None, None),
        RunOutcome::Error | RunOutcome::Crashed | RunOutcome::TimedOut => {
            let category = error.map(|e| e.category.clone()).unwrap_or_else(|| format!("{outcome:?}").to_lowercase());
            (StepStatus::Error, Some((category, failure_text(outcome, error))), None)
        }
    };
    if let Task::Step(step) = entry.task {
        let update = StepUpdate { step, status, run_id: Some(run_id.to_string()), error: err };
        if let Err(e) = ctx.db.set_step_statuses(&skill, vec![update]).await {
            tracing::warn!(%e, skill, step, "could not record the step's status");
        }
    }
    finish_agent(ctx, agent_id, entry).await;
    Some(changed(notice))
}

/// The one repair turn (§5.4); false when it could not be sent.
async fn repair(ctx: &HookCtx, agent_id: &str, entry: &WatchEntry, v: &StepVerification) -> bool {
    ctx.watch.mark_repaired(agent_id);
    let def = &STEPS[usize::from(step_of(entry.task))];
    let errors: Vec<&str> = v.errors.iter().take(REPAIR_ERRORS).map(String::as_str).collect();
    let text = format!(
        "Your output failed validation:\n- {}\nFix only these problems in {}. Write each file again in full.",
        errors.join("\n- "),
        def.outputs.join(", ")
    );
    match ctx.sidecars.send(agent_id, &text).await {
        Ok(handle) => {
            if let Task::Step(step) = entry.task {
                let update =
                    StepUpdate { step, status: StepStatus::InProgress, run_id: Some(handle.run_id), error: None };
                let _ = ctx.db.set_step_statuses(&entry.dirs.name, vec![update]).await;
            }
            true
        }
        Err(err) => {
            tracing::warn!(%err, agent_id, "could not send the repair turn");
            false
        }
    }
}

/// A passing step: render, snapshot, statuses, commit. Returns the notice, if any.
async fn completed(ctx: &HookCtx, agent_id: &str, run_id: &str, entry: &WatchEntry) -> Option<String> {
    let step = step_of(entry.task);
    let skill = entry.dirs.name.clone();
    let dirs = entry.dirs.clone();
    let published = blocking(move || {
        let notice = finish::publish(&dirs, step)?;
        let files = if step == VALIDATE { Vec::new() } else { finish::snapshot(&dirs, step)? };
        Ok((notice, files))
    })
    .await;
    let (notice, files) = match published {
        Ok(done) => done,
        Err(err) => {
            tracing::warn!(%err, skill, step, "could not publish the step's outputs");
            (None, Vec::new())
        }
    };
    if let Task::Step(step) = entry.task {
        if let Err(e) = ctx.db.snapshot_artifacts(&skill, step, files).await {
            tracing::warn!(%e, skill, step, "could not snapshot the step's artifacts");
        }
        let done = |step: u8, status: StepStatus| StepUpdate { step, status, run_id: None, error: None };
        let mut updates =
            vec![StepUpdate { step, status: StepStatus::Completed, run_id: Some(run_id.to_string()), error: None }];
        match step {
            0 => updates.push(done(1, StepStatus::WaitingForUser)),
            // Nothing to refine: the second review completes by itself.
            2 if notice.is_some() => updates.push(done(3, StepStatus::Completed)),
            2 => updates.push(done(3, StepStatus::WaitingForUser)),
            _ => {}
        }
        if let Err(e) = ctx.db.set_step_statuses(&skill, updates).await {
            tracing::warn!(%e, skill, step, "could not record the completed step");
        }
        ctx.git.commit_workflow_step(&skill, step, STEPS[usize::from(step)].name).await;
    } else {
        let names = [skill.clone()];
        let req = crate::actors::git::CommitRequest::auto(&names, format!("{skill}: validate completed"), "validate");
        ctx.git.auto_commit(req).await;
    }
    finish_agent(ctx, agent_id, entry).await;
    notice
}

/// Ends the agent (a warm step agent idles otherwise), its session row and the watch.
async fn finish_agent(ctx: &HookCtx, agent_id: &str, entry: &WatchEntry) {
    // A warm step agent would idle otherwise, and a gate agent may still be stopping: the skill
    // counts as idle only once the supervisor no longer lists the agent (the agent's own end
    // never waits for this hook, so awaiting it here cannot deadlock).
    if let Err(err) = ctx.sidecars.stop_agent(agent_id).await {
        tracing::warn!(%err, agent_id, "could not stop a finished workflow agent");
    }
    for _ in 0..250 {
        match ctx.sidecars.list_active().await {
            Ok(active) if active.iter().any(|a| a.agent_id == agent_id) => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            _ => break,
        }
    }
    if let Some(session) = &entry.session_id
        && let Err(err) = ctx.db.end_session(session).await
    {
        tracing::debug!(%err, "workflow session already ended");
    }
    ctx.watch.remove(agent_id);
}

/// Reads the agent's evaluation, merges it with the pre-classified answers and rewrites it.
async fn gate_result(ctx: &HookCtx, entry: &WatchEntry, gate_no: u8) -> Result<Value, String> {
    let dirs = entry.dirs.clone();
    let now = ctx.clock.now_str();
    blocking(move || {
        let clar_text = read_text(&dirs.skill, "context/clarifications.json")?.unwrap_or_default();
        let clar = parse::<Clarifications>("context/clarifications.json", &clar_text).map_err(joined)?;
        let text = read_text(&dirs.workspace, "answer-evaluation.json")?
            .ok_or_else(|| AppError::MissingInput { what: "the evaluator wrote no answer-evaluation.json".into() })?;
        // The agent's file lacks what Rust adds; read its shape, then aggregate.
        let agent: AnswerEvaluation = serde_json::from_str(strip_wrapping(&text))
            .map_err(|e| AppError::MissingInput { what: format!("answer-evaluation.json: {e}") })?;
        let merged = gate::aggregate(&clar, gate::gate_name(gate_no), Some(&agent), None, &now).map_err(joined)?;
        crate::atomic::write_atomic(&dirs.workspace.join("answer-evaluation.json"), to_text(&merged).as_bytes())?;
        serde_json::to_value(&merged).map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| e.to_string())
}

fn joined(errors: Vec<crate::workflow::artifacts::ArtifactError>) -> AppError {
    AppError::MissingInput { what: errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ") }
}
