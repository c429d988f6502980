//! Back-pressure on the agent output path (agents-and-workflow.md §4.3): a sidecar that floods
//! its stdout while the window is slow is held up by its full pipe instead of the backend
//! queueing its output, no event but deltas is lost, and the transcript keeps every line.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use skill_builder::actors::sidecar::{
    AgentSpec, ExitInfo, LaunchSpec, ProcessControl, SidecarLauncher, SidecarProcess,
};
use skill_builder::actors::ui_emitter::{FRAME, UiEmitter};
use skill_builder::commands::agent::{Runtime, base_config};
use skill_builder::events::{AppEvent, EventSink};
use skill_builder::protocol::sidecar::AgentKind;
use skill_builder::protocol::*;
use skill_builder::{Backend, Config};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Message lines the sidecar writes, as fast as it can (about 15 MB).
const LINES: u64 = 100_000;
/// Messages written but not yet shown may not exceed this: the window's queue (8,192), the
/// actor's lines in flight (1,024) and what two 64 KiB buffers (the pipe, the reader's) hold.
const MAX_IN_FLIGHT: u64 = 12_000;

/// What the flood has done so far, shared by the sidecar and the window.
#[derive(Default)]
struct Flow {
    written: AtomicU64,
    shown: AtomicU64,
    max_in_flight: AtomicU64,
}

impl Flow {
    fn note_in_flight(&self) {
        let in_flight = self.written.load(Ordering::SeqCst).saturating_sub(self.shown.load(Ordering::SeqCst));
        self.max_in_flight.fetch_max(in_flight, Ordering::SeqCst);
    }
}

struct NoKill;
impl ProcessControl for NoKill {
    fn kill(&self) {}
}

/// An in-process sidecar: `ready`, then for its run [`LINES`] messages with a delta after every
/// tenth, then the result; it exits on `shutdown`.
struct FloodLauncher(Arc<Flow>);

impl SidecarLauncher for FloodLauncher {
    fn launch(&self, _spec: &LaunchSpec) -> Result<SidecarProcess, AppError> {
        let (agent_stdin, sidecar_in) = tokio::io::duplex(64 * 1024);
        let (mut out, agent_stdout) = tokio::io::duplex(64 * 1024);
        let (stderr_writer, agent_stderr) = tokio::io::duplex(1024);
        let (exit_tx, exit_rx) = tokio::sync::oneshot::channel();
        let flow = Arc::clone(&self.0);
        tokio::spawn(async move {
            let _keep_stderr_open = stderr_writer;
            out.write_all(b"{\"v\":1,\"type\":\"ready\",\"protocol\":1}\n").await.unwrap();
            let mut requests = BufReader::new(sidecar_in).lines();
            while let Ok(Some(line)) = requests.next_line().await {
                let request: Value = serde_json::from_str(&line).unwrap();
                match request["type"].as_str().unwrap() {
                    "run" => {
                        let run = request["run_id"].as_str().unwrap().to_string();
                        for seq in 1..=LINES {
                            let message = format!(
                                "{{\"v\":1,\"type\":\"message\",\"run_id\":\"{run}\",\"seq\":{seq},\"items\":[{{\"kind\":\"text\",\"text\":\"line {seq} of the flood\"}}]}}\n"
                            );
                            out.write_all(message.as_bytes()).await.unwrap();
                            flow.written.fetch_add(1, Ordering::SeqCst);
                            flow.note_in_flight();
                            if seq % 10 == 0 {
                                let delta = format!(
                                    "{{\"v\":1,\"type\":\"delta\",\"run_id\":\"{run}\",\"message_id\":\"m{seq}\",\"index\":0,\"block\":\"text\",\"text\":\"x\"}}\n"
                                );
                                out.write_all(delta.as_bytes()).await.unwrap();
                            }
                        }
                        let result =
                            format!("{{\"v\":1,\"type\":\"result\",\"run_id\":\"{run}\",\"status\":\"success\"}}\n");
                        out.write_all(result.as_bytes()).await.unwrap();
                    }
                    "shutdown" => break,
                    _ => {}
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
                ExitInfo { code: Some(0), signal: None }
            }),
            control: Box::new(NoKill),
            pid: None,
        })
    }
}

