//! `Backend`: the actor tree plus what every command needs. `start` builds it in order
//! (paths → database with migrations → secret store probe → instance registration → housekeeping
//! of dead instances' locks and sessions → git → reconciler, whose startup pass prunes
//! transcripts and then reconciles in the background → agents → ready) and `shutdown` takes it down in reverse.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::actors::db::{DbArgs, DbHandle, Housekeeping};
use crate::actors::git::{GitArgs, GitHandle, GitSettings};
use crate::actors::reconciler::{ReconcilerArgs, ReconcilerHandle};
use crate::actors::sidecar::{AgentContext, SidecarHandle, spawn_run_recorder};
use crate::actors::supervision::RootHandle;
use crate::actors::workflow::{HookCtx, Watch, WorkflowHandle, WorkflowTap};
use crate::clock::SharedClock;
use crate::config::{AppPaths, Config, default_skills_path};
use crate::events::{AppEvent, EventSink};
use crate::instance::InstanceInfo;
use crate::protocol::AppError;
use crate::run_logs::RunLogs;
use crate::secrets::Secrets;
use crate::telemetry::LogControl;

/// The running backend. Cheap to clone; every clone talks to the same actors.
#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

struct Inner {
    root_supervisor: RootHandle,
    db: DbHandle,
    secrets: Secrets,
    git: GitHandle,
    reconciler: ReconcilerHandle,
    sidecars: SidecarHandle,
    workflow: WorkflowHandle,
    /// The task writing agent run rows; awaited at shutdown so no record is lost.
    recorder: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    paths: AppPaths,
    instance: InstanceInfo,
    clock: SharedClock,
    events: Arc<dyn EventSink>,
    run_logs: Arc<RunLogs>,
    skills_path_override: Option<PathBuf>,
    http: reqwest::Client,
    log_control: OnceLock<Arc<LogControl>>,
    startup: Housekeeping,
    shut_down: AtomicBool,
}

/// Connect and whole-request limits for outgoing HTTP (backend.md §8.2).
const HTTP_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

impl Backend {
    /// Starts every actor. When this returns, migrations have run and commands can be served.
    pub async fn start(config: Config) -> Result<Backend, AppError> {
        let paths = AppPaths::new(&config.data_dir);
        paths.create()?;
        // Every event passes the run logs, so a reloaded window can replay agent output.
        let run_logs = RunLogs::new(config.events.clone());
        let events: Arc<dyn EventSink> = run_logs.clone();
        // Probing our own process in the process table is blocking work.
        let instance = tokio::task::spawn_blocking(InstanceInfo::current)
            .await
            .map_err(|e| AppError::Internal(format!("instance probe: {e}")))?;
        // Every actor below runs linked to the root, which restarts one that panics.
        let root_supervisor = RootHandle::start(events.clone()).await?;
        let db = DbHandle::start(
            &root_supervisor,
            DbArgs {
                path: paths.database.clone(),
                backup_dir: Some(paths.backups.clone()),
                instance: instance.clone(),
                now: config.clock.now_str(),
            },
            config.clock.clone(),
        )
        .await?;
        let secrets = Secrets::open(config.secret_store, &db, &paths.data_dir).await;
        let (registry, me, now) = (paths.clone(), instance.clone(), config.clock.now_str());
        if let Err(err) = tokio::task::spawn_blocking(move || register_instance(&registry, &me, &now)).await {
            tracing::warn!(%err, "could not register this instance");
        }
        let startup = db.housekeeping().await?;
        if startup != Housekeeping::default() {
            tracing::info!(?startup, "repaired what earlier instances left behind");
        }
        // Git opens before commands are served, so its state is settled when the UI first asks;
        // adopting a large folder without history makes that first start slower by one commit.
        let git = GitHandle::start(
            &root_supervisor,
            GitArgs { clock: config.clock.clone(), protected: vec![paths.data_dir.clone(), paths.workspace.clone()] },
        )
        .await?;
        let settings = db.settings().await?;
        let root = effective_skills_path(config.skills_path_override.as_ref(), settings.skills_path.as_deref());
        if let Err(err) = git.reopen(root, git_settings(&settings)).await {
            tracing::warn!(%err, "the skills folder's repository is still opening");
        }
        let reconciler = ReconcilerHandle::start(
            &root_supervisor,
            ReconcilerArgs {
                db: db.clone(),
                git: git.clone(),
                paths: paths.clone(),
                clock: config.clock.clone(),
                events: events.clone(),
                skills_path_override: config.skills_path_override.clone(),
                startup: startup.clone(),
                instance: instance.clone(),
            },
        )
        .await?;
        if config.reconcile_on_start {
            reconciler.start_up();
        }
        let (records, recorder) = spawn_run_recorder(db.clone());
        // Agents' events pass the workflow tap, which holds back the end of a workflow agent's
        // run until the WorkflowActor has verified and recorded it.
        let watch = Arc::new(Watch::default());
        let tap: Arc<dyn EventSink> = Arc::new(WorkflowTap { inner: events.clone(), watch: watch.clone() });
        let agent_ctx =
            AgentContext { events: tap, records, clock: config.clock.clone(), timings: config.agent_timings };
        let sidecars = SidecarHandle::start(&root_supervisor, config.launcher.clone(), agent_ctx).await?;
        let workflow = WorkflowHandle::start(
            &root_supervisor,
            HookCtx {
                db: db.clone(),
                git: git.clone(),
                sidecars: sidecars.clone(),
                events: events.clone(),
                clock: config.clock.clone(),
                watch,
            },
        )
        .await?;
        let http = http_client()?;
        Ok(Backend {
            inner: Arc::new(Inner {
                root_supervisor,
                db,
                secrets,
                git,
                reconciler,
                sidecars,
                workflow,
                recorder: std::sync::Mutex::new(Some(recorder)),
                paths,
                instance,
                clock: config.clock,
                events,
                run_logs,
                skills_path_override: config.skills_path_override,
                http,
                log_control: OnceLock::new(),
                startup,
                shut_down: AtomicBool::new(false),
            }),
        })
    }

