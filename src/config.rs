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
    /// Attachments and other scratch files (TMP): private to the user, so inside the data dir
    /// rather than a shared `/tmp/skill-builder` that another user could create first.
    pub temp: PathBuf,
}

impl AppPaths {
    pub fn new(data_dir: &Path) -> Self {
        AppPaths {
            data_dir: data_dir.to_path_buf(),
            database: data_dir.join("skill-builder.db"),
            logs: data_dir.join("logs"),
            backups: data_dir.join("backups"),
            instances: data_dir.join("instances"),
            trash: data_dir.join("trash"),
            workspace: data_dir.join("agent-workspace"),
            temp: data_dir.join("tmp"),
        }
    }

    /// Creates the folders the app writes to. Those it creates itself and that hold private
    /// data (the data dir, the workspace, temp) are made 0700 on Unix; a folder that already
    /// exists keeps its mode (`--data-dir` may name a folder the user shares on purpose).
    pub fn create(&self) -> Result<(), AppError> {
        for dir in [&self.data_dir, &self.workspace, &self.temp] {
            create_private_dir(dir)?;
        }
        for dir in [&self.logs, &self.instances] {
            std::fs::create_dir_all(dir).map_err(|e| AppError::io(dir, e))?;
        }
        Ok(())
    }
}

/// Creates `dir` (and its missing parents, with the usual mode) and makes `dir` 0700 only if
/// this call created it.
fn create_private_dir(dir: &Path) -> Result<(), AppError> {
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    match builder.create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        Err(e) => Err(AppError::io(dir, e)),
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
    pub clock: SharedClock,
    pub events: Arc<dyn EventSink>,
    /// Starts agent sidecars: Node in the app, an in-process fake in some tests.
    pub launcher: Arc<dyn SidecarLauncher>,
    pub agent_timings: AgentTimings,
    /// Run startup pruning and reconciliation in the background after start (the desktop app);
    /// headless commands and most tests leave it off so only they change the library.
    pub reconcile_on_start: bool,
    /// Where secrets may be kept: the keychain when it answers (the app), or the database only.
    pub secret_store: crate::secrets::SecretStoreChoice,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            skills_path_override: None,
            clock: Arc::new(SystemClock),
            events: Arc::new(NullSink),
            launcher: Arc::new(NodeLauncher),
            agent_timings: AgentTimings::default(),
            reconcile_on_start: true,
            secret_store: crate::secrets::SecretStoreChoice::from_env(),
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
            reconcile_on_start: false,
            // In-process tests never touch the keychain of the person running them.
            secret_store: crate::secrets::SecretStoreChoice::Database,
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

    pub fn with_secret_store(mut self, choice: crate::secrets::SecretStoreChoice) -> Self {
        self.secret_store = choice;
        self
    }

    pub fn with_startup_reconciliation(mut self, on: bool) -> Self {
        self.reconcile_on_start = on;
        self
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn only_folders_the_app_creates_are_made_private() {
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let root = tempfile::tempdir().unwrap();
        let shared = root.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).unwrap();
        let paths = AppPaths::new(&shared);
        paths.create().unwrap();
        assert_eq!(mode(&shared), 0o755, "an existing --data-dir keeps its mode");
        assert_eq!((mode(&paths.workspace), mode(&paths.temp)), (0o700, 0o700));

        let fresh = AppPaths::new(&root.path().join("new/data"));
        fresh.create().unwrap();
        assert_eq!(mode(&fresh.data_dir), 0o700);
        assert!(fresh.temp.starts_with(&fresh.data_dir), "attachments stay in the user's data dir");
    }
}
