//! Thin Tauri commands of the Agents group: each is one call into `src/commands`.

use tauri::State;

use super::Res;
use crate::Backend;
use crate::commands::{agent, suggest};
use crate::protocol::*;

#[tauri::command]
#[specta::specta]
pub async fn start_agent(backend: State<'_, Backend>, request: StartAgentRequest) -> Res<AgentHandle> {
    Ok(agent::start_agent(&backend, request).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn has_running_agents(backend: State<'_, Backend>) -> Res<bool> {
    Ok(agent::has_running_agents(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn graceful_shutdown(backend: State<'_, Backend>) -> Res<StopReport> {
    Ok(agent::graceful_shutdown(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn cleanup_skill_sidecar(backend: State<'_, Backend>, skill_name: String) -> Res<StopReport> {
    Ok(agent::cleanup_skill_sidecar(&backend, &skill_name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_agent_run(backend: State<'_, Backend>, run_id: String) -> Res<()> {
    Ok(agent::cancel_agent_run(&backend, &run_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_active_agents(backend: State<'_, Backend>) -> Res<Vec<AgentInfo>> {
    Ok(agent::list_active_agents(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_run_transcript(backend: State<'_, Backend>, run_id: String, page: u32) -> Res<RunTranscriptPage> {
    Ok(agent::get_run_transcript(&backend, &run_id, page).await?)
}

#[tauri::command]
#[specta::specta]
pub fn get_agent_snapshot(backend: State<'_, Backend>, agent_id: String) -> Res<AgentSnapshot> {
    Ok(agent::get_agent_snapshot(&backend, &agent_id)?)
}

#[tauri::command]
#[specta::specta]
pub async fn suggest_skill_fields(
    backend: State<'_, Backend>,
    req: SuggestFieldsRequest,
) -> Res<std::collections::BTreeMap<String, String>> {
    Ok(suggest::suggest_skill_fields(&backend, req).await?)
}
