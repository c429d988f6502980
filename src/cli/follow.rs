//! `--follow`: one progress line per agent event on stderr (run started, stage, tool call,
//! end with cost), so a person watches refine turns and tests without `--json`.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Mutex, PoisonError};

use serde_json::Value;

use crate::events::{AppEvent, EventSink};

/// Prints agent progress to stderr; every other event is dropped.
#[derive(Default)]
pub struct FollowSink {
    /// Each agent's transcript label (`refine`, `test-with`, …).
    labels: Mutex<HashMap<String, String>>,
}

impl FollowSink {
    fn label(&self, agent_id: &str) -> String {
        let labels = self.labels.lock().unwrap_or_else(PoisonError::into_inner);
        labels.get(agent_id).cloned().unwrap_or_else(|| "agent".into())
    }

    /// The line an event prints, if any.
    fn line(&self, event: &AppEvent) -> Option<String> {
        match event {
            AppEvent::AgentRunStarted { agent_id, label, model, .. } => {
                let mut labels = self.labels.lock().unwrap_or_else(PoisonError::into_inner);
                labels.insert(agent_id.clone(), label.clone());
                Some(format!("▶ {label}: started ({model})"))
            }
            AppEvent::AgentProgress { agent_id, stage, .. } => Some(format!("… {}: {stage}", self.label(agent_id))),
            AppEvent::AgentMessage { agent_id, items, .. } => {
                let label = self.label(agent_id);
                let parts: Vec<String> = items.iter().filter_map(describe_item).collect();
                (!parts.is_empty()).then(|| format!("  {label}: {}", parts.join("; ")))
            }
            AppEvent::AgentExit { agent_id, outcome, summary, error, .. } => {
                let cost = summary.as_ref().and_then(|s| s["costUsd"].as_f64()).unwrap_or(0.0);
                let why = error.as_ref().map(|e| format!(" — {}", e.message)).unwrap_or_default();
                let outcome = serde_json::to_value(outcome).ok()?.as_str().unwrap_or("ended").to_string();
                Some(format!("■ {}: {outcome} (${cost:.4}){why}", self.label(agent_id)))
            }
            _ => None,
        }
    }
}

/// A tool call as `Write SKILL.md`, text as its first words.
fn describe_item(item: &Value) -> Option<String> {
    match item["kind"].as_str()? {
        "tool_use" => {
            let input = &item["input"];
            let target = input["file_path"].as_str().or_else(|| input["pattern"].as_str()).unwrap_or_default();
            let short = target.rsplit('/').next().unwrap_or(target);
            Some(format!("{} {short}", item["name"].as_str().unwrap_or("tool")).trim_end().to_string())
        }
        "text" if item["parent_tool_use_id"].is_null() => {
            let text = item["text"].as_str()?.lines().next()?.trim();
            let mut short: String = text.chars().take(80).collect();
            if short.len() < text.len() {
                short.push('…');
            }
            (!short.is_empty()).then_some(short)
        }
        _ => None,
    }
}

impl EventSink for FollowSink {
    fn emit(&self, event: AppEvent) {
        if let Some(line) = self.line(&event) {
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    }
}
