//! Where things live (backend.md §1.4) and what `Backend::start` is given.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::actors::sidecar::{AgentTimings, NodeLauncher, SidecarLauncher};
use crate::clock::{SharedClock, SystemClock};
use crate::events::{EventSink, NullSink};
use crate::protocol::AppError;

/// The Tauri identifier; it names the app data dir and differs from the reference app's, so
/// the two never share a database.
pub const APP_IDENTIFIER: &str = "dev.skillbuilder.desktop";

/// Every folder and file the app owns, derived from the app data dir.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    pub data_dir: PathBuf,
    pub database: PathBuf,
    pub logs: PathBuf,
    pub backups: PathBuf,
    pub instances: PathBuf,
    pub trash: PathBuf,
    /// The agents' working folder (WS).
    pub workspace: PathBuf,
    /// Attachments and other scratch files (TMP).
    pub temp: PathBuf,
}

impl AppPaths {
    pub fn new(data_dir: &Path, temp_root: &Path) -> Self {
        AppPaths {
            data_dir: data_dir.to_path_buf(),
            database: data_dir.join("skill-builder.db"),
            logs: data_dir.join("logs"),
            backups: data_dir.join("backups"),
            instances: data_dir.join("instances"),
            trash: data_dir.join("trash"),
            workspace: data_dir.join("agent-workspace"),
            temp: temp_root.join("skill-builder"),
        }
    }

    /// Creates the folders the app writes to; private ones are 0700 on Unix.
    pub fn create(&self) -> Result<(), AppError> {
        for dir in [&self.data_dir, &self.logs, &self.instances, &self.workspace, &self.temp] {
            std::fs::create_dir_all(dir).map_err(|e| AppError::io(dir, e))?;
        }
        #[cfg(unix)]
        for dir in [&self.data_dir, &self.workspace] {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| AppError::io(dir, e))?;
        }
        Ok(())
    }
}

/// The OS app data dir for this app (`~/.local/share/dev.skillbuilder.desktop` on Linux).
pub fn default_data_dir() -> Result<PathBuf, AppError> {
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| AppError::invalid("dataDir", "the OS did not report an app data folder; pass --data-dir"))
}

/// `~/.vibedata`, the seed's default skills folder.
pub fn default_skills_path() -> Result<PathBuf, AppError> {
    dirs::home_dir().map(|h| h.join(".vibedata")).ok_or_else(|| AppError::Io {
        path: "~".into(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, "home_dir_unknown"),
    })
}

/// What the backend needs to start.
#[derive(Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `--skills-path`: used by this process only, never saved to settings.
    pub skills_path_override: Option<PathBuf>,
    pub temp_root: PathBuf,
    pub clock: SharedClock,
    pub events: Arc<dyn EventSink>,
    /// Starts agent sidecars: Node in the app, an in-process fake in some tests.
    pub launcher: Arc<dyn SidecarLauncher>,
    pub agent_timings: AgentTimings,
    /// Run startup pruning and reconciliation in the background after start (the desktop app);
    /// headless commands and most tests leave it off so only they change the library.
    pub reconcile_on_start: bool,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            skills_path_override: None,
            temp_root: std::env::temp_dir(),
            clock: Arc::new(SystemClock),
            events: Arc::new(NullSink),
            launcher: Arc::new(NodeLauncher),
            agent_timings: AgentTimings::default(),
            reconcile_on_start: true,
        }
    }

    /// A config whose every folder lives under `root`, for tests. The skills folder is made
    /// here, as a user's chosen one would exist: only the default folder is created on use.
    pub fn for_test(root: &Path) -> Self {
        if let Err(err) = std::fs::create_dir_all(root.join("skills")) {
            tracing::warn!(%err, "could not create the test skills folder");
        }
        Config {
            skills_path_override: Some(root.join("skills")),
            temp_root: root.join("tmp"),
            reconcile_on_start: false,
            ..Config::new(root.join("data"))
        }
    }

    pub fn with_skills_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.skills_path_override = Some(path.into());
        self
    }

    pub fn with_events(mut self, events: Arc<dyn EventSink>) -> Self {
        self.events = events;
        self
    }

    pub fn with_launcher(mut self, launcher: Arc<dyn SidecarLauncher>) -> Self {
        self.launcher = launcher;
        self
    }

    pub fn with_agent_timings(mut self, timings: AgentTimings) -> Self {
        self.agent_timings = timings;
        self
    }

    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_startup_reconciliation(mut self, on: bool) -> Self {
        self.reconcile_on_start = on;
        self
    }
}
