//! The agent runtime: a supervisor with one `AgentActor` per agent, each owning one Node
//! sidecar process. `SidecarHandle` is the typed facade the commands use.

mod agent;
mod env;
pub mod process;
mod spec;
mod supervisor;
pub mod transcript;
mod wire;

use std::sync::Arc;
use std::time::Duration;

use ractor::Actor;
use tokio::sync::mpsc;

pub use process::{ExitInfo, LaunchSpec, NodeLauncher, ProcessControl, SidecarLauncher, SidecarProcess, spawn_process};
pub use spec::{AGENT_IDLE_TIMEOUT, AgentContext, AgentSpec, AgentTimings, RunRecord};
use supervisor::{SidecarSupervisorActor, SupervisorArgs, SupervisorMsg};

use super::ask::ask;
use super::db::DbHandle;
use super::supervision::{ActorSlot, RootHandle};
use crate::protocol::{ActorKind, AgentHandle, AgentInfo, AppError, StopReport};

/// Spawn plus handshake (10 s) plus margin.
const START_TIMEOUT: Duration = Duration::from_secs(20);
const ASK_TIMEOUT: Duration = Duration::from_secs(5);
/// Stops wait for the sidecars' grace period, then kill.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// Typed access to the [`SidecarSupervisorActor`].
#[derive(Clone)]
pub struct SidecarHandle {
    actor: ActorSlot<SupervisorMsg>,
}

impl SidecarHandle {
    /// Starts the agent supervisor under the root supervisor, which restarts it after a panic
    /// (its agents die with it; their runs end with `agent-exit`).
    pub async fn start(
        root: &RootHandle,
        launcher: Arc<dyn SidecarLauncher>,
        ctx: AgentContext,
    ) -> Result<Self, AppError> {
        let actor = root
            .supervise(ActorKind::Supervisor, move |supervisor| {
                let args = SupervisorArgs { launcher: launcher.clone(), ctx: ctx.clone() };
                Box::pin(async move {
                    Actor::spawn_linked(None, SidecarSupervisorActor, args, supervisor)
                        .await
                        .map(|(actor, _)| actor)
                        .map_err(|e| AppError::Internal(format!("agent supervisor: {e}")))
                })
            })
            .await?;
        Ok(SidecarHandle { actor })
    }

    /// Starts an agent and its first run; answers once the sidecar is ready and the run began.
    pub async fn start_agent(&self, spec: AgentSpec, launch: LaunchSpec, limit: u32) -> Result<AgentHandle, AppError> {
        ask(&self.actor, ActorKind::Supervisor, "start agent", START_TIMEOUT, |reply| SupervisorMsg::Start {
            spec: Box::new(spec),
            launch: Box::new(launch),
            limit,
            reply,
        })
        .await
    }

    /// A further turn for a warm agent (refine).
    pub async fn send(&self, agent_id: &str, text: &str) -> Result<AgentHandle, AppError> {
        ask(&self.actor, ActorKind::Supervisor, "send to agent", ASK_TIMEOUT, |reply| SupervisorMsg::Send {
            agent_id: agent_id.into(),
            text: text.into(),
            reply,
        })
        .await
    }

    pub async fn cancel(&self, run_id: &str) -> Result<(), AppError> {
        ask(&self.actor, ActorKind::Supervisor, "cancel run", ASK_TIMEOUT, |reply| SupervisorMsg::Cancel {
            run_id: run_id.into(),
            reply,
        })
        .await
    }

    pub async fn stop_skill(&self, skill: &str) -> Result<StopReport, AppError> {
        ask(&self.actor, ActorKind::Supervisor, "stop skill agents", STOP_TIMEOUT, |reply| SupervisorMsg::StopSkill {
            skill: skill.into(),
            reply,
        })
        .await
    }

    /// Stops one agent (the `WorkflowActor` ending a verified step); an unknown id stops nothing.
    pub async fn stop_agent(&self, agent_id: &str) -> Result<StopReport, AppError> {
        self.stop_agents(vec![agent_id.to_string()]).await
    }

    /// Stops the named agents gracefully (killing what does not stop in time).
    pub async fn stop_agents(&self, agent_ids: Vec<String>) -> Result<StopReport, AppError> {
        ask(&self.actor, ActorKind::Supervisor, "stop agents", STOP_TIMEOUT, |reply| SupervisorMsg::StopAgents {
            agent_ids,
            reply,
        })
        .await
    }

    pub async fn list_active(&self) -> Result<Vec<AgentInfo>, AppError> {
        ask(&self.actor, ActorKind::Supervisor, "list agents", ASK_TIMEOUT, |reply| SupervisorMsg::ListActive { reply })
            .await
    }

    /// Stops every agent (no new ones start afterwards), then the supervisor itself.
    pub async fn shutdown(&self) -> Result<StopReport, AppError> {
        let report = ask(&self.actor, ActorKind::Supervisor, "stop all agents", STOP_TIMEOUT, |reply| {
            SupervisorMsg::ShutdownAll { reply }
        })
        .await;
        if let Err(err) =
            self.actor.current().stop_and_wait(Some("shutdown".into()), Some(Duration::from_secs(2))).await
        {
            tracing::warn!(%err, "agent supervisor did not stop in time");
        }
        report
    }

    /// Whether the supervisor is still running (it must survive every child's death).
    pub fn is_alive(&self) -> bool {
        matches!(self.actor.current().get_status(), ractor::ActorStatus::Running)
    }
}

/// Writes run records to the database in order, off the agents' path. The task ends when
/// every sender (the supervisor and its agents) is gone, so awaiting it drains the queue.
pub fn spawn_run_recorder(db: DbHandle) -> (mpsc::UnboundedSender<RunRecord>, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<RunRecord>();
    let task = tokio::spawn(async move {
        while let Some(record) = rx.recv().await {
            let result = match record {
                RunRecord::Started(start) => db.record_run_start(start).await,
                RunRecord::Finished(done) => db.record_run_completion(done).await.map(|_| ()),
            };
            if let Err(err) = result {
                tracing::warn!(%err, "could not record an agent run");
            }
        }
    });
    (tx, task)
}
