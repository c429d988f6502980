//! `DbActor`: the only owner of the SQLite connection.
//!
//! The actor hands each request, as one closure, to one of its two connections' threads: writes
//! to the writer, reads to the read-only connection (`conn.rs` says why), and never awaits one,
//! so its mailbox never waits on SQLite. Query code is plain functions over
//! `&mut rusqlite::Connection` in the sibling modules, testable without the actor.

mod conn;
mod library;
mod locks;
pub mod migrate;
mod reconcile;
mod sessions;
mod settings;
mod skills;
mod usage;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, ActorProcessingErr, ActorRef, SpawnErr};

use conn::DbState;
pub use reconcile::{DbSnapshot, ReconcileMsg, Registration, RunRecord, SkillRecord};
pub use sessions::Housekeeping;
pub use skills::NewSkill;

use super::ask::{Reply, ask};
use super::supervision::{ActorSlot, RootHandle};
use crate::clock::SharedClock;
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

pub struct DbActor;

impl Actor for DbActor {
    type Msg = DbMsg;
    type State = DbState;
    type Arguments = DbArgs;

    async fn pre_start(&self, _me: ActorRef<DbMsg>, args: DbArgs) -> Result<DbState, ActorProcessingErr> {
        let DbArgs { path, backup_dir, instance, now } = args;
        Ok(DbState::open(
            path,
            backup_dir,
            DbCtx { instance, library: Default::default(), runtime: tokio::runtime::Handle::current() },
            now,
        )
        .await?)
    }

    async fn post_stop(&self, _me: ActorRef<DbMsg>, state: &mut DbState) -> Result<(), ActorProcessingErr> {
        state.close().await;
        Ok(())
    }

    async fn handle(&self, _me: ActorRef<DbMsg>, msg: DbMsg, state: &mut DbState) -> Result<(), ActorProcessingErr> {
        use DbMsg as M;
        crate::crashpoint::panic_point("db");
        let (w, r) = (state.writer(), state.reader());
        match msg {
            M::ListSkills { filter, reply } => r.answer(reply, move |c, x| library::list(c, x, &filter)),
            M::GetSkill { name, reply } => r.answer(reply, move |c, x| skills::get(c, x, &name)),
            M::CreateSkill { new, now, reply } => w.answer(reply, move |c, x| skills::create(c, x, &new, &now)),
            M::DeleteSkill { name, reply } => w.answer(reply, move |c, _| skills::delete(c, &name)),
            M::RenameSkill { old, new, now, reply } => {
                w.answer(reply, move |c, x| skills::rename(c, x, &old, &new, &now))
            }
            M::SetTags { name, tags, now, reply } => {
                w.answer(reply, move |c, _| skills::set_tags(c, &name, &tags, &now))
            }
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
            M::EndSession { session_id, now, reply } => {
                w.answer(reply, move |c, x| sessions::end(c, x, &session_id, &now))
            }
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
        Ok(())
    }
}

/// The typed handle commands use to reach the [`DbActor`].
#[derive(Clone)]
pub struct DbHandle {
    actor: ActorSlot<DbMsg>,
    clock: SharedClock,
}

impl DbHandle {
    /// Opens and migrates the database, then starts the actor. Errors keep their code, so a
    /// database from a newer version is reported as such.
    /// Starts the actor (migrations run in its `pre_start`) under the root supervisor, which
    /// restarts it from the same arguments after a panic.
    pub async fn start(root: &RootHandle, args: DbArgs, clock: SharedClock) -> Result<Self, AppError> {
        let actor = root
            .supervise(ActorKind::Db, move |supervisor| {
                let args = args.clone();
                Box::pin(async move {
                    match Actor::spawn_linked(None, DbActor, args, supervisor).await {
                        Ok((actor, _)) => Ok(actor),
                        Err(SpawnErr::StartupFailed(err)) => Err(match err.downcast::<AppError>() {
                            Ok(app) => *app,
                            Err(other) => AppError::Database(other.to_string()),
                        }),
                        Err(other) => Err(AppError::Internal(format!("database actor: {other}"))),
                    }
                })
            })
            .await?;
        Ok(DbHandle { actor, clock })
    }

