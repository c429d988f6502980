//! `SidecarSupervisorActor`: one `AgentActor` child per agent, the concurrency rules between
//! them, and orderly stops. It never awaits agent work: starts forward their reply port to the
//! child, and stops run in a task that answers when the children are gone.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef, SupervisionEvent};
use tokio::task::JoinSet;

use super::agent::{AgentActor, AgentArgs, AgentMsg};
use super::process::{LaunchSpec, SidecarLauncher};
use super::spec::{AgentContext, AgentSpec};
use crate::actors::ask::{Reply, answer, ask_actor};
use crate::protocol::sidecar::AgentKind;
use crate::protocol::{ActorKind, AgentHandle, AgentInfo, AppError, StopReport};

pub enum SupervisorMsg {
    Start {
        spec: Box<AgentSpec>,
        launch: Box<LaunchSpec>,
        limit: u32,
        reply: Reply<AgentHandle>,
    },
    Send {
        agent_id: String,
        text: String,
        reply: Reply<AgentHandle>,
    },
    Cancel {
        run_id: String,
        reply: Reply<()>,
    },
    StopSkill {
        skill: String,
        reply: Reply<StopReport>,
    },
    /// Stops the named agents (a refine session's, a test's); unknown ids are skipped.
    StopAgents {
        agent_ids: Vec<String>,
        reply: Reply<StopReport>,
    },
    ListActive {
        reply: Reply<Vec<AgentInfo>>,
    },
    ShutdownAll {
        reply: Reply<StopReport>,
    },
}

pub struct SupervisorArgs {
    pub launcher: Arc<dyn SidecarLauncher>,
    pub ctx: AgentContext,
}

pub struct SidecarSupervisorActor;

struct Entry {
    actor: ActorRef<AgentMsg>,
    info: AgentInfo,
}

pub struct SupervisorState {
    launcher: Arc<dyn SidecarLauncher>,
    ctx: AgentContext,
    agents: HashMap<ActorId, Entry>,
    shutting_down: bool,
}

impl SupervisorState {
    /// A running agent of `skill` that a new `kind` would conflict with (§1.3). Test agents
    /// run side by side by design; one test per skill is the tester's rule.
    fn conflict(&self, skill: &str, kind: AgentKind) -> Option<&Entry> {
        if kind.exclusivity_group() == "test" {
            return None;
        }
        self.agents.values().find(|e| {
            e.info.skill_name.as_deref() == Some(skill) && e.info.kind.exclusivity_group() == kind.exclusivity_group()
        })
    }

    fn start(
        &mut self,
        spec: AgentSpec,
        launch: &LaunchSpec,
        limit: u32,
        reply: Reply<AgentHandle>,
    ) -> Option<(AgentArgs, AgentInfo)> {
        let refusal = if self.shutting_down {
            Some(AppError::Busy { reason: "shutting_down" })
        } else if self.agents.len() >= limit as usize {
            Some(AppError::AgentLimit { limit })
        } else {
            spec.skill
                .as_deref()
                .and_then(|skill| self.conflict(skill, spec.kind))
                .map(|e| AppError::AgentBusy { agent_id: e.info.agent_id.clone() })
        };
        if let Some(err) = refusal {
            answer(reply, Err(err));
            return None;
        }
        let process = match self.launcher.launch(launch) {
            Ok(process) => process,
            Err(err) => {
                answer(reply, Err(err));
                return None;
            }
        };
        let first_run_id = format!("run-{}", uuid::Uuid::now_v7());
        let info = AgentInfo {
            agent_id: spec.agent_id.clone(),
            kind: spec.kind,
            skill_name: spec.skill.clone(),
            run_id: Some(first_run_id.clone()),
            started_at: self.ctx.clock.now_str(),
            model: spec.config.model.clone(),
            pid: process.pid,
        };
        Some((AgentArgs { spec, process, first_run_id, start_reply: reply, ctx: self.ctx.clone() }, info))
    }

    /// Asks every given agent to shut down; answers when all are gone (killing stragglers).
    fn stop_agents(&self, targets: Vec<ActorRef<AgentMsg>>, reply: Reply<StopReport>) {
        let wait = self.ctx.timings.stop_grace + Duration::from_secs(2);
        tokio::spawn(async move {
            let mut pending = JoinSet::new();
            for agent in targets {
                pending.spawn(async move {
                    let forced =
                        ask_actor(&agent, ActorKind::Agent, "stop agent", wait, |reply| AgentMsg::Shutdown { reply })
                            .await
                            .unwrap_or(true);
                    if forced {
                        // The actor's state drop kills the process group.
                        agent.kill();
                    }
                    forced
                });
            }
            let mut report = StopReport::default();
            while let Some(done) = pending.join_next().await {
                report.stopped += 1;
                if done.unwrap_or(true) {
                    report.forced += 1;
                }
            }
            answer(reply, Ok(report));
        });
    }
}

