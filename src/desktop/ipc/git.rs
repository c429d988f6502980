//! Thin Tauri commands of the Git history group: each is one call into `src/commands`.

use tauri::State;

use super::Res;
use crate::Backend;
use crate::commands::{git, node};
use crate::protocol::*;

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