    async fn ask<T: Send + 'static>(&self, op: &str, msg: impl FnOnce(Reply<T>) -> DbMsg) -> Result<T, AppError> {
        ask(&self.actor, ActorKind::Db, op, DB_TIMEOUT, msg).await
    }

    fn now(&self) -> String {
        self.clock.now_str()
    }

    pub async fn list_skills(&self, filter: SkillFilter) -> Result<Arc<[SkillSummary]>, AppError> {
        self.ask("list skills", |reply| DbMsg::ListSkills { filter, reply }).await
    }

    pub async fn get_skill(&self, name: &str) -> Result<SkillSummary, AppError> {
        self.ask("get skill", |reply| DbMsg::GetSkill { name: name.into(), reply }).await
    }

    pub async fn create_skill(&self, new: NewSkill) -> Result<SkillSummary, AppError> {
        let now = self.now();
        self.ask("create skill", |reply| DbMsg::CreateSkill { new: Box::new(new), now, reply }).await
    }

    pub async fn delete_skill(&self, name: &str) -> Result<(), AppError> {
        self.ask("delete skill", |reply| DbMsg::DeleteSkill { name: name.into(), reply }).await
    }

    pub async fn rename_skill(&self, old: &str, new: &str) -> Result<SkillSummary, AppError> {
        let now = self.now();
        self.ask("rename skill", |reply| DbMsg::RenameSkill { old: old.into(), new: new.into(), now, reply }).await
    }

    pub async fn set_tags(&self, name: &str, tags: Vec<String>) -> Result<Vec<String>, AppError> {
        let now = self.now();
        self.ask("update tags", |reply| DbMsg::SetTags { name: name.into(), tags, now, reply }).await
    }

    pub async fn update_metadata(&self, name: &str, patch: SkillMetadataPatch) -> Result<SkillSummary, AppError> {
        let now = self.now();
        self.ask("update metadata", |reply| DbMsg::UpdateMetadata {
            name: name.into(),
            patch: Box::new(patch),
            now,
            reply,
        })
        .await
    }

    pub async fn all_tags(&self) -> Result<Vec<String>, AppError> {
        self.ask("list tags", |reply| DbMsg::AllTags { reply }).await
    }

    pub async fn installed_names(&self) -> Result<Vec<InstalledSkillName>, AppError> {
        self.ask("list installed names", |reply| DbMsg::InstalledNames { reply }).await
    }

    pub async fn acquire_lock(&self, skill: &str, purpose: LockPurpose) -> Result<SkillLockInfo, AppError> {
        let now = self.now();
        self.ask("acquire lock", |reply| DbMsg::AcquireLock { skill: skill.into(), purpose, now, reply }).await
    }

    pub async fn release_lock(&self, skill: &str, force: bool) -> Result<(), AppError> {
        self.ask("release lock", |reply| DbMsg::ReleaseLock { skill: skill.into(), force, reply }).await
    }

    pub async fn check_lock(&self, skill: &str) -> Result<LockStatus, AppError> {
        self.ask("check lock", |reply| DbMsg::CheckLock { skill: skill.into(), reply }).await
    }

    pub async fn list_locks(&self) -> Result<Vec<SkillLockInfo>, AppError> {
        self.ask("list locks", |reply| DbMsg::ListLocks { reply }).await
    }

    pub async fn settings(&self) -> Result<AppSettings, AppError> {
        self.ask("read settings", |reply| DbMsg::GetSettings { reply }).await
    }

    pub async fn update_settings(&self, patch: SettingsPatch) -> Result<AppSettings, AppError> {
        let now = self.now();
        self.ask("save settings", |reply| DbMsg::UpdateSettings { patch: Box::new(patch), now, reply }).await
    }

    /// The database fallback's secret; everything else asks `Secrets`, which knows the store.
    pub async fn secret(&self, key: SecretKey) -> Result<Option<Sensitive<String>>, AppError> {
        self.ask("read secret", |reply| DbMsg::GetSecret { key, reply }).await
    }

    pub async fn set_secret(&self, key: SecretKey, value: Sensitive<String>) -> Result<(), AppError> {
        let now = self.now();
        self.ask("save secret", |reply| DbMsg::SetSecret { key, value, now, reply }).await
    }