    /// Releases this instance's locks and sessions and stops the actors. Idempotent.
    pub async fn shutdown(&self) -> Result<(), AppError> {
        if self.inner.shut_down.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        // Agents first: their last run records must reach the database before it closes.
        match self.inner.sidecars.shutdown().await {
            Ok(report) if report.stopped > 0 => tracing::info!(?report, "stopped agents"),
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, "agents did not stop cleanly"),
        }
        let recorder = self.inner.recorder.lock().ok().and_then(|mut r| r.take());
        if let Some(recorder) = recorder
            && tokio::time::timeout(Duration::from_secs(3), recorder).await.is_err()
        {
            tracing::warn!("some agent run records were not written before shutdown");
        }
        self.inner.reconciler.stop().await;
        self.inner.git.stop().await;
        let result = self.inner.db.close().await;
        self.inner.root_supervisor.stop().await;
        let file = self.inner.paths.instances.join(format!("{}.json", self.inner.instance.instance_id));
        let removed = tokio::task::spawn_blocking(move || std::fs::remove_file(&file)).await;
        if let Ok(Err(err)) = removed {
            tracing::debug!(%err, "instance file already gone");
        }
        result
    }

    pub fn db(&self) -> &DbHandle {
        &self.inner.db
    }

    /// The secret store chosen at startup (keychain or database fallback).
    pub fn secrets(&self) -> &Secrets {
        &self.inner.secrets
    }

    pub fn git(&self) -> &GitHandle {
        &self.inner.git
    }

    pub fn reconciler(&self) -> &ReconcilerHandle {
        &self.inner.reconciler
    }

    /// `--skills-path`, when this process was started with one (it wins over the setting).
    pub fn skills_path_override(&self) -> Option<&PathBuf> {
        self.inner.skills_path_override.as_ref()
    }

    pub fn sidecars(&self) -> &SidecarHandle {
        &self.inner.sidecars
    }

    /// The workflow engine's watch of running step, gate and Validate agents.
    pub fn workflow(&self) -> &WorkflowHandle {
        &self.inner.workflow
    }

    pub fn paths(&self) -> &AppPaths {
        &self.inner.paths
    }

    pub fn instance(&self) -> &InstanceInfo {
        &self.inner.instance
    }

    pub fn clock(&self) -> &SharedClock {
        &self.inner.clock
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// What start-up housekeeping repaired.
    pub fn startup_report(&self) -> &Housekeeping {
        &self.inner.startup
    }

    pub fn emit(&self, event: AppEvent) {
        self.inner.events.emit(event);
    }

    /// The recent output of the agents of this instance (agents-and-workflow.md §4.4).
    pub fn run_logs(&self) -> &RunLogs {
        &self.inner.run_logs
    }

    /// Hands the backend the logging control so `set_log_level` can act (desktop and CLI).
    pub fn attach_log_control(&self, control: Arc<LogControl>) {
        if self.inner.log_control.set(control).is_err() {
            tracing::debug!("log control was already attached");
        }
    }

    pub fn log_control(&self) -> Option<&LogControl> {
        self.inner.log_control.get().map(Arc::as_ref)
    }

    /// The skills folder: `--skills-path`, else the saved setting, else `~/.vibedata`; see
    /// [`ensure_skills_folder`] for when it is created.
    pub async fn skills_path(&self) -> Result<PathBuf, AppError> {
        let path = match &self.inner.skills_path_override {
            Some(path) => path.clone(),
            None => match self.inner.db.settings().await?.skills_path {
                Some(path) => PathBuf::from(path),
                None => default_skills_path()?,
            },
        };
        let checked = path.clone();
        tokio::task::spawn_blocking(move || ensure_skills_folder(&checked))
            .await
            .map_err(|e| AppError::Internal(format!("skills folder check: {e}")))??;
        Ok(path)
    }
}

