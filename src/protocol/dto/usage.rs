//! Usage analytics DTOs (backend.md §9) and the run records the agent runtime writes.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::protocol::sidecar::AgentKind;

/// Narrows every usage query.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct UsageFilter {
    /// Drop cancelled runs (`cancelled`, `shutdown`, `interrupted`) and sessions left without runs.
    pub hide_cancelled: bool,
    /// Include mock runs (model `mock-*`), excluded by default.
    pub include_mock: bool,
    pub from: Option<String>,
    pub to: Option<String>,
    pub skill_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UsageSummary {
    pub total_cost_usd: f64,
    pub run_count: u32,
    pub session_count: u32,
    pub avg_cost_per_run: f64,
    pub avg_cost_per_session: f64,
    #[specta(type = f64)]
    pub input_tokens: i64,
    #[specta(type = f64)]
    pub output_tokens: i64,
    #[specta(type = f64)]
    pub cache_read_tokens: i64,
    #[specta(type = f64)]
    pub cache_write_tokens: i64,
}

/// Final status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Running,
    Success,
    Error,
    Cancelled,
    MaxTurns,
    BudgetExceeded,
    Refused,
    Failed,
    Shutdown,
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Success => "success",
            RunStatus::Error => "error",
            RunStatus::Cancelled => "cancelled",
            RunStatus::MaxTurns => "max_turns",
            RunStatus::BudgetExceeded => "budget_exceeded",
            RunStatus::Refused => "refused",
            RunStatus::Failed => "failed",
            RunStatus::Shutdown => "shutdown",
            RunStatus::Interrupted => "interrupted",
        }
    }
}

/// Written when a run starts (`status = running`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunStart {
    pub run_id: String,
    pub agent_id: String,
    pub skill_name: Option<String>,
    pub kind: AgentKind,
    pub step_id: Option<u8>,
    pub workflow_session_id: Option<String>,
    pub model: String,
}

/// Per-model figures of one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelUsage {
    pub model: String,
    #[specta(type = f64)]
    pub input_tokens: i64,
    #[specta(type = f64)]
    pub output_tokens: i64,
    #[specta(type = f64)]
    pub cache_read_tokens: i64,
    #[specta(type = f64)]
    pub cache_write_tokens: i64,
    pub cost_usd: f64,
}

/// Written once when a run ends; never overwrites an earlier terminal status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunCompletion {
    pub run_id: String,
    pub status: RunStatus,
    /// The real model from `system/init`, when known.
    pub model: Option<String>,
    pub sdk_session_id: Option<String>,
    pub model_usage: Vec<ModelUsage>,
    pub total_cost_usd: f64,
    #[specta(type = f64)]
    pub input_tokens: i64,
    #[specta(type = f64)]
    pub output_tokens: i64,
    #[specta(type = f64)]
    pub cache_read_tokens: i64,
    #[specta(type = f64)]
    pub cache_write_tokens: i64,
    #[specta(type = Option<f64>)]
    pub duration_ms: Option<i64>,
    #[specta(type = Option<f64>)]
    pub duration_api_ms: Option<i64>,
    pub num_turns: u32,
    pub tool_use_count: u32,
    pub compaction_count: u32,
    pub stop_reason: Option<String>,
    pub result_subtype: Option<String>,
    pub error_category: Option<String>,
    pub error_message: Option<String>,
}

/// One run, as the usage pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentRunRecord {
    pub run_id: String,
    pub agent_id: String,
    pub skill_name: Option<String>,
    pub kind: String,
    pub step_id: Option<u8>,
    pub workflow_session_id: Option<String>,
    pub model: String,
    /// Every model the run used, comma-separated.
    pub models: String,
    pub status: String,
    #[specta(type = f64)]
    pub input_tokens: i64,
    #[specta(type = f64)]
    pub output_tokens: i64,
    #[specta(type = f64)]
    pub cache_read_tokens: i64,
    #[specta(type = f64)]
    pub cache_write_tokens: i64,
    pub total_cost_usd: f64,
    #[specta(type = Option<f64>)]
    pub duration_ms: Option<i64>,
    pub num_turns: u32,
    pub tool_use_count: u32,
    pub compaction_count: u32,
    pub stop_reason: Option<String>,
    pub error_category: Option<String>,
    pub started_at: String,
    pub completed_at: Option<String>,
}

/// One session with its usage totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSessionRecord {
    pub session_id: String,
    pub kind: String,
    pub skill_name: String,
    pub steps: Vec<u8>,
    pub run_count: u32,
    pub total_cost_usd: f64,
    #[specta(type = f64)]
    pub input_tokens: i64,
    #[specta(type = f64)]
    pub output_tokens: i64,
    #[specta(type = f64)]
    pub duration_ms: i64,
    pub started_at: String,
    pub ended_at: Option<String>,
}

/// Cost per usage bucket (workflow steps one by one, then validate, gate, refine, test, feedback).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UsageByStep {
    pub bucket: String,
    pub step_id: Option<u8>,
    pub label: String,
    pub total_cost_usd: f64,
    pub run_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UsageByModel {
    pub model: String,
    pub total_cost_usd: f64,
    pub run_count: u32,
}

/// What `reset_usage` hid; nothing is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResetUsageReport {
    pub runs: u32,
    pub sessions: u32,
    pub marker: String,
}

/// Kinds of workflow session a command can open (refine sessions are opened by refine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    Workflow,
    Refine,
    Test,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Workflow => "workflow",
            SessionKind::Refine => "refine",
            SessionKind::Test => "test",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSessionInfo {
    pub session_id: String,
    pub started_at: String,
}
