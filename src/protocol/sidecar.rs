//! The sidecar wire protocol v1 (agents-and-workflow.md §2): newline-delimited JSON on the
//! child's stdin and stdout. Field names are snake_case on the wire; the config inside `run` and
//! `session_start` is camelCase. Decoding is lenient by design: unknown fields are ignored, an
//! unknown `type` decodes to [`SidecarLine::Unknown`], and a line that does not decode at all is
//! the caller's to log and drop — never a reason to stop an agent.
//!
//! These types are also the protocol's definition for the sidecar: `typescript.rs` exports them
//! to `sidecar/src/protocol.gen.ts` (a test fails when the committed file drifts), and the
//! sidecar validates every line from us against them. Where Rust reads a field leniently (a
//! string, or not at all: `IgnoredAny`), `#[specta(type = …)]` states what the sidecar must send.

pub mod items;
pub mod kinds;
#[cfg(test)]
mod typescript;

use kinds::{
    DeltaBlock, ErrorCategory, ExitReason, ExtraEnvKey, MockScenario, PermissionMode, ProgressStage, RunStatus,
    SessionEndReason,
};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta_typescript::{Number, Unknown};
use std::collections::BTreeMap;

/// The protocol version this backend speaks; `ready.protocol` must match it.
pub const PROTOCOL_VERSION: u32 = 1;
/// Longest line accepted from a sidecar.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Agent kinds (agents-and-workflow.md §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    WorkflowStep,
    Validate,
    Gate,
    Refine,
    TestWith,
    TestWithout,
    TestEval,
    Feedback,
}

impl AgentKind {
    /// Whether the agent runs as a session that stays warm after a run for more turns: refine,
    /// and workflow steps and Validate, whose one repair turn (§5.4) is a `session_send`; the
    /// `WorkflowActor` ends those once their output is verified.
    pub fn keeps_warm(self) -> bool {
        matches!(self, AgentKind::Refine | AgentKind::WorkflowStep | AgentKind::Validate)
    }

    /// The spelling on the wire and in `agent_runs.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentKind::WorkflowStep => "workflow_step",
            AgentKind::Validate => "validate",
            AgentKind::Gate => "gate",
            AgentKind::Refine => "refine",
            AgentKind::TestWith => "test_with",
            AgentKind::TestWithout => "test_without",
            AgentKind::TestEval => "test_eval",
            AgentKind::Feedback => "feedback",
        }
    }

    /// Kinds of which a skill may run at most one at a time, grouped (§1.3).
    pub fn exclusivity_group(self) -> &'static str {
        match self {
            AgentKind::WorkflowStep | AgentKind::Validate | AgentKind::Gate => "workflow",
            AgentKind::Refine => "refine",
            AgentKind::TestWith | AgentKind::TestWithout | AgentKind::TestEval => "test",
            AgentKind::Feedback => "feedback",
        }
    }
}

/// Mock-mode settings carried in the config (§8.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MockConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = MockScenario)]
    pub scenario: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = u32)]
    pub delay_ms: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = u32)]
    pub max_turns: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = String)]
    pub fail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = MockPaths)]
    pub paths: Option<Value>,
}

/// Where a mock agent writes (§8.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MockPaths {
    /// `SP/{skill}`
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = String)]
    pub skill_dir: Option<String>,
    /// `SP/{skill}/context`
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = String)]
    pub context_dir: Option<String>,
    /// `WS/{skill}`
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = String)]
    pub workspace_dir: Option<String>,
}

/// The run configuration Rust builds for the sidecar (§2.3). It never holds the API key:
/// that reaches the child only through its environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SidecarConfig {
    pub agent_kind: AgentKind,
    pub label: String,
    pub prompt: String,
    /// Appended to Claude Code's system prompt: the workspace rules and the agent's own prompt,
    /// which agents cannot load from files because they load no settings (`settingSources: []`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(optional, type = String)]
    pub system_prompt_append: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = String)]
    pub agent_name: Option<String>,
    pub model: String,
    pub cwd: String,
    pub tools: Vec<String>,
    pub allowed_tools: Vec<String>,
    pub readable_roots: Vec<String>,
    pub writable_paths: Vec<String>,
    pub max_turns: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = u32)]
    pub max_thinking_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = Vec<String>)]
    pub betas: Option<Vec<String>>,
    pub permission_mode: PermissionMode,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = String)]
    pub path_to_claude_code_executable: Option<String>,
    pub setting_sources: Vec<String>,
    pub include_partial_messages: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = bool)]
    pub persist_session: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = String)]
    pub resume_sdk_session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = Number)]
    pub max_budget_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = BTreeMap<ExtraEnvKey, String>)]
    pub extra_env: Option<BTreeMap<ExtraEnvKey, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(type = MockConfig)]
    pub mock: Option<MockConfig>,
}

