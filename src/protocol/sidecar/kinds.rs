//! The closed word lists of the wire protocol (agents-and-workflow.md §2.2–§2.6). Rust builds
//! the ones it sends (permission mode, extra environment keys) as these enums; the ones it
//! reads stay strings in the decoder, so a newer sidecar's word is logged rather than fatal,
//! and these enums give the generated TypeScript (`sidecar/src/protocol.gen.ts`) the exact list
//! the sidecar must keep to.

use serde::{Deserialize, Serialize};

/// `permissionMode` of the config. `bypassPermissions` is deliberately absent: it fails as root
/// and would skip the path policy (§2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum PermissionMode {
    #[default]
    Default,
    AcceptEdits,
    Plan,
}

/// The only keys `extraEnv` may carry (§2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type)]
pub enum ExtraEnvKey {
    #[serde(rename = "CLAUDE_CODE_MAX_RETRIES")]
    ClaudeCodeMaxRetries,
    #[serde(rename = "CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK")]
    ClaudeCodeDisableNonstreamingFallback,
    #[serde(rename = "ANTHROPIC_BASE_URL")]
    AnthropicBaseUrl,
}

/// Mock scenarios (§8.1); `config.mock.scenario`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum MockScenario {
    #[serde(rename = "workflow.step0")]
    WorkflowStep0,
    #[serde(rename = "workflow.step2")]
    WorkflowStep2,
    #[serde(rename = "workflow.step4")]
    WorkflowStep4,
    #[serde(rename = "workflow.step5")]
    WorkflowStep5,
    #[serde(rename = "validate")]
    Validate,
    #[serde(rename = "gate")]
    Gate,
    #[serde(rename = "refine")]
    Refine,
    #[serde(rename = "test.with")]
    TestWith,
    #[serde(rename = "test.without")]
    TestWithout,
    #[serde(rename = "test.eval")]
    TestEval,
    #[serde(rename = "feedback")]
    Feedback,
}

/// `status` of a `result` line (§2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Success,
    MaxTurns,
    BudgetExceeded,
    Cancelled,
    Error,
    Refused,
}

/// `category` of an `error` line or a run error: run outcomes (§2.6), then request rejections
/// (§2.2). Rust's own categories (`sidecar_crashed`, …) never cross the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCategory {
    Budget,
    Cancelled,
    Refused,
    Execution,
    Auth,
    RateLimit,
    Overloaded,
    Api,
    Network,
    ClaudeCodeMissing,
    ClaudeCodeCrashed,
    Internal,
    InvalidRequest,
    DuplicateRun,
    DuplicateSession,
    UnknownSession,
    SessionBusy,
    SessionClosed,
}

/// `stage` of a `progress` line (§2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStage {
    LoadingSdk,
    StartingClaude,
    Initialized,
    ApiRetry,
    Compacting,
    Cancelling,
    WaitingForInput,
}

/// `block` of a `delta` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DeltaBlock {
    Text,
    Thinking,
}

/// `reason` of a `session_ended` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SessionEndReason {
    Closed,
    Exhausted,
    Error,
}

/// `reason` of the `exited` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    Shutdown,
    StdinClosed,
    Signal,
    Fatal,
}

/// `level` of a `notice` item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NoticeLevel {
    Debug,
    Info,
    Warn,
    Error,
}
