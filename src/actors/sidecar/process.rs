//! Starting a sidecar: the `SidecarLauncher` seam, the real Node launcher, and the process-group
//! guard that makes sure no sidecar (nor the Claude Code grandchild) outlives its actor.
//!
//! The launcher is injected so tests can run the agent actor against an in-process fake sidecar
//! under paused time, and against the real Node sidecar everywhere else.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::oneshot;

use super::env::sidecar_environment;
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

/// The real launcher: `node agent-runner.mjs --protocol=1` in its own process group, with the
/// environment of `env.rs` and nothing else.
pub struct NodeLauncher;

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
        let environment = sidecar_environment(spec, &|key| std::env::var(key).ok())?;
        let mut command = tokio::process::Command::new(&spec.node);
        command.arg(&spec.bundle).arg("--protocol=1").env_clear().envs(environment).current_dir(&spec.cwd);
        spawn_process(command)
    }
}

/// Spawns `command` as a sidecar: piped stdio, its own process group, killed with its actor.
///
/// When the Node leader exits (a crash, a SIGKILL, or a clean exit), whatever is left of its
/// group (Claude Code and the tools it started) is killed before the leader is reaped, and only
/// then does `exit` resolve: an unreaped leader keeps its pid, which is the group id, from being
/// reused, so the group kill cannot hit another program's processes.
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
    let group = Arc::new(ProcessGroup { pid, closed: Mutex::new(false) });
    let leader_gone = match watch_leader(Arc::clone(&group)) {
        Ok(receiver) => receiver,
        Err(err) => {
            // Without a watcher nothing would kill the group before the leader is reaped.
            group.kill();
            return Err(spawn_failed(format!("Could not watch the agent runtime: {err}")));
        }
    };
    let (exit_tx, exit_rx) = oneshot::channel();
    tokio::spawn(async move {
        // The watcher has killed the group by the time it answers; now the leader may be reaped.
        let _ = leader_gone.await;
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
        control: Box::new(GroupControl(group)),
        pid,
    })
}

/// Waits on a thread of its own for the leader to exit without reaping it, then kills and
/// closes its group. The thread, not a task, does the kill, so it happens even when the runtime
/// that started the sidecar is gone.
#[cfg(unix)]
fn watch_leader(group: Arc<ProcessGroup>) -> std::io::Result<oneshot::Receiver<()>> {
    let (tx, rx) = oneshot::channel();
    std::thread::Builder::new().name("sidecar-exit".into()).spawn(move || {
        if let Some(pid) = group.pid.and_then(|p| libc::id_t::try_from(p).ok()) {
            wait_without_reaping(pid);
        }
        group.kill_and_close();
        let _ = tx.send(());
    })?;
    Ok(rx)
}

#[cfg(not(unix))]
fn watch_leader(_group: Arc<ProcessGroup>) -> std::io::Result<oneshot::Receiver<()>> {
    let (tx, rx) = oneshot::channel();
    let _ = tx.send(());
    Ok(rx)
}

/// Blocks until `pid` has exited, leaving it a zombie (`WNOWAIT`) so its pid stays taken.
#[cfg(unix)]
pub(crate) fn wait_without_reaping(pid: libc::id_t) {
    loop {
        // SAFETY: `info` is a plain C struct that waitid(2) fills in; it outlives the call.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: waitid(2) with P_PID on our own child and a valid pointer; WNOWAIT leaves the
        // child to be reaped by tokio's `wait`.
        let rc = unsafe { libc::waitid(libc::P_PID, pid, &mut info, libc::WEXITED | libc::WNOWAIT) };
        if rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return;
        }
    }
}

fn exit_info(status: std::process::ExitStatus) -> ExitInfo {
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(&status);
    #[cfg(not(unix))]
    let signal = None;
    ExitInfo { code: status.code(), signal }
}

/// The sidecar's process group: killing it also kills Claude Code and its tool children.
struct ProcessGroup {
    pid: Option<u32>,
    /// Set once the group was killed after the leader's exit; from then on the leader may be
    /// reaped and its pid reused, so nothing may signal the group again.
    closed: Mutex<bool>,
}

impl ProcessGroup {
    fn kill(&self) {
        let closed = self.closed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !*closed {
            self.signal_group();
        }
    }

    fn kill_and_close(&self) {
        let mut closed = self.closed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !*closed {
            self.signal_group();
            *closed = true;
        }
    }

    fn signal_group(&self) {
        #[cfg(unix)]
        if let Some(pid) = self.pid.and_then(|p| i32::try_from(p).ok()) {
            // SAFETY: kill(2) takes plain integers; a negative pid names the process group we
            // created with `process_group(0)`. Its leader is not reaped yet (see `closed`), so
            // the group id still names our sidecar's group.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
}

/// The actor's handle on the group; dropping it (the actor's state, also after a panic) kills
/// the group.
struct GroupControl(Arc<ProcessGroup>);

impl ProcessControl for GroupControl {
    fn kill(&self) {
        self.0.kill();
    }
}

impl Drop for GroupControl {
    fn drop(&mut self) {
        self.0.kill();
    }
}
