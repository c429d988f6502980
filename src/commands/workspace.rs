//! Workspace & Reconciliation commands (backend.md §3.11): workflow sessions, the workspace
//! folder, and the reconciliation of the skills folder with the library (report and resolutions).

use crate::Backend;
use crate::protocol::*;

/// Opens a session of this instance. Workflow sessions require that we hold the skill's lock.
#[tracing::instrument(skip_all, fields(skill = %skill_name), err)]
pub async fn create_workflow_session(
    backend: &Backend,
    skill_name: &str,
    kind: SessionKind,
) -> Result<WorkflowSessionInfo, AppError> {
    let name = SkillName::parse(skill_name)?;
    if kind == SessionKind::Refine {
        return Err(AppError::invalid("kind", "refine sessions are opened by start_refine_session"));
    }
    if kind == SessionKind::Workflow {
        let lock = backend.db().check_lock(name.as_str()).await?;
        if lock.state != LockState::Mine {
            return match lock.holder {
                Some(holder) => Err(AppError::SkillLocked { skill: name.to_string(), holder }),
                None => Err(AppError::LockRequired { skill: name.to_string() }),
            };
        }
    }
    backend.db().create_session(name.as_str(), kind).await
}

pub async fn end_workflow_session(backend: &Backend, session_id: &str) -> Result<(), AppError> {
    backend.db().end_session(session_id).await
}

pub fn get_workspace_path(backend: &Backend) -> String {
    backend.paths().workspace.display().to_string()
}

/// Tidies the agents' workspace without touching anything of value: empty per-skill scratch
/// folders go; transcripts, customisation, workspace skills and non-empty scratch folders stay.
/// Refused while an agent runs or another window is open. Redeploys `agent-sources`.
#[tracing::instrument(skip_all, err)]
pub async fn clear_workspace(backend: &Backend) -> Result<ClearWorkspaceReport, AppError> {
    super::guards::refuse_if_agent_runs(backend, None).await?;
    super::guards::refuse_if_other_instance(backend, "clear the workspace").await?;
    let workspace = backend.paths().workspace.clone();
    tokio::task::spawn_blocking(move || {
        let mut report = ClearWorkspaceReport::default();
        let entries = std::fs::read_dir(&workspace).map_err(|e| AppError::io(&workspace, e))?;
        let mut names: Vec<(String, std::path::PathBuf, bool)> = entries
            .filter_map(Result::ok)
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
            .collect();
        names.sort();
        for (name, path, is_dir) in names {
            let managed = name.starts_with('.') || name == "logs";
            if is_dir && !managed && crate::folders::is_empty_tree(&path) && crate::folders::remove_empty_tree(&path) {
                report.removed.push(name);
            } else {
                report.kept.push(name);
            }
        }
        // A cleared workspace gets our prompts again, whatever their hash says (§6.1).
        crate::workflow::sources::deploy(&workspace.join(".claude"), true)?;
        Ok(report)
    })
    .await
    .map_err(|e| AppError::Internal(format!("workspace task: {e}")))?
}

/// The latest reconciliation report (waiting for a running pass); `force` runs a new pass.
#[tracing::instrument(skip_all, fields(force), err)]
pub async fn reconcile_startup(backend: &Backend, force: bool) -> Result<ReconciliationReport, AppError> {
    backend.reconciler().run(force).await
}

/// Applies the user's decision about an orphaned library row (backend.md §4.4). Actions that
/// change the skill hold its lock while they run.
#[tracing::instrument(skip_all, fields(skill = %skill_name, ?action), err)]
pub async fn resolve_orphan(
    backend: &Backend,
    skill_name: &str,
    action: OrphanAction,
) -> Result<ReconciliationReport, AppError> {
    let name = SkillName::parse(skill_name)?;
    backend.db().get_skill(name.as_str()).await?;
    let report = match action {
        OrphanAction::Keep => backend.reconciler().resolve_orphan(name.as_str(), action).await?,
        _ => {
            let work = backend.reconciler().resolve_orphan(name.as_str(), action);
            super::locks::with_edit_lock(backend, &name, work).await?
        }
    };
    backend.emit(crate::events::AppEvent::SkillsChanged { skill_name: name.to_string() });
    Ok(report)
}

/// Applies the user's decision about a folder no library row claims: register it (and commit
/// it), ignore it from now on, or checkpoint and delete it.
#[tracing::instrument(skip_all, fields(folder = %folder_name, ?action), err)]
pub async fn resolve_discovered(
    backend: &Backend,
    folder_name: &str,
    action: DiscoveryAction,
    register_as: Option<RegisterAs>,
) -> Result<ReconciliationReport, AppError> {
    backend.reconciler().resolve_discovered(folder_name, action, register_as).await
}
