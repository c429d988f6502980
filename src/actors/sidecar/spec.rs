//! What an agent is started with: its identity, config, secrets, timings and where its
//! records go. Built by the command layer; consumed by the supervisor and the agent actor.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::clock::SharedClock;
use crate::events::EventSink;
use crate::protocol::sidecar::{AgentKind, SidecarConfig};
use crate::protocol::{RunCompletion, RunStart};
use crate::secrets::Sensitive;

/// The seed's idle timeout: a warm agent with no traffic for this long is stopped.
pub const AGENT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// One agent to start.
#[derive(Debug, Clone)]
pub struct AgentSpec {
    pub agent_id: String,
    pub kind: AgentKind,
    pub skill: Option<String>,
    pub step: Option<u8>,
    pub workflow_session_id: Option<String>,
    pub config: SidecarConfig,
    pub api_key: Option<Sensitive<String>>,
    /// `WS/logs/<skill>` (or `_unassigned`); `None` writes no transcript.
    pub transcript_dir: Option<PathBuf>,
    pub cwd: PathBuf,
    pub claude_config_dir: PathBuf,
    pub mock: bool,
}

/// Every deadline of an agent, injectable so tests can shorten them.
#[derive(Debug, Clone, Copy)]
pub struct AgentTimings {
    pub handshake: Duration,
    pub idle: Duration,
    pub heartbeat: Duration,
    /// How long a `pong` may take; two misses in a row mean the sidecar hangs.
    pub pong_timeout: Duration,
    pub cancel_deadline: Duration,
    pub stop_grace: Duration,
    pub write_timeout: Duration,
    pub flush_every: Duration,
}

impl Default for AgentTimings {
    fn default() -> Self {
        AgentTimings {
            handshake: Duration::from_secs(10),
            idle: AGENT_IDLE_TIMEOUT,
            heartbeat: Duration::from_secs(30),
            pong_timeout: Duration::from_secs(5),
            cancel_deadline: Duration::from_secs(15),
            stop_grace: Duration::from_secs(4),
            write_timeout: Duration::from_secs(5),
            flush_every: Duration::from_secs(2),
        }
    }
}

/// Run rows for `agent_runs`, written in order by one recorder task so an agent never waits
/// on the database.
#[derive(Debug, Clone, PartialEq)]
pub enum RunRecord {
    Started(RunStart),
    Finished(RunCompletion),
}

/// What every agent shares.
#[derive(Clone)]
pub struct AgentContext {
    pub events: Arc<dyn EventSink>,
    pub records: mpsc::UnboundedSender<RunRecord>,
    pub clock: SharedClock,
    pub timings: AgentTimings,
}
