//! `DbActor`: the only owner of the SQLite connection.
//!
//! The actor hands each request, as one closure, to one of its two connections' threads: writes
//! to the writer, reads to the read-only connection (`conn.rs` says why), and never awaits one,
//! so its mailbox never waits on SQLite. It also publishes its connections, so a `DbHandle`
//! dispatches the same closure itself and skips the mailbox (`deliver_direct`). Query code is
//! plain functions over `&mut rusqlite::Connection` in the sibling modules, testable without
//! the actor.

mod backup;
mod conn;
mod handle;
mod imports;
mod library;
mod library_changes;
mod locks;
pub mod migrate;
mod reconcile;
mod refine;
mod sessions;
mod settings;
mod skills;
mod usage;
pub mod workflow;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, ActorProcessingErr, ActorRef};

use conn::DbState;
pub use handle::DbHandle;
pub use imports::{ImportsMsg, MarketplaceRecord, NewMarketplaceSkill};
pub use reconcile::{DbSnapshot, ReconcileMsg, Registration, RunRecord, SkillRecord};
pub use refine::RefineSessionRow;
pub use sessions::Housekeeping;
pub use skills::NewSkill;
pub use workflow::{ArtifactSnapshot, StepRow, StepUpdate, WorkflowRow};

use super::ask::Reply;
use crate::instance::InstanceInfo;
use crate::protocol::*;
use crate::secrets::{SecretKey, Sensitive};

/// How long a command waits for the database (backend.md §1.1).
const DB_TIMEOUT: Duration = Duration::from_secs(10);

/// What every query may need besides the connection.
#[derive(Debug)]
pub struct DbCtx {
    pub instance: InstanceInfo,
    /// The reader's library list (`library.rs`).
    library: library::LibrarySlot,
    /// For work the connections' threads hand off (freeing a replaced library list).
    runtime: tokio::runtime::Handle,
}

/// Everything the database can be asked. One variant per query; each carries its reply port.
pub enum DbMsg {
    ListSkills {
        filter: SkillFilter,
        reply: Reply<Arc<[SkillSummary]>>,
    },
    GetSkill {
        name: String,
        reply: Reply<SkillSummary>,
    },
    CreateSkill {
        new: Box<NewSkill>,
        now: String,
        reply: Reply<SkillSummary>,
    },
    DeleteSkill {
        name: String,
        reply: Reply<()>,
    },
    RenameSkill {
        old: String,
        new: String,
        now: String,
        reply: Reply<SkillSummary>,
    },
    SetTags {
        name: String,
        tags: Vec<String>,
        now: String,
        reply: Reply<Vec<String>>,
    },
    UpdateMetadata {
        name: String,
        patch: Box<SkillMetadataPatch>,
        now: String,
        reply: Reply<SkillSummary>,
    },
    AllTags {
        reply: Reply<Vec<String>>,
    },
    InstalledNames {
        reply: Reply<Vec<InstalledSkillName>>,
    },
    AcquireLock {
        skill: String,
        purpose: LockPurpose,
        now: String,
        reply: Reply<SkillLockInfo>,
    },
    ReleaseLock {
        skill: String,
        force: bool,
        reply: Reply<()>,
    },
    CheckLock {
        skill: String,
        reply: Reply<LockStatus>,
    },
    ListLocks {
        reply: Reply<Vec<SkillLockInfo>>,
    },
    GetSettings {
        reply: Reply<AppSettings>,
    },
    UpdateSettings {
        patch: Box<SettingsPatch>,
        now: String,
        reply: Reply<AppSettings>,
    },
    SetGitHubIdentity {
        user: Option<GitHubUser>,
        now: String,
        reply: Reply<AppSettings>,
    },
    PluginExport {
        skill: String,
        reply: Reply<Option<String>>,
    },
    RecordPluginExport {
        skill: String,
        record: String,
        now: String,
        reply: Reply<()>,
    },
    GetSecret {
        key: SecretKey,
        reply: Reply<Option<Sensitive<String>>>,
    },
    SetSecret {
        key: SecretKey,
        value: Sensitive<String>,
        now: String,
        reply: Reply<()>,
    },
    ClearSecret {
        key: SecretKey,
        reply: Reply<()>,
    },
    RecordRunStart {
        start: Box<RunStart>,
        now: String,
        reply: Reply<()>,
    },
    RecordRunCompletion {
        done: Box<RunCompletion>,
        now: String,
        reply: Reply<bool>,
    },
    UsageSummary {
        filter: UsageFilter,
        reply: Reply<UsageSummary>,
    },
    Run {
        run_id: String,
        reply: Reply<AgentRunRecord>,
    },
    RecentRuns {
        limit: u32,
        reply: Reply<Vec<AgentRunRecord>>,
    },
    RecentSessions {
        limit: u32,
        filter: UsageFilter,
        reply: Reply<Vec<WorkflowSessionRecord>>,
    },
    SessionRuns {
        session_id: String,
        include_reset: bool,
        reply: Reply<Vec<AgentRunRecord>>,
    },
    StepRuns {
        skill: String,
        step: u8,
        reply: Reply<Vec<AgentRunRecord>>,
    },
    UsageByStep {
        filter: UsageFilter,
        reply: Reply<Vec<UsageByStep>>,
    },
    UsageByModel {
        filter: UsageFilter,
        reply: Reply<Vec<UsageByModel>>,
    },
    ResetUsage {
        now: String,
        reply: Reply<ResetUsageReport>,
    },
    CreateSession {
        skill: String,
        kind: SessionKind,
        now: String,
        reply: Reply<WorkflowSessionInfo>,
    },
    EndSession {
        session_id: String,
        now: String,
        reply: Reply<()>,
    },
    Housekeeping {
        now: String,
        reply: Reply<Housekeeping>,
    },
    /// Clean exit: release our locks, end our sessions, checkpoint the WAL.
    Close {
        now: String,
        reply: Reply<()>,
    },
    /// Reconciliation, restore and skills-folder queries (`reconcile.rs`).
    Reconcile(ReconcileMsg),
    /// The import registries (`imports.rs`).
    Imports(ImportsMsg),
    /// Workflow step rows, gate decisions, artifact snapshots (`workflow.rs`).
    Workflow(workflow::WorkflowDbMsg),
    /// Refine session rows (`refine.rs`).
    Refine(refine::RefineMsg),
    /// The schema version and `PRAGMA integrity_check`, for the startup report.
    Health {
        reply: Reply<(i64, String)>,
    },
}

