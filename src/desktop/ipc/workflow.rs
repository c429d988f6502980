//! Thin Tauri commands of the Workflow Execution group.

use tauri::State;

use super::Res;
use crate::Backend;
use crate::commands::{workflow, workflow_review};
use crate::protocol::*;
use crate::workflow::artifacts::decisions::Decision;

#[tauri::command]
#[specta::specta]
pub async fn run_workflow_step(backend: State<'_, Backend>, skill_name: String, step: u8) -> Res<AgentHandle> {
    Ok(workflow::run_workflow_step(&backend, &skill_name, step).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_workflow_state(backend: State<'_, Backend>, skill_name: String) -> Res<WorkflowState> {
    Ok(workflow::get_workflow_state(&backend, &skill_name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_workflow_state(backend: State<'_, Backend>, skill_name: String, selected_step: u8) -> Res<()> {
    Ok(workflow::save_workflow_state(&backend, &skill_name, selected_step).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn verify_step_output(backend: State<'_, Backend>, skill_name: String, step: u8) -> Res<StepVerification> {
    Ok(workflow::verify_step_output(&backend, &skill_name, step).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_disabled_steps(backend: State<'_, Backend>, skill_name: String) -> Res<DisabledSteps> {
    Ok(workflow::get_disabled_steps(&backend, &skill_name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn preview_step_reset(backend: State<'_, Backend>, skill_name: String, step: u8) -> Res<ResetPreview> {
    Ok(workflow::preview_step_reset(&backend, &skill_name, step).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn reset_workflow_step(backend: State<'_, Backend>, skill_name: String, step: u8) -> Res<ResetReport> {
    Ok(workflow::reset_workflow_step(&backend, &skill_name, step).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_clarification_answers(
    backend: State<'_, Backend>,
    skill_name: String,
    revision: u32,
    answers: Vec<AnswerInput>,
) -> Res<SavedAnswers> {
    Ok(workflow_review::save_clarification_answers(&backend, &skill_name, revision, answers).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn autofill_clarifications(backend: State<'_, Backend>, skill_name: String) -> Res<AutofillResult> {
    Ok(workflow_review::autofill_clarifications(&backend, &skill_name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn autofill_refinements(backend: State<'_, Backend>, skill_name: String) -> Res<AutofillResult> {
    Ok(workflow_review::autofill_refinements(&backend, &skill_name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn run_answer_evaluator(backend: State<'_, Backend>, skill_name: String, gate: u8) -> Res<GateStart> {
    Ok(workflow_review::run_answer_evaluator(&backend, &skill_name, gate).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn complete_review_step(backend: State<'_, Backend>, skill_name: String, step: u8) -> Res<ReviewCompleted> {
    Ok(workflow_review::complete_review_step(&backend, &skill_name, step).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn log_gate_decision(
    backend: State<'_, Backend>,
    skill_name: String,
    gate: u8,
    verdict: String,
    decision: String,
) -> Res<()> {
    Ok(workflow_review::log_gate_decision(&backend, &skill_name, gate, &verdict, &decision).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn apply_gate_decision(
    backend: State<'_, Backend>,
    skill_name: String,
    gate: u8,
    choice: GateChoice,
) -> Res<GateApplied> {
    Ok(workflow_review::apply_gate_decision(&backend, &skill_name, gate, choice).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_decision(
    backend: State<'_, Backend>,
    skill_name: String,
    id: String,
    patch: DecisionPatch,
) -> Res<Decision> {
    Ok(workflow_review::update_decision(&backend, &skill_name, &id, patch).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn validate_skill(backend: State<'_, Backend>, skill_name: String) -> Res<AgentHandle> {
    Ok(workflow_review::validate_skill(&backend, &skill_name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn package_skill(backend: State<'_, Backend>, skill_name: String, dest: Option<String>) -> Res<ExportResult> {
    Ok(workflow::package_skill(&backend, &skill_name, dest.map(std::path::PathBuf::from)).await?)
}
