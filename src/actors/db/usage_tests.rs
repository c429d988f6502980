//! Unit tests of the windowed usage summary: on random runs, writes and windows, the hourly
//! totals of migration 22 give the same figures as a scan of every run.

use super::*;
use proptest::prelude::*;

/// A time `minutes` after 2026-01-01T00:00Z, as the tables store it.
fn at(minutes: u32, seconds: u32) -> String {
    let day = 1 + minutes / (24 * 60);
    format!("2026-01-{day:02}T{:02}:{:02}:{seconds:02}.000Z", minutes / 60 % 24, minutes % 60)
}

#[derive(Debug, Clone)]
struct Run {
    minutes: u32,
    seconds: u32,
    session: Option<u8>,
    skill: Option<u8>,
    mock: bool,
    status: &'static str,
    cost_cents: u32,
    tokens: i64,
    reset: bool,
}

fn run_strategy() -> impl Strategy<Value = Run> {
    (
        0..3u32 * 24 * 60,
        0..60u32,
        proptest::option::of(0..4u8),
        proptest::option::of(0..3u8),
        any::<bool>(),
        prop::sample::select(vec!["success", "error", "cancelled", "interrupted", "shutdown", "running"]),
        0..500u32,
        0..10_000i64,
        prop::bool::weighted(0.2),
    )
        .prop_map(|(minutes, seconds, session, skill, mock, status, cost_cents, tokens, reset)| Run {
            minutes,
            seconds,
            session,
            skill,
            mock,
            status,
            cost_cents,
            tokens,
            reset,
        })
}

/// A window bound: a time cut to a date, an hour, a minute, a second or kept whole.
fn bound_strategy() -> impl Strategy<Value = Option<String>> {
    proptest::option::of((0..3u32 * 24 * 60 + 60, 0..60u32, prop::sample::select(vec![10usize, 13, 16, 19, 24])))
        .prop_map(|b| b.map(|(minutes, seconds, len)| at(minutes, seconds)[..len].to_string()))
}

fn database(runs: &[Run]) -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    crate::actors::db::migrate::run(&mut conn, "2026-01-01T00:00:00.000Z", None).unwrap();
    // Sessions are named, not created: the figures do not depend on the session rows.
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    for (i, run) in runs.iter().enumerate() {
        conn.execute(
            "INSERT INTO agent_runs (run_id, agent_id, skill_name, kind, workflow_session_id, instance_id, model,
               status, started_at, total_cost_usd, input_tokens, output_tokens, cache_read_tokens,
               cache_write_tokens, reset_marker)
             VALUES (?1, 'a', ?2, 'refine', ?3, 'i', ?4, ?5, ?6, ?7, ?8, ?8 / 2, ?8 / 3, ?8 / 5, ?9)",
            params![
                format!("run-{i}"),
                run.skill.map(|s| format!("skill-{s}")),
                run.session.map(|s| format!("session-{s}")),
                if run.mock { "mock-sonnet" } else { "claude-sonnet-4-5" },
                run.status,
                at(run.minutes, run.seconds),
                f64::from(run.cost_cents) / 100.0,
                run.tokens,
                run.reset.then_some("2026-02-01T00:00:00.000Z"),
            ],
        )
        .unwrap();
    }
    conn
}

/// Later writes the triggers must follow: a completion, a move to another hour, a reset, a delete.
fn rewrite(conn: &Connection, writes: &[(usize, u8)], count: usize) {
    for &(index, what) in writes {
        let id = format!("run-{}", index % count.max(1));
        let sql = match what % 4 {
            0 => "UPDATE agent_runs SET status = 'cancelled', total_cost_usd = total_cost_usd + 1 WHERE run_id = ?1",
            1 => "UPDATE agent_runs SET started_at = '2026-01-02T07:59:59.999Z' WHERE run_id = ?1",
            2 => "UPDATE agent_runs SET reset_marker = 'r' WHERE run_id = ?1",
            _ => "DELETE FROM agent_runs WHERE run_id = ?1",
        };
        conn.execute(sql, [id]).unwrap();
    }
}

fn figures(s: &UsageSummary) -> (u32, u32, i64, i64, i64, i64) {
    (s.run_count, s.session_count, s.input_tokens, s.output_tokens, s.cache_read_tokens, s.cache_write_tokens)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_windowed_summary_equals_a_scan_of_the_runs(
        runs in proptest::collection::vec(run_strategy(), 0..120),
        writes in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        windows in proptest::collection::vec(
            (bound_strategy(), bound_strategy(), any::<bool>(), any::<bool>(), proptest::option::of(0..3u8)), 1..8),
    ) {
        let conn = database(&runs);
        rewrite(&conn, &writes, runs.len());
        for (from, to, include_mock, hide_cancelled, skill) in windows {
            let filter = UsageFilter {
                from,
                to,
                include_mock,
                hide_cancelled,
                skill_name: skill.map(|s| format!("skill-{s}")),
            };
            let (quick, scanned) = (summary(&conn, &filter).unwrap(), scan_summary(&conn, &filter).unwrap());
            prop_assert_eq!(figures(&quick), figures(&scanned), "{:?}", filter);
            prop_assert!((quick.total_cost_usd - scanned.total_cost_usd).abs() < 1e-6, "{:?}", filter);
        }
    }
}

#[test]
fn a_window_inside_one_hour_reads_only_its_runs() {
    let runs: Vec<Run> = [(600, 0), (610, 0), (620, 0), (700, 0)]
        .into_iter()
        .map(|(minutes, seconds)| Run {
            minutes,
            seconds,
            session: Some(1),
            skill: Some(1),
            mock: false,
            status: "success",
            cost_cents: 100,
            tokens: 10,
            reset: false,
        })
        .collect();
    let conn = database(&runs);
    let filter = UsageFilter { from: Some(at(605, 0)), to: Some(at(615, 0)), ..UsageFilter::default() };
    let quick = summary(&conn, &filter).unwrap();
    assert_eq!((quick.run_count, quick.session_count, quick.input_tokens), (1, 1, 10));
    assert_eq!(past_prefix("2026-01-01T10").as_deref(), Some("2026-01-01T11"));
    assert_eq!(hour_of("2026-01-01T10:05:00.000Z"), "2026-01-01T10");
    assert_eq!(hour_of("2026-01-01"), "2026-01-01");
}