/// Rust → sidecar.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SidecarRequest<'a> {
    Run {
        run_id: &'a str,
        config: &'a SidecarConfig,
    },
    SessionStart {
        run_id: &'a str,
        session_id: &'a str,
        config: &'a SidecarConfig,
    },
    SessionSend {
        run_id: &'a str,
        session_id: &'a str,
        text: &'a str,
    },
    SessionEnd {
        session_id: &'a str,
    },
    Cancel {
        run_id: &'a str,
    },
    Ping {
        #[specta(type = Number)]
        nonce: u64,
    },
    Shutdown {
        grace_ms: u32,
    },
}

impl SidecarRequest<'_> {
    /// One protocol line, newline included.
    pub fn to_line(&self) -> String {
        let mut value = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.insert("v".into(), Value::from(PROTOCOL_VERSION));
        }
        let mut line = value.to_string();
        line.push('\n');
        line
    }
}

/// Token counts of a run, as the sidecar reports them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct WireUsage {
    #[specta(type = Number)]
    pub input_tokens: i64,
    #[specta(type = Number)]
    pub output_tokens: i64,
    #[specta(type = Number)]
    pub cache_read_input_tokens: i64,
    #[specta(type = Number)]
    pub cache_creation_input_tokens: i64,
}

/// One model's share of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct WireModelUsage {
    pub model: String,
    #[specta(type = Number)]
    pub input_tokens: i64,
    #[specta(type = Number)]
    pub output_tokens: i64,
    #[specta(type = Number)]
    pub cache_read_input_tokens: i64,
    #[specta(type = Number)]
    pub cache_creation_input_tokens: i64,
    #[specta(type = Number)]
    pub cost_usd: f64,
    #[specta(type = Number)]
    pub context_window: i64,
    #[specta(type = Number)]
    pub max_output_tokens: i64,
}

/// `{category, message, retryable}` of a failed run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct WireRunError {
    #[specta(type = ErrorCategory)]
    pub category: String,
    pub message: String,
    pub retryable: bool,
}

/// The terminal `result` line of a run (§2.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct ResultLine {
    pub run_id: String,
    #[specta(type = RunStatus)]
    pub status: String,
    pub synthetic: bool,
    pub sdk_subtype: Option<String>,
    pub is_error: bool,
    pub terminal_reason: Option<String>,
    pub stop_reason: Option<String>,
    #[specta(type = Option<Number>)]
    pub api_error_status: Option<i64>,
    pub text: String,
    pub errors: Vec<String>,
    pub num_turns: u32,
    #[specta(type = Number)]
    pub duration_ms: i64,
    #[specta(type = Number)]
    pub duration_api_ms: i64,
    #[specta(type = Number)]
    pub cost_usd: f64,
    #[specta(type = Number)]
    pub cumulative_cost_usd: f64,
    pub usage: WireUsage,
    pub model_usage: Vec<WireModelUsage>,
    pub sdk_session_id: Option<String>,
    pub permission_denials: u32,
    pub compactions: u32,
    pub tool_uses: u32,
    pub error: Option<WireRunError>,
}

