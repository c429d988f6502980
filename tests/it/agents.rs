//! The agent runtime: the idle timeout under paused time with an in-process fake sidecar, and
//! real Node sidecars (mock agent, and the real SDK against the fake Messages API) for crash,
//! cancel, concurrency, shutdown of a stuck child, and secrets.

use skill_builder::actors::supervision::RootHandle;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use skill_builder::actors::sidecar::{
    AgentContext, AgentSpec, AgentTimings, LaunchSpec, NodeLauncher, ProcessControl, RunRecord, SidecarHandle,
    SidecarLauncher, SidecarProcess, spawn_process,
};
use skill_builder::clock::SystemClock;
use skill_builder::commands::agent::{base_config, preflight};
use skill_builder::events::{AppEvent, ChannelSink, RunOutcome};
use skill_builder::protocol::sidecar::{AgentKind, MockConfig};
use skill_builder::protocol::*;
use skill_builder::{Backend, Config};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

// --- an in-process fake sidecar, for paused time ------------------------------------------

struct NoKill;
impl ProcessControl for NoKill {
    fn kill(&self) {}
}

/// Speaks just enough of the protocol: `ready`, a `result` per run or turn, `pong`, and exits
/// on `shutdown`.
struct FakeLauncher;

impl SidecarLauncher for FakeLauncher {
    fn launch(&self, _spec: &LaunchSpec) -> Result<SidecarProcess, AppError> {
        let (agent_stdin, sidecar_in) = tokio::io::duplex(64 * 1024);
        let (mut sidecar_out, agent_stdout) = tokio::io::duplex(64 * 1024);
        let (_stderr_writer, agent_stderr) = tokio::io::duplex(1024);
        let (exit_tx, exit_rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let _keep_stderr_open = _stderr_writer;
            sidecar_out.write_all(b"{\"v\":1,\"type\":\"ready\",\"protocol\":1}\n").await.unwrap();
            let mut lines = BufReader::new(sidecar_in).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let request: Value = serde_json::from_str(&line).unwrap();
                let reply = match request["type"].as_str().unwrap() {
                    "run" | "session_start" | "session_send" => Some(format!(
                        "{{\"v\":1,\"type\":\"result\",\"run_id\":\"{}\",\"status\":\"success\",\"text\":\"ok\"}}\n",
                        request["run_id"].as_str().unwrap()
                    )),
                    "ping" => Some(format!("{{\"v\":1,\"type\":\"pong\",\"nonce\":{}}}\n", request["nonce"])),
                    "shutdown" => break,
                    _ => None,
                };
                if let Some(reply) = reply {
                    sidecar_out.write_all(reply.as_bytes()).await.unwrap();
                }
            }
            let _ = exit_tx.send(());
        });
        Ok(SidecarProcess {
            stdin: Box::new(agent_stdin),
            stdout: Box::new(agent_stdout),
            stderr: Box::new(agent_stderr),
            exit: Box::pin(async move {
                let _ = exit_rx.await;
                skill_builder::actors::sidecar::ExitInfo { code: Some(0), signal: None }
            }),
            control: Box::new(NoKill),
            pid: None,
        })
    }
}

fn refine_spec(dir: &std::path::Path) -> (AgentSpec, LaunchSpec) {
    let launch = LaunchSpec {
        node: "node".into(),
        bundle: "fake".into(),
        cwd: dir.to_path_buf(),
        api_key: None,
        claude_config_dir: dir.to_path_buf(),
        mock: true,
    };
    let runtime = skill_builder::commands::agent::Runtime { launch, mock: true, limit: 4, claude_code: None };
    let config = base_config(&runtime, AgentKind::Refine, "refine", "make it better".into(), "sonnet");
    let spec = AgentSpec {
        agent_id: "ag-idle".into(),
        kind: AgentKind::Refine,
        skill: Some("sales-kpis".into()),
        step: None,
        workflow_session_id: Some("ses-1".into()),
        config,
        api_key: None,
        transcript_dir: None,
        cwd: dir.to_path_buf(),
        claude_config_dir: dir.to_path_buf(),
        mock: true,
    };
    (spec, runtime.launch)
}

