//! Usage Analytics commands over the runs the agent runtime records.

use crate::Backend;
use crate::protocol::*;

fn check_limit(limit: u32) -> Result<u32, AppError> {
    if (1..=500).contains(&limit) { Ok(limit) } else { Err(AppError::invalid("limit", "must be between 1 and 500")) }
}

fn check_filter(filter: Option<UsageFilter>) -> Result<UsageFilter, AppError> {
    let filter = filter.unwrap_or_default();
    for (field, value) in [("from", &filter.from), ("to", &filter.to)] {
        if let Some(value) = value {
            chrono::DateTime::parse_from_rfc3339(value)
                .map_err(|_| AppError::invalid(field, "must be an RFC 3339 timestamp"))?;
        }
    }
    Ok(filter)
}

pub async fn get_usage_summary(backend: &Backend, filter: Option<UsageFilter>) -> Result<UsageSummary, AppError> {
    backend.db().usage_summary(check_filter(filter)?).await
}

pub async fn get_recent_runs(backend: &Backend, limit: u32) -> Result<Vec<AgentRunRecord>, AppError> {
    backend.db().recent_runs(check_limit(limit)?).await
}

pub async fn get_recent_workflow_sessions(
    backend: &Backend,
    limit: u32,
    filter: Option<UsageFilter>,
) -> Result<Vec<WorkflowSessionRecord>, AppError> {
    backend.db().recent_sessions(check_limit(limit)?, check_filter(filter)?).await
}

pub async fn get_session_agent_runs(
    backend: &Backend,
    session_id: &str,
    include_reset: bool,
) -> Result<Vec<AgentRunRecord>, AppError> {
    backend.db().session_runs(session_id, include_reset).await
}

pub async fn get_step_agent_runs(
    backend: &Backend,
    skill_name: &str,
    step_id: u8,
) -> Result<Vec<AgentRunRecord>, AppError> {
    let name = SkillName::parse(skill_name)?;
    if step_id > 5 {
        return Err(AppError::invalid("stepId", "must be between 0 and 5"));
    }
    // A skill that does not exist is `not_found`, not an empty history.
    backend.db().get_skill(name.as_str()).await?;
    backend.db().step_runs(name.as_str(), step_id).await
}

pub async fn get_usage_by_step(backend: &Backend, filter: Option<UsageFilter>) -> Result<Vec<UsageByStep>, AppError> {
    backend.db().usage_by_step(check_filter(filter)?).await
}

pub async fn get_usage_by_model(backend: &Backend, filter: Option<UsageFilter>) -> Result<Vec<UsageByModel>, AppError> {
    backend.db().usage_by_model(check_filter(filter)?).await
}

#[tracing::instrument(skip_all, err)]
pub async fn reset_usage(backend: &Backend) -> Result<ResetUsageReport, AppError> {
    backend.db().reset_usage().await
}

/// Persists the start of an agent run (the seed's `persist_agent_run`, now called by the
/// backend itself: the UI never reports metrics).
pub async fn record_run_started(backend: &Backend, start: RunStart) -> Result<(), AppError> {
    backend.db().record_run_start(start).await
}

/// Persists the end of an agent run; a run that already ended keeps its first ending.
pub async fn record_run_finished(backend: &Backend, done: RunCompletion) -> Result<bool, AppError> {
    backend.db().record_run_completion(done).await
}