/// Startup arguments of the [`DbActor`].
#[derive(Clone)]
pub struct DbArgs {
    pub path: PathBuf,
    pub backup_dir: Option<PathBuf>,
    pub instance: InstanceInfo,
    pub now: String,
}

/// Where the running actor publishes its connections, so a [`DbHandle`] hands each query
/// straight to a connection's thread instead of through the mailbox (one task hop less per ask).
/// Empty while no actor runs (starting, restarting, stopped): asks then go through the mailbox
/// and wait for the restart as before.
pub(super) type Direct = Arc<std::sync::RwLock<Option<DbState>>>;

/// Hands `msg` to a connection's thread; gives it back when no actor has published its
/// connections, or a supervision test wants it to meet its panic point in the actor.
pub(super) fn deliver_direct(direct: &Direct, msg: DbMsg) -> Option<DbMsg> {
    if crate::crashpoint::panics_armed() {
        return Some(msg);
    }
    match direct.read() {
        Ok(state) => match state.as_ref() {
            Some(state) => {
                dispatch(state, msg);
                None
            }
            None => Some(msg),
        },
        Err(_) => Some(msg),
    }
}

fn publish(direct: &Direct, state: Option<DbState>) {
    match direct.write() {
        Ok(mut slot) => *slot = state,
        Err(poisoned) => *poisoned.into_inner() = state,
    }
}

pub struct DbActor {
    pub(super) direct: Direct,
}

impl Actor for DbActor {
    type Msg = DbMsg;
    type State = DbState;
    type Arguments = DbArgs;

    async fn pre_start(&self, _me: ActorRef<DbMsg>, args: DbArgs) -> Result<DbState, ActorProcessingErr> {
        let DbArgs { path, backup_dir, instance, now } = args;
        let state = DbState::open(
            path,
            backup_dir,
            DbCtx { instance, library: Default::default(), runtime: tokio::runtime::Handle::current() },
            now,
        )
        .await?;
        publish(&self.direct, Some(state.clone()));
        Ok(state)
    }

    async fn post_stop(&self, _me: ActorRef<DbMsg>, state: &mut DbState) -> Result<(), ActorProcessingErr> {
        publish(&self.direct, None);
        state.close().await;
        Ok(())
    }

    async fn handle(&self, _me: ActorRef<DbMsg>, msg: DbMsg, state: &mut DbState) -> Result<(), ActorProcessingErr> {
        crate::crashpoint::panic_point("db");
        dispatch(state, msg);
        Ok(())
    }
}

