//! Workflow Execution commands (backend.md §3.5, agents-and-workflow.md §5): start steps, read
//! and persist the state, verify, reset with a preview that checkpoints first, and the gate and
//! review commands in `workflow_review`. Every check runs before anything on disk changes.

use super::blocking;
use super::workflow_start::{Resolved, disabled_steps, existing_outputs, require_idle, require_lock, resolve, start};
use crate::Backend;
use crate::actors::git::CommitOutcome;
use crate::actors::workflow::Task;
use crate::events::AppEvent;
use crate::protocol::*;
use crate::workflow::artifacts::clarifications::Clarifications;
use crate::workflow::artifacts::decisions::Decisions;
use crate::workflow::artifacts::parse;
use crate::workflow::steps::{self, STEPS};
use crate::workflow::verify::read_text;
use crate::workflow::{reset, verify};

pub use super::workflow_review::*;

fn transition_error(what: String, statuses: &[StepStatus]) -> AppError {
    AppError::InvalidStepTransition {
        message: what,
        statuses: statuses.iter().map(|s| s.as_str().to_string()).collect(),
    }
}

/// Every step before `step` is completed or skipped.
pub(super) fn require_earlier_done(step: u8, statuses: &[StepStatus]) -> Result<(), AppError> {
    if let Some(open) = statuses.iter().take(usize::from(step)).position(|s| !s.is_done()) {
        return Err(transition_error(
            format!("Step {} must be completed before step {}", open + 1, step + 1),
            statuses,
        ));
    }
    Ok(())
}

/// `step_disabled` naming the step to reset to.
pub(super) fn require_enabled(step: u8, disabled: &DisabledSteps) -> Result<(), AppError> {
    if disabled.steps.contains(&step) {
        let reset_to = if disabled.steps.contains(&2) { 0 } else { 3 };
        let reason = disabled.reason.clone().unwrap_or_else(|| "This step is disabled".into());
        return Err(AppError::StepDisabled { step, reset_to, reason });
    }
    Ok(())
}

/// `run_workflow_step`: the checks of §5.3 in order, then the start.
pub async fn run_workflow_step(backend: &Backend, skill: &str, step: u8) -> Result<AgentHandle, AppError> {
    let def = steps::agent_step(step)?;
    let r = resolve(backend, skill).await?;
    require_lock(backend, &r.name).await?;
    let row = backend.db().workflow(r.name.as_str()).await?;
    let statuses = row.statuses();
    require_earlier_done(step, &statuses)?;
    if matches!(statuses[usize::from(step)], StepStatus::Completed | StepStatus::InProgress | StepStatus::Skipped) {
        return Err(transition_error(
            format!("Step {} is {}; reset it to run it again", step + 1, statuses[usize::from(step)].as_str()),
            &statuses,
        ));
    }
    let dirs = r.dirs.clone();
    let (disabled, existing, input_problem) = blocking(move || {
        let disabled = disabled_steps(&dirs)?;
        let existing = existing_outputs(&dirs, def);
        Ok((disabled, existing, missing_input(&dirs, step)?))
    })
    .await?;
    require_enabled(step, &disabled)?;
    require_idle(backend, &r.name).await?;
    if let Some(what) = input_problem {
        return Err(AppError::MissingInput { what });
    }
    if !existing.is_empty() {
        return Err(AppError::Conflict {
            reason: "outputs_exist",
            message: format!("Step {} already has output ({}); reset the step first", step + 1, existing.join(", ")),
        });
    }
    start(backend, &r, Task::Step(step)).await
}

/// Steps 2 and 4 need a valid `clarifications.json`; step 5 a usable `decisions.json`.
fn missing_input(dirs: &verify::SkillDirs, step: u8) -> Result<Option<String>, AppError> {
    let need_clar = matches!(step, 2 | 4);
    if need_clar {
        match read_text(&dirs.skill, "context/clarifications.json")? {
            None => return Ok(Some("context/clarifications.json is missing; run Research first".into())),
            Some(text) => {
                if let Err(e) = parse::<Clarifications>("context/clarifications.json", &text) {
                    return Ok(Some(e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")));
                }
            }
        }
    }
    if step == 5 {
        let Some(text) = read_text(&dirs.skill, "context/decisions.json")? else {
            return Ok(Some("context/decisions.json is missing; run Confirm Decisions first".into()));
        };
        match parse::<Decisions>("context/decisions.json", &text) {
            Err(e) => return Ok(Some(e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))),
            Ok(d) if d.decisions.is_empty() => return Ok(Some("context/decisions.json has no decisions".into())),
            Ok(d) if d.contradictory_inputs => return Ok(Some("context/decisions.json has contradictions".into())),
            Ok(_) => {}
        }
    }
    Ok(None)
}

pub async fn get_workflow_state(backend: &Backend, skill: &str) -> Result<WorkflowState, AppError> {
    let r = resolve(backend, skill).await?;
    let row = backend.db().workflow(r.name.as_str()).await?;
    let dirs = r.dirs.clone();
    let disabled = blocking(move || disabled_steps(&dirs)).await?;
    let active = backend.sidecars().list_active().await?;
    let active_agent = active
        .iter()
        .find(|a| a.skill_name.as_deref() == Some(r.name.as_str()) && a.kind.exclusivity_group() == "workflow")
        .map(|a| a.agent_id.clone());
    let steps = row
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepState {
            step: i as u8,
            name: STEPS[i].name.into(),
            status: s.status,
            started_at: s.started_at.clone(),
            completed_at: s.completed_at.clone(),
            last_run_id: s.last_run_id.clone(),
            error_category: s.error_category.clone(),
            error_message: s.error_message.clone(),
            gate_decision: s.gate_decision.as_deref().and_then(|j| serde_json::from_str(j).ok()),
        })
        .collect();
    Ok(WorkflowState {
        skill_name: r.name.to_string(),
        status: row.status,
        steps,
        current_step: row.current_step,
        selected_step: row.selected_step,
        disabled,
        active_agent,
    })
}

