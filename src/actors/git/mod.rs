//! `GitActor`: the only owner of the skills folder's git repository (backend.md §6).
//!
//! libgit2 blocks, so every request moves the [`GitCore`] onto a blocking thread and back; the
//! actor awaits it, which also serialises every git write of this instance. Requests that
//! arrive while the repository is first opened (an initial commit can take seconds) queue.

mod commit;
mod core;
mod create;
mod diff;
mod history;
mod initial;
mod lock;
mod ops;
mod packer;
mod pending;
mod restore;
mod snapshot;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ractor::{Actor, ActorProcessingErr, ActorRef};

pub use self::commit::{EVENT_TRAILER, RENAMED_TRAILER, SKILL_TRAILER};
use self::core::GitCore;
pub use self::core::GitSettings;
pub use self::ops::parse_sha;
use super::ask::{Reply, answer, ask};
use super::supervision::{ActorSlot, RootHandle};
use crate::clock::SharedClock;
use crate::protocol::{ActorKind, AppError, GitStatus, RestoreReport, SkillCommit, SkillDiff};

/// How long a command waits for git (backend.md §1.1); restores check out whole folders.
const GIT_TIMEOUT: Duration = Duration::from_secs(60);
const RESTORE_TIMEOUT: Duration = Duration::from_secs(120);
/// Queued commits get this long to finish at shutdown.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// Why a commit is made, which decides what happens when git cannot commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitKind {
    /// Recording a change the user made through the app; never fails the user's command.
    Auto,
    /// A safety commit before something is deleted or replaced; `Skipped` tells the caller
    /// to fall back to a copy in the app's trash.
    Checkpoint,
    /// Part of an operation the user asked for (restore, moving the skills folder): git must work.
    Explicit,
}

/// One commit of some top-level paths of the skills folder.
#[derive(Debug, Clone)]
pub struct CommitRequest {
    /// Top-level folders (or files) staged, as they are now on disk; a missing one is removed.
    pub paths: Vec<String>,
    pub summary: String,
    /// The `Skill-Builder-Event` trailer.
    pub event: String,
    /// Skills named in `Skill-Builder-Skill` trailers (history reads them).
    pub skills: Vec<String>,
    pub trailers: Vec<(&'static str, String)>,
    pub kind: CommitKind,
    pub allow_empty: bool,
}

impl CommitRequest {
    /// An automatic commit of skill folders.
    pub fn auto(skills: &[String], summary: String, event: &str) -> Self {
        CommitRequest {
            paths: skills.to_vec(),
            summary,
            event: event.to_string(),
            skills: skills.to_vec(),
            trailers: Vec::new(),
            kind: CommitKind::Auto,
            allow_empty: false,
        }
    }
}

/// What a commit request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitOutcome {
    Committed {
        sha: String,
        ignored: u32,
    },
    /// Nothing changed; `head` holds the current state (if the repository has commits).
    Unchanged {
        head: Option<String>,
        ignored: u32,
    },
    /// Git could not or may not commit now (disabled, switched off, merge in progress…).
    Skipped {
        reason: String,
    },
}

impl CommitOutcome {
    /// The commit that holds the current state, when there is one.
    pub fn sha(&self) -> Option<&str> {
        match self {
            CommitOutcome::Committed { sha, .. } => Some(sha),
            CommitOutcome::Unchanged { head, .. } => head.as_deref(),
            CommitOutcome::Skipped { .. } => None,
        }
    }

    /// Files inside the committed folders that `.gitignore` kept out of the commit.
    pub fn ignored(&self) -> u32 {
        match self {
            CommitOutcome::Committed { ignored, .. } | CommitOutcome::Unchanged { ignored, .. } => *ignored,
            CommitOutcome::Skipped { .. } => 0,
        }
    }
}

/// Everything the git actor can be asked.
pub enum GitMsg {
    Open { root: Option<PathBuf>, settings: GitSettings, reply: Option<Reply<GitStatus>> },
    Status { reply: Reply<GitStatus> },
    Commit { req: Box<CommitRequest>, reply: Option<Reply<CommitOutcome>> },
    RecordExternal { skills: BTreeSet<String>, reply: Option<Reply<CommitOutcome>> },
    History { skill: String, limit: usize, before: Option<String>, reply: Reply<Vec<SkillCommit>> },
    Diff { skill: String, from: String, to: Option<String>, reply: Reply<SkillDiff> },
    Restore { skill: String, sha: String, reply: Reply<RestoreReport> },
    CommitAt { root: PathBuf, skills: Vec<String>, summary: String, reply: Reply<Option<String>> },
}

/// Startup arguments of the [`GitActor`].
#[derive(Clone)]
pub struct GitArgs {
    pub clock: SharedClock,
    /// Folders never to turn into a repository (the app data dir and the workspace).
    pub protected: Vec<PathBuf>,
}

type Published = Arc<Mutex<Option<GitStatus>>>;
/// The folder and settings of the last `Open`, so an actor restarted after a panic opens the
/// same repository again.
type Opened = Arc<Mutex<(Option<PathBuf>, GitSettings)>>;

