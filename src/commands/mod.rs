//! Transport-agnostic commands, one module per seed command group. Each function takes the
//! `Backend` and typed arguments and returns `Result<T, AppError>`; the desktop IPC layer, the
//! CLI and the tests all call these same functions.

pub mod agent;
mod briefs;
pub mod files;
pub mod git;
pub mod github_import;
pub mod guards;
pub mod imports;
pub mod imports_library;
pub mod locks;
pub mod node;
pub mod refine;
mod refine_agent;
mod refine_diff;
pub mod run_wait;
pub mod settings;
pub mod skill_test;
mod skill_test_agents;
pub mod skill_test_evals;
pub mod skills;
pub mod skills_path;
pub mod suggest;
pub mod usage;
pub mod validation;
pub mod window_log;
pub mod workflow;
pub mod workflow_review;
mod workflow_start;
pub mod workspace;

use crate::protocol::AppError;

/// Runs file or process work on the blocking pool, so a slow disk never stalls a tokio worker.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
}