impl Actor for SidecarSupervisorActor {
    type Msg = SupervisorMsg;
    type State = SupervisorState;
    type Arguments = SupervisorArgs;

    async fn pre_start(
        &self,
        _me: ActorRef<SupervisorMsg>,
        args: SupervisorArgs,
    ) -> Result<SupervisorState, ActorProcessingErr> {
        Ok(SupervisorState { launcher: args.launcher, ctx: args.ctx, agents: HashMap::new(), shutting_down: false })
    }

    async fn handle(
        &self,
        me: ActorRef<SupervisorMsg>,
        msg: SupervisorMsg,
        state: &mut SupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        crate::crashpoint::panic_point("sidecars");
        match msg {
            SupervisorMsg::Start { spec, launch, limit, reply } => {
                let Some((args, info)) = state.start(*spec, &launch, limit, reply) else { return Ok(()) };
                match Actor::spawn_linked(None, AgentActor, args, me.get_cell()).await {
                    Ok((actor, _)) => {
                        state.agents.insert(actor.get_id(), Entry { actor, info });
                    }
                    // The start reply went into the failed child's arguments; its caller sees the
                    // ask fail. This only happens if pre_start panics.
                    Err(err) => tracing::error!(%err, "could not start an agent actor"),
                }
            }
            SupervisorMsg::Send { agent_id, text, reply } => {
                match state.agents.values().find(|e| e.info.agent_id == agent_id) {
                    Some(entry) => {
                        if let Err(ractor::MessagingErr::SendErr(AgentMsg::Send { reply, .. })) =
                            entry.actor.cast(AgentMsg::Send { text, reply })
                        {
                            answer(reply, Err(AppError::Unavailable { actor: ActorKind::Agent }));
                        }
                    }
                    None => answer(reply, Err(AppError::NotFound { kind: "agent", name: agent_id })),
                }
            }
            SupervisorMsg::Cancel { run_id, reply } => {
                // Each agent ignores a run that is not its own; a handful of agents makes a
                // broadcast cheaper than tracking every turn's run id here.
                for entry in state.agents.values() {
                    let _ = entry.actor.cast(AgentMsg::Cancel { run_id: run_id.clone() });
                }
                answer(reply, Ok(()));
            }
            SupervisorMsg::StopSkill { skill, reply } => {
                let targets = state
                    .agents
                    .values()
                    .filter(|e| e.info.skill_name.as_deref() == Some(skill.as_str()))
                    .map(|e| e.actor.clone())
                    .collect();
                state.stop_agents(targets, reply);
            }
            SupervisorMsg::StopAgents { agent_ids, reply } => {
                let targets = state
                    .agents
                    .values()
                    .filter(|e| agent_ids.contains(&e.info.agent_id))
                    .map(|e| e.actor.clone())
                    .collect();
                state.stop_agents(targets, reply);
            }
            SupervisorMsg::ListActive { reply } => {
                let mut active: Vec<AgentInfo> = state.agents.values().map(|e| e.info.clone()).collect();
                active.sort_by(|a, b| a.started_at.cmp(&b.started_at));
                answer(reply, Ok(active));
            }
            SupervisorMsg::ShutdownAll { reply } => {
                state.shutting_down = true;
                let targets = state.agents.values().map(|e| e.actor.clone()).collect();
                state.stop_agents(targets, reply);
            }
        }
        Ok(())
    }

    /// Overridden because ractor's default stops the supervisor when any child exits, idle
    /// exits included. A child's end only removes it from the index.
    async fn handle_supervisor_evt(
        &self,
        _me: ActorRef<SupervisorMsg>,
        event: SupervisionEvent,
        state: &mut SupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        match event {
            SupervisionEvent::ActorTerminated(cell, _, reason) => {
                if let Some(entry) = state.agents.remove(&cell.get_id()) {
                    tracing::info!(agent = entry.info.agent_id, ?reason, "agent stopped");
                }
            }
            SupervisionEvent::ActorFailed(cell, err) => {
                if let Some(entry) = state.agents.remove(&cell.get_id()) {
                    tracing::error!(agent = entry.info.agent_id, %err, "agent actor failed");
                }
            }
            _ => {}
        }
        Ok(())
    }
}
