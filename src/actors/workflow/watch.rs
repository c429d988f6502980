//! Which agents the workflow engine is waiting for, and the event tap that hands it their
//! `agent-exit` before the window sees it, so a step's completion hooks run first (§5.3).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::{Notify, mpsc};

use crate::events::{AppEvent, EventSink, Ready};
use crate::workflow::finish::SkillMeta;
use crate::workflow::verify::SkillDirs;

/// What a watched agent does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Step(u8),
    Gate(u8),
    Validate,
}

/// A watched agent and what its hook needs.
#[derive(Debug, Clone)]
pub struct WatchEntry {
    pub task: Task,
    pub dirs: SkillDirs,
    pub meta: SkillMeta,
    pub session_id: Option<String>,
    /// The one repair turn (§5.4) was sent.
    pub repaired: bool,
}

/// Shared by the commands (which register an agent before starting it, so even an instant
/// result is caught), the tap and the actor.
#[derive(Default)]
pub struct Watch {
    agents: Mutex<HashMap<String, WatchEntry>>,
    ended: OnceLock<mpsc::UnboundedSender<AppEvent>>,
    idle: Notify,
}

impl Watch {
    pub fn add(&self, agent_id: &str, entry: WatchEntry) {
        if let Ok(mut map) = self.agents.lock() {
            map.insert(agent_id.into(), entry);
        }
    }

    pub fn get(&self, agent_id: &str) -> Option<WatchEntry> {
        self.agents.lock().ok().and_then(|m| m.get(agent_id).cloned())
    }

    pub fn mark_repaired(&self, agent_id: &str) {
        if let Some(e) = self.agents.lock().ok().as_mut().and_then(|m| m.get_mut(agent_id)) {
            e.repaired = true;
        }
    }

    pub fn remove(&self, agent_id: &str) {
        if let Ok(mut map) = self.agents.lock() {
            map.remove(agent_id);
        }
        self.idle.notify_waiters();
    }

    /// Whether an agent of `skill` is watched (a step, gate or Validate in flight).
    pub fn busy(&self, skill: &str) -> bool {
        self.agents.lock().is_ok_and(|m| m.values().any(|e| e.dirs.name == skill))
    }

    /// Resolves once no agent of `skill` is watched.
    pub async fn wait_idle(&self, skill: &str) {
        loop {
            let notified = self.idle.notified();
            if !self.busy(skill) {
                return;
            }
            notified.await;
        }
    }

    pub(super) fn connect(&self, tx: mpsc::UnboundedSender<AppEvent>) {
        let _ = self.ended.set(tx);
    }
}

/// The agents' event sink: passes everything on, except the `agent-exit` of watched agents,
/// which goes to the `WorkflowActor` and is emitted by it after the hook.
pub struct WorkflowTap {
    pub inner: Arc<dyn EventSink>,
    pub watch: Arc<Watch>,
}

impl EventSink for WorkflowTap {
    fn emit(&self, event: AppEvent) {
        if let AppEvent::AgentExit { agent_id, .. } = &event
            && self.watch.get(agent_id).is_some()
            && let Some(tx) = self.watch.ended.get()
        {
            match tx.send(event) {
                Ok(()) => return,
                Err(mpsc::error::SendError(event)) => return self.inner.emit(event),
            }
        }
        self.inner.emit(event);
    }

    fn ready(&self) -> Ready<'_> {
        self.inner.ready()
    }
}
