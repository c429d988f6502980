//! `DbHandle`: the typed, cloneable way commands and other actors reach the [`DbActor`], one
//! async method per query, each an ask with the database timeout.

use std::sync::Arc;
use std::time::Duration;

use ractor::{Actor, SpawnErr};

use super::{DB_TIMEOUT, DbActor, DbArgs, DbMsg, Direct, Housekeeping, NewSkill, deliver_direct};
use crate::actors::ask::{Reply, ask_via};
use crate::actors::supervision::{ActorSlot, RootHandle};
use crate::clock::SharedClock;
use crate::protocol::*;
use crate::secrets::{SecretKey, Sensitive};

/// The typed handle commands use to reach the [`DbActor`].
#[derive(Clone)]
pub struct DbHandle {
    actor: ActorSlot<DbMsg>,
    /// The running actor's connections, for asks that skip its mailbox (`deliver_direct`).
    direct: Direct,
    clock: SharedClock,
}

impl DbHandle {
    /// Starts the actor (migrations run in its `pre_start`) under the root supervisor, which
    /// restarts it from the same arguments after a panic.
    pub async fn start(root: &RootHandle, args: DbArgs, clock: SharedClock) -> Result<Self, AppError> {
        let direct = Direct::default();
        let published = direct.clone();
        let actor = root
            .supervise(ActorKind::Db, move |supervisor| {
                let args = args.clone();
                let actor = DbActor { direct: published.clone() };
                Box::pin(async move {
                    match Actor::spawn_linked(None, actor, args, supervisor).await {
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
        Ok(DbHandle { actor, direct, clock })
    }

    pub(super) async fn ask<T: Send + 'static>(
        &self,
        op: &str,
        msg: impl FnOnce(Reply<T>) -> DbMsg,
    ) -> Result<T, AppError> {
        ask_via(&self.actor, ActorKind::Db, op, DB_TIMEOUT, msg, |m| deliver_direct(&self.direct, m)).await
    }

    pub(super) fn now(&self) -> String {
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

    /// Stores (or clears) the signed-in GitHub user's identity fields.
    pub async fn set_github_identity(&self, user: Option<GitHubUser>) -> Result<AppSettings, AppError> {
        let now = self.now();
        self.ask("save GitHub identity", |reply| DbMsg::SetGitHubIdentity { user, now, reply }).await
    }

    /// The JSON record of a skill's last plugin export (`SB409`).
    pub async fn plugin_export(&self, skill: &str) -> Result<Option<String>, AppError> {
        self.ask("read plugin export", |reply| DbMsg::PluginExport { skill: skill.into(), reply }).await
    }

    pub async fn record_plugin_export(&self, skill: &str, record: String) -> Result<(), AppError> {
        let now = self.now();
        self.ask("save plugin export", |reply| DbMsg::RecordPluginExport { skill: skill.into(), record, now, reply })
            .await
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
