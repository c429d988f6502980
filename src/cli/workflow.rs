//! `skill-builder workflow …`: the workflow commands from a terminal. A CLI process is one
//! instance, so each command holds the skill's workflow lock while it runs and waits for the
//! agents it starts (they would die with the process otherwise). `run-all` drives a whole skill:
//! every step, each review answered with the recommendations, each gate passed, then Validate,
//! with one progress line per step on stderr.

use serde_json::Value;

use super::args::WorkflowCmd;
use crate::Backend;
use crate::commands::workflow as wf;
use crate::protocol::*;

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, AppError> {
    Ok(serde_json::to_value(value)?)
}

/// Runs `work` holding the skill's lock (ours if held, else a `workflow` lock released after).
async fn locked<T>(b: &Backend, name: &str, work: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let name = SkillName::parse(name)?;
    let mine = b.db().check_lock(name.as_str()).await?.state == LockState::Mine;
    if !mine {
        b.db().acquire_lock(name.as_str(), LockPurpose::Workflow).await?;
    }
    let result = work.await;
    if !mine && let Err(err) = b.db().release_lock(name.as_str(), false).await {
        tracing::warn!(%err, "could not release the workflow lock");
    }
    result
}

async fn settle(b: &Backend, name: &str) {
    b.workflow().watch().wait_idle(name).await;
}

fn progress(state: &WorkflowState, step: u8) {
    if let Some(s) = state.steps.get(usize::from(step)) {
        let detail = s.error_message.as_deref().map(|m| format!(": {m}")).unwrap_or_default();
        eprintln!("step {} {}: {}{detail}", step, s.name, s.status.as_str());
    }
}

pub(super) async fn dispatch(b: &Backend, cmd: WorkflowCmd) -> Result<Value, AppError> {
    match cmd {
        WorkflowCmd::Run { name, step, follow } => {
            locked(b, &name, async {
                let handle = wf::run_workflow_step(b, &name, step).await?;
                settle(b, &name).await;
                let state = wf::get_workflow_state(b, &name).await?;
                if follow {
                    progress(&state, step);
                }
                to_json(serde_json::json!({ "handle": handle, "state": state }))
            })
            .await
        }
        WorkflowCmd::Status { name } => to_json(wf::get_workflow_state(b, &name).await?),
        WorkflowCmd::Answer { name, answers, autofill, refinements, revision } => {
            if autofill {
                let result = if refinements {
                    wf::autofill_refinements(b, &name).await?
                } else {
                    wf::autofill_clarifications(b, &name).await?
                };
                return to_json(result);
            }
            let answers: Vec<AnswerInput> = serde_json::from_str(answers.as_deref().unwrap_or("[]"))
                .map_err(|e| AppError::invalid("answers", e.to_string()))?;
            let revision = match revision {
                Some(r) => r,
                None => current_revision(b, &name).await?,
            };
            to_json(wf::save_clarification_answers(b, &name, revision, answers).await?)
        }
        WorkflowCmd::Complete { name, step } => {
            locked(b, &name, async {
                let done = wf::complete_review_step(b, &name, step).await?;
                settle(b, &name).await;
                to_json(done)
            })
            .await
        }
        WorkflowCmd::Gate { name, gate, decision } => {
            let choice: GateChoice = serde_json::from_value(Value::String(decision))
                .map_err(|_| AppError::invalid("decision", "unknown gate decision"))?;
            locked(b, &name, async {
                let applied = wf::apply_gate_decision(b, &name, gate, choice).await?;
                settle(b, &name).await;
                to_json(applied)
            })
            .await
        }
        WorkflowCmd::Reset { name, step, preview } => {
            if preview {
                return to_json(wf::preview_step_reset(b, &name, step).await?);
            }
            locked(b, &name, async { to_json(wf::reset_workflow_step(b, &name, step).await?) }).await
        }
        WorkflowCmd::Verify { name, step } => to_json(wf::verify_step_output(b, &name, step).await?),
        WorkflowCmd::Validate { name } => {
            locked(b, &name, async {
                let handle = wf::validate_skill(b, &name).await?;
                settle(b, &name).await;
                to_json(
                    serde_json::json!({ "handle": handle, "verification": wf::verify_step_output(b, &name, 6).await? }),
                )
            })
            .await
        }
        WorkflowCmd::Package { name, dest } => {
            let dest =
                dest.map(std::path::absolute).transpose().map_err(|e| AppError::invalid("dest", e.to_string()))?;
            to_json(wf::package_skill(b, &name, dest).await?)
        }
        WorkflowCmd::RunAll { name, follow } => locked(b, &name, run_all(b, &name, follow)).await,
    }
}

