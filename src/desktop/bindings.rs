//! The one list of IPC commands: it feeds the runtime's invoke handler and the generated
//! TypeScript bindings (`app-ui/src/bindings.ts`), so the two cannot disagree.

use super::ipc;

pub fn specta_builder<R: tauri::Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        // Only free-form JSON (`serde_json::Value`) carries i64 here, and JSON numbers are JS
        // numbers anyway; typed DTO integers are annotated as `f64` where they could be large.
        .dangerously_cast_bigints_to_number()
        .commands(tauri_specta::collect_commands![
            ipc::settings::get_settings,
            ipc::settings::save_settings,
            ipc::settings::test_api_key,
            ipc::settings::list_models,
            ipc::settings::set_log_level,
            ipc::settings::get_log_file_path,
            ipc::settings::get_default_skills_path,
            ipc::settings::get_data_dir,
            ipc::settings::write_window_log,
            ipc::skills::list_skills,
            ipc::skills::create_skill,
            ipc::skills::delete_skill,
            ipc::skills::rename_skill,
            ipc::skills::update_skill_tags,
            ipc::skills::update_skill_metadata,
            ipc::skills::get_all_tags,
            ipc::skills::get_installed_skill_names,
            ipc::skills::acquire_lock,
            ipc::skills::release_lock,
            ipc::skills::check_lock,
            ipc::skills::get_locked_skills,
            ipc::files::list_skill_files,
            ipc::files::read_file,
            ipc::files::write_file,
            ipc::files::copy_file,
            ipc::files::read_file_as_base64,
            ipc::files::write_base64_to_temp_file,
            ipc::files::save_raw_file,
            ipc::usage::get_usage_summary,
            ipc::usage::get_recent_runs,
            ipc::usage::get_recent_workflow_sessions,
            ipc::usage::get_session_agent_runs,
            ipc::usage::get_step_agent_runs,
            ipc::usage::get_usage_by_step,
            ipc::usage::get_usage_by_model,
            ipc::usage::reset_usage,
            ipc::workspace::get_workspace_path,
            ipc::workspace::create_workflow_session,
            ipc::workspace::end_workflow_session,
            ipc::workspace::clear_workspace,
            ipc::workspace::reconcile_startup,
            ipc::workspace::resolve_orphan,
            ipc::workspace::resolve_discovered,
            ipc::git::get_skill_history,
            ipc::git::get_skill_diff,
            ipc::git::restore_skill_version,
            ipc::git::check_node,
            ipc::git::check_startup_deps,
            ipc::agents::start_agent,
            ipc::agents::has_running_agents,
            ipc::agents::graceful_shutdown,
            ipc::agents::cleanup_skill_sidecar,
            ipc::agents::cancel_agent_run,
            ipc::agents::list_active_agents,
            ipc::agents::get_agent_snapshot,
            ipc::agents::get_run_transcript,
            ipc::agents::suggest_skill_fields,
            ipc::share::export_skill,
            ipc::share::github_start_device_flow,
            ipc::share::github_poll_for_token,
            ipc::share::github_get_user,
            ipc::share::github_logout,
            ipc::share::create_github_issue,
            ipc::imports::preview_upload,
            ipc::imports::upload_skill,
            ipc::imports::list_workspace_skills,
            ipc::imports::toggle_skill_active,
            ipc::imports::delete_workspace_skill,
            ipc::imports::get_skill_content,
            ipc::imports::parse_github_url,
            ipc::imports::check_marketplace_url,
            ipc::imports::list_github_skills,
            ipc::imports::import_github_skills,
            ipc::imports::import_marketplace_to_library,
            ipc::workflow::run_workflow_step,
            ipc::workflow::get_workflow_state,
            ipc::workflow::save_workflow_state,
            ipc::workflow::verify_step_output,
            ipc::workflow::get_disabled_steps,
            ipc::workflow::preview_step_reset,
            ipc::workflow::reset_workflow_step,
            ipc::workflow::save_clarification_answers,
            ipc::workflow::autofill_clarifications,
            ipc::workflow::autofill_refinements,
            ipc::workflow::run_answer_evaluator,
            ipc::workflow::complete_review_step,
            ipc::workflow::log_gate_decision,
            ipc::workflow::apply_gate_decision,
            ipc::workflow::update_decision,
            ipc::workflow::validate_skill,
            ipc::workflow::package_skill,
            ipc::refine_test::start_refine_session,
            ipc::refine_test::send_refine_message,
            ipc::refine_test::get_refine_diff,
            ipc::refine_test::close_refine_session,
            ipc::refine_test::get_skill_content_for_refine,
            ipc::refine_test::prepare_skill_test,
            ipc::refine_test::start_skill_test,
            ipc::refine_test::stop_skill_test,
            ipc::refine_test::cleanup_skill_test,
            ipc::refine_test::run_skill_evals,
            ipc::share::validation_rules,
            ipc::share::validate_skill_dir,
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
