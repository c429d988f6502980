//! Thin Tauri commands of the Settings group: each is one call into `src/commands`.

use tauri::State;

use super::Res;
use crate::Backend;
use crate::commands::settings;
use crate::protocol::*;

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

#[tauri::command]
#[specta::specta]
pub fn write_window_log(level: LogLevel, message: String) {
    crate::commands::window_log::write_window_log(level, &message);
}
