//! Thin Tauri commands of the Refine group and the skill tester.

use tauri::State;

use super::Res;
use crate::Backend;
use crate::commands::{refine, skill_test, skill_test_evals};
use crate::protocol::*;

#[tauri::command]
#[specta::specta]
pub async fn start_refine_session(backend: State<'_, Backend>, skill_name: String) -> Res<RefineSessionInfo> {
    Ok(refine::start_refine_session(&backend, &skill_name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn send_refine_message(
    backend: State<'_, Backend>,
    session_id: String,
    text: String,
    command: Option<RefineCommand>,
    targets: Vec<String>,
) -> Res<AgentHandle> {
    Ok(refine::send_refine_message(&backend, &session_id, &text, command, targets).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_refine_diff(backend: State<'_, Backend>, session_id: String, scope: DiffScope) -> Res<RefineDiff> {
    Ok(refine::get_refine_diff(&backend, &session_id, scope).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn close_refine_session(
    backend: State<'_, Backend>,
    session_id: String,
    save: bool,
    message: Option<String>,
) -> Res<CloseRefineReport> {
    Ok(refine::close_refine_session(&backend, &session_id, save, message).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_skill_content_for_refine(
    backend: State<'_, Backend>,
    skill_name: String,
) -> Res<Vec<SkillFileContent>> {
    Ok(refine::get_skill_content_for_refine(&backend, &skill_name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn prepare_skill_test(
    backend: State<'_, Backend>,
    skill_name: String,
    mode: Option<TestMode>,
) -> Res<PrepareResult> {
    Ok(skill_test::prepare_skill_test(&backend, &skill_name, mode).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn start_skill_test(backend: State<'_, Backend>, test_id: String, prompt: String) -> Res<SkillTestHandles> {
    Ok(skill_test::start_skill_test(&backend, &test_id, &prompt).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn stop_skill_test(backend: State<'_, Backend>, test_id: String) -> Res<StopReport> {
    Ok(skill_test::stop_skill_test(&backend, &test_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn cleanup_skill_test(backend: State<'_, Backend>, test_id: String) -> Res<()> {
    Ok(skill_test::cleanup_skill_test(&backend, &test_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn run_skill_evals(
    backend: State<'_, Backend>,
    test_id: String,
    runs: u32,
    caps: CostCaps,
    resume: bool,
) -> Res<EvalReport> {
    Ok(skill_test_evals::run_skill_evals(&backend, &test_id, runs, caps, resume).await?)
}
