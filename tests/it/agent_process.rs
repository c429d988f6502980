//! No agent process outlives the app, and agents see only what they should: killing the Node
//! leader kills Claude Code and its children; a silent sidecar is stopped within two pong
//! windows; the sidecar's environment is exactly the Rust allow-list.

use skill_builder::actors::supervision::RootHandle;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use skill_builder::actors::sidecar::{
    AgentContext, AgentSpec, AgentTimings, ExitInfo, LaunchSpec, NodeLauncher, ProcessControl, RunRecord,
    SidecarHandle, SidecarLauncher, SidecarProcess,
};
use skill_builder::clock::SystemClock;
use skill_builder::commands::agent::{base_config, preflight};
use skill_builder::events::{AppEvent, ChannelSink, RunOutcome};
use skill_builder::protocol::sidecar::AgentKind;
use skill_builder::protocol::*;
use skill_builder::secrets::Sensitive;
use skill_builder::{Backend, Config};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// Whether `pid` is gone: no such process, or a zombie (a dead process whose parent, here
/// possibly a pid 1 that does not reap, has not collected it).
fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

fn read_pid(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

async fn wait_for(what: &str, within: Duration, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + within;
    while !check() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A stand-in for the Claude Code binary: it starts a sleeping tool child, records both pids,
/// and then ignores its input, as a busy Claude Code would.
fn fake_claude(dir: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("claude");
    let d = dir.display();
    let script = format!(
        "#!/bin/sh\nsleep 600 &\necho $! > '{d}/tool.tmp' && mv '{d}/tool.tmp' '{d}/tool.pid'\n\
         echo $$ > '{d}/claude.tmp' && mv '{d}/claude.tmp' '{d}/claude.pid'\nwait\n"
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[tokio::test]
async fn killing_the_node_leader_kills_claude_code_and_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut events) = mpsc::unbounded_channel();
    let config = Config::for_test(dir.path()).with_events(Arc::new(ChannelSink(tx)));
    let backend = Backend::start(config).await.unwrap();
    let bin = tempfile::tempdir().unwrap();
    let claude = fake_claude(bin.path());

    // The real sidecar and the real SDK (not the mock agent), which starts our fake binary.
    let workspace = backend.paths().workspace.clone();
    let mut runtime = preflight(&backend, workspace.clone()).await.unwrap();
    runtime.mock = false;
    runtime.launch.mock = false;
    runtime.launch.api_key = Some(Sensitive::new("test-key".to_string()));
    runtime.claude_code = Some(claude);
    let config = base_config(&runtime, AgentKind::TestWith, "test-with", "Check the skill".into(), "sonnet");
    let spec = AgentSpec {
        agent_id: format!("ag-{}", uuid::Uuid::now_v7()),
        kind: AgentKind::TestWith,
        skill: Some("sales-kpis".into()),
        step: None,
        workflow_session_id: None,
        config,
        api_key: runtime.launch.api_key.clone(),
        transcript_dir: None,
        cwd: workspace,
        claude_config_dir: runtime.launch.claude_config_dir.clone(),
        mock: false,
    };
    let handle = backend.sidecars().start_agent(spec, runtime.launch, 4).await.unwrap();
    let node = backend.sidecars().list_active().await.unwrap()[0].pid.unwrap();
    let (claude_pid, tool_pid) = (bin.path().join("claude.pid"), bin.path().join("tool.pid"));
    wait_for("the SDK started Claude Code", Duration::from_secs(30), || claude_pid.exists() && tool_pid.exists()).await;
    let (claude_pid, tool_pid) = (read_pid(&claude_pid).unwrap(), read_pid(&tool_pid).unwrap());
    assert!(!gone(claude_pid) && !gone(tool_pid), "both are running before the kill");

    // SIGKILL the Node leader only: nothing in Node gets to clean up after itself.
    // SAFETY: kill(2) on the sidecar's own pid, which this test just read from the runtime.
    assert_eq!(unsafe { libc::kill(i32::try_from(node).unwrap(), libc::SIGKILL) }, 0);
    let exit = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match events.recv().await {
                Some(AppEvent::AgentExit { run_id, outcome, .. }) if run_id == handle.run_id => return outcome,
                Some(_) => {}
                None => panic!("event channel closed"),
            }
        }
    })
    .await
    .expect("the run ended");
    assert_eq!(exit, RunOutcome::Crashed);
    wait_for("Claude Code and its tool child were killed", Duration::from_secs(5), || {
        gone(claude_pid) && gone(tool_pid)
    })
    .await;
    backend.shutdown().await.unwrap();
}

