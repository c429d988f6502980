//! The one event path from the backend to whoever is watching: the desktop build forwards to
//! Tauri events, the CLI prints JSON lines, tests collect them in a channel.

use serde::Serialize;
use serde_json::Value;

use crate::protocol::AgentState;
use crate::protocol::sidecar::AgentKind;
use tokio::sync::mpsc;

/// Everything the backend announces without being asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "payload", rename_all = "kebab-case")]
pub enum AppEvent {
    /// Settings were saved by this instance.
    SettingsChanged,
    /// A backend actor panicked; `restarted` says whether the root supervisor brought it back
    /// (the request it was handling failed; later ones work) or it stays down.
    BackendDegraded { actor: crate::protocol::ActorKind, reason: String, restarted: bool },
    /// A lock of this instance was taken or released.
    #[serde(rename_all = "camelCase")]
    LocksChanged { skill_name: String },
    /// The library changed (created, deleted, renamed, metadata).
    #[serde(rename_all = "camelCase")]
    SkillsChanged { skill_name: String },
    /// A reconciliation pass finished (backend.md §4.5); the payload is its report.
    ReconciliationFinished(Box<crate::protocol::ReconciliationReport>),
    /// Progress of copying the skills folder to a new place (backend.md §6.6).
    #[serde(rename_all = "camelCase")]
    SkillsPathMigration { phase: crate::protocol::MigrationPhase, files_done: u32, files_total: u32 },
    /// An agent changed state (§1.5); the last one is `stopped` with its reason.
    #[serde(rename_all = "camelCase")]
    AgentState {
        agent_id: String,
        skill_name: Option<String>,
        kind: AgentKind,
        state: AgentState,
        reason: Option<String>,
        exit_code: Option<i32>,
        stderr_tail: Vec<String>,
    },
    /// A run's request reached the sidecar.
    #[serde(rename_all = "camelCase")]
    AgentRunStarted {
        agent_id: String,
        run_id: String,
        skill_name: Option<String>,
        kind: AgentKind,
        label: String,
        model: String,
        started_at: String,
        transcript_path: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    AgentProgress { agent_id: String, run_id: String, stage: String, detail: Value },
    /// Normalised items of one SDK message (§2.5), with the agent-wide sequence number. `gap`:
    /// streaming text of this agent was dropped before it (the window was too slow); the items
    /// are complete, but a view built from deltas should refetch the snapshot.
    #[serde(rename_all = "camelCase")]
    AgentMessage { agent_id: String, run_id: String, seq: u64, items: Vec<Value>, gap: bool },
    #[serde(rename_all = "camelCase")]
    AgentDelta { agent_id: String, run_id: String, message_id: String, index: u32, block: String, text: String },
    /// Exactly once per run.
    #[serde(rename_all = "camelCase")]
    AgentExit {
        agent_id: String,
        run_id: String,
        outcome: RunOutcome,
        error: Option<RunErrorInfo>,
        summary: Option<Value>,
    },
    /// A skill's workflow statuses changed (agents-and-workflow.md §5); refetch its state.
    #[serde(rename_all = "camelCase")]
    WorkflowChanged { skill_name: String, step: Option<u8>, notice: Option<String> },
    /// A gate finished: the canonical evaluation, or why it could not be made (§5.6).
    #[serde(rename_all = "camelCase")]
    GateResult { skill_name: String, gate: u8, evaluation: Option<Value>, error: Option<String> },
}

/// How a run ended, for the UI (agents-and-workflow.md §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    Completed,
    Error,
    Cancelled,
    Shutdown,
    Crashed,
    TimedOut,
}

/// Why a run failed, with what the user can do.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunErrorInfo {
    pub category: String,
    pub message: String,
    pub retryable: bool,
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    pub stderr_tail: Vec<String>,
    pub forced: bool,
}

impl AppEvent {
    /// The event name on the wire (Tauri event name, `event` field of a JSON line).
    pub fn name(&self) -> &'static str {
        match self {
            AppEvent::SettingsChanged => "settings-changed",
            AppEvent::BackendDegraded { .. } => "backend-degraded",
            AppEvent::LocksChanged { .. } => "locks-changed",
            AppEvent::SkillsChanged { .. } => "skills-changed",
            AppEvent::ReconciliationFinished(_) => "reconciliation-finished",
            AppEvent::SkillsPathMigration { .. } => "skills-path-migration",
            AppEvent::AgentState { .. } => "agent-state",
            AppEvent::AgentRunStarted { .. } => "agent-run-started",
            AppEvent::AgentProgress { .. } => "agent-progress",
            AppEvent::AgentMessage { .. } => "agent-message",
            AppEvent::AgentDelta { .. } => "agent-delta",
            AppEvent::AgentExit { .. } => "agent-exit",
            AppEvent::WorkflowChanged { .. } => "workflow-changed",
            AppEvent::GateResult { .. } => "gate-result",
        }
    }
}

/// Receives backend events. Implementations must not block: they are called from actors.
pub trait EventSink: Send + Sync {
    fn emit(&self, event: AppEvent);

    /// Resolves once the sink has room for more events. Producers of a flood (the reader of an
    /// agent's output) await it before handing on more work, so a sink with a bounded queue
    /// slows them down instead of growing; `emit` itself never waits.
    fn ready(&self) -> Ready<'_> {
        Box::pin(std::future::ready(()))
    }
}

/// What [`EventSink::ready`] returns.
pub type Ready<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

/// Drops every event (headless commands that print only their result).
#[derive(Debug, Default)]
pub struct NullSink;

impl EventSink for NullSink {
    fn emit(&self, _event: AppEvent) {}
}

/// Collects events for tests.
#[derive(Debug, Clone)]
pub struct ChannelSink(pub mpsc::UnboundedSender<AppEvent>);

impl EventSink for ChannelSink {
    fn emit(&self, event: AppEvent) {
        // A test that stopped listening is not an error of the backend.
        let _ = self.0.send(event);
    }
}

/// Prints each event as one JSON line on stdout (`--json` CLI mode).
#[derive(Debug, Default)]
pub struct JsonLinesSink;

impl EventSink for JsonLinesSink {
    fn emit(&self, event: AppEvent) {
        if let Ok(line) = serde_json::to_string(&event) {
            println!("{line}");
        }
    }
}
