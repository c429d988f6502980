//! Starting a sidecar: the `SidecarLauncher` seam, the real Node launcher, and the process-group
//! guard that makes sure no sidecar (nor the Claude Code grandchild) outlives its actor.
//!
//! The launcher is injected so tests can run the agent actor against an in-process fake sidecar
//! under paused time, and against the real Node sidecar everywhere else.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::Stdio;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::oneshot;

use crate::protocol::{AppError, ErrorCode};
use crate::secrets::Sensitive;

/// How a sidecar process ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExitInfo {
    pub code: Option<i32>,
    pub signal: Option<i32>,
}

/// Kills a sidecar and everything it started.
pub trait ProcessControl: Send + Sync {
    fn kill(&self);
    /// Called once the process was reaped, so a later kill cannot hit a reused pid.
    fn mark_exited(&self) {}
}

/// A started sidecar: its pipes, its exit, and the means to kill it. Dropping it kills the
/// process group, because `post_stop` does not run after a panic.
pub struct SidecarProcess {
    pub stdin: Box<dyn AsyncWrite + Send + Unpin>,
    pub stdout: Box<dyn AsyncRead + Send + Unpin>,
    pub stderr: Box<dyn AsyncRead + Send + Unpin>,
    pub exit: Pin<Box<dyn Future<Output = ExitInfo> + Send>>,
    pub control: Box<dyn ProcessControl>,
    pub pid: Option<u32>,
}

/// What a launch needs besides the launcher's own configuration.
pub struct LaunchSpec {
    pub node: PathBuf,
    pub bundle: PathBuf,
    pub cwd: PathBuf,
    pub api_key: Option<Sensitive<String>>,
    pub claude_config_dir: PathBuf,
    pub mock: bool,
}

/// Starts sidecars. Implementations must not block: spawning is quick, waiting is async.
pub trait SidecarLauncher: Send + Sync {
    fn launch(&self, spec: &LaunchSpec) -> Result<SidecarProcess, AppError>;
}

/// The real launcher: `node agent-runner.mjs --protocol=1` in its own process group, with a
/// cleared environment plus the allow-list of agents-and-workflow.md §2.9.
pub struct NodeLauncher;

/// Variables passed through from our own environment when set.
const PASSED_THROUGH: &[&str] =
    &["HOME", "LANG", "LC_ALL", "TMPDIR", "TEMP", "TMP", "HTTP_PROXY", "HTTPS_PROXY", "SYSTEMROOT", "APPDATA"];

impl NodeLauncher {
    fn environment(&self, spec: &LaunchSpec) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = PASSED_THROUGH
            .iter()
            .filter_map(|key| std::env::var(key).ok().map(|value| ((*key).to_string(), value)))
            .collect();
        env.push(("PATH".into(), agent_path()));
        env.push(("CLAUDE_CONFIG_DIR".into(), spec.claude_config_dir.display().to_string()));
        for key in [
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
            "DISABLE_TELEMETRY",
            "DISABLE_ERROR_REPORTING",
            "DISABLE_AUTOUPDATER",
            "DISABLE_BUG_COMMAND",
            "DISABLE_NON_ESSENTIAL_MODEL_CALLS",
        ] {
            env.push((key.into(), "1".into()));
        }
        let retries = std::env::var("SKILL_BUILDER_CLAUDE_MAX_RETRIES").unwrap_or_else(|_| "6".into());
        env.push(("CLAUDE_CODE_MAX_RETRIES".into(), retries));
        if let Ok(base) = std::env::var("SKILL_BUILDER_ANTHROPIC_BASE_URL") {
            env.push(("ANTHROPIC_BASE_URL".into(), base));
            env.push(("CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK".into(), "1".into()));
        }
        let no_proxy = std::env::var("NO_PROXY").map(|v| format!("{v},")).unwrap_or_default();
        env.push(("NO_PROXY".into(), format!("{no_proxy}127.0.0.1,localhost")));
        if let Some(key) = &spec.api_key {
            env.push(("ANTHROPIC_API_KEY".into(), key.expose().clone()));
        }
        if spec.mock {
            env.push(("SKILL_BUILDER_MOCK_AGENTS".into(), "1".into()));
        }
        env
    }
}

/// Our PATH plus the usual tool folders, since desktop apps often start with a minimal PATH.
fn agent_path() -> String {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    for extra in ["/usr/local/bin", "/opt/homebrew/bin", "/usr/bin", "/bin"] {
        let extra = PathBuf::from(extra);
        if !dirs.contains(&extra) {
            dirs.push(extra);
        }
    }
    std::env::join_paths(dirs).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()
}

fn spawn_failed(message: String) -> AppError {
    AppError::Runtime {
        code: ErrorCode::RuntimeStartFailed,
        message,
        reason: Some("spawn_failed"),
        stderr_tail: Vec::new(),
    }
}

impl SidecarLauncher for NodeLauncher {
    fn launch(&self, spec: &LaunchSpec) -> Result<SidecarProcess, AppError> {
        let mut command = tokio::process::Command::new(&spec.node);
        command.arg(&spec.bundle).arg("--protocol=1").env_clear().envs(self.environment(spec)).current_dir(&spec.cwd);
        spawn_process(command)
    }
}

/// Spawns `command` as a sidecar: piped stdio, its own process group, killed with its actor.
pub fn spawn_process(mut command: tokio::process::Command) -> Result<SidecarProcess, AppError> {
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command.spawn().map_err(|e| spawn_failed(format!("Could not start the agent runtime: {e}")))?;
    let pid = child.id();
    let (Some(stdin), Some(stdout), Some(stderr)) = (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(spawn_failed("the agent runtime's pipes were not available".into()));
    };
    let (exit_tx, exit_rx) = oneshot::channel();
    tokio::spawn(async move {
        let info = match child.wait().await {
            Ok(status) => exit_info(status),
            Err(_) => ExitInfo::default(),
        };
        let _ = exit_tx.send(info);
    });
    Ok(SidecarProcess {
        stdin: Box::new(stdin),
        stdout: Box::new(stdout),
        stderr: Box::new(stderr),
        exit: Box::pin(async move { exit_rx.await.unwrap_or_default() }),
        control: Box::new(ProcessGroup { pid, exited: Default::default() }),
        pid,
    })
}

fn exit_info(status: std::process::ExitStatus) -> ExitInfo {
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(&status);
    #[cfg(not(unix))]
    let signal = None;
    ExitInfo { code: status.code(), signal }
}

/// The sidecar's process group: killing it also kills the Claude Code grandchild.
struct ProcessGroup {
    pid: Option<u32>,
    exited: std::sync::atomic::AtomicBool,
}

impl ProcessControl for ProcessGroup {
    fn mark_exited(&self) {
        self.exited.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn kill(&self) {
        if self.exited.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        #[cfg(unix)]
        if let Some(pid) = self.pid.and_then(|p| i32::try_from(p).ok()) {
            // SAFETY: kill(2) takes plain integers; a negative pid names the process group we
            // created with `process_group(0)`, so only our sidecar and its children are hit.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.kill();
    }
}
