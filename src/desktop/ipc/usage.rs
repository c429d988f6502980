//! Thin Tauri commands of the Usage group: each is one call into `src/commands`.

use tauri::State;

use super::Res;
use crate::Backend;
use crate::commands::usage;
use crate::protocol::*;

#[tauri::command]
#[specta::specta]
pub async fn get_usage_summary(backend: State<'_, Backend>, filter: Option<UsageFilter>) -> Res<UsageSummary> {
    Ok(usage::get_usage_summary(&backend, filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_recent_runs(backend: State<'_, Backend>, limit: u32) -> Res<Vec<AgentRunRecord>> {
    Ok(usage::get_recent_runs(&backend, limit).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_recent_workflow_sessions(
    backend: State<'_, Backend>,
    limit: u32,
    filter: Option<UsageFilter>,
) -> Res<Vec<WorkflowSessionRecord>> {
    Ok(usage::get_recent_workflow_sessions(&backend, limit, filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_session_agent_runs(
    backend: State<'_, Backend>,
    session_id: String,
    include_reset: bool,
) -> Res<Vec<AgentRunRecord>> {
    Ok(usage::get_session_agent_runs(&backend, &session_id, include_reset).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_step_agent_runs(
    backend: State<'_, Backend>,
    skill_name: String,
    step_id: u8,
) -> Res<Vec<AgentRunRecord>> {
    Ok(usage::get_step_agent_runs(&backend, &skill_name, step_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_usage_by_step(backend: State<'_, Backend>, filter: Option<UsageFilter>) -> Res<Vec<UsageByStep>> {
    Ok(usage::get_usage_by_step(&backend, filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_usage_by_model(backend: State<'_, Backend>, filter: Option<UsageFilter>) -> Res<Vec<UsageByModel>> {
    Ok(usage::get_usage_by_model(&backend, filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn reset_usage(backend: State<'_, Backend>) -> Res<ResetUsageReport> {
    Ok(usage::reset_usage(&backend).await?)
}