    pub async fn clear_secret(&self, key: SecretKey) -> Result<(), AppError> {
        self.ask("clear secret", |reply| DbMsg::ClearSecret { key, reply }).await
    }

    pub async fn record_run_start(&self, start: RunStart) -> Result<(), AppError> {
        let now = self.now();
        self.ask("record run", |reply| DbMsg::RecordRunStart { start: Box::new(start), now, reply }).await
    }

    pub async fn record_run_completion(&self, done: RunCompletion) -> Result<bool, AppError> {
        let now = self.now();
        self.ask("record run", |reply| DbMsg::RecordRunCompletion { done: Box::new(done), now, reply }).await
    }

    pub async fn usage_summary(&self, filter: UsageFilter) -> Result<UsageSummary, AppError> {
        self.ask("usage summary", |reply| DbMsg::UsageSummary { filter, reply }).await
    }

    pub async fn run(&self, run_id: &str) -> Result<AgentRunRecord, AppError> {
        self.ask("read run", |reply| DbMsg::Run { run_id: run_id.into(), reply }).await
    }

    pub async fn recent_runs(&self, limit: u32) -> Result<Vec<AgentRunRecord>, AppError> {
        self.ask("recent runs", |reply| DbMsg::RecentRuns { limit, reply }).await
    }

    pub async fn recent_sessions(
        &self,
        limit: u32,
        filter: UsageFilter,
    ) -> Result<Vec<WorkflowSessionRecord>, AppError> {
        self.ask("recent sessions", |reply| DbMsg::RecentSessions { limit, filter, reply }).await
    }

    pub async fn session_runs(&self, session_id: &str, include_reset: bool) -> Result<Vec<AgentRunRecord>, AppError> {
        self.ask("session runs", |reply| DbMsg::SessionRuns { session_id: session_id.into(), include_reset, reply })
            .await
    }

    pub async fn step_runs(&self, skill: &str, step: u8) -> Result<Vec<AgentRunRecord>, AppError> {
        self.ask("step runs", |reply| DbMsg::StepRuns { skill: skill.into(), step, reply }).await
    }

    pub async fn usage_by_step(&self, filter: UsageFilter) -> Result<Vec<UsageByStep>, AppError> {
        self.ask("usage by step", |reply| DbMsg::UsageByStep { filter, reply }).await
    }

    pub async fn usage_by_model(&self, filter: UsageFilter) -> Result<Vec<UsageByModel>, AppError> {
        self.ask("usage by model", |reply| DbMsg::UsageByModel { filter, reply }).await
    }

    pub async fn reset_usage(&self) -> Result<ResetUsageReport, AppError> {
        let now = self.now();
        self.ask("reset usage", |reply| DbMsg::ResetUsage { now, reply }).await
    }

    pub async fn create_session(&self, skill: &str, kind: SessionKind) -> Result<WorkflowSessionInfo, AppError> {
        let now = self.now();
        self.ask("create session", |reply| DbMsg::CreateSession { skill: skill.into(), kind, now, reply }).await
    }

    pub async fn end_session(&self, session_id: &str) -> Result<(), AppError> {
        let now = self.now();
        self.ask("end session", |reply| DbMsg::EndSession { session_id: session_id.into(), now, reply }).await
    }

    pub async fn housekeeping(&self) -> Result<Housekeeping, AppError> {
        let now = self.now();
        self.ask("housekeeping", |reply| DbMsg::Housekeeping { now, reply }).await
    }

    pub async fn health(&self) -> Result<(i64, String), AppError> {
        self.ask("database health", |reply| DbMsg::Health { reply }).await
    }

    /// Releases this instance's locks and sessions, checkpoints, and stops the actor.
    pub async fn close(&self) -> Result<(), AppError> {
        let now = self.now();
        let result = self.ask("close database", |reply| DbMsg::Close { now, reply }).await;
        if let Err(err) =
            self.actor.current().stop_and_wait(Some("shutdown".into()), Some(Duration::from_secs(5))).await
        {
            tracing::warn!(%err, "database actor did not stop in time");
        }
        result
    }
}