pub struct GitActor;

/// The core, or `None` while it is out on the blocking thread (or was lost to a panic there).
pub struct GitActorState {
    core: Option<GitCore>,
    /// The status after the last request, readable without waiting for a busy actor.
    published: Published,
    opened: Opened,
    clock: SharedClock,
    protected: Vec<PathBuf>,
    root: Option<PathBuf>,
    settings: GitSettings,
}

impl GitActorState {
    /// The core; after a panic on the blocking thread a fresh one reopens the repository.
    fn take(&mut self) -> GitCore {
        self.core.take().unwrap_or_else(|| {
            GitCore::reopening(self.clock.clone(), self.protected.clone(), self.root.clone(), self.settings)
        })
    }
}

impl Actor for GitActor {
    type Msg = GitMsg;
    type State = GitActorState;
    type Arguments = (GitArgs, Published, Opened);

    async fn pre_start(
        &self,
        _me: ActorRef<GitMsg>,
        (args, published, opened): (GitArgs, Published, Opened),
    ) -> Result<GitActorState, ActorProcessingErr> {
        let (root, settings) = opened.lock().map(|o| o.clone()).unwrap_or_default();
        let core = GitCore::reopening(args.clock.clone(), args.protected.clone(), root.clone(), settings);
        Ok(GitActorState {
            core: Some(core),
            published,
            opened,
            clock: args.clock,
            protected: args.protected,
            root,
            settings,
        })
    }

    async fn handle(
        &self,
        _me: ActorRef<GitMsg>,
        msg: GitMsg,
        state: &mut GitActorState,
    ) -> Result<(), ActorProcessingErr> {
        crate::crashpoint::panic_point("git");
        match msg {
            GitMsg::Open { root, settings, reply } => {
                state.root = root.clone();
                state.settings = settings;
                if let Ok(mut opened) = state.opened.lock() {
                    *opened = (root.clone(), settings);
                }
                run(state, reply, move |core| Ok(core.reopen(root, settings))).await;
            }
            GitMsg::Status { reply } => run(state, Some(reply), |core| Ok(core.status())).await,
            GitMsg::Commit { req, reply } => run(state, reply, move |core| core.commit(&req)).await,
            GitMsg::RecordExternal { skills, reply } => {
                run(state, reply, move |core| core.record_external(&skills)).await;
            }
            GitMsg::History { skill, limit, before, reply } => {
                run(state, Some(reply), move |core| core.history(&skill, limit, before.as_deref())).await;
            }
            GitMsg::Diff { skill, from, to, reply } => {
                run(state, Some(reply), move |core| core.diff(&skill, &from, to.as_deref())).await;
            }
            GitMsg::Restore { skill, sha, reply } => {
                run(state, Some(reply), move |core| core.restore(&skill, &sha)).await;
            }
            GitMsg::CommitAt { root, skills, summary, reply } => {
                run(state, Some(reply), move |core| core.commit_at(root, &skills, summary)).await;
            }
        }
        Ok(())
    }
}

/// Runs `work` on a blocking thread with the core and puts the core back. A caller that gave
/// up is skipped; a panic costs only this request (the next one reopens the repository).
async fn run<T, F>(state: &mut GitActorState, reply: Option<Reply<T>>, work: F)
where
    T: Send + 'static,
    F: FnOnce(&mut GitCore) -> Result<T, AppError> + Send + 'static,
{
    if reply.as_ref().is_some_and(|r| r.is_closed()) {
        return;
    }
    let mut core = state.take();
    let outcome = tokio::task::spawn_blocking(move || {
        let result = work(&mut core);
        (core, result)
    })
    .await;
    let result = match outcome {
        Ok((core, result)) => {
            if let Ok(mut published) = state.published.lock() {
                *published = Some(core.status.clone());
            }
            state.core = Some(core);
            result
        }
        Err(err) => {
            tracing::error!(%err, "a git task panicked; the repository is reopened on the next request");
            Err(AppError::Internal(format!("git task failed: {err}")))
        }
    };
    match reply {
        Some(reply) => answer(reply, result),
        None => {
            if let Err(err) = result {
                tracing::warn!(%err, "background git work failed");
            }
        }
    }
}

/// The typed handle commands and other actors use to reach the [`GitActor`].
#[derive(Clone)]
pub struct GitHandle(ActorSlot<GitMsg>, Published);

impl GitHandle {
    /// Starts the actor under the root supervisor, which restarts it after a panic.
    pub async fn start(root: &RootHandle, args: GitArgs) -> Result<Self, AppError> {
        let published: Published = Arc::new(Mutex::new(None));
        let opened: Opened = Arc::new(Mutex::new((None, GitSettings::default())));
        let shared = published.clone();
        let slot = root
            .supervise(ActorKind::Git, move |supervisor| {
                let arguments = (args.clone(), shared.clone(), opened.clone());
                Box::pin(async move {
                    Actor::spawn_linked(None, GitActor, arguments, supervisor)
                        .await
                        .map(|(actor, _)| actor)
                        .map_err(|e| AppError::Internal(format!("git actor: {e}")))
                })
            })
            .await?;
        Ok(GitHandle(slot, published))
    }

