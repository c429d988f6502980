//! Thin Tauri commands for taking skills out and talking to GitHub: export, the device-flow
//! sign-in and feedback issues.

use std::path::PathBuf;

use tauri::State;

use super::Res;
use crate::Backend;
use crate::github::{auth, feedback};
use crate::protocol::*;

#[tauri::command]
#[specta::specta]
pub async fn export_skill(
    backend: State<'_, Backend>,
    name: String,
    dest: Option<String>,
    options: Option<ExportOptions>,
) -> Res<ExportResult> {
    let options = options.unwrap_or_default();
    Ok(crate::export::export_skill(&backend, &name, dest.map(PathBuf::from), options).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn github_start_device_flow(backend: State<'_, Backend>) -> Res<DeviceFlowStart> {
    Ok(auth::start_device_flow(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn github_poll_for_token(
    backend: State<'_, Backend>,
    device_code: String,
    interval: Option<u32>,
) -> Res<DevicePollResult> {
    Ok(auth::poll_for_token(&backend, &device_code, interval).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn github_get_user(backend: State<'_, Backend>) -> Res<Option<GitHubUser>> {
    Ok(auth::get_user(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn github_logout(backend: State<'_, Backend>) -> Res<()> {
    Ok(auth::logout(&backend).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_github_issue(backend: State<'_, Backend>, req: IssueRequest) -> Res<IssueRef> {
    Ok(feedback::create_github_issue(&backend, req).await?)
}

#[tauri::command]
#[specta::specta]
pub fn validation_rules() -> Vec<crate::protocol::validation::RuleInfo> {
    crate::commands::validation::validation_rules()
}

#[tauri::command]
#[specta::specta]
pub async fn validate_skill_dir(
    dir: String,
    profile: crate::protocol::validation::Profile,
) -> Res<crate::protocol::validation::ValidationReport> {
    Ok(crate::commands::validation::validate_skill_dir(PathBuf::from(dir), profile).await?)
}