/// Sidecar → Rust. Unknown types decode to `Unknown` so newer sidecars stay compatible.
#[derive(Debug, Clone, PartialEq, Deserialize, specta::Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SidecarLine {
    Ready {
        protocol: u32,
        #[serde(default)]
        #[specta(type = String)]
        sidecar_version: Option<String>,
        #[serde(default)]
        #[specta(type = String)]
        sdk_version: Option<String>,
        #[serde(default)]
        #[specta(type = String)]
        node_version: IgnoredAny,
        #[serde(default)]
        mock: bool,
    },
    Progress {
        run_id: String,
        #[serde(default)]
        #[specta(type = String)]
        ts: IgnoredAny,
        #[serde(default)]
        #[specta(type = ProgressStage)]
        stage: String,
        #[serde(default)]
        #[specta(type = Unknown)]
        detail: Value,
    },
    Message {
        run_id: String,
        #[specta(type = Number)]
        seq: u64,
        #[serde(default)]
        #[specta(type = String)]
        ts: IgnoredAny,
        #[serde(default)]
        #[specta(type = Vec<items::Item>)]
        items: Vec<Value>,
        /// The raw SDK message, or `{_omitted_bytes}` when over 8 MiB; kept by transcripts only.
        #[serde(default)]
        #[specta(type = Unknown)]
        sdk: IgnoredAny,
    },
    Delta {
        run_id: String,
        #[serde(default)]
        #[specta(type = Number)]
        seq: IgnoredAny,
        #[serde(default)]
        message_id: String,
        #[serde(default)]
        index: u32,
        #[serde(default)]
        #[specta(type = DeltaBlock)]
        block: String,
        #[serde(default)]
        text: String,
    },
    Result(Box<ResultLine>),
    Error {
        #[serde(default)]
        #[specta(optional, type = String)]
        run_id: Option<String>,
        #[serde(default)]
        #[specta(type = ErrorCategory)]
        category: String,
        #[serde(default)]
        message: String,
        #[serde(default)]
        retryable: bool,
        #[serde(default)]
        #[specta(optional, type = Unknown)]
        detail: IgnoredAny,
    },
    SessionEnded {
        session_id: String,
        #[serde(default)]
        #[specta(type = SessionEndReason)]
        reason: String,
    },
    Pong {
        #[specta(type = Number)]
        nonce: u64,
    },
    Exited {
        #[serde(default)]
        code: i32,
        #[serde(default)]
        #[specta(type = ExitReason)]
        reason: String,
    },
    #[serde(other)]
    #[specta(skip)]
    Unknown,
}

/// Why a line was not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    NotJson,
    WrongVersion,
    BadShape,
}

/// Decodes one line. Checks `"v": 1` first, so a future protocol is noticed rather than misread.
pub fn decode_line(line: &str) -> Result<SidecarLine, DecodeError> {
    let value: Value = serde_json::from_str(line).map_err(|_| DecodeError::NotJson)?;
    match value.get("v").and_then(Value::as_u64) {
        Some(v) if v == u64::from(PROTOCOL_VERSION) => {}
        _ => return Err(DecodeError::WrongVersion),
    }
    serde_json::from_value(value).map_err(|_| DecodeError::BadShape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_known_lines_and_tolerates_unknown_ones() {
        let ready = decode_line(r#"{"v":1,"type":"ready","protocol":1,"sdk_version":"0.3.331","extra":true}"#);
        assert!(matches!(ready, Ok(SidecarLine::Ready { protocol: 1, .. })));
        assert_eq!(decode_line(r#"{"v":1,"type":"brand_new","x":1}"#), Ok(SidecarLine::Unknown));
        assert_eq!(decode_line(r#"{"v":2,"type":"ready","protocol":2}"#), Err(DecodeError::WrongVersion));
        assert_eq!(decode_line("not json"), Err(DecodeError::NotJson));
        assert_eq!(decode_line(r#"{"v":1,"type":"pong"}"#), Err(DecodeError::BadShape));
        let result =
            decode_line(r#"{"v":1,"type":"result","run_id":"r","status":"success","usage":{"input_tokens":5}}"#);
        match result {
            Ok(SidecarLine::Result(r)) => assert_eq!((r.status.as_str(), r.usage.input_tokens), ("success", 5)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        let samples =
            ["", "{", "[]", "null", r#"{"v":1}"#, r#"{"v":1,"type":5}"#, "\u{0}\u{1}", r#"{"v":1,"type":"message"}"#];
        for sample in samples {
            let _ = decode_line(sample);
        }
        for len in 0..200 {
            let line: String = r#"{"v":1,"type":"result","run_id":"r","status":"success"}"#.chars().take(len).collect();
            let _ = decode_line(&line);
        }
    }

    #[test]
    fn requests_carry_the_version() {
        let line = SidecarRequest::Ping { nonce: 7 }.to_line();
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            (value["v"].as_u64(), value["type"].as_str(), value["nonce"].as_u64()),
            (Some(1), Some("ping"), Some(7))
        );
        assert!(line.ends_with('\n'));
    }
}
