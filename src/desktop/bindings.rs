//! The one list of IPC commands: it feeds the runtime's invoke handler and the generated
//! TypeScript bindings (`app-ui/src/bindings.ts`), so the two cannot disagree.

use super::ipc;

pub fn specta_builder<R: tauri::Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        // Only free-form JSON (`serde_json::Value`) carries i64 here, and JSON numbers are JS
        // numbers anyway; typed DTO integers are annotated as `f64` where they could be large.
        .dangerously_cast_bigints_to_number()
        .commands(tauri_specta::collect_commands![
            ipc::get_settings,
            ipc::save_settings,
            ipc::test_api_key,
            ipc::list_models,
            ipc::set_log_level,
            ipc::get_log_file_path,
            ipc::get_default_skills_path,
            ipc::get_data_dir,
            ipc::list_skills,
            ipc::create_skill,
            ipc::delete_skill,
            ipc::rename_skill,
            ipc::update_skill_tags,
            ipc::update_skill_metadata,
            ipc::get_all_tags,
            ipc::get_installed_skill_names,
            ipc::acquire_lock,
            ipc::release_lock,
            ipc::check_lock,
            ipc::get_locked_skills,
            ipc::list_skill_files,
            ipc::read_file,
            ipc::write_file,
            ipc::copy_file,
            ipc::read_file_as_base64,
            ipc::write_base64_to_temp_file,
            ipc::save_raw_file,
            ipc::get_usage_summary,
            ipc::get_recent_runs,
            ipc::get_recent_workflow_sessions,
            ipc::get_session_agent_runs,
            ipc::get_step_agent_runs,
            ipc::get_usage_by_step,
            ipc::get_usage_by_model,
            ipc::reset_usage,
            ipc::get_workspace_path,
            ipc::create_workflow_session,
            ipc::end_workflow_session,
            ipc::clear_workspace,
            ipc::reconcile_startup,
            ipc::resolve_orphan,
            ipc::resolve_discovered,
            ipc::get_skill_history,
            ipc::get_skill_diff,
            ipc::restore_skill_version,
            ipc::check_node,
            ipc::check_startup_deps,
            ipc::start_agent,
            ipc::has_running_agents,
            ipc::graceful_shutdown,
            ipc::cleanup_skill_sidecar,
            ipc::cancel_agent_run,
            ipc::list_active_agents,
            ipc::get_agent_snapshot,
            ipc::get_run_transcript,
            ipc::suggest_skill_fields,
        ])
}

#[cfg(test)]
mod tests {
    /// Fails when the committed bindings differ from what the Rust types produce.
    #[test]
    fn bindings_are_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        let fresh_path = dir.path().join("bindings.ts");
        super::specta_builder::<tauri::Wry>()
            .export(specta_typescript::Typescript::default().header("// @ts-nocheck\n"), &fresh_path)
            .unwrap();
        let fresh = std::fs::read_to_string(&fresh_path).unwrap();
        let committed = concat!(env!("CARGO_MANIFEST_DIR"), "/app-ui/src/bindings.ts");
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(committed, &fresh).unwrap();
            return;
        }
        assert!(
            std::fs::read_to_string(committed).unwrap_or_default() == fresh,
            "app-ui/src/bindings.ts is stale: run `make bindings`"
        );
    }
}
