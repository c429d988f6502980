//! `ReconcilerActor`: compares the skills folder with the database (backend.md §4), keeps the
//! latest report, applies the user's resolutions, and prunes old transcripts.
//!
//! At startup it runs, in order: transcript pruning, then a full pass, then publishes the
//! report as `reconciliation-finished`. Requests are handled one at a time, so a
//! `reconcile_startup` that arrives during the startup pass simply waits for its report.

mod judge;
mod pass;
mod recover;
mod resolve;
mod scan;
mod transcripts;
mod unsaved;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, ActorProcessingErr, ActorRef};

use super::ask::{Reply, answer, ask};
use super::db::{DbHandle, Housekeeping};
use super::git::GitHandle;
use super::supervision::{ActorSlot, RootHandle};
use crate::clock::SharedClock;
use crate::config::AppPaths;
use crate::events::{AppEvent, EventSink};
use crate::instance::InstanceInfo;
use crate::protocol::{ActorKind, AppError, DiscoveryAction, OrphanAction, ReconciliationReport, RegisterAs};
pub use judge::{Verdict, classify_discovery, detected_statuses, judge_skill};

/// A pass over 10,000 skills takes well under a second; the bound covers slow disks.
const RECONCILE_TIMEOUT: Duration = Duration::from_secs(120);
const DAY: Duration = Duration::from_secs(86_400);

/// Everything the reconciler may ask or touch.
#[derive(Clone)]
pub struct ReconcilerArgs {
    pub db: DbHandle,
    pub git: GitHandle,
    pub paths: AppPaths,
    pub clock: SharedClock,
    pub events: Arc<dyn EventSink>,
    /// `--skills-path`, which wins over the setting.
    pub skills_path_override: Option<PathBuf>,
    /// What start-up housekeeping repaired before the actor existed (reported by the first pass).
    pub startup: Housekeeping,
    /// This process, to tell its own pending operations from those of dead ones.
    pub instance: InstanceInfo,
}

/// Everything the reconciler can be asked.
pub enum ReconcilerMsg {
    /// Prune, reconcile, publish (sent once by `Backend::start`).
    Startup,
    /// A full pass whose report is published, without a waiting caller (a new skills folder).
    Refresh,
    Run {
        force: bool,
        reply: Reply<ReconciliationReport>,
    },
    RunSkill {
        name: String,
        reply: Reply<ReconciliationReport>,
    },
    ResolveOrphan {
        name: String,
        action: OrphanAction,
        reply: Reply<ReconciliationReport>,
    },
    ResolveDiscovered {
        folder: String,
        action: DiscoveryAction,
        register_as: Option<RegisterAs>,
        reply: Reply<ReconciliationReport>,
    },
    Prune {
        reply: Reply<u32>,
    },
}

pub struct ReconcilerActor;

pub struct ReconcilerState {
    args: ReconcilerArgs,
    latest: Option<ReconciliationReport>,
    cache: scan::DetectionCache,
    cache_file: PathBuf,
    /// The detection cache being written in the background (awaited before the next pass and
    /// when the actor stops).
    saving: Option<tokio::task::JoinHandle<()>>,
    startup: Option<Housekeeping>,
}

impl Actor for ReconcilerActor {
    type Msg = ReconcilerMsg;
    type State = ReconcilerState;
    type Arguments = ReconcilerArgs;

    async fn pre_start(
        &self,
        _me: ActorRef<ReconcilerMsg>,
        args: ReconcilerArgs,
    ) -> Result<ReconcilerState, ActorProcessingErr> {
        let cache_file = args.paths.data_dir.join("cache").join("reconcile.json");
        let startup = Some(args.startup.clone());
        Ok(ReconcilerState {
            args,
            latest: None,
            cache: scan::DetectionCache::default(),
            cache_file,
            saving: None,
            startup,
        })
    }

    async fn post_stop(
        &self,
        _me: ActorRef<ReconcilerMsg>,
        state: &mut ReconcilerState,
    ) -> Result<(), ActorProcessingErr> {
        if let Some(saving) = state.saving.take() {
            let _ = saving.await;
        }
        Ok(())
    }

    async fn handle(
        &self,
        _me: ActorRef<ReconcilerMsg>,
        msg: ReconcilerMsg,
        state: &mut ReconcilerState,
    ) -> Result<(), ActorProcessingErr> {
        crate::crashpoint::panic_point("reconciler");
        match msg {
            ReconcilerMsg::Startup => {
                let pruned = prune(state).await;
                if let Err(err) = full_pass(state, pruned).await {
                    tracing::warn!(%err, "startup reconciliation failed");
                }
            }
            ReconcilerMsg::Refresh => {
                if let Err(err) = full_pass(state, 0).await {
                    tracing::warn!(%err, "reconciliation of the new skills folder failed");
                }
            }
            ReconcilerMsg::Run { force, reply } => {
                if reply.is_closed() {
                    return Ok(());
                }
                let result = match (&state.latest, force) {
                    (Some(latest), false) => Ok(latest.clone()),
                    _ => full_pass(state, 0).await,
                };
                answer(reply, result);
            }
            ReconcilerMsg::RunSkill { name, reply } => answer(reply, run_skill(state, &name).await),
            ReconcilerMsg::ResolveOrphan { name, action, reply } => {
                answer(reply, resolve::orphan(state, &name, action).await);
            }
            ReconcilerMsg::ResolveDiscovered { folder, action, register_as, reply } => {
                answer(reply, resolve::discovered(state, &folder, action, register_as).await);
            }
            ReconcilerMsg::Prune { reply } => answer(reply, Ok(prune(state).await)),
        }
        Ok(())
    }
}

