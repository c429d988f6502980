//! Node.js and startup-dependency DTOs.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Where the Node.js binary came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NodeSource {
    Bundled,
    System,
    None,
}

/// `check_node`: never an error; a missing Node is a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NodeStatus {
    pub available: bool,
    pub version: Option<String>,
    pub meets_minimum: bool,
    pub source: NodeSource,
    pub path: Option<String>,
    pub error: Option<String>,
}

/// One startup check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DepStatus {
    pub id: String,
    pub name: String,
    pub ok: bool,
    /// A failing blocking check stops agents from running; others are warnings.
    pub blocking: bool,
    pub detail: String,
    pub fix_hint: Option<String>,
}

/// `check_startup_deps`: `allOk` is true when every blocking check passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StartupDeps {
    pub all_ok: bool,
    pub checks: Vec<DepStatus>,
}
