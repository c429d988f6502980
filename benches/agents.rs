//! `make bench` figures of the agent runtime, printed as `name: value unit` lines:
//! events per second from a sidecar's stdout to the EventSink, time to the first event of a
//! cold start and of a warm agent's next turn, and the resident memory of an idle sidecar.

// A benchmark harness, like a test, stops at the first broken assumption.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use skill_builder::actors::sidecar::{
    AgentSpec, AgentTimings, LaunchSpec, SidecarLauncher, SidecarProcess, spawn_process,
};
use skill_builder::commands::agent::{base_config, preflight};
use skill_builder::events::{AppEvent, EventSink};
use skill_builder::protocol::AppError;
use skill_builder::protocol::sidecar::{AgentKind, MockConfig};
use skill_builder::{Backend, Config};
use tokio::sync::Notify;

/// Counts agent events and wakes waiters on the first one and on every run's end.
#[derive(Default)]
struct CountingSink {
    messages: AtomicU64,
    first: Notify,
    exit: Notify,
}

impl EventSink for CountingSink {
    fn emit(&self, event: AppEvent) {
        match event {
            AppEvent::AgentMessage { .. } | AppEvent::AgentProgress { .. } | AppEvent::AgentDelta { .. }
                if self.messages.fetch_add(1, Ordering::Relaxed) == 0 =>
            {
                self.first.notify_one();
            }
            AppEvent::AgentExit { .. } => self.exit.notify_one(),
            _ => {}
        }
    }
}

/// A real child process that replays a prepared protocol stream: `ready`, N messages, a result
/// for whatever run id it is given (it reads the `run` line first).
struct ReplayLauncher {
    messages: usize,
}

impl SidecarLauncher for ReplayLauncher {
    fn launch(&self, _spec: &LaunchSpec) -> Result<SidecarProcess, AppError> {
        let script = format!(
            r#"echo '{{"v":1,"type":"ready","protocol":1}}'
read -r line; run=$(printf '%s' "$line" | sed -E 's/.*"run_id":"([^"]+)".*/\1/')
awk -v run="$run" -v n={n} 'BEGIN {{ for (i = 1; i <= n; i++) printf "{{\"v\":1,\"type\":\"message\",\"run_id\":\"%s\",\"seq\":%d,\"items\":[{{\"kind\":\"text\",\"message_id\":\"m\",\"text\":\"line %d of the benchmark stream\"}}]}}\n", run, i, i }}'
echo "{{\"v\":1,\"type\":\"result\",\"run_id\":\"$run\",\"status\":\"success\"}}"
read -r _ ; exit 0"#,
            n = self.messages
        );
        let mut command = tokio::process::Command::new("bash");
        command.args(["-c", &script]);
        spawn_process(command)
    }
}

fn print(name: &str, value: f64, unit: &str, goal: &str) {
    println!("{name}: {value:.1} {unit}");
    eprintln!("  ({name}: goal {goal})");
}

async fn agent_spec(backend: &Backend, kind: AgentKind, session: Option<&str>) -> (AgentSpec, LaunchSpec, u32) {
    let workspace = backend.paths().workspace.clone();
    let runtime =
        preflight(backend, workspace.clone()).await.expect("Node and the sidecar bundle are needed (make sidecar)");
    let mut config = base_config(&runtime, kind, "bench", "Benchmark run".into(), "sonnet");
    config.mock = Some(MockConfig { scenario: Some("refine".into()), delay_ms: Some(0), ..MockConfig::default() });
    let spec = AgentSpec {
        agent_id: format!("ag-{}", uuid::Uuid::now_v7()),
        kind,
        skill: Some("bench-skill".into()),
        step: None,
        workflow_session_id: session.map(str::to_string),
        config,
        api_key: None,
        transcript_dir: None,
        cwd: workspace,
        claude_config_dir: runtime.launch.claude_config_dir.clone(),
        mock: true,
    };
    let limit = runtime.limit;
    (spec, runtime.launch, limit)
}

async fn events_per_second() {
    const MESSAGES: usize = 200_000;
    let dir = tempfile::tempdir().expect("temp dir");
    let sink = Arc::new(CountingSink::default());
    let config = Config::for_test(dir.path())
        .with_events(sink.clone())
        .with_launcher(Arc::new(ReplayLauncher { messages: MESSAGES }))
        .with_agent_timings(AgentTimings::default());
    let backend = Backend::start(config).await.expect("backend");
    let (spec, launch, limit) = agent_spec(&backend, AgentKind::TestWith, None).await;
    let started = Instant::now();
    let exit = sink.exit.notified();
    backend.sidecars().start_agent(spec, launch, limit).await.expect("start");
    exit.await;
    let elapsed = started.elapsed().as_secs_f64();
    let delivered = sink.messages.load(Ordering::Relaxed) as f64;
    print("agent_events_per_second", delivered / elapsed, "events/s", "> 50000");
    backend.shutdown().await.expect("shutdown");
}

/// The sidecar's resident memory, read from /proc.
fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

async fn first_event_and_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sink = Arc::new(CountingSink::default());
    let backend = Backend::start(Config::for_test(dir.path()).with_events(sink.clone())).await.expect("backend");

    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let mut rss = Vec::new();
    for round in 0..5 {
        sink.messages.store(0, Ordering::Relaxed);
        let (spec, launch, limit) = agent_spec(&backend, AgentKind::Refine, Some(&format!("ses-bench-{round}"))).await;
        let first = sink.first.notified();
        let exit = sink.exit.notified();
        let started = Instant::now();
        let handle = backend.sidecars().start_agent(spec, launch, limit).await.expect("start");
        first.await;
        cold.push(started.elapsed());
        exit.await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let pid = backend.sidecars().list_active().await.expect("list")[0].pid;
        if let Some(mb) = pid.and_then(rss_mb) {
            rss.push(mb);
        }
        for _ in 0..5 {
            sink.messages.store(0, Ordering::Relaxed);
            let first = sink.first.notified();
            let exit = sink.exit.notified();
            let started = Instant::now();
            backend.sidecars().send(&handle.agent_id, "Tighten the description").await.expect("send");
            first.await;
            warm.push(started.elapsed());
            exit.await;
        }
        backend.sidecars().stop_skill("bench-skill").await.expect("stop");
    }
    cold.sort();
    warm.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    print("agent_first_event_cold_p50", ms(cold[cold.len() / 2]), "ms", "(spawn + handshake + first line)");
    print("agent_first_event_warm_p50", ms(warm[warm.len() / 2]), "ms", "< 20 ms");
    rss.sort_by(f64::total_cmp);
    if let Some(mb) = rss.get(rss.len() / 2) {
        print("agent_idle_sidecar_rss", *mb, "MB", "(mock sidecar; the Claude Code child adds about 220 MB)");
    }
    backend.shutdown().await.expect("shutdown");
}

fn main() {
    if std::env::var_os("SKILL_BUILDER_RESOURCES").is_none() {
        // SAFETY: set before any other thread exists. Release builds find the sidecar bundle
        // through this variable, as an installed app finds its resources.
        unsafe { std::env::set_var("SKILL_BUILDER_RESOURCES", env!("CARGO_MANIFEST_DIR")) };
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        events_per_second().await;
        first_event_and_memory().await;
    });
}
