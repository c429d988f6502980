//! Normalised items of a `message` line (agents-and-workflow.md §2.5): what the sidecar makes of
//! one SDK message. Rust passes items to the window as JSON without reading most of them, so
//! these types are the contract the generated TypeScript holds the sidecar to; Rust's decoder
//! keeps them as JSON values and never fails a line over an item.

use super::kinds::NoticeLevel;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta_typescript::{Number, Unknown};

/// One normalised item, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    /// An assistant `text` block.
    Text { message_id: String, text: String, parent_tool_use_id: Option<String> },
    /// `thinking` / `redacted_thinking` blocks.
    Thinking {
        message_id: String,
        text: String,
        redacted: bool,
        /// Additive: set for output of a delegated agent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[specta(optional)]
        parent_tool_use_id: Option<String>,
    },
    /// A `tool_use` block; `input` is cut to a [`TruncatedInput`] over 16 KiB.
    ToolUse {
        message_id: String,
        tool_use_id: String,
        name: String,
        #[specta(type = Unknown)]
        input: Value,
        parent_tool_use_id: Option<String>,
    },
    /// A user `tool_result` (text ≤ 16 KiB).
    ToolResult {
        tool_use_id: String,
        is_error: bool,
        text: String,
        truncated: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[specta(optional, type = String)]
        file_path: Option<String>,
        /// Additive: set for output of a delegated agent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[specta(optional)]
        parent_tool_use_id: Option<String>,
    },
    /// Our echo of a session turn, for replay.
    UserText { text: String },
    /// `system/init`; identical repeats are dropped.
    SystemInit {
        sdk_session_id: String,
        model: String,
        cwd: String,
        tools: Vec<String>,
        permission_mode: String,
        claude_code_version: String,
    },
    /// `system/compact_boundary`.
    Compaction {
        trigger: String,
        #[specta(type = Number)]
        pre_tokens: f64,
    },
    /// Our path policy, or `system/permission_denied`.
    PermissionDenied {
        tool: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[specta(optional, type = String)]
        path: Option<String>,
        reason: String,
    },
    /// The first assistant message per `message_id`: feeds the context meter.
    UsageSnapshot {
        message_id: String,
        #[specta(type = Number)]
        input_tokens: f64,
        #[specta(type = Number)]
        cache_read_input_tokens: f64,
        #[specta(type = Number)]
        cache_creation_input_tokens: f64,
    },
    /// For example an unknown system subtype.
    Notice { level: NoticeLevel, text: String },
}

/// A tool input over 16 KiB, replaced by its start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TruncatedInput {
    pub _truncated: bool,
    pub preview: String,
}
