//! Thin Tauri commands of the Skill management group: each is one call into `src/commands`.

use std::sync::Arc;

use tauri::State;

use super::Res;
use crate::Backend;
use crate::commands::{locks, skills};
use crate::protocol::*;

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
