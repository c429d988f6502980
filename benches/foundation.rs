//! The foundation benchmarks behind `make bench`
//! (`cargo bench --no-default-features --bench foundation`).
//!
//! stdout carries only `name: value unit` lines, one per figure; progress, the goal of each
//! figure and whether it was met go to stderr. Every data set is seeded through the project's
//! own commands, then the backend is shut down and started again on the same files before
//! timing, as a user's next app start would be.
//!
//! Figures, with their goals (and the reference implementation's figure where there is one):
//! - `db_ask_roundtrip_p50/p99`: one cheap `DbActor` ask (`all_tags` on a 10-skill library), < 50 µs p50.
//! - `list_skills_{1000,10000}_p50`: `list_skills` plus `serde_json` of the result, < 15 ms at 10,000 [86 ms].
//! - `migrations_apply_all_p50`: all 20 migrations on a new file database, < 10 ms [28 ms].
//! - `backend_cold_start_p50`: `Backend::start` on the seeded 10,000-skill data dir, < 100 ms.
//! - `skill_lock_acquire_release_p50/p99`: `acquire_lock` + `release_lock` commands, < 100 µs [440 µs].
//! - `usage_summary_10000_runs_p50`: `get_usage_summary` over 10,000 runs, < 2 ms [5.9 ms].
//! - `idle_rss`: resident memory of an idle headless backend, < 40 MB.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use rusqlite::Connection;
use skill_builder::actors::db::migrate;
use skill_builder::commands::{locks, skills, usage, workspace};
use skill_builder::protocol::{
    CreateSkillRequest, LockPurpose, ModelUsage, RunCompletion, RunKind, RunStart, RunStatus, SessionKind,
};
use skill_builder::{Backend, Config};

/// Set in the child process that measures idle memory; holds the seeded root.
const RSS_PROBE_ENV: &str = "SKILL_BUILDER_BENCH_RSS_PROBE";
/// Set to keep the seeded data dirs for inspection.
const KEEP_ENV: &str = "SKILL_BUILDER_BENCH_KEEP";

const LIBRARY_SMALL: usize = 1_000;
const LIBRARY_LARGE: usize = 10_000;
const USAGE_SKILLS: usize = 10;
const USAGE_SESSIONS: usize = 50;
const USAGE_RUNS: usize = 10_000;

const ASK_WARMUP: usize = 2_000;
const ASK_SAMPLES: usize = 20_000;
const LIST_RUNS: usize = 25;
const MIGRATION_FILES: usize = 15;
const COLD_STARTS: usize = 12;
const LOCK_WARMUP: usize = 200;
const LOCK_PAIRS: usize = 3_000;
const SUMMARY_CALLS: usize = 60;

