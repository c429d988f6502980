//! Replay of agent output after a window reload (agents-and-workflow.md §4.4).
//!
//! `RunLogs` sits on the event path between the actors and the window and keeps, per agent, the
//! runs it announced and the normalised messages of each run (the last 5,000 items). A webview
//! that reloads subscribes, asks `get_agent_snapshot`, applies it, then applies the live events
//! whose `seq` is above the snapshot's `lastSeq`. Because the log is built from the very events
//! the window receives, a snapshot and the event stream can never disagree. An agent keeps its
//! last 30 runs; finished agents stay for 30 minutes, and at most 30 finished runs are kept.
//!
//! Streaming-text deltas are not kept: the message that ends a text block carries its full text.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use crate::events::{AppEvent, EventSink, RunOutcome};
use crate::protocol::{AgentSnapshot, AgentState, AppError, LoggedMessage, RunSnapshot};

/// Items kept per run; older messages are dropped first.
const ITEMS_PER_RUN: usize = 5_000;
/// How long a finished agent's runs stay.
const KEEP_FINISHED: Duration = Duration::from_secs(30 * 60);
/// How many runs of finished agents stay at most, and of one live agent (a long refine session
/// runs once per turn); older runs are read from their transcripts.
const FINISHED_RUNS: usize = 30;

/// An [`EventSink`] that records agent output on its way to `inner`.
pub struct RunLogs {
    inner: Arc<dyn EventSink>,
    logs: Mutex<Logs>,
}

#[derive(Default)]
struct Logs {
    agents: HashMap<String, AgentLog>,
    /// Finished agents, oldest first.
    finished: VecDeque<(String, Instant)>,
}

struct AgentLog {
    state: AgentState,
    runs: Vec<RunLog>,
}

/// One run as the window saw it.
struct RunLog {
    run_id: String,
    label: String,
    started_at: String,
    outcome: Option<RunOutcome>,
    summary: Option<Value>,
    messages: VecDeque<LoggedMessage>,
    /// Items in `messages`.
    held: usize,
    truncated_before: bool,
}

impl RunLog {
    fn keep(&mut self, seq: u64, items: &[Value]) {
        self.held += items.len();
        self.messages.push_back(LoggedMessage { seq, items: items.to_vec() });
        while self.held > ITEMS_PER_RUN && self.messages.len() > 1 {
            if let Some(oldest) = self.messages.pop_front() {
                self.held -= oldest.items.len();
                self.truncated_before = true;
            }
        }
    }

    fn snapshot(&self) -> RunSnapshot {
        RunSnapshot {
            run_id: self.run_id.clone(),
            label: self.label.clone(),
            started_at: self.started_at.clone(),
            outcome: self.outcome,
            summary: self.summary.clone(),
            messages: self.messages.iter().cloned().collect(),
            first_seq: self.messages.front().map(|m| m.seq),
            last_seq: self.messages.back().map(|m| m.seq),
            truncated_before: self.truncated_before,
        }
    }
}

impl RunLogs {
    pub fn new(inner: Arc<dyn EventSink>) -> Arc<RunLogs> {
        Arc::new(RunLogs { inner, logs: Mutex::new(Logs::default()) })
    }

    /// What the window needs to redraw one agent; `not_found` once it has been forgotten.
    pub fn snapshot(&self, agent_id: &str) -> Result<AgentSnapshot, AppError> {
        let logs = self.logs.lock().unwrap_or_else(PoisonError::into_inner);
        let agent = logs
            .agents
            .get(agent_id)
            .ok_or_else(|| AppError::NotFound { kind: "agent", name: agent_id.to_string() })?;
        let runs = agent.runs.iter().map(RunLog::snapshot).collect();
        Ok(AgentSnapshot { agent_id: agent_id.to_string(), state: agent.state, runs })
    }

