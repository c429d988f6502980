//! Thin Tauri commands of the File I/O group: each is one call into `src/commands`.

use tauri::State;

use super::Res;
use crate::Backend;
use crate::commands::files;
use crate::protocol::*;

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
