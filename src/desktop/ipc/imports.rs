//! Thin Tauri commands of the Imported & Marketplace and GitHub import groups.

use std::path::PathBuf;

use tauri::State;

use super::Res;
use crate::Backend;
use crate::commands::{github_import, imports};
use crate::protocol::*;

#[tauri::command]
#[specta::specta]
pub async fn preview_upload(backend: State<'_, Backend>, file: String, folder: Option<String>) -> Res<ImportPreview> {
    Ok(imports::preview_upload(&backend, PathBuf::from(file), folder).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn upload_skill(backend: State<'_, Backend>, file: String, options: UploadOptions) -> Res<WorkspaceSkill> {
    Ok(imports::upload_skill(&backend, PathBuf::from(file), options).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_workspace_skills(backend: State<'_, Backend>) -> Res<Vec<WorkspaceSkill>> {
    Ok(imports::list_workspace_skills(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn toggle_skill_active(backend: State<'_, Backend>, target: SkillTarget, active: bool) -> Res<()> {
    Ok(imports::toggle_skill_active(&backend, target, active).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_workspace_skill(backend: State<'_, Backend>, name: String) -> Res<()> {
    Ok(imports::delete_workspace_skill(&backend, &name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_skill_content(backend: State<'_, Backend>, target: SkillTarget) -> Res<SkillContent> {
    Ok(imports::get_skill_content(&backend, target).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn parse_github_url(backend: State<'_, Backend>, url: String) -> Res<GitHubRepoRef> {
    Ok(github_import::parse_github_url(&backend, &url).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn check_marketplace_url(backend: State<'_, Backend>, url: String) -> Res<RepoCheck> {
    Ok(github_import::check_marketplace_url(&backend, &url).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_github_skills(backend: State<'_, Backend>, repo: GitHubRepoRef) -> Res<Vec<AvailableSkill>> {
    Ok(github_import::list_github_skills(&backend, repo).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn import_github_skills(
    backend: State<'_, Backend>,
    repo: GitHubRepoRef,
    skill_paths: Vec<String>,
) -> Res<ImportReport> {
    Ok(github_import::import_github_skills(&backend, repo, skill_paths).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn import_marketplace_to_library(
    backend: State<'_, Backend>,
    skill_paths: Vec<String>,
    overwrite_local_changes: bool,
) -> Res<Vec<MarketplaceImportResult>> {
    Ok(github_import::import_marketplace_to_library(&backend, skill_paths, overwrite_local_changes).await?)
}