    /// How a run ended and its summary, once it has (`None` while it runs or when unknown);
    /// cheaper than a snapshot for callers that wait on a run.
    pub fn run_outcome(&self, agent_id: &str, run_id: &str) -> Option<(RunOutcome, Option<Value>)> {
        let mut logs = self.logs.lock().unwrap_or_else(PoisonError::into_inner);
        let run = logs.run(agent_id, run_id)?;
        run.outcome.map(|outcome| (outcome, run.summary.clone()))
    }

    fn record(&self, event: &AppEvent) {
        let mut logs = self.logs.lock().unwrap_or_else(PoisonError::into_inner);
        match event {
            AppEvent::AgentState { agent_id, state, .. } => {
                let agent = logs.agent(agent_id);
                agent.state = *state;
                if *state == AgentState::Stopped {
                    logs.finished.push_back((agent_id.clone(), Instant::now()));
                    logs.forget_old();
                }
            }
            AppEvent::AgentRunStarted { agent_id, run_id, label, started_at, .. } => {
                let agent = logs.agent(agent_id);
                agent.runs.push(RunLog {
                    run_id: run_id.clone(),
                    label: label.clone(),
                    started_at: started_at.clone(),
                    outcome: None,
                    summary: None,
                    messages: VecDeque::new(),
                    held: 0,
                    truncated_before: false,
                });
                if agent.runs.len() > FINISHED_RUNS {
                    agent.runs.remove(0);
                }
            }
            AppEvent::AgentMessage { agent_id, run_id, seq, items, .. } => {
                if let Some(run) = logs.run(agent_id, run_id) {
                    run.keep(*seq, items);
                }
            }
            AppEvent::AgentExit { agent_id, run_id, outcome, summary, .. } => {
                if let Some(run) = logs.run(agent_id, run_id) {
                    run.outcome = Some(*outcome);
                    run.summary.clone_from(summary);
                }
            }
            _ => {}
        }
    }
}

impl Logs {
    fn agent(&mut self, agent_id: &str) -> &mut AgentLog {
        self.agents
            .entry(agent_id.to_string())
            .or_insert_with(|| AgentLog { state: AgentState::Spawning, runs: Vec::new() })
    }

    fn run(&mut self, agent_id: &str, run_id: &str) -> Option<&mut RunLog> {
        self.agents.get_mut(agent_id)?.runs.iter_mut().rev().find(|r| r.run_id == run_id)
    }

    /// Drops finished agents older than [`KEEP_FINISHED`], then the oldest ones beyond
    /// [`FINISHED_RUNS`] runs.
    fn forget_old(&mut self) {
        let now = Instant::now();
        loop {
            let runs: usize =
                self.finished.iter().filter_map(|(id, _)| self.agents.get(id)).map(|a| a.runs.len()).sum();
            let Some((oldest, stopped)) = self.finished.front() else { return };
            if now.duration_since(*stopped) <= KEEP_FINISHED && runs <= FINISHED_RUNS {
                return;
            }
            let oldest = oldest.clone();
            self.finished.pop_front();
            // A restarted agent id is live again; keep it.
            if self.agents.get(&oldest).is_some_and(|a| a.state == AgentState::Stopped) {
                self.agents.remove(&oldest);
            }
        }
    }
}

impl EventSink for RunLogs {
    fn emit(&self, event: AppEvent) {
        if matches!(
            event,
            AppEvent::AgentState { .. }
                | AppEvent::AgentRunStarted { .. }
                | AppEvent::AgentMessage { .. }
                | AppEvent::AgentExit { .. }
        ) {
            self.record(&event);
        }
        self.inner.emit(event);
    }

    fn ready(&self) -> crate::events::Ready<'_> {
        self.inner.ready()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::events::NullSink;
    use crate::protocol::sidecar::AgentKind;

    fn state(agent: &str, state: AgentState) -> AppEvent {
        AppEvent::AgentState {
            agent_id: agent.into(),
            skill_name: None,
            kind: AgentKind::Feedback,
            state,
            reason: None,
            exit_code: None,
            stderr_tail: Vec::new(),
        }
    }

