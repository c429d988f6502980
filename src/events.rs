//! The one event path from the backend to whoever is watching: the desktop build forwards to
//! Tauri events, the CLI prints JSON lines, tests collect them in a channel.

use serde::Serialize;
use tokio::sync::mpsc;

/// Everything the backend announces without being asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "payload", rename_all = "kebab-case")]
pub enum AppEvent {
    /// Settings were saved by this instance.
    SettingsChanged,
    /// A lock of this instance was taken or released.
    #[serde(rename_all = "camelCase")]
    LocksChanged { skill_name: String },
    /// The library changed (created, deleted, renamed, metadata).
    #[serde(rename_all = "camelCase")]
    SkillsChanged { skill_name: String },
}

impl AppEvent {
    /// The event name on the wire (Tauri event name, `event` field of a JSON line).
    pub fn name(&self) -> &'static str {
        match self {
            AppEvent::SettingsChanged => "settings-changed",
            AppEvent::LocksChanged { .. } => "locks-changed",
            AppEvent::SkillsChanged { .. } => "skills-changed",
        }
    }
}

/// Receives backend events. Implementations must not block: they are called from actors.
pub trait EventSink: Send + Sync {
    fn emit(&self, event: AppEvent);
}

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
