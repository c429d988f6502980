//! `db_locked_3s_*`: another process holds SQLite's write lock for 3 s while this one serves
//! asks and streams agent events (issue 9, "Must show").
//!
//! The holder is this bench binary re-executed with [`HOLDER_ENV`]: it takes the write lock with
//! `BEGIN IMMEDIATE`, prints `HELD`, sleeps 3 s, commits and prints the commit's wall-clock time.
//! Meanwhile this process
//! - streams 10,000 agent events through the backend's event sink, one every 300 µs, from a
//!   tokio task, to a consumer task that notes how late each arrived against its schedule
//!   (a blocked worker shows up here);
//! - asks, over and over, what needs no write: `list_skills`, `get_settings`, `check_lock`,
//!   `get_skill`, the usage summary; each ask's latency is noted;
//! - issues two writes that must wait for the lock (`acquire_lock`, a tag update) and notes
//!   when each completed, against the holder's commit.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use skill_builder::commands::{locks, settings, skills, usage};
use skill_builder::events::{AppEvent, ChannelSink};
use skill_builder::protocol::LockPurpose;
use skill_builder::{Backend, Config};

use crate::support::{Report, millis};

/// Set in the child that holds the write lock; names the database file.
pub const HOLDER_ENV: &str = "SKILL_BUILDER_BENCH_LOCK_HOLDER";

const HOLD: Duration = Duration::from_secs(3);
const EVENTS: usize = 10_000;
const EVENT_SPACING: Duration = Duration::from_micros(300);

fn unix_micros() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or(0)
}

/// The child: holds the write lock for [`HOLD`], then commits.
pub fn hold_write_lock(db: &Path) -> Result<()> {
    let conn = rusqlite::Connection::open(db)?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    println!("HELD");
    std::io::stdout().flush()?;
    std::thread::sleep(HOLD);
    conn.execute_batch("COMMIT")?;
    println!("RELEASED {}", unix_micros());
    std::io::stdout().flush()?;
    Ok(())
}

/// The parent: `root` holds a seeded data dir (skills `skill-00000`…, runs).
pub async fn measure(report: &mut Report, root: &Path, skill: impl Fn(usize) -> String) -> Result<()> {
    let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel();
    let backend = Arc::new(Backend::start(Config::for_test(root).with_events(Arc::new(ChannelSink(events_tx)))).await?);
    // Warm the reader's cache of the library, as a running app would have it.
    skills::list_skills(&backend, None).await?;

    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .env(HOLDER_ENV, root.join("data").join("skill-builder.db"))
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the lock holder")?;
    let mut lines = BufReader::new(child.stdout.take().context("holder stdout")?).lines();
    let held = tokio::task::spawn_blocking(move || {
        let first = lines.next().transpose()?;
        Ok::<_, std::io::Error>((first, lines))
    })
    .await??;
    let (Some(first), mut lines) = held else { bail!("the lock holder printed nothing") };
    if first != "HELD" {
        bail!("the lock holder said {first:?}");
    }
    let released = tokio::task::spawn_blocking(move || lines.next().transpose());
    let held_at = Instant::now();

    // The event stream: a producer on a fixed schedule, a consumer noting lateness.
    let start = Instant::now();
    let producer = {
        let backend = Arc::clone(&backend);
        tokio::spawn(async move {
            for i in 0..EVENTS {
                let due = EVENT_SPACING * i as u32;
                tokio::time::sleep_until(tokio::time::Instant::from_std(start + due)).await;
                let detail = serde_json::json!({ "due_us": due.as_micros() as u64 });
                backend.emit(AppEvent::AgentProgress {
                    agent_id: "bench-agent".into(),
                    run_id: "bench-run".into(),
                    stage: "stream".into(),
                    detail,
                });
            }
        })
    };
    let consumer = tokio::spawn(async move {
        let (mut seen, mut worst) = (0usize, Duration::ZERO);
        while seen < EVENTS {
            let Some(event) = events_rx.recv().await else { break };
            let AppEvent::AgentProgress { detail, .. } = event else { continue };
            let due = Duration::from_micros(detail["due_us"].as_u64().unwrap_or(0));
            worst = worst.max(Instant::now().saturating_duration_since(start + due));
            seen += 1;
        }
        (seen, worst)
    });

    // Two writes that must wait for the holder.
    let writes = {
        let backend = Arc::clone(&backend);
        let (a, b) = (skill(3), skill(4));
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let first = {
                let backend = Arc::clone(&backend);
                tokio::spawn(async move {
                    locks::acquire_lock(&backend, &a, LockPurpose::Edit).await.map(|_| unix_micros())
                })
            };
            tokio::time::sleep(Duration::from_millis(800)).await;
            let second = skills::update_skill_tags(&backend, &b, vec!["held".into()]).await.map(|_| unix_micros());
            (first.await, second)
        })
    };

    // Reads, until the holder lets go.
    let probe = skill(5);
    let (mut worst_read, mut reads) = (Duration::ZERO, 0usize);
    while !released.is_finished() && held_at.elapsed() < HOLD + Duration::from_secs(2) {
        for ask in 0..5 {
            let t = Instant::now();
            match ask {
                0 => std::hint::black_box(skills::list_skills(&backend, None).await.map(|_| ())?),
                1 => std::hint::black_box(settings::get_settings(&backend).await.map(|_| ())?),
                2 => std::hint::black_box(locks::check_lock(&backend, &probe).await.map(|_| ())?),
                3 => std::hint::black_box(backend.db().get_skill(&probe).await.map(|_| ())?),
                _ => std::hint::black_box(usage::get_usage_summary(&backend, None).await.map(|_| ())?),
            }
            worst_read = worst_read.max(t.elapsed());
            reads += 1;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let released = released.await??.context("the lock holder did not report its commit")?;
    let released_us: u128 = released.trim_start_matches("RELEASED ").parse().context("holder's commit time")?;
    let (first, second) = writes.await?;
    let (first, second) = (first??, second?);
    let after = |done: u128| (done as f64 - released_us as f64) / 1_000.0;
    let write_after_release = after(first).max(after(second));
    producer.await?;
    let (seen, worst_event) = consumer.await?;
    if seen != EVENTS {
        bail!("{seen} of {EVENTS} events arrived");
    }
    if child.wait()?.code() != Some(0) {
        bail!("the lock holder failed");
    }
    eprintln!(
        "  {reads} reads while the write lock was held; writes done {:.1} / {:.1} ms after its commit",
        after(first),
        after(second)
    );
    report.figure("db_locked_3s_max_read_latency_ms", millis(worst_read), "ms", Some(100.0), None);
    report.figure("db_locked_3s_write_after_release_ms", write_after_release, "ms", Some(50.0), None);
    report.figure("db_locked_3s_max_event_lateness_ms", millis(worst_event), "ms", Some(100.0), None);
    locks::release_lock(&backend, &skill(3), false).await?;
    backend.shutdown().await?;
    Ok(())
}