async fn current_revision(b: &Backend, name: &str) -> Result<u32, AppError> {
    let verified = wf::verify_step_output(b, name, 1).await?;
    if !verified.ok {
        return Err(AppError::MissingInput { what: verified.errors.join("; ") });
    }
    let file = FileRef { root: FileRoot::Skills, path: format!("{name}/context/clarifications.json") };
    let content = crate::commands::files::read_file(b, file).await?;
    let doc: Value = serde_json::from_str(&content.content).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(doc["revision"].as_u64().and_then(|r| u32::try_from(r).ok()).unwrap_or(0))
}

/// The verdict of the gate that just ran, from its canonical file.
async fn gate_verdict(b: &Backend, name: &str) -> Option<String> {
    let path = b.paths().workspace.join(name).join("answer-evaluation.json");
    let text = tokio::fs::read_to_string(path).await.ok()?;
    let value: Value = serde_json::from_str(&text).ok()?;
    value["verdict"].as_str().map(str::to_string)
}

async fn run_all(b: &Backend, name: &str, follow: bool) -> Result<Value, AppError> {
    let _ = follow; // Progress lines are printed either way; --follow is accepted for symmetry with `run`.
    for _ in 0..16 {
        let state = wf::get_workflow_state(b, name).await?;
        let step = state.current_step;
        if step >= 6 {
            break;
        }
        if state.disabled.steps.contains(&step) {
            return Err(AppError::StepDisabled {
                step,
                reset_to: 0,
                reason: state.disabled.reason.unwrap_or_default(),
            });
        }
        let status = state.steps[usize::from(step)].status;
        match (step, status) {
            (0 | 2 | 4 | 5, StepStatus::Pending) => {
                wf::run_workflow_step(b, name, step).await?;
                settle(b, name).await;
            }
            (1 | 3, StepStatus::WaitingForUser) => {
                if step == 1 {
                    wf::autofill_clarifications(b, name).await?;
                } else {
                    wf::autofill_refinements(b, name).await?;
                }
                let done = wf::complete_review_step(b, name, step).await?;
                settle(b, name).await;
                if done.gate.is_some() || done.evaluation.is_some() {
                    let gate = if step == 1 { 1 } else { 2 };
                    let sufficient = gate_verdict(b, name).await.as_deref() == Some("sufficient");
                    let choice = match (gate, sufficient) {
                        (1, true) => GateChoice::ResearchAnyway,
                        (1, false) => GateChoice::AutofillAndResearch,
                        (_, true) => GateChoice::ContinueToDecisions,
                        (_, false) => GateChoice::AutofillAndContinue,
                    };
                    wf::apply_gate_decision(b, name, gate, choice).await?;
                    settle(b, name).await;
                }
            }
            (_, status) => {
                let message = state.steps[usize::from(step)].error_message.clone().unwrap_or_default();
                return Err(AppError::InvalidStepTransition {
                    message: format!("step {step} is {}; run-all stops here {message}", status.as_str()),
                    statuses: state.steps.iter().map(|s| s.status.as_str().to_string()).collect(),
                });
            }
        }
        let after = wf::get_workflow_state(b, name).await?;
        for s in step..after.current_step.min(6).max(step + 1) {
            progress(&after, s);
        }
    }
    wf::validate_skill(b, name).await?;
    settle(b, name).await;
    let validation = wf::verify_step_output(b, name, 6).await?;
    eprintln!("validate: {}", if validation.ok { "completed" } else { "error" });
    let state = wf::get_workflow_state(b, name).await?;
    to_json(serde_json::json!({ "state": state, "validation": validation }))
}
