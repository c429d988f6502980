//! Thin Tauri commands of the Workspace & sessions, Node group: each is one call into `src/commands`.

use tauri::State;

use super::Res;
use crate::Backend;
use crate::commands::workspace;
use crate::protocol::*;

#[tauri::command]
#[specta::specta]
pub async fn get_workspace_path(backend: State<'_, Backend>) -> Res<String> {
    Ok(workspace::get_workspace_path(&backend))
}

#[tauri::command]
#[specta::specta]
pub async fn create_workflow_session(
    backend: State<'_, Backend>,
    skill_name: String,
    kind: SessionKind,
) -> Res<WorkflowSessionInfo> {
    Ok(workspace::create_workflow_session(&backend, &skill_name, kind).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn end_workflow_session(backend: State<'_, Backend>, session_id: String) -> Res<()> {
    Ok(workspace::end_workflow_session(&backend, &session_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn clear_workspace(backend: State<'_, Backend>) -> Res<ClearWorkspaceReport> {
    Ok(workspace::clear_workspace(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn reconcile_startup(backend: State<'_, Backend>, force: bool) -> Res<ReconciliationReport> {
    Ok(workspace::reconcile_startup(&backend, force).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_orphan(
    backend: State<'_, Backend>,
    skill_name: String,
    action: OrphanAction,
) -> Res<ReconciliationReport> {
    Ok(workspace::resolve_orphan(&backend, &skill_name, action).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn resolve_discovered(
    backend: State<'_, Backend>,
    folder_name: String,
    action: DiscoveryAction,
    register_as: Option<RegisterAs>,
) -> Res<ReconciliationReport> {
    Ok(workspace::resolve_discovered(&backend, &folder_name, action, register_as).await?)
}