// --- the heartbeat, under paused time ---------------------------------------------------------

struct NoKill;
impl ProcessControl for NoKill {
    fn kill(&self) {}
}

/// A sidecar that says `ready` and then never answers anything: a hung Node event loop.
struct SilentLauncher;

impl SidecarLauncher for SilentLauncher {
    fn launch(&self, _spec: &LaunchSpec) -> Result<SidecarProcess, AppError> {
        let (agent_stdin, sidecar_in) = tokio::io::duplex(64 * 1024);
        let (mut sidecar_out, agent_stdout) = tokio::io::duplex(64 * 1024);
        let (stderr_writer, agent_stderr) = tokio::io::duplex(1024);
        tokio::spawn(async move {
            let _keep_stderr_open = stderr_writer;
            sidecar_out.write_all(b"{\"v\":1,\"type\":\"ready\",\"protocol\":1}\n").await.unwrap();
            let mut lines = BufReader::new(sidecar_in).lines();
            while let Ok(Some(_ignored)) = lines.next_line().await {}
            drop(sidecar_out);
        });
        Ok(SidecarProcess {
            stdin: Box::new(agent_stdin),
            stdout: Box::new(agent_stdout),
            stderr: Box::new(agent_stderr),
            exit: Box::pin(std::future::pending::<ExitInfo>()),
            control: Box::new(NoKill),
            pid: None,
        })
    }
}

async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_silent_sidecar_is_stopped_two_pong_windows_after_its_first_unanswered_ping() {
    let dir = tempfile::tempdir().unwrap();
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let (records, _records_rx) = mpsc::unbounded_channel::<RunRecord>();
    let ctx = AgentContext {
        events: Arc::new(ChannelSink(events_tx)),
        records,
        clock: Arc::new(SystemClock),
        timings: AgentTimings::default(),
    };
    let root = RootHandle::start(ctx.events.clone()).await.unwrap();
    let sidecars = SidecarHandle::start(&root, Arc::new(SilentLauncher), ctx).await.unwrap();
    let launch = LaunchSpec {
        node: "node".into(),
        bundle: "fake".into(),
        cwd: dir.path().to_path_buf(),
        api_key: None,
        claude_config_dir: dir.path().to_path_buf(),
        mock: true,
    };
    let runtime = skill_builder::commands::agent::Runtime { launch, mock: true, limit: 4, claude_code: None };
    let spec = AgentSpec {
        agent_id: "ag-silent".into(),
        kind: AgentKind::TestWith,
        skill: Some("sales-kpis".into()),
        step: None,
        workflow_session_id: None,
        config: base_config(&runtime, AgentKind::TestWith, "test-with", "Check it".into(), "sonnet"),
        api_key: None,
        transcript_dir: None,
        cwd: dir.path().to_path_buf(),
        claude_config_dir: dir.path().to_path_buf(),
        mock: true,
    };
    let handle = sidecars.start_agent(spec, runtime.launch, 4).await.unwrap();
    settle().await;

    // The first ping goes out at 30 s; its pong window closes at 35 s, the retry's at 40 s.
    tokio::time::sleep(Duration::from_secs(34)).await;
    settle().await;
    assert_eq!(sidecars.list_active().await.unwrap().len(), 1, "inside the first pong window");
    tokio::time::sleep(Duration::from_secs(7)).await;
    settle().await;
    assert_eq!(sidecars.list_active().await.unwrap().len(), 0, "stopped 41 s in, not on a later 30 s tick");

    let mut exit = None;
    let mut reasons = Vec::new();
    while let Ok(event) = events.try_recv() {
        match event {
            AppEvent::AgentExit { run_id, outcome, error, .. } if run_id == handle.run_id => {
                exit = Some((outcome, error.map(|e| e.category)));
            }
            AppEvent::AgentState { state: AgentState::Stopped, reason, .. } => reasons.push(reason),
            _ => {}
        }
    }
    assert_eq!(exit, Some((RunOutcome::Crashed, Some("sidecar_unresponsive".to_string()))));
    assert_eq!(reasons, [Some("hung".to_string())]);
}

