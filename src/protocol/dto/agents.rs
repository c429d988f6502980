//! Agent runtime DTOs: handles, status, and the closed set of agents the UI may start.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::events::RunOutcome;
use crate::protocol::sidecar::AgentKind;

/// Identifies a started run (and, for refine, its session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentHandle {
    pub agent_id: String,
    pub run_id: String,
    pub session_id: Option<String>,
}

/// What the UI may start directly. Closed on purpose: the UI never supplies a working folder,
/// tools, a raw config or a key; the backend builds them from the kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StartAgentRequest {
    /// Drafts a GitHub issue from the user's feedback text (no tools, 3 turns).
    Feedback { text: String },
}

/// Lifecycle state of an agent (agents-and-workflow.md §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    Spawning,
    Running,
    Idle,
    Cancelling,
    Stopping,
    Stopped,
}

/// One live agent of this instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentInfo {
    pub agent_id: String,
    pub kind: AgentKind,
    pub skill_name: Option<String>,
    pub run_id: Option<String>,
    pub started_at: String,
    pub model: String,
    /// The sidecar's process id, for diagnostics.
    pub pid: Option<u32>,
}

/// What the window needs to redraw one agent after a reload (agents-and-workflow.md §4.4):
/// apply it, then the live events whose `seq` is above a run's `lastSeq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentSnapshot {
    pub agent_id: String,
    pub state: AgentState,
    pub runs: Vec<RunSnapshot>,
}

/// One run of an agent, with its latest messages (up to 5,000 items).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunSnapshot {
    pub run_id: String,
    pub label: String,
    pub started_at: String,
    /// `None` while the run is still going.
    pub outcome: Option<RunOutcome>,
    pub summary: Option<serde_json::Value>,
    pub messages: Vec<LoggedMessage>,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    /// Older messages were dropped; the transcript has them.
    pub truncated_before: bool,
}

/// The normalised items of one agent message, as `agent-message` carried them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LoggedMessage {
    pub seq: u64,
    pub items: Vec<serde_json::Value>,
}

/// One page of a run's messages read back from its transcript (agents-and-workflow.md §4.4), for
/// runs no longer in memory: after a restart, or older than the in-memory log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RunTranscriptPage {
    pub run_id: String,
    pub transcript_path: String,
    /// From 0; about 2,000 items a page.
    pub page: u32,
    pub has_more: bool,
    pub messages: Vec<LoggedMessage>,
}

/// How many agents a stop ended, and how many had to be killed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StopReport {
    pub stopped: u32,
    pub forced: u32,
}

/// `suggest_skill_fields`: which fields to suggest, and what the user has typed so far.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct SuggestFieldsRequest {
    pub fields: Vec<String>,
    pub skill_name: Option<String>,
    pub skill_type: Option<String>,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub scope: Option<String>,
    pub audience: Option<String>,
    pub challenges: Option<String>,
}
