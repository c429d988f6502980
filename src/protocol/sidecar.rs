//! The sidecar wire protocol v1 (agents-and-workflow.md §2): newline-delimited JSON on the
//! child's stdin and stdout. Field names are snake_case on the wire; the config inside `run` and
//! `session_start` is camelCase. Decoding is lenient by design: unknown fields are ignored, an
//! unknown `type` decodes to [`SidecarLine::Unknown`], and a line that does not decode at all is
//! the caller's to log and drop — never a reason to stop an agent.

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    /// Whether the agent stays warm after a run for more turns (refine only).
    pub fn keeps_warm(self) -> bool {
        self == AgentKind::Refine
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MockConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_turns: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paths: Option<Value>,
}

/// The run configuration Rust builds for the sidecar (§2.3). It never holds the API key:
/// that reaches the child only through its environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SidecarConfig {
    pub agent_kind: AgentKind,
    pub label: String,
    pub prompt: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    pub model: String,
    pub cwd: String,
    pub tools: Vec<String>,
    pub allowed_tools: Vec<String>,
    pub readable_roots: Vec<String>,
    pub writable_paths: Vec<String>,
    pub max_turns: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_thinking_tokens: Option<u32>,
    pub permission_mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_to_claude_code_executable: Option<String>,
    pub setting_sources: Vec<String>,
    pub include_partial_messages: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persist_session: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resume_sdk_session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_budget_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mock: Option<MockConfig>,
}

/// Rust → sidecar.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SidecarRequest<'a> {
    Run { run_id: &'a str, config: &'a SidecarConfig },
    SessionStart { run_id: &'a str, session_id: &'a str, config: &'a SidecarConfig },
    SessionSend { run_id: &'a str, session_id: &'a str, text: &'a str },
    SessionEnd { session_id: &'a str },
    Cancel { run_id: &'a str },
    Ping { nonce: u64 },
    Shutdown { grace_ms: u32 },
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WireUsage {
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_input_tokens: i64,
    pub cache_creation_input_tokens: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WireModelUsage {
    pub model: String,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cache_read_input_tokens: i64,
    pub cache_creation_input_tokens: i64,
    pub cost_usd: f64,
}

/// `{category, message, retryable}` of a failed run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WireRunError {
    pub category: String,
    pub message: String,
    pub retryable: bool,
}

/// The terminal `result` line of a run (§2.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResultLine {
    pub run_id: String,
    pub status: String,
    pub synthetic: bool,
    pub sdk_subtype: Option<String>,
    pub is_error: bool,
    pub stop_reason: Option<String>,
    pub text: String,
    pub num_turns: u32,
    pub duration_ms: i64,
    pub duration_api_ms: i64,
    pub cost_usd: f64,
    pub usage: WireUsage,
    pub model_usage: Vec<WireModelUsage>,
    pub sdk_session_id: Option<String>,
    pub permission_denials: u32,
    pub compactions: u32,
    pub tool_uses: u32,
    pub error: Option<WireRunError>,
}

/// Sidecar → Rust. Unknown types decode to `Unknown` so newer sidecars stay compatible.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SidecarLine {
    Ready {
        protocol: u32,
        #[serde(default)]
        sidecar_version: Option<String>,
        #[serde(default)]
        sdk_version: Option<String>,
        #[serde(default)]
        mock: bool,
    },
    Progress {
        run_id: String,
        #[serde(default)]
        stage: String,
        #[serde(default)]
        detail: Value,
    },
    Message {
        run_id: String,
        seq: u64,
        #[serde(default)]
        items: Vec<Value>,
    },
    Delta {
        run_id: String,
        #[serde(default)]
        message_id: String,
        #[serde(default)]
        index: u32,
        #[serde(default)]
        block: String,
        #[serde(default)]
        text: String,
    },
    Result(Box<ResultLine>),
    Error {
        #[serde(default)]
        run_id: Option<String>,
        #[serde(default)]
        category: String,
        #[serde(default)]
        message: String,
        #[serde(default)]
        retryable: bool,
    },
    SessionEnded {
        session_id: String,
        #[serde(default)]
        reason: String,
    },
    Pong {
        nonce: u64,
    },
    Exited {
        #[serde(default)]
        code: i32,
        #[serde(default)]
        reason: String,
    },
    #[serde(other)]
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