    fn started(agent: &str, run: &str) -> AppEvent {
        AppEvent::AgentRunStarted {
            agent_id: agent.into(),
            run_id: run.into(),
            skill_name: None,
            kind: AgentKind::Feedback,
            label: "feedback".into(),
            model: "sonnet".into(),
            started_at: "2026-11-26T00:00:00.000Z".into(),
            transcript_path: None,
        }
    }

    fn message(agent: &str, run: &str, seq: u64, items: usize) -> AppEvent {
        let items = (0..items).map(|i| json!({"type": "text", "text": format!("{seq}.{i}")})).collect();
        AppEvent::AgentMessage { agent_id: agent.into(), run_id: run.into(), seq, items, gap: false }
    }

    fn exit(agent: &str, run: &str) -> AppEvent {
        AppEvent::AgentExit {
            agent_id: agent.into(),
            run_id: run.into(),
            outcome: RunOutcome::Completed,
            error: None,
            summary: Some(json!({"numTurns": 1})),
        }
    }

    #[test]
    fn a_snapshot_holds_each_run_with_its_messages_and_outcome() {
        let logs = RunLogs::new(Arc::new(NullSink));
        for event in [
            state("a", AgentState::Running),
            started("a", "r1"),
            message("a", "r1", 1, 2),
            message("a", "r1", 2, 1),
            exit("a", "r1"),
            started("a", "r2"),
            message("a", "r2", 3, 1),
        ] {
            logs.emit(event);
        }
        let snapshot = logs.snapshot("a").unwrap();
        assert_eq!(snapshot.state, AgentState::Running);
        let runs: Vec<_> =
            snapshot.runs.iter().map(|r| (r.run_id.as_str(), r.first_seq, r.last_seq, r.outcome)).collect();
        assert_eq!(runs, [("r1", Some(1), Some(2), Some(RunOutcome::Completed)), ("r2", Some(3), Some(3), None)]);
        assert_eq!(snapshot.runs[0].messages[0].items[1]["text"], "1.1");
        assert!(matches!(logs.snapshot("nobody"), Err(AppError::NotFound { .. })));
    }

    #[test]
    fn a_long_run_keeps_its_latest_items() {
        let logs = RunLogs::new(Arc::new(NullSink));
        logs.emit(started("a", "r1"));
        for seq in 1..=3_000 {
            logs.emit(message("a", "r1", seq, 2));
        }
        let run = &logs.snapshot("a").unwrap().runs[0];
        let held: usize = run.messages.iter().map(|m| m.items.len()).sum();
        assert_eq!(held, ITEMS_PER_RUN);
        assert_eq!((run.first_seq, run.last_seq, run.truncated_before), (Some(501), Some(3_000), true));
    }

    #[tokio::test(start_paused = true)]
    async fn finished_agents_are_forgotten_after_thirty_minutes_or_thirty_runs() {
        let logs = RunLogs::new(Arc::new(NullSink));
        let finish = |agent: &str| {
            logs.emit(started(agent, &format!("{agent}-run")));
            logs.emit(exit(agent, &format!("{agent}-run")));
            logs.emit(state(agent, AgentState::Stopped));
        };
        finish("early");
        tokio::time::advance(KEEP_FINISHED + Duration::from_secs(1)).await;
        finish("late");
        assert!(logs.snapshot("early").is_err(), "older than thirty minutes");
        assert!(logs.snapshot("late").is_ok());
        for n in 0..FINISHED_RUNS {
            finish(&format!("agent-{n}"));
        }
        assert!(logs.snapshot("late").is_err(), "beyond the thirty most recent runs");
        assert!(logs.snapshot("agent-0").is_ok());

        for turn in 0..=FINISHED_RUNS {
            logs.emit(started("refine", &format!("turn-{turn}")));
        }
        let runs = logs.snapshot("refine").unwrap().runs;
        assert_eq!(
            (runs.len(), runs[0].run_id.as_str()),
            (FINISHED_RUNS, "turn-1"),
            "a live agent keeps its last runs"
        );
    }
}
