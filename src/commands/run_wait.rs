//! Waiting for a run to end, for commands that chain agents (refine over the CLI, the tester).
//!
//! The run logs see every `agent-exit` (exactly one per run, crashes included), so polling
//! them is enough; a run whose agent vanished from the logs without one counts as crashed.

use std::time::Duration;

use serde_json::Value;

use crate::Backend;
use crate::events::RunOutcome;
use crate::protocol::{AgentHandle, AppError};

const POLL: Duration = Duration::from_millis(20);

/// How a run ended, with what its result carried.
#[derive(Debug, Clone, PartialEq)]
pub struct RunEnd {
    pub outcome: RunOutcome,
    /// The run's final text (`resultText`), empty when it had none.
    pub text: String,
    pub cost_usd: f64,
    /// The stored status (`agent_runs.status`) of a run that did not complete, when known:
    /// `budget_exceeded` tells a cost cap from other errors.
    pub status: Option<String>,
}

impl RunEnd {
    pub fn completed(&self) -> bool {
        self.outcome == RunOutcome::Completed
    }
}

/// Waits until `handle`'s run ends, at most `limit`.
pub async fn wait_run(backend: &Backend, handle: &AgentHandle, limit: Duration) -> Result<RunEnd, AppError> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some((outcome, summary)) = backend.run_logs().run_outcome(&handle.agent_id, &handle.run_id) {
            let mut end = end_of(outcome, summary.as_ref());
            if !end.completed() {
                end.status = stored_status(backend, &handle.run_id).await;
            }
            return Ok(end);
        }
        if backend.run_logs().snapshot(&handle.agent_id).is_err() {
            return Ok(RunEnd { outcome: RunOutcome::Crashed, text: String::new(), cost_usd: 0.0, status: None });
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(AppError::Timeout { operation: format!("run {}", handle.run_id), after: limit });
        }
        tokio::time::sleep(POLL).await;
    }
}

fn end_of(outcome: RunOutcome, summary: Option<&Value>) -> RunEnd {
    let text = summary.and_then(|s| s["resultText"].as_str()).unwrap_or_default().to_string();
    let cost_usd = summary.and_then(|s| s["costUsd"].as_f64()).unwrap_or(0.0);
    RunEnd { outcome, text, cost_usd, status: None }
}

/// The run's row once the recorder has written its end (it trails the event by moments).
async fn stored_status(backend: &Backend, run_id: &str) -> Option<String> {
    for _ in 0..50 {
        match backend.db().run(run_id).await {
            Ok(run) if run.status != "running" => return Some(run.status),
            Ok(_) | Err(AppError::NotFound { .. }) => tokio::time::sleep(POLL).await,
            Err(_) => return None,
        }
    }
    None
}