fn main() -> Result<()> {
    if let Ok(root) = std::env::var(RSS_PROBE_ENV) {
        return rss_probe(Path::new(&root));
    }
    if let Ok(dir) = std::env::var("FOUNDATION_DIAG7") {
        return diag::run7(Path::new(&dir));
    }
    if let Ok(dir) = std::env::var("FOUNDATION_DIAG6") {
        return diag::run6(Path::new(&dir));
    }
    if let Ok(dir) = std::env::var("FOUNDATION_DIAG5") {
        return diag::run5(Path::new(&dir));
    }
    if let Ok(dir) = std::env::var("FOUNDATION_DIAG4") {
        return diag::run4(Path::new(&dir));
    }
    if let Ok(dir) = std::env::var("FOUNDATION_DIAG3") {
        return diag::run3(Path::new(&dir));
    }
    if let Ok(dir) = std::env::var("FOUNDATION_DIAG2") {
        return diag::run2(Path::new(&dir));
    }
    if std::env::var("FOUNDATION_DIAG").is_ok() {
        return diag::run();
    }
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("tokio runtime")?;
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&base).with_context(|| format!("creating {}", base.display()))?;
    let scratch = tempfile::Builder::new().prefix("foundation-bench-").tempdir_in(&base)?;
    eprintln!("foundation bench: data under {}", scratch.path().display());
    let mut report = Report::default();

    migrations(&mut report, &scratch.path().join("migrations"))?;
    // Desktop commands run as tasks on the runtime's workers, so the timed code does too
    // (asks from `block_on`'s thread would pay an extra cross-thread wake-up each).
    let usage_root = scratch.path().join("usage");
    report = runtime.block_on(
        runtime.spawn(async move { small_library_and_usage(&mut report, &usage_root).await.map(|()| report) }),
    )??;
    let library = scratch.path().join("library");
    let library_root = library.clone();
    report = runtime
        .block_on(runtime.spawn(async move { large_library(&mut report, &library_root).await.map(|()| report) }))??;
    drop(runtime);
    idle_rss(&mut report, &library)?;
    if std::env::var_os(KEEP_ENV).is_some() {
        eprintln!("foundation bench: kept {}", scratch.keep().display());
    }

    eprintln!("foundation bench: done in {:.1} s", started.elapsed().as_secs_f64());
    if report.missed.is_empty() {
        eprintln!("foundation bench: every figure met its goal");
    } else {
        eprintln!("foundation bench: missed goals: {}", report.missed.join(", "));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reporting

#[derive(Default)]
struct Report {
    missed: Vec<String>,
}

impl Report {
    /// Prints `name: value unit` on stdout and the goal (a "less than" bound) on stderr.
    fn figure(&mut self, name: &str, value: f64, unit: &str, goal: Option<f64>, reference: Option<f64>) {
        let shown = format_value(value);
        println!("{name}: {shown} {unit}");
        let _ = std::io::stdout().flush();
        let reference = reference.map(|r| format!("reference {} {unit}", format_value(r)));
        let Some(goal) = goal else {
            eprintln!("  {name}: {shown} {unit}  (no goal{})", reference.map(|r| format!("; {r}")).unwrap_or_default());
            return;
        };
        let met = value < goal;
        let reference = reference.map(|r| format!("; {r}")).unwrap_or_default();
        eprintln!(
            "  {name}: {shown} {unit}  (goal < {} {unit}{reference})  {}",
            format_value(goal),
            if met { "ok" } else { "MISSED" }
        );
        if !met {
            self.missed.push(name.to_string());
        }
    }
}

fn format_value(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// Nearest-rank percentile of samples (sorted here), in the samples' unit.
fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

// ---------------------------------------------------------------------------------------------
// Migrations

/// All 20 migrations on fresh files, opened with production's pragmas (see `actors::db::open`);
/// only `migrate::run` is timed.
fn migrations(report: &mut Report, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut samples = Vec::with_capacity(MIGRATION_FILES);
    // One extra file first, so the page cache and the code are warm.
    for i in 0..=MIGRATION_FILES {
        let mut conn = open_like_production(&dir.join(format!("fresh-{i}.db")))?;
        let t = Instant::now();
        let applied = migrate::run(&mut conn, "2026-01-01T00:00:00.000Z", None)?;
        let elapsed = t.elapsed();
        if applied.applied.len() != 20 {
            bail!("expected 20 migrations, applied {:?}", applied.applied);
        }
        if i > 0 {
            samples.push(millis(elapsed));
        }
    }
    report.figure("migrations_apply_all_p50", percentile(&mut samples, 50.0), "ms", Some(10.0), Some(28.0));
    Ok(())
}

fn open_like_production(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        bail!("journal mode {mode}");
    }
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON;")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

// ---------------------------------------------------------------------------------------------
// Seeding, through the commands

fn skill_name(i: usize) -> String {
    format!("skill-{i:05}")
}

async fn seed_skills(backend: &Backend, range: std::ops::Range<usize>) -> Result<()> {
    let t = Instant::now();
    let count = range.len();
    for i in range {
        let request = CreateSkillRequest {
            name: skill_name(i),
            domain: Some(format!("Domain {} operations", i % 37)),
            skill_type: Some(["domain", "platform", "source", "data-engineering"][i % 4].to_string()),
            tags: Some(vec![format!("area-{}", i % 10), format!("team-{}", i % 7), format!("lang-{}", i % 5)]),
            description: Some(format!(
                "Skill {i}: answers questions about the {} pipeline, its tables, owners and the checks to run \
                 before shipping a change.",
                i % 97
            )),
            ..CreateSkillRequest::default()
        };
        skills::create_skill(backend, request).await?;
    }
    eprintln!("  seeded {count} skills through create_skill in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

const MODELS: &[&str] =
    &["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5", "claude-sonnet-4-5", "mock-sonnet"];

/// 50 test sessions over the first skills and 10,000 finished runs spread over them: several
/// models, a mock model, and some cancelled and failed runs.
async fn seed_usage(backend: &Backend) -> Result<()> {
    let t = Instant::now();
    let mut sessions = Vec::with_capacity(USAGE_SESSIONS);
    for s in 0..USAGE_SESSIONS {
        let skill = skill_name(s % USAGE_SKILLS);
        let info = workspace::create_workflow_session(backend, &skill, SessionKind::Test).await?;
        sessions.push((skill, info.session_id));
    }
    for i in 0..USAGE_RUNS {
        let (skill, session) = &sessions[i % USAGE_SESSIONS];
        let model = MODELS[i % MODELS.len()];
        let run_id = format!("run-{i:06}");
        let kind = [RunKind::TestWith, RunKind::TestWithout, RunKind::TestEval, RunKind::WorkflowStep][i % 4];
        usage::record_run_started(
            backend,
            RunStart {
                run_id: run_id.clone(),
                agent_id: format!("agent-{i:06}"),
                skill_name: Some(skill.clone()),
                kind,
                step_id: (kind == RunKind::WorkflowStep).then_some((i % 6) as u8),
                workflow_session_id: Some(session.clone()),
                model: model.to_string(),
            },
        )
        .await?;
        let status = match i % 20 {
            0 => RunStatus::Cancelled,
            1 => RunStatus::Error,
            2 => RunStatus::Interrupted,
            _ => RunStatus::Success,
        };
        let (input, output) = (1_000 + (i % 500) as i64 * 10, 200 + (i % 300) as i64 * 3);
        let cost = (input as f64 * 3.0 + output as f64 * 15.0) / 1e6;
        let mut model_usage = vec![ModelUsage {
            model: model.to_string(),
            input_tokens: input,
            output_tokens: output,
            cost_usd: cost,
            ..ModelUsage::default()
        }];
        if i % 3 == 0 {
            model_usage.push(ModelUsage {
                model: "claude-haiku-4-5".into(),
                input_tokens: 300,
                output_tokens: 50,
                cost_usd: 0.0005,
                ..ModelUsage::default()
            });
        }
        let total_cost_usd = model_usage.iter().map(|m| m.cost_usd).sum();
        usage::record_run_finished(
            backend,
            RunCompletion {
                run_id,
                status,
                model: Some(model.to_string()),
                sdk_session_id: Some(format!("sdk-{i}")),
                model_usage,
                total_cost_usd,
                input_tokens: input,
                output_tokens: output,
                cache_read_tokens: (i % 11) as i64 * 1_000,
                cache_write_tokens: (i % 13) as i64 * 100,
                duration_ms: Some(5_000 + (i % 1_000) as i64),
                duration_api_ms: Some(4_000),
                num_turns: (i % 30) as u32,
                tool_use_count: (i % 17) as u32,
                compaction_count: 0,
                stop_reason: Some("end_turn".into()),
                result_subtype: Some(
                    if status == RunStatus::Success { "success" } else { "error_during_execution" }.into(),
                ),
                error_category: (status == RunStatus::Error).then(|| "api_error".to_string()),
                error_message: (status == RunStatus::Error).then(|| "overloaded".to_string()),
            },
        )
        .await?;
    }
    eprintln!(
        "  seeded {USAGE_SESSIONS} sessions and {USAGE_RUNS} runs through the usage commands in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Shuts the seeding backend down and starts a new one on the same files.
async fn restart(backend: Backend, root: &Path) -> Result<Backend> {
    backend.shutdown().await?;
    drop(backend);
    Ok(Backend::start(Config::for_test(root)).await?)
}

// ---------------------------------------------------------------------------------------------
// Small library with 10,000 runs: asks, locks, usage summary

async fn small_library_and_usage(report: &mut Report, root: &Path) -> Result<()> {
    eprintln!("seeding a {USAGE_SKILLS}-skill library with usage");
    let backend = Backend::start(Config::for_test(root)).await?;
    seed_skills(&backend, 0..USAGE_SKILLS).await?;
    seed_usage(&backend).await?;
    let backend = restart(backend, root).await?;

    // DbActor ask round trip: a real, cheap query on a small table.
    for _ in 0..ASK_WARMUP {
        backend.db().all_tags().await?;
    }
    let mut samples = Vec::with_capacity(ASK_SAMPLES);
    for _ in 0..ASK_SAMPLES {
        let t = Instant::now();
        let tags = backend.db().all_tags().await?;
        samples.push(micros(t.elapsed()));
        std::hint::black_box(tags);
    }
    report.figure("db_ask_roundtrip_p50", percentile(&mut samples, 50.0), "us", Some(50.0), None);
    report.figure("db_ask_roundtrip_p99", percentile(&mut samples, 99.0), "us", None, None);

    // One skill lock, taken and given back through the commands.
    let skill = skill_name(1);
    for _ in 0..LOCK_WARMUP {
        locks::acquire_lock(&backend, &skill, LockPurpose::Edit).await?;
        locks::release_lock(&backend, &skill, false).await?;
    }
    let mut samples = Vec::with_capacity(LOCK_PAIRS);
    for _ in 0..LOCK_PAIRS {
        let t = Instant::now();
        locks::acquire_lock(&backend, &skill, LockPurpose::Edit).await?;
        locks::release_lock(&backend, &skill, false).await?;
        samples.push(micros(t.elapsed()));
    }
    report.figure("skill_lock_acquire_release_p50", percentile(&mut samples, 50.0), "us", Some(100.0), Some(440.0));
    report.figure("skill_lock_acquire_release_p99", percentile(&mut samples, 99.0), "us", None, None);

    // Usage summary over every run (default filter: mock runs excluded).
    let first = Instant::now();
    let summary = usage::get_usage_summary(&backend, None).await?;
    eprintln!(
        "  first usage summary after start: {:.2} ms ({} runs counted)",
        millis(first.elapsed()),
        summary.run_count
    );
    let mut samples = Vec::with_capacity(SUMMARY_CALLS);
    for _ in 0..SUMMARY_CALLS {
        let t = Instant::now();
        let summary = usage::get_usage_summary(&backend, None).await?;
        samples.push(millis(t.elapsed()));
        std::hint::black_box(summary);
    }
    report.figure("usage_summary_10000_runs_p50", percentile(&mut samples, 50.0), "ms", Some(2.0), Some(5.9));

    backend.shutdown().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Large library: list_skills at 1,000 and 10,000 skills, cold start

async fn large_library(report: &mut Report, root: &Path) -> Result<()> {
    eprintln!("seeding a {LIBRARY_SMALL}-skill library");
    let backend = Backend::start(Config::for_test(root)).await?;
    seed_skills(&backend, 0..LIBRARY_SMALL).await?;
    let backend = restart(backend, root).await?;
    time_list(report, &backend, LIBRARY_SMALL, "list_skills_1000_p50", None).await?;

    eprintln!("growing the library to {LIBRARY_LARGE} skills");
    seed_skills(&backend, LIBRARY_SMALL..LIBRARY_LARGE).await?;
    let backend = restart(backend, root).await?;
    time_list(report, &backend, LIBRARY_LARGE, "list_skills_10000_p50", Some(86.0)).await?;
    backend.shutdown().await?;
    drop(backend);

    // Cold start of the headless backend to ready, on the seeded data dir; shutdown untimed.
    let mut samples = Vec::with_capacity(COLD_STARTS);
    for _ in 0..COLD_STARTS {
        let t = Instant::now();
        let backend = Backend::start(Config::for_test(root)).await?;
        samples.push(millis(t.elapsed()));
        backend.shutdown().await?;
    }
    report.figure("backend_cold_start_p50", percentile(&mut samples, 50.0), "ms", Some(100.0), None);
    Ok(())
}

/// `list_skills` through the command, plus serialising the result to JSON as the IPC layer would.
async fn time_list(
    report: &mut Report,
    backend: &Backend,
    expected: usize,
    name: &str,
    reference: Option<f64>,
) -> Result<()> {
    let first = Instant::now();
    let listed = skills::list_skills(backend, None).await?;
    let json = serde_json::to_string(&listed)?;
    eprintln!(
        "  first list after start: {:.2} ms ({} skills, {:.1} MB of JSON)",
        millis(first.elapsed()),
        listed.len(),
        json.len() as f64 / 1e6
    );
    if listed.len() != expected || listed.iter().any(|s| s.tags.len() != 3) {
        bail!("expected {expected} skills with 3 tags each, listed {}", listed.len());
    }
    let mut samples = Vec::with_capacity(LIST_RUNS);
    let (mut query, mut serialise) = (Vec::with_capacity(LIST_RUNS), Vec::with_capacity(LIST_RUNS));
    for _ in 0..LIST_RUNS {
        let t = Instant::now();
        let listed = skills::list_skills(backend, None).await?;
        let q = t.elapsed();
        let json = serde_json::to_string(&listed)?;
        let total = t.elapsed();
        std::hint::black_box(json);
        samples.push(millis(total));
        query.push(millis(q));
        serialise.push(millis(total - q));
    }
    eprintln!(
        "  of which list_skills {:.2} ms, serde_json {:.2} ms (medians)",
        percentile(&mut query, 50.0),
        percentile(&mut serialise, 50.0)
    );
    report.figure(name, percentile(&mut samples, 50.0), "ms", Some(15.0), reference);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Idle memory

/// Measures idle resident memory in a fresh copy of this process, so the figure does not carry
/// what seeding and the other benchmarks left on the heap.
fn idle_rss(report: &mut Report, root: &Path) -> Result<()> {
    let exe = std::env::current_exe()?;
    let output = std::process::Command::new(exe).env(RSS_PROBE_ENV, root).output()?;
    if !output.status.success() {
        bail!("RSS probe failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let text = String::from_utf8(output.stdout)?;
    let kb: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("vm_rss_kb: "))
        .context("the RSS probe printed no figure")?
        .trim()
        .parse()?;
    report.figure("idle_rss", kb / 1024.0, "MB", Some(40.0), None);
    Ok(())
}

/// The child: starts the headless backend on the seeded data dir, lists the library once, idles
/// for a second and reports VmRSS. This is the bench process, i.e. the headless backend plus
/// this (small) harness; it runs the same multi-thread runtime as the CLI.
fn rss_probe(root: &Path) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let backend = Backend::start(Config::for_test(root)).await?;
        let listed = skills::list_skills(&backend, None).await?;
        let json = serde_json::to_string(&listed)?;
        std::hint::black_box(json);
        drop(listed);
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("vm_rss_kb: {}", vm_rss_kb()?);
        backend.shutdown().await?;
        Ok(())
    })
}

fn vm_rss_kb() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).context("no VmRSS in /proc/self/status")?;
    Ok(line.trim_start_matches("VmRSS:").trim().trim_end_matches("kB").trim().parse()?)
}

mod diag {
    use super::*;
    use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

    fn p(name: &str, mut v: Vec<f64>) {
        let a = percentile(&mut v, 50.0);
        let b = percentile(&mut v, 99.0);
        eprintln!("DIAG {name}: p50 {a:.1} us  p99 {b:.1} us");
    }

    struct Echo;
    impl Actor for Echo {
        type Msg = RpcReplyPort<u32>;
        type State = ();
        type Arguments = ();
        async fn pre_start(&self, _me: ActorRef<Self::Msg>, _a: ()) -> Result<(), ActorProcessingErr> {
            Ok(())
        }
        async fn handle(
            &self,
            _me: ActorRef<Self::Msg>,
            msg: Self::Msg,
            _s: &mut (),
        ) -> Result<(), ActorProcessingErr> {
            let _ = msg.send(1);
            Ok(())
        }
    }

    struct Inline {
        bip: bool,
    }
    impl Actor for Inline {
        type Msg = RpcReplyPort<Vec<String>>;
        type State = Connection;
        type Arguments = PathBuf;
        async fn pre_start(&self, _me: ActorRef<Self::Msg>, a: PathBuf) -> Result<Connection, ActorProcessingErr> {
            Ok(Connection::open(a)?)
        }
        async fn handle(
            &self,
            _me: ActorRef<Self::Msg>,
            msg: Self::Msg,
            c: &mut Connection,
        ) -> Result<(), ActorProcessingErr> {
            let q = |c: &mut Connection| -> Vec<String> {
                c.prepare_cached("SELECT DISTINCT tag FROM skill_tags ORDER BY tag")
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            };
            let v = if self.bip { tokio::task::block_in_place(|| q(c)) } else { q(c) };
            let _ = msg.send(v);
            Ok(())
        }
    }

    const LIST: &str = "SELECT s.id, s.name, s.skill_source, s.domain, s.skill_type, s.description, s.created_at, s.updated_at, w.current_step, w.status, i.is_active, i.source_repo, l.instance_id, l.pid, l.purpose, l.acquired_at FROM skills AS s LEFT JOIN workflow_runs AS w ON w.skill_id = s.id LEFT JOIN imported_skills AS i ON i.skill_id = s.id LEFT JOIN skill_locks AS l ON l.skill_id = s.id WHERE (?1 IS NULL OR s.skill_source = ?1) AND (?2 IS NULL OR w.status = ?2) AND (?3 IS NULL OR EXISTS (SELECT 1 FROM skill_tags AS t WHERE t.skill_id = s.id AND t.tag = ?3)) AND (?4 IS NULL OR s.name LIKE ?4 ESCAPE '\\' OR s.domain LIKE ?4 ESCAPE '\\' OR s.description LIKE ?4 ESCAPE '\\') ORDER BY s.updated_at DESC, s.name";
    const SUMMARY: &str = "SELECT COALESCE(SUM(r.total_cost_usd), 0), COUNT(*), COUNT(DISTINCT r.workflow_session_id), COALESCE(SUM(r.input_tokens), 0), COALESCE(SUM(r.output_tokens), 0), COALESCE(SUM(r.cache_read_tokens), 0), COALESCE(SUM(r.cache_write_tokens), 0) FROM agent_runs AS r WHERE r.reset_marker IS NULL AND (?1 OR r.model NOT LIKE 'mock-%') AND (NOT ?2 OR r.status NOT IN ('cancelled', 'shutdown', 'interrupted')) AND (?3 IS NULL OR r.started_at >= ?3) AND (?4 IS NULL OR r.started_at <= ?4) AND (?5 IS NULL OR r.skill_name = ?5)";

    fn time_ms(n: usize, mut f: impl FnMut() -> Result<()>) -> Result<f64> {
        f()?;
        let mut v = Vec::new();
        for _ in 0..n {
            let t = Instant::now();
            f()?;
            v.push(millis(t.elapsed()));
        }
        Ok(percentile(&mut v, 50.0))
    }

    fn oncpu_ns() -> u64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse().ok()))
            .unwrap_or(0)
    }
    /// (min wall ms, median on-CPU ms)
    fn time_min(n: usize, mut f: impl FnMut() -> Result<()>) -> Result<(f64, f64)> {
        f()?;
        let mut v = Vec::new();
        let mut c = Vec::new();
        for _ in 0..n {
            let c0 = oncpu_ns();
            let t = Instant::now();
            f()?;
            v.push(millis(t.elapsed()));
            c.push((oncpu_ns() - c0) as f64 / 1e6);
        }
        percentile(&mut v, 50.0);
        Ok((v[0], percentile(&mut c, 50.0)))
    }

    type Row13 = (
        i64,
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<bool>,
        Option<String>,
        Option<String>,
    );
    fn rows13(conn: &Connection, sql: &str) -> Result<Vec<Row13>> {
        let n: Option<&str> = None;
        let mut st = conn.prepare_cached(sql)?;
        let p = st.parameter_count();
        let params: Vec<&dyn rusqlite::ToSql> = (0..p).map(|_| &n as &dyn rusqlite::ToSql).collect();
        Ok(st
            .query_map(params.as_slice(), |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                    r.get(11)?,
                    r.get(12)?,
                ))
            })?
            .collect::<Result<_, _>>()?)
    }

    pub fn run3(root: &Path) -> Result<()> {
        let conn = open_like_production(&root.join("library/data/skill-builder.db"))?;
        conn.execute_batch("PRAGMA cache_size=-32000;")?;
        let no_order = LIST.replace("ORDER BY s.updated_at DESC, s.name", "");
        let plus = LIST.replace("ORDER BY s.updated_at DESC", "ORDER BY +s.updated_at DESC");
        let simple = "SELECT s.id, s.name, s.skill_source, s.domain, s.skill_type, s.description, s.created_at, s.updated_at, w.current_step, w.status, i.is_active, i.source_repo, l.instance_id FROM skills AS s LEFT JOIN workflow_runs AS w ON w.skill_id = s.id LEFT JOIN imported_skills AS i ON i.skill_id = s.id LEFT JOIN skill_locks AS l ON l.skill_id = s.id ORDER BY s.updated_at DESC, s.name";
        let skills_only = "SELECT s.id, s.name, s.skill_source, s.domain, s.skill_type, s.description, s.created_at, s.updated_at, NULL, NULL, NULL, NULL, NULL FROM skills AS s ORDER BY s.updated_at DESC, s.name";
        let skills_scan = "SELECT s.id, s.name, s.skill_source, s.domain, s.skill_type, s.description, s.created_at, s.updated_at, NULL, NULL, NULL, NULL, NULL FROM skills AS s";
        let w_only = "SELECT skill_id, status, '', NULL, '', NULL, '', '', current_step, NULL, NULL, NULL, NULL FROM workflow_runs";
        for (label, sql) in [
            ("LIST", LIST),
            ("no order", no_order.as_str()),
            ("+updated_at", plus.as_str()),
            ("no WHERE", simple),
            ("skills ordered", skills_only),
            ("skills scan", skills_scan),
            ("workflow_runs scan", w_only),
        ] {
            let (min, med) = time_min(20, || {
                std::hint::black_box(rows13(&conn, sql)?);
                Ok(())
            })?;
            eprintln!("DIAG3 {label}: min wall {min:.2} ms, median cpu {med:.2} ms");
        }
        let (min, med) = time_min(20, || {
            let mut st = conn.prepare_cached("SELECT skill_id, tag FROM skill_tags ORDER BY skill_id, tag")?;
            let mut rows = st.query([])?;
            let mut m: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
            while let Some(r) = rows.next()? {
                m.entry(r.get(0)?).or_default().push(r.get(1)?);
            }
            std::hint::black_box(m);
            Ok(())
        })?;
        eprintln!("DIAG3 tags+map: min wall {min:.2} ms, median cpu {med:.2} ms");
        let (min, med) = time_min(20, || {
            let mut st = conn.prepare_cached("SELECT skill_id, tag FROM skill_tags ORDER BY skill_id, tag")?;
            let mut rows = st.query([])?;
            let mut n = 0usize;
            while let Some(r) = rows.next()? {
                let _: i64 = r.get(0)?;
                let s: &str = r.get_ref(1)?.as_str()?;
                n += s.len();
            }
            std::hint::black_box(n);
            Ok(())
        })?;
        eprintln!("DIAG3 tags scan only: min wall {min:.2} ms, median cpu {med:.2} ms");
        Ok(())
    }

    pub fn run4(root: &Path) -> Result<()> {
        let mut conn = open_like_production(&root.join("usage/data/skill-builder.db"))?;
        let pair = |conn: &mut Connection| -> Result<()> {
            for acquire in [true, false] {
                let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let id: i64 = tx
                    .prepare_cached("SELECT id FROM skills WHERE name = ?1")?
                    .query_row(["skill-00001"], |r| r.get(0))?;
                let held: Option<(String, u32)> = rusqlite::OptionalExtension::optional(tx.prepare_cached("SELECT instance_id, pid, pid_start_time, purpose, acquired_at FROM skill_locks WHERE skill_id = ?1")?.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))))?;
                if acquire {
                    if held.is_none() {
                        tx.execute("INSERT INTO skill_locks (skill_id, instance_id, pid, pid_start_time, purpose, acquired_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", rusqlite::params![id, "me", 1, 1, "edit", "2026"])?;
                    }
                    let _h: Option<(String, u32)> = rusqlite::OptionalExtension::optional(tx.prepare_cached("SELECT instance_id, pid, pid_start_time, purpose, acquired_at FROM skill_locks WHERE skill_id = ?1")?.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))))?;
                } else {
                    tx.execute("DELETE FROM skill_locks WHERE skill_id = ?1", [id])?;
                }
                tx.commit()?;
            }
            Ok(())
        };
        for round in 0..3 {
            let mut w = Vec::new();
            let mut c = Vec::new();
            for _ in 0..200 {
                pair(&mut conn)?;
            }
            for _ in 0..2000 {
                let c0 = oncpu_ns();
                let t = Instant::now();
                pair(&mut conn)?;
                w.push(micros(t.elapsed()));
                c.push((oncpu_ns() - c0) as f64 / 1e3);
            }
            eprintln!(
                "DIAG4 round {round} inline acquire+release SQL: wall p50 {:.1} us p99 {:.1} us, cpu p50 {:.1} us",
                percentile(&mut w, 50.0),
                percentile(&mut w, 99.0),
                percentile(&mut c, 50.0)
            );
        }
        let n: Option<&str> = None;
        let no_distinct = SUMMARY.replace("COUNT(DISTINCT r.workflow_session_id)", "0");
        for cache in ["", "PRAGMA cache_size=-32000;"] {
            conn.execute_batch(cache)?;
            for (label, sql) in [("summary", SUMMARY), ("summary w/o distinct", no_distinct.as_str())] {
                let (min, med) = time_min(40, || {
                    let x: (f64, i64, i64) =
                        conn.prepare_cached(sql)?.query_row(rusqlite::params![false, false, n, n, n], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                        })?;
                    std::hint::black_box(x);
                    Ok(())
                })?;
                eprintln!("DIAG4 [{cache}] {label}: min wall {min:.2} ms, median cpu {med:.2} ms");
            }
        }
        Ok(())
    }

    pub fn run5(dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut per = vec![0f64; 21];
        let mut checks = Vec::new();
        let mut totals = Vec::new();
        let mut one_tx = Vec::new();
        let mut mem = Vec::new();
        let mut totals_nosync = Vec::new();
        for i in 0..12 {
            let conn = open_like_production(&dir.join(format!("m{i}.db")))?;
            let t0 = Instant::now();
            conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;")?;
            per[0] += millis(t0.elapsed());
            for m in migrate::MIGRATIONS {
                let t = Instant::now();
                conn.execute_batch(&format!(
                    "BEGIN IMMEDIATE; {} INSERT INTO schema_migrations VALUES ({}, 'x', 'y', 'z'); COMMIT;",
                    m.sql, m.version
                ))?;
                per[m.version as usize] += millis(t.elapsed());
            }
            let t = Instant::now();
            let _v: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            let _s: String = conn.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
            checks.push(millis(t.elapsed()));
            totals.push(millis(t0.elapsed()));
            let conn = open_like_production(&dir.join(format!("n{i}.db")))?;
            let t = Instant::now();
            let all: String = migrate::MIGRATIONS.iter().map(|m| m.sql).collect::<Vec<_>>().join("\n");
            conn.execute_batch(&format!("BEGIN IMMEDIATE; {all} COMMIT;"))?;
            one_tx.push(millis(t.elapsed()));
            let mut c = Connection::open_in_memory()?;
            let t = Instant::now();
            migrate::run(&mut c, "t", None)?;
            mem.push(millis(t.elapsed()));
            let mut conn = open_like_production(&dir.join(format!("o{i}.db")))?;
            conn.execute_batch("PRAGMA synchronous=OFF")?;
            let t = Instant::now();
            migrate::run(&mut conn, "t", None)?;
            totals_nosync.push(millis(t.elapsed()));
        }
        let per: Vec<String> = per.iter().enumerate().map(|(i, t)| format!("{i}:{:.2}", t / 12.0)).collect();
        eprintln!("DIAG5 per migration mean ms: {}", per.join(" "));
        eprintln!(
            "DIAG5 checks p50 {:.2} ms; total (own loop) p50 {:.2}; single tx p50 {:.2}; in-memory migrate::run p50 {:.2}; sync=OFF migrate::run p50 {:.2}",
            percentile(&mut checks, 50.0),
            percentile(&mut totals, 50.0),
            percentile(&mut one_tx, 50.0),
            percentile(&mut mem, 50.0),
            percentile(&mut totals_nosync, 50.0)
        );
        Ok(())
    }

    pub fn run6(root: &Path) -> Result<()> {
        let src = root.join("usage/data/skill-builder.db");
        let copy = root.join("usage-copy.db");
        {
            let c = Connection::open(&src)?;
            c.execute("VACUUM INTO ?1", [copy.to_string_lossy()])?;
        }
        let conn = open_like_production(&copy)?;
        conn.execute_batch("PRAGMA cache_size=-32000;")?;
        let n: Option<&str> = None;
        let no_distinct = SUMMARY.replace("COUNT(DISTINCT r.workflow_session_id)", "0");
        let filt = SUMMARY.split(" WHERE ").nth(1).unwrap_or_default().to_string();
        let sess = format!(
            "SELECT COUNT(*) FROM workflow_sessions AS s WHERE EXISTS (SELECT 1 FROM agent_runs AS r WHERE r.workflow_session_id = s.session_id AND {filt})"
        );
        let grouped = format!(
            "SELECT SUM(c), SUM(n), COUNT(sid), SUM(i), SUM(o), SUM(cr), SUM(cw) FROM (SELECT r.workflow_session_id AS sid, SUM(r.total_cost_usd) c, COUNT(*) n, SUM(r.input_tokens) i, SUM(r.output_tokens) o, SUM(r.cache_read_tokens) cr, SUM(r.cache_write_tokens) cw FROM agent_runs AS r WHERE {filt} GROUP BY r.workflow_session_id)"
        );
        let q = |sql: &str| -> Result<()> {
            let x: (f64, i64, i64) = conn
                .prepare_cached(sql)?
                .query_row(rusqlite::params![false, false, n, n, n], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            std::hint::black_box(x);
            Ok(())
        };
        let qs = |sql: &str| -> Result<()> {
            let x: i64 = conn.prepare_cached(sql)?.query_row(rusqlite::params![false, false, n, n, n], |r| r.get(0))?;
            std::hint::black_box(x);
            Ok(())
        };
        for round in 0..2 {
            for (label, which) in
                [("current", 0), ("no distinct", 1), ("no distinct + EXISTS sessions", 2), ("grouped", 3)]
            {
                let (min, med) = time_min(40, || match which {
                    0 => q(SUMMARY),
                    1 => q(&no_distinct),
                    2 => {
                        q(&no_distinct)?;
                        qs(&sess)
                    }
                    _ => q(&grouped),
                })?;
                eprintln!("DIAG6 r{round} {label}: min {min:.2} ms median {med:.2} ms");
            }
            if round == 0 {
                conn.execute_batch("CREATE INDEX idx_runs_usage ON agent_runs(reset_marker, model, status, started_at, skill_name, workflow_session_id, total_cost_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens);")?;
                eprintln!("DIAG6 with covering index:");
                let plan: Vec<String> = conn
                    .prepare(&format!("EXPLAIN QUERY PLAN {SUMMARY}"))?
                    .query_map(rusqlite::params![false, false, n, n, n], |r| r.get::<_, String>(3))?
                    .collect::<Result<_, _>>()?;
                eprintln!("DIAG6 plan {plan:?}");
            }
        }
        Ok(())
    }

    fn old_list(conn: &Connection) -> Result<usize> {
        let mut v = rows13(conn, LIST)?;
        let mut st = conn.prepare_cached("SELECT skill_id, tag FROM skill_tags ORDER BY skill_id, tag")?;
        let mut rows = st.query([])?;
        let mut m: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
        while let Some(r) = rows.next()? {
            m.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        let mut out = Vec::new();
        for row in &mut v {
            out.push((m.remove(&row.0).unwrap_or_default(), row.1.len()));
        }
        Ok(out.len())
    }
    fn new_list(conn: &Connection) -> Result<usize> {
        let sql = LIST.replace("ORDER BY s.updated_at DESC, s.name", "ORDER BY s.id");
        let v = rows13(conn, &sql)?;
        let mut v: Vec<(Row13, Vec<String>)> = v.into_iter().map(|r| (r, Vec::new())).collect();
        let mut st = conn.prepare_cached("SELECT skill_id, tag FROM skill_tags ORDER BY skill_id, tag")?;
        let mut rows = st.query([])?;
        let mut next = v.iter_mut().peekable();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            while next.peek().is_some_and(|x| x.0.0 < id) {
                next.next();
            }
            if let Some(x) = next.peek_mut() {
                if x.0.0 == id {
                    x.1.push(r.get(1)?);
                }
            }
        }
        v.sort_unstable_by(|a, b| b.0.7.cmp(&a.0.7).then_with(|| a.0.1.cmp(&b.0.1)));
        Ok(v.len())
    }

    pub fn run7(root: &Path) -> Result<()> {
        if let Ok(mode) = std::env::var("DIAG7_MODE") {
            let conn = open_like_production(&root.join("library/data/skill-builder.db"))?;
            if mode.contains("cache") {
                conn.execute_batch("PRAGMA cache_size=-16384;")?;
            }
            let iters: usize = if mode.contains("zero") { 0 } else { 5 };
            for _ in 0..iters {
                if mode.contains("old") {
                    std::hint::black_box(old_list(&conn)?);
                } else {
                    std::hint::black_box(new_list(&conn)?);
                }
            }
            return Ok(());
        }
        for round in 0..3 {
            for cache in ["", "PRAGMA cache_size=-16384;"] {
                let conn = open_like_production(&root.join("library/data/skill-builder.db"))?;
                conn.execute_batch(cache)?;
                let (a, _) = time_min(15, || {
                    std::hint::black_box(old_list(&conn)?);
                    Ok(())
                })?;
                let (b, _) = time_min(15, || {
                    std::hint::black_box(new_list(&conn)?);
                    Ok(())
                })?;
                eprintln!("DIAG7 r{round} [{cache}] old list min {a:.2} ms | new list min {b:.2} ms");
            }
        }
        Ok(())
    }

    pub fn run2(root: &Path) -> Result<()> {
        for (label, pragma) in [
            ("default cache", ""),
            ("cache_size=-32000", "PRAGMA cache_size=-32000;"),
            ("mmap 256MB", "PRAGMA mmap_size=268435456;"),
        ] {
            let conn = open_like_production(&root.join("library/data/skill-builder.db"))?;
            conn.execute_batch(pragma)?;
            let n: Option<&str> = None;
            let list = time_ms(15, || {
                let mut st = conn.prepare_cached(LIST)?;
                let rows: Vec<(
                    i64,
                    String,
                    String,
                    Option<String>,
                    String,
                    Option<String>,
                    String,
                    String,
                    Option<i64>,
                    Option<String>,
                    Option<bool>,
                    Option<String>,
                    Option<String>,
                )> = st
                    .query_map(rusqlite::params![n, n, n, n], |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                            r.get(6)?,
                            r.get(7)?,
                            r.get(8)?,
                            r.get(9)?,
                            r.get(10)?,
                            r.get(11)?,
                            r.get(12)?,
                        ))
                    })?
                    .collect::<Result<_, _>>()?;
                std::hint::black_box(rows);
                Ok(())
            })?;
            let scan = time_ms(15, || {
                let mut st = conn.prepare_cached("SELECT s.id, s.name, s.skill_source, s.domain, s.skill_type, s.description, s.created_at, s.updated_at FROM skills s")?;
                let rows: Vec<(i64, String, String, Option<String>, String, Option<String>, String, String)> = st
                    .query_map([], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
                    })?
                    .collect::<Result<_, _>>()?;
                std::hint::black_box(rows);
                Ok(())
            })?;
            let tags = time_ms(15, || {
                let mut st = conn.prepare_cached("SELECT skill_id, tag FROM skill_tags ORDER BY skill_id, tag")?;
                let mut rows = st.query([])?;
                let mut m: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
                while let Some(r) = rows.next()? {
                    m.entry(r.get(0)?).or_default().push(r.get(1)?);
                }
                std::hint::black_box(m);
                Ok(())
            })?;
            let uconn = open_like_production(&root.join("usage/data/skill-builder.db"))?;
            uconn.execute_batch(pragma)?;
            let summ = time_ms(30, || {
                let x: (f64, i64, i64) = uconn
                    .prepare_cached(SUMMARY)?
                    .query_row(rusqlite::params![false, false, n, n, n], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                std::hint::black_box(x);
                Ok(())
            })?;
            eprintln!(
                "DIAG2 [{label}] list query {list:.2} ms | skills scan {scan:.2} ms | tags+map {tags:.2} ms | usage summary {summ:.2} ms"
            );
        }
        Ok(())
    }

    pub fn run() -> Result<()> {
        let n = 20_000;
        // std thread ping-pong via crossbeam-free std mpsc.
        {
            let (to, rx) = std::sync::mpsc::channel::<std::sync::mpsc::Sender<u32>>();
            std::thread::spawn(move || {
                while let Ok(back) = rx.recv() {
                    let _ = back.send(1);
                }
            });
            let mut v = Vec::new();
            for i in 0..n + 1000 {
                let (btx, brx) = std::sync::mpsc::channel();
                let t = Instant::now();
                to.send(btx)?;
                brx.recv()?;
                if i >= 1000 {
                    v.push(micros(t.elapsed()));
                }
            }
            p("std thread ping-pong", v);
        }
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("d.db");
        let mut conn = open_like_production(&path)?;
        migrate::run(&mut conn, "t", None)?;
        conn.execute_batch(
            "INSERT INTO skills (id,name,skill_source,created_at,updated_at) VALUES (1,'a','imported','t','t');
          INSERT INTO skill_tags VALUES (1,'x','t'),(1,'y','t'),(1,'z','t');",
        )?;
        {
            let mut v = Vec::new();
            for i in 0..n + 1000 {
                let t = Instant::now();
                let tags: Vec<String> = conn
                    .prepare_cached("SELECT DISTINCT tag FROM skill_tags ORDER BY tag")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                std::hint::black_box(tags);
                if i >= 1000 {
                    v.push(micros(t.elapsed()));
                }
            }
            p("all_tags query inline", v);
        }
        for flavour in ["multi", "current"] {
            let rt = if flavour == "multi" {
                tokio::runtime::Builder::new_multi_thread().enable_all().build()?
            } else {
                tokio::runtime::Builder::new_current_thread().enable_all().build()?
            };
            let c2 = Connection::open(&path)?;
            rt.block_on(async {
                let tconn = tokio_rusqlite::Connection::from(c2);
                let mut v = Vec::new();
                for i in 0..n + 1000 {
                    let t = Instant::now();
                    let x = tconn.call_raw(|c| c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))).await;
                    std::hint::black_box(x.is_ok());
                    if i >= 1000 {
                        v.push(micros(t.elapsed()));
                    }
                }
                p(&format!("[{flavour}] tokio_rusqlite call_raw SELECT 1"), v);
                let (actor, _h) = Actor::spawn(None, Echo, ()).await?;
                let mut v = Vec::new();
                for i in 0..n + 1000 {
                    let t = Instant::now();
                    let x = actor.call(|r| r, None).await;
                    std::hint::black_box(x.is_ok());
                    if i >= 1000 {
                        v.push(micros(t.elapsed()));
                    }
                }
                p(&format!("[{flavour}] ractor echo call"), v);
                // spawned task from main block_on: measure from inside a spawned task
                let actor2 = actor.clone();
                let v = tokio::spawn(async move {
                    let mut v = Vec::new();
                    for i in 0..n + 1000 {
                        let t = Instant::now();
                        let x = actor2.call(|r| r, None).await;
                        std::hint::black_box(x.is_ok());
                        if i >= 1000 {
                            v.push(micros(t.elapsed()));
                        }
                    }
                    v
                })
                .await?;
                p(&format!("[{flavour}] ractor echo call from spawned task"), v);
                for bip in [false, true] {
                    if bip && flavour == "current" {
                        continue;
                    }
                    let (a, _h) = Actor::spawn(None, Inline { bip }, path.clone()).await?;
                    let v = tokio::spawn(async move {
                        let mut v = Vec::new();
                        for i in 0..n + 1000 {
                            let t = Instant::now();
                            let x = a.call(|r| r, None).await;
                            std::hint::black_box(x.is_ok());
                            if i >= 1000 {
                                v.push(micros(t.elapsed()));
                            }
                        }
                        v
                    })
                    .await?;
                    p(&format!("[{flavour}] inline-sqlite actor (block_in_place={bip}) from spawned task"), v);
                }
                let root = tempfile::tempdir()?;
                let backend = Backend::start(Config::for_test(root.path())).await?;
                let b2 = backend.clone();
                let v = tokio::spawn(async move {
                    let mut v = Vec::new();
                    for i in 0..n + 1000 {
                        let t = Instant::now();
                        let x = b2.db().all_tags().await;
                        std::hint::black_box(x.is_ok());
                        if i >= 1000 {
                            v.push(micros(t.elapsed()));
                        }
                    }
                    v
                })
                .await?;
                p(&format!("[{flavour}] db().all_tags from spawned task"), v);
                let mut v = Vec::new();
                for i in 0..n + 1000 {
                    let t = Instant::now();
                    let x = backend.db().all_tags().await;
                    std::hint::black_box(x.is_ok());
                    if i >= 1000 {
                        v.push(micros(t.elapsed()));
                    }
                }
                p(&format!("[{flavour}] db().all_tags from block_on"), v);
                backend.shutdown().await?;
                anyhow::Ok(())
            })?;
        }
        Ok(())
    }
}