/// Only the default folder (`~/.vibedata`) is created on first use, so a new user can create a
/// skill without visiting Settings. A chosen folder that is missing is probably on a drive that
/// is not mounted: an empty folder in its place would read as "every skill is gone", so it is
/// `skills_path_unreachable` instead, and nothing is created.
pub fn ensure_skills_folder(path: &Path) -> Result<(), AppError> {
    if path.is_dir() {
        return Ok(());
    }
    if default_skills_path().is_ok_and(|default| default == path) {
        return std::fs::create_dir_all(path).map_err(|e| AppError::io(path, e));
    }
    Err(AppError::SkillsPathUnreachable { path: path.display().to_string() })
}

/// The skills folder git should follow: `--skills-path`, else the setting, else `~/.vibedata`.
/// Nothing is created here; git starts once the folder exists.
pub fn effective_skills_path(override_path: Option<&PathBuf>, setting: Option<&str>) -> Option<PathBuf> {
    match (override_path, setting) {
        (Some(path), _) => Some(path.clone()),
        (None, Some(path)) => Some(PathBuf::from(path)),
        (None, None) => default_skills_path().ok(),
    }
}

/// The git switches of the settings.
pub fn git_settings(settings: &crate::protocol::AppSettings) -> GitSettings {
    GitSettings { auto_commit: settings.git_auto_commit, allow_nested: settings.git_allow_nested }
}

/// Writes `instances/<id>.json` so peers can list live instances, and removes the files of
/// dead ones. Failures only cost that listing, so they are logged, not fatal.
fn register_instance(paths: &AppPaths, me: &InstanceInfo, now: &str) {
    let record = serde_json::json!({
        "instanceId": me.instance_id, "pid": me.pid, "pidStartTime": me.pid_start_time,
        "startedAt": now, "version": env!("CARGO_PKG_VERSION"),
    });
    let file = paths.instances.join(format!("{}.json", me.instance_id));
    if let Err(err) = crate::atomic::write_atomic(&file, record.to_string().as_bytes()) {
        tracing::warn!(%err, "could not register this instance");
    }
    let Ok(entries) = std::fs::read_dir(&paths.instances) else { return };
    for entry in entries.filter_map(Result::ok) {
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        let Ok(peer) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        let id = peer["instanceId"].as_str().unwrap_or_default();
        let pid = peer["pid"].as_u64().and_then(|p| u32::try_from(p).ok()).unwrap_or(0);
        if !me.is_alive(id, pid, peer["pidStartTime"].as_i64()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn http_client() -> Result<reqwest::Client, AppError> {
    // rustls needs one process-wide crypto provider; a second install is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(HTTP_CONNECT_TIMEOUT)
        .timeout(HTTP_TIMEOUT)
        .user_agent(concat!("skill-builder/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AppError::Internal(format!("HTTP client: {e}")))
}