async fn active(sidecars: &SidecarHandle) -> usize {
    sidecars.list_active().await.unwrap().len()
}

/// Lets spawned tasks and actors run without advancing paused time.
async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn idle_agent_stops_at_five_minutes_not_before_and_activity_resets_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let (records, _records_rx) = mpsc::unbounded_channel::<RunRecord>();
    let ctx = AgentContext {
        events: Arc::new(ChannelSink(events_tx)),
        records,
        clock: Arc::new(SystemClock),
        timings: AgentTimings { heartbeat: Duration::from_secs(3600), ..AgentTimings::default() },
    };
    let root = RootHandle::start(ctx.events.clone()).await.unwrap();
    let sidecars = SidecarHandle::start(&root, Arc::new(FakeLauncher), ctx).await.unwrap();
    let (spec, launch) = refine_spec(dir.path());
    let handle = sidecars.start_agent(spec, launch, 4).await.unwrap();
    settle().await;

    tokio::time::sleep(Duration::from_secs(200)).await;
    assert_eq!(active(&sidecars).await, 1, "alive after 200 s");
    // Activity at 200 s: a second turn re-arms the five-minute clock.
    sidecars.send(&handle.agent_id, "one more change").await.unwrap();
    settle().await;
    tokio::time::sleep(Duration::from_secs(299)).await;
    assert_eq!(active(&sidecars).await, 1, "alive 299 s after the last activity");
    tokio::time::sleep(Duration::from_secs(2)).await;
    settle().await;
    assert_eq!(active(&sidecars).await, 0, "stopped 301 s after the last activity");
    assert!(sidecars.is_alive(), "the supervisor outlives its children");

    let mut reasons = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let AppEvent::AgentState { state: AgentState::Stopped, reason, .. } = event {
            reasons.push(reason);
        }
    }
    assert_eq!(reasons, [Some("idle".to_string())]);
}

// --- real Node sidecars --------------------------------------------------------------------

struct Harness {
    _dir: tempfile::TempDir,
    backend: Backend,
    events: mpsc::UnboundedReceiver<AppEvent>,
}

async fn harness(timings: AgentTimings, launcher: Option<Arc<dyn SidecarLauncher>>) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let (tx, events) = mpsc::unbounded_channel();
    let mut config = Config::for_test(dir.path()).with_events(Arc::new(ChannelSink(tx))).with_agent_timings(timings);
    if let Some(launcher) = launcher {
        config = config.with_launcher(launcher);
    }
    let backend = Backend::start(config).await.unwrap();
    Harness { _dir: dir, backend, events }
}

/// A mock-agent spec: the real sidecar, the mock agent inside it.
async fn mock_agent(backend: &Backend, kind: AgentKind, skill: &str, mock: MockConfig) -> (AgentSpec, LaunchSpec, u32) {
    let workspace = backend.paths().workspace.clone();
    let runtime = preflight(backend, workspace.clone()).await.unwrap();
    assert!(runtime.mock, "no API key is stored, so agents are mocked");
    let mut config = base_config(&runtime, kind, "test-with", "Check the skill".into(), "sonnet");
    config.mock = Some(mock);
    let spec = AgentSpec {
        agent_id: format!("ag-{}", uuid::Uuid::now_v7()),
        kind,
        skill: Some(skill.into()),
        step: None,
        workflow_session_id: None,
        config,
        api_key: None,
        transcript_dir: Some(workspace.join("logs").join(skill)),
        cwd: workspace,
        claude_config_dir: runtime.launch.claude_config_dir.clone(),
        mock: true,
    };
    let limit = runtime.limit;
    (spec, runtime.launch, limit)
}

