//! Thin Tauri commands: each one is a single call into `src/commands`. Argument names are the
//! wire names (camelCase in JSON); errors cross as `CommandError`.

use std::sync::Arc;

use tauri::State;

use crate::Backend;
use crate::commands::{agent, files, git, locks, node, settings, skills, suggest, usage, workspace};
use crate::protocol::*;

type Res<T> = Result<T, CommandError>;

// --- Settings ---------------------------------------------------------------------------------

#[tauri::command]
#[specta::specta]
pub async fn get_settings(backend: State<'_, Backend>) -> Res<AppSettingsView> {
    Ok(settings::get_settings(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_settings(backend: State<'_, Backend>, patch: SettingsPatch) -> Res<AppSettingsView> {
    Ok(settings::save_settings(&backend, patch).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn test_api_key(backend: State<'_, Backend>, api_key: Option<String>) -> Res<ApiKeyCheck> {
    Ok(settings::test_api_key(&backend, api_key).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_models(backend: State<'_, Backend>, api_key: Option<String>) -> Res<Vec<ModelInfo>> {
    Ok(settings::list_models(&backend, api_key).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_log_level(backend: State<'_, Backend>, level: LogLevel) -> Res<()> {
    Ok(settings::set_log_level(&backend, level).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_log_file_path(backend: State<'_, Backend>) -> Res<String> {
    Ok(settings::get_log_file_path(&backend))
}

#[tauri::command]
#[specta::specta]
pub async fn get_default_skills_path() -> Res<String> {
    Ok(settings::get_default_skills_path()?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_data_dir(backend: State<'_, Backend>) -> Res<String> {
    Ok(settings::get_data_dir(&backend))
}

// --- Skill management -------------------------------------------------------------------------

#[tauri::command]
#[specta::specta]
pub async fn list_skills(backend: State<'_, Backend>, filter: Option<SkillFilter>) -> Res<Arc<[SkillSummary]>> {
    Ok(skills::list_skills(&backend, filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_skill(backend: State<'_, Backend>, req: CreateSkillRequest) -> Res<SkillSummary> {
    Ok(skills::create_skill(&backend, req).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_skill(backend: State<'_, Backend>, name: String, delete_files: bool) -> Res<DeleteSkillReport> {
    Ok(skills::delete_skill(&backend, &name, delete_files).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn rename_skill(backend: State<'_, Backend>, old_name: String, new_name: String) -> Res<SkillSummary> {
    Ok(skills::rename_skill(&backend, &old_name, &new_name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_skill_tags(backend: State<'_, Backend>, name: String, tags: Vec<String>) -> Res<Vec<String>> {
    Ok(skills::update_skill_tags(&backend, &name, tags).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_skill_metadata(
    backend: State<'_, Backend>,
    name: String,
    patch: SkillMetadataPatch,
) -> Res<SkillSummary> {
    Ok(skills::update_skill_metadata(&backend, &name, patch).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_all_tags(backend: State<'_, Backend>) -> Res<Vec<String>> {
    Ok(skills::get_all_tags(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_installed_skill_names(backend: State<'_, Backend>) -> Res<Vec<InstalledSkillName>> {
    Ok(skills::get_installed_skill_names(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn acquire_lock(backend: State<'_, Backend>, name: String, purpose: LockPurpose) -> Res<SkillLockInfo> {
    Ok(locks::acquire_lock(&backend, &name, purpose).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn release_lock(backend: State<'_, Backend>, name: String, force: bool) -> Res<()> {
    Ok(locks::release_lock(&backend, &name, force).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn check_lock(backend: State<'_, Backend>, name: String) -> Res<LockStatus> {
    Ok(locks::check_lock(&backend, &name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_locked_skills(backend: State<'_, Backend>) -> Res<Vec<SkillLockInfo>> {
    Ok(locks::get_locked_skills(&backend).await?)
}

// --- File I/O ---------------------------------------------------------------------------------

#[tauri::command]
#[specta::specta]
pub async fn list_skill_files(
    backend: State<'_, Backend>,
    skill_name: String,
    root: FileRoot,
) -> Res<SkillFileListing> {
    Ok(files::list_skill_files(&backend, &skill_name, root).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn read_file(backend: State<'_, Backend>, file: FileRef) -> Res<TextFile> {
    Ok(files::read_file(&backend, file).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn write_file(
    backend: State<'_, Backend>,
    file: FileRef,
    content: String,
    expected_sha256: Option<String>,
) -> Res<TextFile> {
    Ok(files::write_file(&backend, file, content, expected_sha256).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn copy_file(backend: State<'_, Backend>, src: FileRef, dest: FileRef, overwrite: bool) -> Res<()> {
    Ok(files::copy_file(&backend, src, dest, overwrite).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn read_file_as_base64(backend: State<'_, Backend>, file: FileRef) -> Res<String> {
    Ok(files::read_file_as_base64(&backend, file).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn write_base64_to_temp_file(backend: State<'_, Backend>, file_name: String, base64: String) -> Res<String> {
    Ok(files::write_base64_to_temp_file(&backend, &file_name, &base64).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_raw_file(
    backend: State<'_, Backend>,
    skill_name: String,
    file_name: String,
    content: String,
) -> Res<()> {
    Ok(files::save_raw_file(&backend, &skill_name, &file_name, content).await?)
}

// --- Usage ------------------------------------------------------------------------------------

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

// --- Workspace & sessions, Node -----------------------------------------------------------------

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

// --- Git history --------------------------------------------------------------------------------

#[tauri::command]
#[specta::specta]
pub async fn get_skill_history(
    backend: State<'_, Backend>,
    skill_name: String,
    limit: Option<u32>,
    before_sha: Option<String>,
) -> Res<Vec<SkillCommit>> {
    Ok(git::get_skill_history(&backend, &skill_name, limit, before_sha).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_skill_diff(
    backend: State<'_, Backend>,
    skill_name: String,
    from_sha: String,
    to_sha: Option<String>,
) -> Res<SkillDiff> {
    Ok(git::get_skill_diff(&backend, &skill_name, &from_sha, to_sha).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn restore_skill_version(backend: State<'_, Backend>, skill_name: String, sha: String) -> Res<RestoreReport> {
    Ok(git::restore_skill_version(&backend, &skill_name, &sha).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn check_node() -> Res<NodeStatus> {
    Ok(node::check_node().await)
}

#[tauri::command]
#[specta::specta]
pub async fn check_startup_deps(backend: State<'_, Backend>) -> Res<StartupDeps> {
    Ok(node::check_startup_deps(&backend).await?)
}

// --- Agents -------------------------------------------------------------------------------------

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
