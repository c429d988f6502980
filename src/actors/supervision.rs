//! The root of the actor tree: the `DbActor`, `GitActor`, `ReconcilerActor` and the agents'
//! `SidecarSupervisorActor` run linked to one `RootActor`, which restarts a child from its
//! start arguments after a panic and tells the window with a `backend-degraded` event.
//!
//! Handles reach their actor through an [`ActorSlot`], a watch channel that the restart updates,
//! so every clone of a handle (commands, other actors' arguments) follows the new actor without
//! being told. A panic costs the request that was being handled (its caller gets
//! `unavailable`); a request sent while the actor was down waits for the restart and is
//! delivered to the new actor.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ractor::{Actor, ActorCell, ActorId, ActorProcessingErr, ActorRef, Message, SupervisionEvent};
use tokio::sync::watch;

use crate::events::{AppEvent, EventSink};
use crate::protocol::{ActorKind, AppError};

/// How long a request sent to a dead actor waits for its restart.
pub const RESTART_WAIT: Duration = Duration::from_secs(5);
/// More restarts than this within [`RESTART_WINDOW`] leave the actor down: a child that panics
/// at once every time would otherwise spin.
const MAX_RESTARTS: usize = 3;
const RESTART_WINDOW: Duration = Duration::from_secs(60);

/// The current actor behind a handle; restarts replace it.
pub struct ActorSlot<M: Message> {
    current: watch::Receiver<ActorRef<M>>,
}

impl<M: Message> Clone for ActorSlot<M> {
    fn clone(&self) -> Self {
        ActorSlot { current: self.current.clone() }
    }
}

impl<M: Message> ActorSlot<M> {
    /// The actor now in the slot (it may have died a moment ago).
    pub fn current(&self) -> ActorRef<M> {
        self.current.borrow().clone()
    }

    /// The actor that replaced `dead`, waiting up to `limit` for the restart; `None` when the
    /// actor stays down (restart budget spent, shutdown).
    pub async fn replacement(&self, dead: &ActorRef<M>, limit: Duration) -> Option<ActorRef<M>> {
        let mut current = self.current.clone();
        let wait = async {
            loop {
                {
                    let now = current.borrow_and_update();
                    if now.get_id() != dead.get_id() {
                        return Some(now.clone());
                    }
                }
                if current.changed().await.is_err() {
                    return None;
                }
            }
        };
        tokio::time::timeout(limit, wait).await.ok().flatten()
    }

    /// Sends without waiting for an answer; a message for a dead actor is logged and dropped.
    pub fn cast(&self, kind: ActorKind, msg: M) {
        if self.current().cast(msg).is_err() {
            tracing::warn!(actor = %kind, "the actor is not running; a queued request was dropped");
        }
    }
}

/// A boxed future that can move to another task.
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Starts one instance of a child, linked to the root (`ActorCell`), and returns it.
type StartFn<M> = dyn Fn(ActorCell) -> BoxFuture<Result<ActorRef<M>, AppError>> + Send + Sync;
/// The type-erased restart of one child: starts a new instance and puts it in the slot.
type Restart = Arc<dyn Fn(ActorCell) -> BoxFuture<Result<ActorCell, AppError>> + Send + Sync>;

struct Child {
    kind: ActorKind,
    restart: Restart,
    restarts: Vec<Instant>,
}

impl Child {
    /// Records a restart if the budget allows one now.
    fn may_restart(&mut self, now: Instant) -> bool {
        self.restarts.retain(|at| now.duration_since(*at) < RESTART_WINDOW);
        if self.restarts.len() >= MAX_RESTARTS {
            return false;
        }
        self.restarts.push(now);
        true
    }
}

/// What the root is told.
pub enum RootMsg {
    /// Watch a started child and restart it with `restart` when it fails.
    Watch { id: ActorId, kind: ActorKind, restart: Restart },
}

struct RootActor;

struct RootState {
    children: HashMap<ActorId, Child>,
    events: Arc<dyn EventSink>,
}