/// Hands one request, as a closure, to the connection that answers it. Never waits on SQLite.
fn dispatch(state: &DbState, msg: DbMsg) {
    use DbMsg as M;
    let (w, r) = (state.writer(), state.reader());
    match msg {
        M::ListSkills { filter, reply } => r.answer(reply, move |c, x| library::list(c, x, &filter)),
        M::GetSkill { name, reply } => r.answer(reply, move |c, x| skills::get(c, x, &name)),
        M::CreateSkill { new, now, reply } => w.answer(reply, move |c, x| skills::create(c, x, &new, &now)),
        M::DeleteSkill { name, reply } => w.answer(reply, move |c, _| skills::delete(c, &name)),
        M::RenameSkill { old, new, now, reply } => w.answer(reply, move |c, x| skills::rename(c, x, &old, &new, &now)),
        M::SetTags { name, tags, now, reply } => w.answer(reply, move |c, _| skills::set_tags(c, &name, &tags, &now)),
        M::UpdateMetadata { name, patch, now, reply } => {
            w.answer(reply, move |c, x| skills::update_metadata(c, x, &name, &patch, &now))
        }
        M::AllTags { reply } => r.answer(reply, |c, _| skills::all_tags(c)),
        M::InstalledNames { reply } => r.answer(reply, |c, _| skills::installed_names(c)),
        M::AcquireLock { skill, purpose, now, reply } => {
            w.answer(reply, move |c, x| locks::acquire(c, x, &skill, purpose, &now))
        }
        M::ReleaseLock { skill, force, reply } => w.answer(reply, move |c, x| locks::release(c, x, &skill, force)),
        M::CheckLock { skill, reply } => locks::check(state, skill, reply),
        M::ListLocks { reply } => locks::list(state, reply),
        M::GetSettings { reply } => r.answer(reply, |c, _| settings::get(c)),
        M::UpdateSettings { patch, now, reply } => w.answer(reply, move |c, _| settings::update(c, &patch, &now)),
        M::GetSecret { key, reply } => r.answer(reply, move |c, _| settings::get_secret(c, key)),
        M::SetSecret { key, value, now, reply } => {
            w.answer(reply, move |c, _| settings::set_secret(c, key, &value, &now))
        }
        M::ClearSecret { key, reply } => w.answer(reply, move |c, _| settings::clear_secret(c, key)),
        M::SetGitHubIdentity { user, now, reply } => {
            w.answer(reply, move |c, _| settings::set_github_identity(c, user.as_ref(), &now))
        }
        M::PluginExport { skill, reply } => r.answer(reply, move |c, _| settings::plugin_export(c, &skill)),
        M::RecordPluginExport { skill, record, now, reply } => {
            w.answer(reply, move |c, _| settings::record_plugin_export(c, &skill, &record, &now))
        }
        M::Imports(msg) => imports::handle(state, msg),
        M::Workflow(msg) => workflow::handle(state, msg),
        M::Refine(msg) => refine::handle(state, msg),
        M::RecordRunStart { start, now, reply } => {
            w.answer(reply, move |c, x| usage::record_start(c, &start, &x.instance.instance_id, &now))
        }
        M::RecordRunCompletion { done, now, reply } => {
            w.answer(reply, move |c, _| usage::record_completion(c, &done, &now))
        }
        M::UsageSummary { filter, reply } => r.answer(reply, move |c, _| usage::summary(c, &filter)),
        M::Run { run_id, reply } => r.answer(reply, move |c, _| usage::run(c, &run_id)),
        M::RecentRuns { limit, reply } => r.answer(reply, move |c, _| usage::recent_runs(c, limit)),
        M::RecentSessions { limit, filter, reply } => {
            r.answer(reply, move |c, _| usage::recent_sessions(c, limit, &filter))
        }
        M::SessionRuns { session_id, include_reset, reply } => {
            r.answer(reply, move |c, _| usage::session_runs(c, &session_id, include_reset))
        }
        M::StepRuns { skill, step, reply } => r.answer(reply, move |c, _| usage::step_runs(c, &skill, step)),
        M::UsageByStep { filter, reply } => r.answer(reply, move |c, _| usage::by_step(c, &filter)),
        M::UsageByModel { filter, reply } => r.answer(reply, move |c, _| usage::by_model(c, &filter)),
        M::ResetUsage { now, reply } => w.answer(reply, move |c, _| usage::reset(c, &now)),
        M::CreateSession { skill, kind, now, reply } => {
            let id = ids::new_session_id();
            w.answer(reply, move |c, x| sessions::create(c, x, &skill, kind, &id, &now))
        }
        M::EndSession { session_id, now, reply } => w.answer(reply, move |c, x| sessions::end(c, x, &session_id, &now)),
        M::Housekeeping { now, reply } => w.answer(reply, move |c, x| sessions::housekeeping(c, x, &now)),
        M::Close { now, reply } => w.answer(reply, move |c, x| {
            locks::release_all_mine(c, x)?;
            sessions::end_all_mine(c, x, &now)?;
            c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
            Ok(())
        }),
        M::Reconcile(msg) => reconcile::handle(state, msg),
        M::Health { reply } => r.answer(reply, |c, _| {
            let version: i64 =
                c.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
            let integrity: String = c.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
            Ok((version, integrity))
        }),
    }
}