/// Waits for the first message of a run in flight, so a test acts mid-run instead of after a
/// guessed sleep.
async fn mid_run(events: &mut mpsc::UnboundedReceiver<AppEvent>) {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match events.recv().await {
                Some(AppEvent::AgentMessage { .. }) => return,
                Some(_) => continue,
                None => panic!("event channel closed"),
            }
        }
    })
    .await
    .expect("the run produced a message");
}

/// Polls until `pid` is gone (or a zombie no one reaps), up to `limit`.
async fn gone_within(pid: u32, limit: Duration) -> bool {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let zombie = state.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z'));
        if state.is_empty() || zombie {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn slow(delay_ms: u32) -> MockConfig {
    MockConfig { scenario: Some("test.with".into()), delay_ms: Some(delay_ms), ..MockConfig::default() }
}

/// Waits for the one `agent-exit` of `run_id`, failing after `within`.
async fn exit_of(events: &mut mpsc::UnboundedReceiver<AppEvent>, run_id: &str, within: Duration) -> AppEvent {
    tokio::time::timeout(within, async {
        loop {
            match events.recv().await {
                Some(event @ AppEvent::AgentExit { .. }) if matches!(&event, AppEvent::AgentExit { run_id: r, .. } if r == run_id) => {
                    return event;
                }
                Some(_) => continue,
                None => panic!("event channel closed"),
            }
        }
    })
    .await
    .expect("the run ended in time")
}

fn outcome(event: &AppEvent) -> RunOutcome {
    match event {
        AppEvent::AgentExit { outcome, .. } => *outcome,
        other => panic!("{other:?}"),
    }
}

/// The latest `limit` run rows once `done` holds for them. Rows reach the database through the
/// run recorder, after the agent's events, and a read does not wait for writes other tasks
/// have queued, so a test polls for them.
async fn recorded_runs(backend: &Backend, limit: u32, done: impl Fn(&[AgentRunRecord]) -> bool) -> Vec<AgentRunRecord> {
    for _ in 0..200 {
        let runs = backend.db().recent_runs(limit).await.unwrap();
        if done(&runs) {
            return runs;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    backend.db().recent_runs(limit).await.unwrap()
}

async fn wait_until_idle(backend: &Backend) {
    for _ in 0..200 {
        if backend.sidecars().list_active().await.unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("agents did not stop");
}

/// The real Node launcher, except that each agent's `run` line waits until the test opens the
/// gate. Both agents are then started, each with its run in flight, however loaded the machine
/// is; the runs themselves go on side by side once the gate opens.
struct GatedLauncher {
    open: tokio::sync::watch::Receiver<bool>,
}

impl SidecarLauncher for GatedLauncher {
    fn launch(&self, spec: &LaunchSpec) -> Result<SidecarProcess, AppError> {
        let mut process = NodeLauncher.launch(spec)?;
        let (agent_side, gate_side) = tokio::io::duplex(64 * 1024);
        let mut stdin = std::mem::replace(&mut process.stdin, Box::new(agent_side));
        let mut open = self.open.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(gate_side).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let request: Value = serde_json::from_str(&line).unwrap();
                if request["type"] == "run" {
                    open.wait_for(|open| *open).await.unwrap();
                }
                if stdin.write_all(format!("{line}\n").as_bytes()).await.is_err() || stdin.flush().await.is_err() {
                    return;
                }
            }
        });
        Ok(process)
    }
}

#[tokio::test]
async fn two_agents_run_side_by_side_and_both_complete() {
    let (gate, open) = tokio::sync::watch::channel(false);
    let mut h = harness(AgentTimings::default(), Some(Arc::new(GatedLauncher { open }))).await;
    let (a, la, limit) = mock_agent(&h.backend, AgentKind::TestWith, "sales-kpis", slow(20)).await;
    let (b, lb, _) = mock_agent(&h.backend, AgentKind::TestWithout, "sales-kpis", slow(20)).await;
    let (first, second) =
        tokio::join!(h.backend.sidecars().start_agent(a, la, limit), h.backend.sidecars().start_agent(b, lb, limit));
    let (first, second) = (first.unwrap(), second.unwrap());
    // Neither run can have ended yet (their `run` lines wait at the gate), so this does not
    // depend on how fast the first sidecar runs while the second one starts.
    assert_eq!(h.backend.sidecars().list_active().await.unwrap().len(), 2);
    gate.send(true).unwrap();
    let mut pending = vec![first.run_id.clone(), second.run_id.clone()];
    tokio::time::timeout(Duration::from_secs(30), async {
        while !pending.is_empty() {
            if let Some(AppEvent::AgentExit { run_id, outcome, .. }) = h.events.recv().await {
                assert_eq!(outcome, RunOutcome::Completed);
                pending.retain(|r| *r != run_id);
            }
        }
    })
    .await
    .expect("both runs ended in time");
    wait_until_idle(&h.backend).await;
    let runs = recorded_runs(&h.backend, 10, |runs| runs.iter().all(|r| r.status != "running")).await;
    assert_eq!(runs.iter().filter(|r| r.status == "success").count(), 2, "{runs:?}");
    h.backend.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_second_workflow_agent_for_the_same_skill_is_refused_without_touching_the_first() {
    let mut h = harness(AgentTimings::default(), None).await;
    let (a, la, limit) = mock_agent(&h.backend, AgentKind::Gate, "sales-kpis", slow(100)).await;
    let (b, lb, _) = mock_agent(&h.backend, AgentKind::Validate, "sales-kpis", slow(100)).await;
    let first = h.backend.sidecars().start_agent(a, la, limit).await.unwrap();
    let err = h.backend.sidecars().start_agent(b, lb, limit).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AgentBusy);
    h.backend.sidecars().cancel(&first.run_id).await.unwrap();
    let exit = exit_of(&mut h.events, &first.run_id, Duration::from_secs(20)).await;
    assert_eq!(outcome(&exit), RunOutcome::Cancelled);
    h.backend.shutdown().await.unwrap();
}

#[tokio::test]
async fn cancel_ends_a_run_within_two_seconds() {
    let mut h = harness(AgentTimings::default(), None).await;
    let (spec, launch, limit) = mock_agent(&h.backend, AgentKind::TestWith, "sales-kpis", slow(400)).await;
    let handle = h.backend.sidecars().start_agent(spec, launch, limit).await.unwrap();
    mid_run(&mut h.events).await;
    let asked = std::time::Instant::now();
    h.backend.sidecars().cancel(&handle.run_id).await.unwrap();
    let exit = exit_of(&mut h.events, &handle.run_id, Duration::from_secs(2)).await;
    assert_eq!(outcome(&exit), RunOutcome::Cancelled);
    assert!(asked.elapsed() < Duration::from_secs(2));
    wait_until_idle(&h.backend).await;
    h.backend.shutdown().await.unwrap();
}

#[tokio::test]
async fn killing_a_sidecar_mid_run_fails_the_run_and_the_next_run_works() {
    let mut h = harness(AgentTimings::default(), None).await;
    let (spec, launch, limit) = mock_agent(&h.backend, AgentKind::TestWith, "sales-kpis", slow(400)).await;
    let handle = h.backend.sidecars().start_agent(spec, launch, limit).await.unwrap();
    let pid = h.backend.sidecars().list_active().await.unwrap()[0].pid.unwrap();
    mid_run(&mut h.events).await;
    std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();

    let exit = exit_of(&mut h.events, &handle.run_id, Duration::from_secs(10)).await;
    match &exit {
        AppEvent::AgentExit { outcome: RunOutcome::Crashed, error: Some(error), .. } => {
            assert_eq!(error.category, "sidecar_crashed");
            assert_eq!(error.signal, Some(9));
        }
        other => panic!("{other:?}"),
    }
    wait_until_idle(&h.backend).await;
    assert!(h.backend.sidecars().is_alive());
    let runs = recorded_runs(&h.backend, 5, |runs| runs.first().is_some_and(|r| r.status != "running")).await;
    assert_eq!(runs[0].status, "failed");
    assert_eq!(runs[0].error_category.as_deref(), Some("sidecar_crashed"));

    let (spec, launch, limit) = mock_agent(&h.backend, AgentKind::TestWith, "sales-kpis", slow(0)).await;
    let next = h.backend.sidecars().start_agent(spec, launch, limit).await.unwrap();
    assert_eq!(outcome(&exit_of(&mut h.events, &next.run_id, Duration::from_secs(20)).await), RunOutcome::Completed);
    h.backend.shutdown().await.unwrap();
}

/// A sidecar that says `ready`, then ignores its input and every polite signal.
struct StuckLauncher;

impl SidecarLauncher for StuckLauncher {
    fn launch(&self, _spec: &LaunchSpec) -> Result<SidecarProcess, AppError> {
        let mut command = tokio::process::Command::new("bash");
        command.args(["-c", r#"trap '' TERM INT; echo '{"v":1,"type":"ready","protocol":1}'; exec sleep 600"#]);
        spawn_process(command)
    }
}

#[tokio::test]
async fn shutdown_kills_a_stuck_child_and_records_the_run() {
    let timings = AgentTimings { stop_grace: Duration::from_millis(500), ..AgentTimings::default() };
    let mut h = harness(timings, Some(Arc::new(StuckLauncher))).await;
    let (spec, launch, limit) = mock_agent(&h.backend, AgentKind::TestWith, "sales-kpis", slow(0)).await;
    let handle = h.backend.sidecars().start_agent(spec, launch, limit).await.unwrap();
    let pid = h.backend.sidecars().list_active().await.unwrap()[0].pid.unwrap();

    let started = std::time::Instant::now();
    let report = h.backend.sidecars().shutdown().await.unwrap();
    assert_eq!((report.stopped, report.forced), (1, 1));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(outcome(&exit_of(&mut h.events, &handle.run_id, Duration::from_secs(1)).await), RunOutcome::Shutdown);
    assert!(gone_within(pid, Duration::from_secs(2)).await, "the stuck sidecar was killed");
    h.backend.shutdown().await.unwrap();
}

// --- the real SDK against the fake Messages API ----------------------------------------------

/// Starts `sidecar/test/fake-anthropic/server.mjs <scenario>` and returns it with its port.
fn fake_messages_api(scenario: &str) -> (std::process::Child, u16) {
    use std::io::BufRead;
    let server = concat!(env!("CARGO_MANIFEST_DIR"), "/sidecar/test/fake-anthropic/server.mjs");
    let mut child = std::process::Command::new("node")
        .args([server, scenario])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.trim().strip_prefix("listening ").unwrap().parse().unwrap();
    (child, port)
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { found.extend(files_under(&path)) } else { found.push(path) }
    }
    found
}

#[tokio::test]
async fn real_sdk_run_records_usage_and_no_secret_reaches_a_transcript_or_log() {
    let (mut server, port) = fake_messages_api("text");
    // Process-wide variables: `cargo test` shares the process with the other tests, so they are
    // set under the suite's env lock and removed when `_env` drops.
    let base_url = format!("http://127.0.0.1:{port}");
    let _env = crate::support::set_env_vars(&[
        ("SKILL_BUILDER_ANTHROPIC_BASE_URL", &base_url),
        ("SKILL_BUILDER_CLAUDE_MAX_RETRIES", "0"),
    ])
    .await;
    let mut h = harness(AgentTimings::default(), None).await;
    // The most verbose file log this process can write, so the scan below covers it too.
    let logs = h.backend.paths().logs.clone();
    let log_control = skill_builder::telemetry::init(&logs, None).unwrap();
    log_control.set_level(LogLevel::Trace).unwrap();
    let secret = "sk-ant-api03-TESTSECRET-0123456789abcdef";
    let patch: SettingsPatch =
        serde_json::from_value(serde_json::json!({ "anthropicApiKey": { "set": secret } })).unwrap();
    skill_builder::commands::settings::save_settings(&h.backend, patch).await.unwrap();

    let request = StartAgentRequest::Feedback { text: "Sorting by date would help.".into() };
    let handle = skill_builder::commands::agent::start_agent(&h.backend, request).await.unwrap();
    let exit = exit_of(&mut h.events, &handle.run_id, Duration::from_secs(60)).await;
    match &exit {
        AppEvent::AgentExit { outcome: RunOutcome::Completed, summary: Some(summary), .. } => {
            assert_eq!(summary["resultText"], "done");
        }
        other => panic!("{other:?}"),
    }
    wait_until_idle(&h.backend).await;
    let data_dir = h.backend.paths().data_dir.clone();
    h.backend.shutdown().await.unwrap();
    let _ = server.kill();

    let runs = {
        let backend = Backend::start(Config::new(&data_dir)).await.unwrap();
        let runs = backend.db().recent_runs(5).await.unwrap();
        backend.shutdown().await.unwrap();
        runs
    };
    assert_eq!(runs[0].status, "success");
    assert!(runs[0].input_tokens > 0 && runs[0].model.starts_with("claude-"), "{:?}", runs[0]);

    drop(log_control);
    let written = files_under(&data_dir);
    assert!(written.iter().any(|p| p.starts_with(&logs)), "a log file was written");
    assert!(written.iter().any(|p| p.extension().is_some_and(|e| e == "jsonl")), "a transcript was written");
    for file in written.iter().filter(|p| !p.to_string_lossy().contains("skill-builder.db")) {
        let bytes = std::fs::read(file).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(secret), "the key leaked into {}", file.display());
    }
}

/// A window that reloads mid-run redraws from `get_agent_snapshot`: it holds exactly the
/// messages the events carried, in order, and the run's outcome once it ended. The transcript
/// gives the same messages back later.
#[tokio::test]
async fn a_snapshot_replays_what_the_events_carried() {
    let mut h = harness(AgentTimings::default(), None).await;
    let (spec, launch, limit) = mock_agent(&h.backend, AgentKind::TestWith, "sales-kpis", slow(5)).await;
    let handle = h.backend.sidecars().start_agent(spec, launch, limit).await.unwrap();
    let mut seen = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match h.events.recv().await {
                Some(AppEvent::AgentMessage { run_id, seq, items, .. }) if run_id == handle.run_id => {
                    seen.push((seq, items));
                }
                Some(AppEvent::AgentExit { run_id, .. }) if run_id == handle.run_id => return,
                Some(_) => {}
                None => panic!("event channel closed"),
            }
        }
    })
    .await
    .expect("the run ended in time");
    assert!(!seen.is_empty(), "the mock agent streams messages");

    let snapshot = skill_builder::commands::agent::get_agent_snapshot(&h.backend, &handle.agent_id).unwrap();
    let run = snapshot.runs.iter().find(|r| r.run_id == handle.run_id).expect("the run is in the snapshot");
    let replayed: Vec<_> = run.messages.iter().map(|m| (m.seq, m.items.clone())).collect();
    assert_eq!(replayed, seen);
    assert_eq!(run.last_seq, seen.last().map(|(seq, _)| *seq));
    assert_eq!(run.outcome, Some(RunOutcome::Completed));
    assert!(!run.truncated_before);
    let unknown = skill_builder::commands::agent::get_agent_snapshot(&h.backend, "no-such-agent").unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound);

    // "View run log" and runs from before a restart read the same messages from the transcript.
    wait_until_idle(&h.backend).await;
    let page = skill_builder::commands::agent::get_run_transcript(&h.backend, &handle.run_id, 0).await.unwrap();
    let from_disk: Vec<_> = page.messages.iter().map(|m| (m.seq, m.items.clone())).collect();
    assert_eq!(from_disk, seen);
    assert!(!page.has_more);
    assert!(page.transcript_path.contains("sales-kpis"), "{}", page.transcript_path);
    let missing = skill_builder::commands::agent::get_run_transcript(&h.backend, "run-missing", 0).await.unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    h.backend.shutdown().await.unwrap();
}