/// A full pass; the result becomes the latest report and is published.
async fn full_pass(state: &mut ReconcilerState, pruned: u32) -> Result<ReconciliationReport, AppError> {
    if state.cache_file.exists() && state.latest.is_none() {
        let file = state.cache_file.clone();
        state.cache = tokio::task::spawn_blocking(move || scan::DetectionCache::load(&file)).await.unwrap_or_default();
    }
    let args = state.args.clone();
    let mut report = pass::run(&args, state, None).await?;
    report.pruned_transcripts = pruned;
    if let Some(startup) = state.startup.take() {
        report.reclaimed_locks += startup.reclaimed_locks;
    }
    state.latest = Some(report.clone());
    args.events.emit(AppEvent::ReconciliationFinished(Box::new(report.clone())));
    Ok(report)
}

/// Re-judges one skill (after a restore, a re-import or a resolution) and updates the report.
async fn run_skill(state: &mut ReconcilerState, name: &str) -> Result<ReconciliationReport, AppError> {
    let args = state.args.clone();
    let fresh = pass::run(&args, state, Some(name)).await?;
    match &mut state.latest {
        Some(latest) => {
            pass::merge_one(latest, fresh, name);
            Ok(latest.clone())
        }
        None => Ok(fresh),
    }
}

/// Deletes transcripts older than `transcript_retention_days` (by modification time), then the
/// oldest of any skill folder over its cap.
async fn prune(state: &ReconcilerState) -> u32 {
    let days = match state.args.db.settings().await {
        Ok(settings) => settings.transcript_retention_days,
        Err(err) => {
            tracing::warn!(%err, "transcript pruning skipped: settings unreadable");
            return 0;
        }
    };
    let now: std::time::SystemTime = state.args.clock.now().into();
    let Some(cutoff) = now.checked_sub(DAY * days) else { return 0 };
    let logs = state.args.paths.workspace.join("logs");
    let pruned = tokio::task::spawn_blocking(move || transcripts::prune(&logs, cutoff, transcripts::FOLDER_CAP_BYTES))
        .await
        .unwrap_or(0);
    if pruned > 0 {
        tracing::info!(pruned, days, "removed old transcripts");
    }
    pruned
}

/// The typed handle commands use to reach the [`ReconcilerActor`].
#[derive(Clone)]
pub struct ReconcilerHandle(ActorSlot<ReconcilerMsg>);

impl ReconcilerHandle {
    /// Starts the actor under the root supervisor, which restarts it after a panic.
    pub async fn start(root: &RootHandle, args: ReconcilerArgs) -> Result<Self, AppError> {
        let slot = root
            .supervise(ActorKind::Reconciler, move |supervisor| {
                let args = args.clone();
                Box::pin(async move {
                    Actor::spawn_linked(None, ReconcilerActor, args, supervisor)
                        .await
                        .map(|(actor, _)| actor)
                        .map_err(|e| AppError::Internal(format!("reconciler actor: {e}")))
                })
            })
            .await?;
        Ok(ReconcilerHandle(slot))
    }

    async fn ask<T: Send + 'static>(
        &self,
        op: &str,
        msg: impl FnOnce(Reply<T>) -> ReconcilerMsg,
    ) -> Result<T, AppError> {
        ask(&self.0, ActorKind::Reconciler, op, RECONCILE_TIMEOUT, msg).await
    }

    /// Queues the startup sequence (pruning, then a full pass, then the event).
    pub fn start_up(&self) {
        self.0.cast(ActorKind::Reconciler, ReconcilerMsg::Startup);
    }

    /// Queues a full pass whose report is published as an event.
    pub fn refresh(&self) {
        self.0.cast(ActorKind::Reconciler, ReconcilerMsg::Refresh);
    }

    /// The latest report (waiting for a running pass), or a new pass when `force` or none ran yet.
    pub async fn run(&self, force: bool) -> Result<ReconciliationReport, AppError> {
        self.ask("reconciliation", |reply| ReconcilerMsg::Run { force, reply }).await
    }

    pub async fn run_skill(&self, name: &str) -> Result<ReconciliationReport, AppError> {
        self.ask("reconcile one skill", |reply| ReconcilerMsg::RunSkill { name: name.into(), reply }).await
    }

    pub async fn resolve_orphan(&self, name: &str, action: OrphanAction) -> Result<ReconciliationReport, AppError> {
        self.ask("resolve orphan", |reply| ReconcilerMsg::ResolveOrphan { name: name.into(), action, reply }).await
    }

    pub async fn resolve_discovered(
        &self,
        folder: &str,
        action: DiscoveryAction,
        register_as: Option<RegisterAs>,
    ) -> Result<ReconciliationReport, AppError> {
        self.ask("resolve discovery", |reply| ReconcilerMsg::ResolveDiscovered {
            folder: folder.into(),
            action,
            register_as,
            reply,
        })
        .await
    }

    pub async fn prune(&self) -> Result<u32, AppError> {
        self.ask("prune transcripts", |reply| ReconcilerMsg::Prune { reply }).await
    }

    pub async fn stop(&self) {
        if let Err(err) = self.0.current().stop_and_wait(Some("shutdown".into()), Some(Duration::from_secs(5))).await {
            tracing::warn!(%err, "the reconciler did not stop in time");
        }
    }
}