/// The window: slow (a millisecond per 64 events), and checking every message arrives in order.
struct SlowWindow {
    flow: Arc<Flow>,
    events: AtomicU64,
    out_of_order: AtomicU64,
    transcript: Mutex<Option<String>>,
    stopped: tokio::sync::Notify,
}

impl EventSink for SlowWindow {
    fn emit(&self, event: AppEvent) {
        if self.events.fetch_add(1, Ordering::SeqCst) % 64 == 63 {
            std::thread::sleep(Duration::from_millis(1));
        }
        match event {
            AppEvent::AgentMessage { seq, .. } => {
                let shown = self.flow.shown.fetch_add(1, Ordering::SeqCst) + 1;
                if seq != shown {
                    self.out_of_order.fetch_add(1, Ordering::SeqCst);
                }
            }
            AppEvent::AgentRunStarted { transcript_path, .. } => *self.transcript.lock().unwrap() = transcript_path,
            AppEvent::AgentState { state: AgentState::Stopped, .. } => self.stopped.notify_one(),
            _ => {}
        }
    }
}

fn flood_spec(workspace: &std::path::Path) -> (AgentSpec, LaunchSpec) {
    let launch = LaunchSpec {
        node: "node".into(),
        bundle: "fake".into(),
        cwd: workspace.to_path_buf(),
        api_key: None,
        claude_config_dir: workspace.to_path_buf(),
        mock: true,
    };
    let runtime = Runtime { launch, mock: true, limit: 4, claude_code: None };
    let config = base_config(&runtime, AgentKind::TestWith, "flood", "Flood the window".into(), "sonnet");
    let spec = AgentSpec {
        agent_id: format!("ag-{}", uuid::Uuid::now_v7()),
        kind: AgentKind::TestWith,
        skill: Some("flood".into()),
        step: None,
        workflow_session_id: None,
        config,
        api_key: None,
        transcript_dir: Some(workspace.join("logs").join("flood")),
        cwd: workspace.to_path_buf(),
        claude_config_dir: workspace.to_path_buf(),
        mock: true,
    };
    (spec, runtime.launch)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_sidecar_waits_for_a_slow_window_and_loses_only_deltas() {
    let dir = tempfile::tempdir().unwrap();
    let flow = Arc::new(Flow::default());
    let window = Arc::new(SlowWindow {
        flow: Arc::clone(&flow),
        events: AtomicU64::new(0),
        out_of_order: AtomicU64::new(0),
        transcript: Mutex::new(None),
        stopped: tokio::sync::Notify::new(),
    });
    let config = Config::for_test(dir.path())
        .with_events(UiEmitter::start(window.clone(), FRAME))
        .with_launcher(Arc::new(FloodLauncher(Arc::clone(&flow))));
    let backend = Backend::start(config).await.unwrap();
    let (spec, launch) = flood_spec(&backend.paths().workspace);
    let stopped = window.stopped.notified();
    backend.sidecars().start_agent(spec, launch, 4).await.unwrap();
    tokio::time::timeout(Duration::from_secs(90), stopped).await.expect("the agent finished and stopped");

    let max_in_flight = flow.max_in_flight.load(Ordering::SeqCst);
    eprintln!("at most {max_in_flight} messages between the sidecar and the window");
    assert!(max_in_flight <= MAX_IN_FLIGHT, "{max_in_flight} messages were queued between the sidecar and the window");
    assert_eq!(flow.shown.load(Ordering::SeqCst), LINES, "every message reached the window");
    assert_eq!(window.out_of_order.load(Ordering::SeqCst), 0, "in order");

    // The transcript (written off the actor, closed before `stopped`) holds every line.
    let path = window.transcript.lock().unwrap().clone().expect("a transcript");
    let text = std::fs::read_to_string(&path).unwrap();
    let kinds: Vec<String> =
        text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["type"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds.iter().filter(|k| *k == "message").count() as u64, LINES);
    assert_eq!(kinds.first().map(String::as_str), Some("transcript"));
    assert_eq!(kinds.iter().rev().take(2).collect::<Vec<_>>(), ["transcript_end", "result"]);
    backend.shutdown().await.unwrap();
}
