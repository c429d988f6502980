//! Shared helpers: a backend in its own temp dir, direct SQL on its database, child processes
//! (this test binary re-executed, or the real CLI) that die with the test, and a fake Anthropic
//! API on 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use skill_builder::commands::skills;
use skill_builder::protocol::*;
use skill_builder::{Backend, Config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A backend started on a fresh temp dir (`data/`, `skills/`, `tmp/` below it).
pub struct Env {
    pub dir: tempfile::TempDir,
    pub backend: Backend,
}

impl Env {
    pub async fn start() -> Env {
        Env::start_with(|config| config).await
    }

    /// Starts with a tweaked test config (a manual clock, an event sink).
    pub async fn start_with(tweak: impl FnOnce(Config) -> Config) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let backend = Backend::start(tweak(Config::for_test(dir.path()))).await.unwrap();
        Env { dir, backend }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// SP: the skills folder.
    pub fn skills(&self) -> PathBuf {
        self.root().join("skills")
    }

    /// APP: the app data folder.
    pub fn data(&self) -> PathBuf {
        self.root().join("data")
    }

    /// WS: the agents' workspace.
    pub fn workspace(&self) -> PathBuf {
        self.data().join("agent-workspace")
    }

    /// A second connection to the backend's database, for arranging rows and checking
    /// effects the commands do not report.
    pub fn sql(&self) -> rusqlite::Connection {
        open_db(&self.data())
    }

    /// Shuts the backend down cleanly and starts a new one on the same folders.
    pub async fn restart(&mut self) {
        self.backend.shutdown().await.unwrap();
        self.backend = Backend::start(Config::for_test(self.dir.path())).await.unwrap();
    }
}

/// Opens `data_dir/skill-builder.db` with a busy timeout, as another instance would.
pub fn open_db(data_dir: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(data_dir.join("skill-builder.db")).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn
}

/// The single integer a query returns.
pub fn scalar(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Creates a skill with only its name.
pub async fn create(backend: &Backend, name: &str) -> SkillSummary {
    skills::create_skill(backend, CreateSkillRequest { name: name.into(), ..CreateSkillRequest::default() })
        .await
        .unwrap()
}

/// Inserts a library skill of another source directly (imports are not built yet).
pub fn insert_imported_skill(conn: &rusqlite::Connection, name: &str) {
    conn.execute(
        "INSERT INTO skills (name, skill_source, domain, created_at, updated_at)
         VALUES (?1, 'imported', 'Imported domain', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')",
        [name],
    )
    .unwrap();
}

/// The error of a call that must fail.
pub fn error<T: std::fmt::Debug>(result: Result<T, AppError>) -> AppError {
    result.expect_err("the call should have failed")
}

/// The code of a call that must fail.
pub fn code<T: std::fmt::Debug>(result: Result<T, AppError>) -> ErrorCode {
    error(result).code()
}

/// The wire form (`CommandError`) of an error, as the UI and `--json` see it.
pub fn wire(err: AppError) -> Value {
    serde_json::to_value(CommandError::from(err)).unwrap()
}

/// A pid that belonged to a process that has exited and been reaped.
pub fn dead_pid() -> u32 {
    let mut child = Command::new("sleep").arg("0").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A child process that is killed (SIGKILL) and reaped when dropped, so a failing test never
/// leaves a lock holder or writer behind.
pub struct Proc {
    child: Option<Child>,
    lines: Option<std::io::Lines<BufReader<ChildStdout>>>,
}

impl Proc {
    pub fn spawn(mut command: Command) -> Proc {
        let mut child = command.spawn().unwrap();
        let lines = child.stdout.take().map(|out| BufReader::new(out).lines());
        Proc { child: Some(child), lines }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// The next stdout line, or `None` at end of output.
    pub fn next_line(&mut self) -> Option<String> {
        self.lines.as_mut()?.next().map(Result::unwrap)
    }

    /// Reads stdout until a line contains `marker`; returns the line from the marker on.
    /// Panics if output ends first.
    pub fn wait_for_line(&mut self, marker: &str) -> String {
        while let Some(line) = self.next_line() {
            if let Some(found) = after_marker(&line, marker) {
                return format!("{marker}{found}");
            }
        }
        panic!("the child ended without printing {marker:?}");
    }

    /// Closes the child's stdin (`locks hold --until-stdin-closes` takes that as "release and exit").
    pub fn close_stdin(&mut self) {
        drop(self.child.as_mut().unwrap().stdin.take());
    }

    /// Kills the child with SIGKILL (what `Child::kill` sends on Unix) and reaps it, so its pid
    /// is really gone rather than a zombie.
    pub fn sigkill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Waits for a normal exit (bounded, so a hung child fails the test instead of hanging it).
    pub fn wait(&mut self, limit: Duration) -> std::process::ExitStatus {
        let child = self.child.as_mut().unwrap();
        let started = std::time::Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                self.child = None;
                return status;
            }
            assert!(started.elapsed() < limit, "the child did not exit within {limit:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.sigkill();
    }
}

/// The text after `marker` in `line`. A re-executed test binary's first line of output follows
/// libtest's `test name ... ` on the same line, so markers are searched, not anchored.
pub fn after_marker<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    line.find(marker).map(|at| &line[at + marker.len()..])
}

/// Guards process-wide environment variables. `cargo test` runs every test of this binary in
/// one process (nextest gives each its own), so a test that sets a variable the backend reads
/// (`SKILL_BUILDER_ANTHROPIC_BASE_URL` wins over the setting) holds this lock while it is set,
/// and tests that need those variables unset hold it too.
static ENV_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Waits until no other test has environment variables set; hold the guard for the whole test.
pub async fn env_lock() -> tokio::sync::MutexGuard<'static, ()> {
    ENV_LOCK.lock().await
}

/// Environment variables set for one test; dropping the guard removes them and lets the next
/// environment-sensitive test run.
pub struct EnvVars {
    names: Vec<String>,
    _lock: tokio::sync::MutexGuard<'static, ()>,
}

/// Sets `vars` for the current test (see [`EnvVars`]).
pub async fn set_env_vars(vars: &[(&str, &str)]) -> EnvVars {
    let lock = env_lock().await;
    for (name, value) in vars {
        // SAFETY: every test that touches these variables holds ENV_LOCK.
        unsafe { std::env::set_var(name, value) };
    }
    EnvVars { names: vars.iter().map(|(name, _)| name.to_string()).collect(), _lock: lock }
}

impl Drop for EnvVars {
    fn drop(&mut self) {
        for name in &self.names {
            // SAFETY: as above; the lock is still held here.
            unsafe { std::env::remove_var(name) };
        }
    }
}

/// One request the fake API saw.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    pub target: String,
    pub api_key: Option<String>,
    pub version_header: Option<String>,
}

/// A fake Anthropic API on 127.0.0.1. The answer depends on the `x-api-key` header:
/// `sk-valid…` → 200 (a two-page model list), `sk-revoked` → 401, `sk-throttled` → 429,
/// anything else → 500.
pub struct FakeAnthropic {
    pub base_url: String,
    pub seen: Arc<Mutex<Vec<SeenRequest>>>,
}

impl FakeAnthropic {
    pub async fn start() -> FakeAnthropic {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve(socket, Arc::clone(&log)));
            }
        });
        FakeAnthropic { base_url, seen }
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(mut socket: tokio::net::TcpStream, log: Arc<Mutex<Vec<SeenRequest>>>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buffer).to_string();
    let mut lines = head.split("\r\n");
    let target = lines.next().unwrap_or_default().split(' ').nth(1).unwrap_or_default().to_string();
    let header = |name: &str| {
        head.split("\r\n").find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    };
    let request = SeenRequest {
        target: target.clone(),
        api_key: header("x-api-key"),
        version_header: header("anthropic-version"),
    };
    log.lock().unwrap().push(request.clone());
    let (status, body) = match request.api_key.as_deref() {
        Some(key) if key.starts_with("sk-valid") => (200, models_page(&target)),
        Some("sk-revoked") => (401, r#"{"type":"error","error":{"type":"authentication_error"}}"#.to_string()),
        Some("sk-throttled") => (429, r#"{"type":"error","error":{"type":"rate_limit_error"}}"#.to_string()),
        _ => (500, r#"{"type":"error","error":{"type":"api_error"}}"#.to_string()),
    };
    let response = format!(
        "HTTP/1.1 {status} Fake\r\ncontent-type: application/json\r\nretry-after: 7\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = socket.write_all(response.as_bytes()).await;
    let _ = socket.shutdown().await;
}

/// Page one holds two Claude models and one other; page two (after `claude-b`) holds one more.
fn models_page(target: &str) -> String {
    if target.contains("after_id=claude-b") {
        serde_json::json!({
            "data": [{ "id": "claude-c", "display_name": "Claude C", "type": "model" }],
            "has_more": false, "first_id": "claude-c", "last_id": "claude-c"
        })
    } else {
        serde_json::json!({
            "data": [
                { "id": "claude-a", "display_name": "Claude A", "type": "model" },
                { "id": "other-model", "display_name": "Other", "type": "model" },
                { "id": "claude-b", "type": "model" }
            ],
            "has_more": true, "first_id": "claude-a", "last_id": "claude-b"
        })
    }
    .to_string()
}

/// The real binary: `skill-builder --data-dir <root>/data --skills-path <root>/skills --json`,
/// with a private TMPDIR, the database secret store, no crash point armed, stdin closed and
/// stdout/stderr captured. The skills folder is made first, as a chosen folder would exist
/// (only the default one is made on use).
pub fn sb(root: &Path) -> Command {
    std::fs::create_dir_all(root.join("skills")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_skill-builder"));
    command
        .arg("--data-dir")
        .arg(root.join("data"))
        .arg("--skills-path")
        .arg(root.join("skills"))
        .arg("--json")
        .env_remove("SKILL_BUILDER_DATA_DIR")
        .env_remove(skill_builder::crashpoint::CRASH_AT_VAR)
        .env("SKILL_BUILDER_SECRET_STORE", "database")
        .env("TMPDIR", root.join("tmp"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// A second app instance holding `skill`'s lock for a workflow: the real CLI,
/// `skill-builder locks hold <skill> --purpose workflow --until-stdin-closes`, started on the same
/// data and skills folders, once it says it holds the lock. Liveness accepts it as a holder (its
/// process runs `skill-builder`); closing its stdin makes it release the lock and exit cleanly.
pub fn lock_holder(root: &Path, skill: &str) -> Proc {
    let mut command = sb(root);
    command
        .args(["locks", "hold", skill, "--purpose", "workflow", "--until-stdin-closes"])
        .stdin(Stdio::piped())
        .stderr(Stdio::null());
    let mut holder = Proc::spawn(command);
    let line = holder.wait_for_line("{\"held\"");
    let held: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!((held["held"].as_str(), held["pid"].as_u64()), (Some(skill), Some(u64::from(holder.pid()))));
    holder
}

/// The git command-line tool run in `workdir`, with no system or global configuration, so the
/// checks see the repository as the app wrote it. Panics when `git` is not installed: the
/// checks it makes must not pass by being skipped.
pub fn git_cli(workdir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .arg("-C")
        .arg(workdir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("the git command-line tool is needed for this test: {e}"))
}

/// What git itself says of a repository the app wrote: `fsck --full --strict` finds nothing,
/// `verify-pack -v` accepts every pack, and `status --porcelain` is empty (every file committed,
/// the index's stat data right). Call it on every repository a git test writes.
pub fn assert_git_sound(workdir: &Path) {
    let run = |args: &[&str]| {
        let out = git_cli(workdir, args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "git {args:?} failed in {}:\n{stdout}\n{stderr}", workdir.display());
        (stdout, stderr)
    };
    let (fsck_out, fsck_err) = run(&["fsck", "--full", "--strict", "--no-dangling"]);
    assert!(fsck_out.trim().is_empty() && fsck_err.trim().is_empty(), "git fsck: {fsck_out}{fsck_err}");
    let pack_dir = workdir.join(".git/objects/pack");
    for entry in std::fs::read_dir(&pack_dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "idx") {
            run(&["verify-pack", "-v", path.to_str().unwrap()]);
        }
    }
    let (status, _) = run(&["status", "--porcelain"]);
    assert!(status.is_empty(), "git status in {}:\n{status}", workdir.display());
}