impl Actor for RootActor {
    type Msg = RootMsg;
    type State = RootState;
    type Arguments = Arc<dyn EventSink>;

    async fn pre_start(
        &self,
        _me: ActorRef<RootMsg>,
        events: Arc<dyn EventSink>,
    ) -> Result<RootState, ActorProcessingErr> {
        Ok(RootState { children: HashMap::new(), events })
    }

    async fn handle(
        &self,
        _me: ActorRef<RootMsg>,
        msg: RootMsg,
        state: &mut RootState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            RootMsg::Watch { id, kind, restart } => {
                state.children.insert(id, Child { kind, restart, restarts: Vec::new() });
            }
        }
        Ok(())
    }

    /// Never returns `Err`: that would stop the root and with it every child.
    async fn handle_supervisor_evt(
        &self,
        me: ActorRef<RootMsg>,
        event: SupervisionEvent,
        state: &mut RootState,
    ) -> Result<(), ActorProcessingErr> {
        match event {
            SupervisionEvent::ActorFailed(cell, err) => {
                let Some(mut child) = state.children.remove(&cell.get_id()) else { return Ok(()) };
                let reason = err.to_string();
                tracing::error!(actor = %child.kind, %reason, "an actor failed; restarting it");
                let kind = child.kind;
                let restarted = if child.may_restart(Instant::now()) {
                    match (child.restart)(me.get_cell()).await {
                        Ok(new_cell) => {
                            state.children.insert(new_cell.get_id(), child);
                            tracing::info!(actor = %kind, "actor restarted");
                            true
                        }
                        Err(err) => {
                            tracing::error!(actor = %kind, %err, "the actor could not be restarted");
                            false
                        }
                    }
                } else {
                    tracing::error!(actor = %kind, "the actor failed too often; it stays down");
                    false
                };
                state.events.emit(AppEvent::BackendDegraded { actor: kind, reason, restarted });
            }
            SupervisionEvent::ActorTerminated(cell, _, _) => {
                state.children.remove(&cell.get_id());
            }
            _ => {}
        }
        Ok(())
    }
}

/// The typed handle of the root supervisor.
#[derive(Clone)]
pub struct RootHandle(ActorRef<RootMsg>);

impl RootHandle {
    pub async fn start(events: Arc<dyn EventSink>) -> Result<RootHandle, AppError> {
        let (root, _join) = Actor::spawn(None, RootActor, events)
            .await
            .map_err(|e| AppError::Internal(format!("root supervisor: {e}")))?;
        Ok(RootHandle(root))
    }

    /// Starts a child with `start`, linked to the root, and keeps restarting it the same way
    /// after a failure; the returned slot always holds the live instance.
    pub async fn supervise<M, F>(&self, kind: ActorKind, start: F) -> Result<ActorSlot<M>, AppError>
    where
        M: Message,
        F: Fn(ActorCell) -> BoxFuture<Result<ActorRef<M>, AppError>> + Send + Sync + 'static,
    {
        let start: Arc<StartFn<M>> = Arc::new(start);
        let first = start(self.0.get_cell()).await?;
        let id = first.get_id();
        let (slot, current) = watch::channel(first);
        let restart: Restart = Arc::new(move |root| {
            let start = start.clone();
            let slot = slot.clone();
            Box::pin(async move {
                let actor = start(root).await?;
                let cell = actor.get_cell();
                slot.send_replace(actor);
                Ok(cell)
            })
        });
        if self.0.cast(RootMsg::Watch { id, kind, restart }).is_err() {
            return Err(AppError::Unavailable { actor: kind });
        }
        Ok(ActorSlot { current })
    }

    /// Stops the root once its children are stopped.
    pub async fn stop(&self) {
        if let Err(err) = self.0.stop_and_wait(Some("shutdown".into()), Some(Duration::from_secs(2))).await {
            tracing::warn!(%err, "the root supervisor did not stop in time");
        }
    }
}