// --- the environment ---------------------------------------------------------------------------

/// Launches "node" as `/bin/sh` on a script that records its environment, through the real
/// `NodeLauncher` and its allow-list.
async fn launched_environment(dir: &Path) -> Result<HashMap<String, String>, AppError> {
    let script = dir.join("dump-env.sh");
    let out = dir.join("env.txt");
    let d = dir.display();
    std::fs::write(&script, format!("env -0 > '{d}/env.tmp' && mv '{d}/env.tmp' '{}'\n", out.display())).unwrap();
    let spec = LaunchSpec {
        node: "/bin/sh".into(),
        bundle: script,
        cwd: dir.to_path_buf(),
        api_key: Some(Sensitive::new("sk-test".to_string())),
        claude_config_dir: dir.join("config"),
        mock: false,
    };
    let process = NodeLauncher.launch(&spec)?;
    process.exit.await;
    let raw = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    Ok(String::from_utf8_lossy(&raw)
        .split('\0')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

#[tokio::test]
async fn the_sidecar_gets_the_rust_allow_list_with_proxies_and_ca_files_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let vars = crate::support::set_env_vars(&[
        ("http_proxy", "http://proxy.corp:3128"),
        ("https_proxy", "http://proxy.corp:3128"),
        ("all_proxy", "socks5://proxy.corp:1080"),
        ("no_proxy", "corp.example"),
        ("NODE_EXTRA_CA_CERTS", "/etc/corp/ca.pem"),
        ("SSL_CERT_FILE", "/etc/corp/bundle.pem"),
        ("NODE_OPTIONS", "--require /tmp/evil.js"),
        ("SKILL_BUILDER_TEST_SECRET", "do-not-pass"),
        ("SKILL_BUILDER_ANTHROPIC_BASE_URL", "http://127.0.0.1:9"),
    ])
    .await;
    let env = launched_environment(dir.path()).await.unwrap();
    for (key, value) in [
        ("http_proxy", "http://proxy.corp:3128"),
        ("https_proxy", "http://proxy.corp:3128"),
        ("all_proxy", "socks5://proxy.corp:1080"),
        ("NODE_EXTRA_CA_CERTS", "/etc/corp/ca.pem"),
        ("SSL_CERT_FILE", "/etc/corp/bundle.pem"),
        ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"),
        ("ANTHROPIC_API_KEY", "sk-test"),
        ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
    ] {
        assert_eq!(env.get(key).map(String::as_str), Some(value), "{key}");
    }
    assert!(env["NO_PROXY"].starts_with("corp.example,") && env["NO_PROXY"].contains("127.0.0.1"), "{env:?}");
    assert!(!env.contains_key("NODE_OPTIONS") && !env.contains_key("SKILL_BUILDER_TEST_SECRET"), "{env:?}");
    drop(vars);

    // A base URL over plain http to anything but loopback would carry the key in clear text.
    let _vars = crate::support::set_env_vars(&[("SKILL_BUILDER_ANTHROPIC_BASE_URL", "http://gateway.example")]).await;
    let err = launched_environment(dir.path()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}
