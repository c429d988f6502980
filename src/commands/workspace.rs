//! Workflow sessions: which visit of a skill's workflow or test page agent runs belong to.

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
                None => Err(AppError::Conflict {
                    reason: "lock_required",
                    message: format!("Open '{name}' first: a workflow session needs the skill's lock"),
                }),
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
