//! `WorkflowActor` (agents-and-workflow.md §5): consumes the end of every workflow agent's run
//! (steps, gates, Validate), verifies and repairs, persists statuses, snapshots, commits and
//! then lets the run's `agent-exit` through. The workflow commands check and start the agents;
//! the actor owns what happens after, one run end at a time, so two hooks of a skill never
//! interleave. It runs under the root supervisor; the agents it watches survive its restart.

mod hooks;
pub mod watch;

use std::sync::Arc;

use ractor::{Actor, ActorProcessingErr, ActorRef};
use tokio::sync::mpsc;

use super::db::DbHandle;
use super::git::GitHandle;
use super::sidecar::SidecarHandle;
use super::supervision::{ActorSlot, RootHandle};
use crate::clock::SharedClock;
use crate::events::{AppEvent, EventSink};
use crate::protocol::{ActorKind, AppError};
pub use watch::{Task, Watch, WatchEntry, WorkflowTap};

/// What the hooks use.
#[derive(Clone)]
pub struct HookCtx {
    pub db: DbHandle,
    pub git: GitHandle,
    pub sidecars: SidecarHandle,
    /// The sink behind the tap (the window, the CLI, the run logs).
    pub events: Arc<dyn EventSink>,
    pub clock: SharedClock,
    pub watch: Arc<Watch>,
}

pub enum WorkflowMsg {
    /// A watched agent's `agent-exit`, held back until its hook ran.
    RunEnded(Box<AppEvent>),
}

pub struct WorkflowActor;

impl Actor for WorkflowActor {
    type Msg = WorkflowMsg;
    type State = HookCtx;
    type Arguments = HookCtx;

    async fn pre_start(&self, _me: ActorRef<WorkflowMsg>, ctx: HookCtx) -> Result<HookCtx, ActorProcessingErr> {
        Ok(ctx)
    }

    async fn handle(
        &self,
        _me: ActorRef<WorkflowMsg>,
        msg: WorkflowMsg,
        ctx: &mut HookCtx,
    ) -> Result<(), ActorProcessingErr> {
        crate::crashpoint::panic_point("workflow");
        match msg {
            WorkflowMsg::RunEnded(event) => hooks::on_run_ended(ctx, *event).await,
        }
        Ok(())
    }
}

/// Typed access: the watch the commands register agents in.
#[derive(Clone)]
pub struct WorkflowHandle {
    watch: Arc<Watch>,
    _actor: ActorSlot<WorkflowMsg>,
}

impl WorkflowHandle {
    /// Starts the actor under the root supervisor and connects the tap's channel to it.
    pub async fn start(root: &RootHandle, ctx: HookCtx) -> Result<Self, AppError> {
        let watch = ctx.watch.clone();
        let actor = root
            .supervise(ActorKind::Workflow, move |supervisor| {
                let ctx = ctx.clone();
                Box::pin(async move {
                    Actor::spawn_linked(None, WorkflowActor, ctx, supervisor)
                        .await
                        .map(|(actor, _)| actor)
                        .map_err(|e| AppError::Internal(format!("workflow actor: {e}")))
                })
            })
            .await?;
        let (tx, mut rx) = mpsc::unbounded_channel::<AppEvent>();
        watch.connect(tx);
        let slot = actor.clone();
        tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                slot.cast(ActorKind::Workflow, WorkflowMsg::RunEnded(Box::new(event)));
            }
        });
        Ok(WorkflowHandle { watch, _actor: actor })
    }

    pub fn watch(&self) -> &Watch {
        &self.watch
    }
}
