//! Mapping sidecar results to run records and UI outcomes (agents-and-workflow.md §2.6, §4.1).

use crate::events::{RunErrorInfo, RunOutcome};
use crate::protocol::sidecar::{ResultLine, WireRunError};
use crate::protocol::{ModelUsage, RunCompletion, RunStatus};

/// The UI outcome and stored status of a `result` line.
pub fn outcome_of(result: &ResultLine) -> (RunOutcome, RunStatus) {
    match result.status.as_str() {
        "success" => (RunOutcome::Completed, RunStatus::Success),
        "cancelled" => (RunOutcome::Cancelled, RunStatus::Cancelled),
        "max_turns" => (RunOutcome::Error, RunStatus::MaxTurns),
        "budget_exceeded" => (RunOutcome::Error, RunStatus::BudgetExceeded),
        "refused" => (RunOutcome::Error, RunStatus::Refused),
        _ => (RunOutcome::Error, RunStatus::Error),
    }
}

pub fn run_error_from(error: &WireRunError) -> RunErrorInfo {
    RunErrorInfo {
        category: error.category.clone(),
        message: error.message.clone(),
        retryable: error.retryable,
        exit_code: None,
        signal: None,
        stderr_tail: Vec::new(),
        forced: false,
    }
}

/// The `agent_runs` update for a finished run; per-model figures kept as the SDK gave them.
pub fn completion_from_result(result: &ResultLine, status: RunStatus) -> RunCompletion {
    let model_usage: Vec<ModelUsage> = result
        .model_usage
        .iter()
        .map(|m| ModelUsage {
            model: m.model.clone(),
            input_tokens: m.input_tokens,
            output_tokens: m.output_tokens,
            cache_read_tokens: m.cache_read_input_tokens,
            cache_write_tokens: m.cache_creation_input_tokens,
            cost_usd: m.cost_usd,
        })
        .collect();
    RunCompletion {
        run_id: result.run_id.clone(),
        status,
        model: model_usage.first().map(|m| m.model.clone()),
        sdk_session_id: result.sdk_session_id.clone(),
        model_usage,
        total_cost_usd: result.cost_usd,
        input_tokens: result.usage.input_tokens,
        output_tokens: result.usage.output_tokens,
        cache_read_tokens: result.usage.cache_read_input_tokens,
        cache_write_tokens: result.usage.cache_creation_input_tokens,
        duration_ms: Some(result.duration_ms),
        duration_api_ms: Some(result.duration_api_ms),
        num_turns: result.num_turns,
        tool_use_count: result.tool_uses,
        compaction_count: result.compactions,
        stop_reason: result.stop_reason.clone(),
        result_subtype: result.sdk_subtype.clone(),
        error_category: result.error.as_ref().map(|e| e.category.clone()),
        error_message: result.error.as_ref().map(|e| e.message.clone()),
    }
}