/// Persists only the step the UI shows (0–6, 6 = the Validate view).
pub async fn save_workflow_state(backend: &Backend, skill: &str, selected_step: u8) -> Result<(), AppError> {
    if selected_step > 6 {
        return Err(AppError::invalid("selectedStep", "must be 0 to 6"));
    }
    let name = SkillName::parse(skill)?;
    backend.db().select_step(name.as_str(), selected_step).await
}

/// Pure check of a step's files (6 = Validate).
pub async fn verify_step_output(backend: &Backend, skill: &str, step: u8) -> Result<StepVerification, AppError> {
    if step > 6 {
        return Err(AppError::invalid("step", "must be 0 to 6"));
    }
    let r = resolve(backend, skill).await?;
    blocking(move || verify::verify_step_output(&r.dirs, step)).await
}

pub async fn get_disabled_steps(backend: &Backend, skill: &str) -> Result<DisabledSteps, AppError> {
    let r = resolve(backend, skill).await?;
    blocking(move || disabled_steps(&r.dirs)).await
}

async fn agents_to_stop(backend: &Backend, name: &SkillName) -> Result<Vec<String>, AppError> {
    let active = backend.sidecars().list_active().await?;
    Ok(active
        .iter()
        .filter(|a| a.skill_name.as_deref() == Some(name.as_str()))
        .map(|a| format!("{} run ({})", a.kind.as_str(), a.agent_id))
        .collect())
}

pub async fn preview_step_reset(backend: &Backend, skill: &str, step: u8) -> Result<ResetPreview, AppError> {
    let r = resolve(backend, skill).await?;
    let agents = agents_to_stop(backend, &r.name).await?;
    let dirs = r.dirs.clone();
    let plan = blocking(move || reset::plan(&dirs, step)).await?;
    Ok(ResetPreview { target: step, checkpoint: true, agents_to_stop: agents, steps: plan })
}

/// `reset_workflow_step`: stop, checkpoint (a failure aborts before any delete), apply the plan
/// of the preview, reset the rows, commit.
pub async fn reset_workflow_step(backend: &Backend, skill: &str, step: u8) -> Result<ResetReport, AppError> {
    if step > 5 {
        return Err(AppError::invalid("step", "must be 0 to 5"));
    }
    let r: Resolved = resolve(backend, skill).await?;
    require_lock(backend, &r.name).await?;
    backend.sidecars().stop_skill(r.name.as_str()).await?;
    backend.workflow().watch().wait_idle(r.name.as_str()).await;
    let checkpoint = backend.git().checkpoint(r.name.as_str(), &format!("reset to step {step}")).await?;
    // Nothing is deleted that no commit holds: without git the reset is refused.
    let checkpoint_sha = match &checkpoint {
        CommitOutcome::Committed { .. } | CommitOutcome::Unchanged { .. } => checkpoint.sha().map(str::to_string),
        _ => {
            return Err(AppError::Git {
                reason: "checkpoint_unavailable",
                message: "git cannot commit a checkpoint now, so nothing was reset".into(),
            });
        }
    };
    let dirs = r.dirs.clone();
    let (deleted, edited) = blocking(move || {
        let plan = reset::plan(&dirs, step)?;
        reset::apply(&dirs, &plan)
    })
    .await?;
    let marker = format!("reset-{}", backend.clock().now_str());
    backend.db().reset_workflow(r.name.as_str(), step, marker).await?;
    let names = [r.name.to_string()];
    let summary = format!("{}: reset to step {step}", r.name);
    backend.git().auto_commit(crate::actors::git::CommitRequest::auto(&names, summary, "reset")).await;
    backend.emit(AppEvent::WorkflowChanged { skill_name: r.name.to_string(), step: Some(step), notice: None });
    Ok(ResetReport { checkpoint_sha, deleted, edited })
}

/// `package_skill` (backend.md §3.5): the skill folder as a `.skill` archive for Claude Code
/// (no `context/`, no `evals/`), through the same deterministic export as `export_skill`.
pub async fn package_skill(
    backend: &Backend,
    skill: &str,
    dest: Option<std::path::PathBuf>,
) -> Result<ExportResult, AppError> {
    crate::export::export_skill(backend, skill, dest, ExportOptions::default()).await
}