    /// The status as of the last git request, without waiting (a restore or an initial commit
    /// may keep the actor busy); `None` before the repository was first opened.
    pub fn last_status(&self) -> Option<GitStatus> {
        self.1.lock().ok().and_then(|s| s.clone())
    }

    async fn ask<T: Send + 'static>(&self, op: &str, msg: impl FnOnce(Reply<T>) -> GitMsg) -> Result<T, AppError> {
        ask(&self.0, ActorKind::Git, op, GIT_TIMEOUT, msg).await
    }

    /// Starts opening `root` in the background; requests queue behind it.
    pub fn open(&self, root: Option<PathBuf>, settings: GitSettings) {
        self.0.cast(ActorKind::Git, GitMsg::Open { root, settings, reply: None });
    }

    /// Switches to `root` (or new settings) and waits for the outcome.
    pub async fn reopen(&self, root: Option<PathBuf>, settings: GitSettings) -> Result<GitStatus, AppError> {
        self.ask("open the skills repository", |reply| GitMsg::Open { root, settings, reply: Some(reply) }).await
    }

    pub async fn status(&self) -> Result<GitStatus, AppError> {
        self.ask("git status", |reply| GitMsg::Status { reply }).await
    }

    pub async fn commit(&self, req: CommitRequest) -> Result<CommitOutcome, AppError> {
        self.ask("git commit", |reply| GitMsg::Commit { req: Box::new(req), reply: Some(reply) }).await
    }

    /// An automatic commit. It never fails the caller: problems are logged and kept as the
    /// status notice. Returns the new commit, if one was made.
    pub async fn auto_commit(&self, req: CommitRequest) -> Option<String> {
        match self.commit(req).await {
            Ok(CommitOutcome::Committed { sha, .. }) => Some(sha),
            Ok(_) => None,
            Err(err) => {
                tracing::warn!(%err, "automatic commit failed");
                None
            }
        }
    }

    /// `<skill>: checkpoint before <operation>`. `Skipped` means: fall back to a trash copy.
    pub async fn checkpoint(&self, skill: &str, operation: &str) -> Result<CommitOutcome, AppError> {
        let names = [skill.to_string()];
        let mut req = CommitRequest::auto(&names, format!("{skill}: checkpoint before {operation}"), "checkpoint");
        req.kind = CommitKind::Checkpoint;
        self.commit(req).await
    }

    /// `{skill}: step {n} ({name}) completed` (agents-and-workflow.md §5.12), for the workflow engine.
    pub async fn commit_workflow_step(&self, skill: &str, step: u8, step_name: &str) -> Option<String> {
        let names = [skill.to_string()];
        let summary = format!("{skill}: step {step} ({step_name}) completed");
        self.auto_commit(CommitRequest::auto(&names, summary, "step_completed")).await
    }

    /// Queues reconciliation's commit of outside changes to `skills` (pass 3); not awaited.
    pub fn record_external(&self, skills: BTreeSet<String>) {
        self.0.cast(ActorKind::Git, GitMsg::RecordExternal { skills, reply: None });
    }

    /// Like [`GitHandle::record_external`], but waits for the outcome.
    pub async fn record_external_now(&self, skills: BTreeSet<String>) -> Result<CommitOutcome, AppError> {
        self.ask("record external changes", |reply| GitMsg::RecordExternal { skills, reply: Some(reply) }).await
    }

    pub async fn history(
        &self,
        skill: &str,
        limit: usize,
        before: Option<String>,
    ) -> Result<Vec<SkillCommit>, AppError> {
        self.ask("skill history", |reply| GitMsg::History { skill: skill.into(), limit, before, reply }).await
    }

    pub async fn diff(&self, skill: &str, from: String, to: Option<String>) -> Result<SkillDiff, AppError> {
        self.ask("skill diff", |reply| GitMsg::Diff { skill: skill.into(), from, to, reply }).await
    }

    pub async fn restore(&self, skill: &str, sha: String) -> Result<RestoreReport, AppError> {
        let msg = |reply| GitMsg::Restore { skill: skill.into(), sha, reply };
        ask(&self.0, ActorKind::Git, "restore", RESTORE_TIMEOUT, msg).await
    }

    /// Records a skills-folder move in the new folder's history.
    pub async fn commit_at(
        &self,
        root: PathBuf,
        skills: Vec<String>,
        summary: String,
    ) -> Result<Option<String>, AppError> {
        self.ask("commit in the new skills folder", |reply| GitMsg::CommitAt { root, skills, summary, reply }).await
    }

    /// Lets queued commits finish (up to 3 s), then stops the actor.
    pub async fn stop(&self) {
        let actor = self.0.current();
        if let Err(err) = actor.drain_and_wait(Some(STOP_GRACE)).await {
            tracing::warn!(%err, "the git actor did not stop in time");
            actor.stop(Some("shutdown".into()));
        }
    }
}
