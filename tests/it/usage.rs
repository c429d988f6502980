//! Usage analytics through `Backend` (backend.md §3.10, §9): runs recorded the way the agent
//! runtime records them, on a manual clock, then every query, the filters, reset and the rule
//! that a finished run is never overwritten.

use skill_builder::Backend;
use skill_builder::clock::{ManualClock, SharedClock};
use skill_builder::commands::{locks, usage, workspace};
use skill_builder::protocol::*;

use crate::support::*;

const EPSILON: f64 = 1e-9;

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < EPSILON
}

/// One run of the fixture: id, skill, kind, step, session index, model, final status, cost,
/// per-model split.
struct Fixture {
    run: &'static str,
    skill: &'static str,
    kind: AgentKind,
    step: Option<u8>,
    session: usize,
    model: &'static str,
    status: RunStatus,
    cost: f64,
    split: &'static [(&'static str, f64)],
}

const RUNS: &[Fixture] = &[
    Fixture {
        run: "run-1",
        skill: "alpha",
        kind: AgentKind::WorkflowStep,
        step: Some(0),
        session: 0,
        model: "claude-sonnet-4",
        status: RunStatus::Success,
        cost: 0.10,
        split: &[("claude-sonnet-4", 0.06), ("claude-haiku-4", 0.04)],
    },
    Fixture {
        run: "run-2",
        skill: "alpha",
        kind: AgentKind::WorkflowStep,
        step: Some(1),
        session: 0,
        model: "claude-sonnet-4",
        status: RunStatus::Success,
        cost: 0.20,
        split: &[],
    },
    Fixture {
        run: "run-3",
        skill: "alpha",
        kind: AgentKind::Refine,
        step: None,
        session: 0,
        model: "claude-opus-4",
        status: RunStatus::Cancelled,
        cost: 0.05,
        split: &[],
    },
    Fixture {
        run: "run-4",
        skill: "beta",
        kind: AgentKind::TestWith,
        step: None,
        session: 1,
        model: "claude-sonnet-4",
        status: RunStatus::Success,
        cost: 0.30,
        split: &[],
    },
    Fixture {
        run: "run-5",
        skill: "beta",
        kind: AgentKind::Validate,
        step: None,
        session: 1,
        model: "mock-x",
        status: RunStatus::Success,
        cost: 1.00,
        split: &[],
    },
    Fixture {
        run: "run-6",
        skill: "beta",
        kind: AgentKind::WorkflowStep,
        step: Some(2),
        session: 1,
        model: "claude-haiku-4",
        status: RunStatus::Running,
        cost: 0.0,
        split: &[],
    },
];

fn completion(run: &str, status: RunStatus, cost: f64, split: &[(&str, f64)]) -> RunCompletion {
    RunCompletion {
        run_id: run.into(),
        status,
        model: None,
        sdk_session_id: Some(format!("sdk-{run}")),
        model_usage: split
            .iter()
            .map(|(model, cost)| ModelUsage {
                model: model.to_string(),
                cost_usd: *cost,
                input_tokens: 1,
                ..ModelUsage::default()
            })
            .collect(),
        total_cost_usd: cost,
        input_tokens: 100,
        output_tokens: 50,
        cache_read_tokens: 10,
        cache_write_tokens: 5,
        duration_ms: Some(1_000),
        duration_api_ms: Some(800),
        num_turns: 3,
        tool_use_count: 2,
        compaction_count: 0,
        stop_reason: Some("end_turn".into()),
        result_subtype: Some("success".into()),
        error_category: None,
        error_message: None,
    }
}

struct Usage {
    env: Env,
    clock: std::sync::Arc<ManualClock>,
    sessions: Vec<String>,
}

/// Skills alpha and beta, a workflow session (alpha, under its lock), a test session (beta),
/// an empty test session (alpha), and the six runs above one second apart.
async fn fixture() -> Usage {
    let clock = ManualClock::at_millis(1_767_225_600_000);
    let shared: SharedClock = clock.clone();
    let env = Env::start_with(|c| c.with_clock(shared)).await;
    let b = &env.backend;
    create(b, "alpha").await;
    create(b, "beta").await;
    locks::acquire_lock(b, "alpha", LockPurpose::Workflow).await.unwrap();
    let mut sessions = Vec::new();
    for (skill, kind) in [("alpha", SessionKind::Workflow), ("beta", SessionKind::Test), ("alpha", SessionKind::Test)] {
        sessions.push(workspace::create_workflow_session(b, skill, kind).await.unwrap().session_id);
        clock.advance_millis(1_000);
    }
    for run in RUNS {
        record(b, run, &sessions).await;
        clock.advance_millis(1_000);
    }
    Usage { env, clock, sessions }
}

async fn record(b: &Backend, run: &Fixture, sessions: &[String]) {
    let start = RunStart {
        run_id: run.run.into(),
        agent_id: format!("ag-{}", run.run),
        skill_name: Some(run.skill.into()),
        kind: run.kind,
        step_id: run.step,
        workflow_session_id: Some(sessions[run.session].clone()),
        model: run.model.into(),
    };
    usage::record_run_started(b, start).await.unwrap();
    if run.status != RunStatus::Running {
        assert!(usage::record_run_finished(b, completion(run.run, run.status, run.cost, run.split)).await.unwrap());
    }
}

fn filter() -> UsageFilter {
    UsageFilter::default()
}

fn run_ids(runs: &[AgentRunRecord]) -> Vec<&str> {
    runs.iter().map(|r| r.run_id.as_str()).collect()
}

#[tokio::test]
async fn summary_counts_runs_and_sessions_and_averages_cost() {
    let u = fixture().await;
    let b = &u.env.backend;
    let all = usage::get_usage_summary(b, None).await.unwrap();
    assert_eq!((all.run_count, all.session_count), (5, 2), "mock runs are excluded by default");
    assert!(close(all.total_cost_usd, 0.65), "{all:?}");
    assert!(close(all.avg_cost_per_run, 0.13) && close(all.avg_cost_per_session, 0.325), "{all:?}");
    assert_eq!(
        (all.input_tokens, all.output_tokens, all.cache_read_tokens, all.cache_write_tokens),
        (400, 200, 40, 20)
    );

    let shown = usage::get_usage_summary(b, Some(UsageFilter { hide_cancelled: true, ..filter() })).await.unwrap();
    assert_eq!(shown.run_count, 4);
    assert!(close(shown.total_cost_usd, 0.60));
    let with_mock = usage::get_usage_summary(b, Some(UsageFilter { include_mock: true, ..filter() })).await.unwrap();
    assert_eq!(with_mock.run_count, 6);
    assert!(close(with_mock.total_cost_usd, 1.65));
    let alpha =
        usage::get_usage_summary(b, Some(UsageFilter { skill_name: Some("alpha".into()), ..filter() })).await.unwrap();
    assert_eq!((alpha.run_count, alpha.session_count), (3, 1));
    assert!(close(alpha.total_cost_usd, 0.35));
    // Runs started at +3 s … +8 s; from +5 s keeps run-3, run-4 and run-6 (run-5 is a mock).
    let window = UsageFilter {
        from: Some("2026-01-01T00:00:05.000Z".into()),
        to: Some("2026-01-01T00:00:08.000Z".into()),
        ..filter()
    };
    let late = usage::get_usage_summary(b, Some(window)).await.unwrap();
    assert_eq!(late.run_count, 3);
    assert!(close(late.total_cost_usd, 0.35));

    let empty =
        usage::get_usage_summary(b, Some(UsageFilter { skill_name: Some("nobody".into()), ..filter() })).await.unwrap();
    assert_eq!((empty.run_count, empty.avg_cost_per_run, empty.avg_cost_per_session), (0, 0.0, 0.0));
    let bad = UsageFilter { from: Some("yesterday".into()), ..filter() };
    assert_eq!(code(usage::get_usage_summary(b, Some(bad)).await), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn usage_by_step_buckets_runs_by_kind_and_step() {
    let u = fixture().await;
    let rows = usage::get_usage_by_step(&u.env.backend, None).await.unwrap();
    let summary: Vec<(&str, Option<u8>, &str, u32)> =
        rows.iter().map(|r| (r.bucket.as_str(), r.step_id, r.label.as_str(), r.run_count)).collect();
    assert_eq!(
        summary,
        [
            ("test", None, "Skill test", 1),
            ("step", Some(1), "Review", 1),
            ("step", Some(0), "Research", 1),
            ("refine", None, "Refine", 1),
            ("step", Some(2), "Detailed Research", 1),
        ]
    );
    assert!(close(rows[0].total_cost_usd, 0.30));
    let with_mock =
        usage::get_usage_by_step(&u.env.backend, Some(UsageFilter { include_mock: true, ..filter() })).await.unwrap();
    assert_eq!(with_mock[0].bucket, "validate");
    assert!(close(with_mock[0].total_cost_usd, 1.0));
}

#[tokio::test]
async fn usage_by_model_splits_runs_by_their_model_usage() {
    let u = fixture().await;
    let rows = usage::get_usage_by_model(&u.env.backend, None).await.unwrap();
    let summary: Vec<(&str, u32)> = rows.iter().map(|r| (r.model.as_str(), r.run_count)).collect();
    assert_eq!(summary, [("claude-sonnet-4", 3), ("claude-opus-4", 1), ("claude-haiku-4", 2)]);
    let costs: Vec<f64> = rows.iter().map(|r| r.total_cost_usd).collect();
    assert!(close(costs[0], 0.56) && close(costs[1], 0.05) && close(costs[2], 0.04), "{costs:?}");
    let hidden = usage::get_usage_by_model(&u.env.backend, Some(UsageFilter { hide_cancelled: true, ..filter() }))
        .await
        .unwrap();
    assert!(hidden.iter().all(|r| r.model != "claude-opus-4"));
}

#[tokio::test]
async fn recent_runs_and_sessions_are_newest_first() {
    let u = fixture().await;
    let b = &u.env.backend;
    let runs = usage::get_recent_runs(b, 500).await.unwrap();
    assert_eq!(run_ids(&runs), ["run-6", "run-5", "run-4", "run-3", "run-2", "run-1"]);
    assert_eq!(runs[5].models, "claude-sonnet-4,claude-haiku-4");
    assert_eq!((runs[5].status.as_str(), runs[5].num_turns, runs[5].tool_use_count), ("success", 3, 2));
    assert_eq!((runs[0].status.as_str(), runs[0].completed_at.as_deref()), ("running", None));
    assert_eq!(run_ids(&usage::get_recent_runs(b, 2).await.unwrap()), ["run-6", "run-5"]);
    for limit in [0, 501] {
        assert_eq!(code(usage::get_recent_runs(b, limit).await), ErrorCode::InvalidInput);
        assert_eq!(code(usage::get_recent_workflow_sessions(b, limit, None).await), ErrorCode::InvalidInput);
    }

    let sessions = usage::get_recent_workflow_sessions(b, 50, None).await.unwrap();
    let summary: Vec<(&str, &str, u32, Vec<u8>)> =
        sessions.iter().map(|s| (s.skill_name.as_str(), s.kind.as_str(), s.run_count, s.steps.clone())).collect();
    assert_eq!(
        summary,
        [("alpha", "test", 0, vec![]), ("beta", "test", 2, vec![2]), ("alpha", "workflow", 3, vec![0, 1])]
    );
    assert!(close(sessions[2].total_cost_usd, 0.35));
    assert_eq!(sessions[2].session_id, u.sessions[0]);
    let hidden = usage::get_recent_workflow_sessions(b, 50, Some(UsageFilter { hide_cancelled: true, ..filter() }))
        .await
        .unwrap();
    let counts: Vec<(&str, u32)> = hidden.iter().map(|s| (s.kind.as_str(), s.run_count)).collect();
    assert_eq!(counts, [("test", 2), ("workflow", 2)], "cancelled runs and sessions left without runs are hidden");
    let beta =
        usage::get_recent_workflow_sessions(b, 50, Some(UsageFilter { skill_name: Some("beta".into()), ..filter() }))
            .await
            .unwrap();
    assert_eq!(beta.len(), 1);
}

#[tokio::test]
async fn session_and_step_runs_list_their_runs() {
    let u = fixture().await;
    let b = &u.env.backend;
    let session = usage::get_session_agent_runs(b, &u.sessions[0], false).await.unwrap();
    assert_eq!(run_ids(&session), ["run-1", "run-2", "run-3"]);
    assert!(usage::get_session_agent_runs(b, &u.sessions[2], false).await.unwrap().is_empty());
    assert_eq!(code(usage::get_session_agent_runs(b, "ses-unknown", false).await), ErrorCode::NotFound);

    // A second finished run of step 0 comes first (completed later); running runs are left out.
    u.clock.advance_millis(1_000);
    let again = Fixture { run: "run-7", ..RUNS[0] };
    record(b, &again, &u.sessions).await;
    assert_eq!(run_ids(&usage::get_step_agent_runs(b, "alpha", 0).await.unwrap()), ["run-7", "run-1"]);
    assert!(usage::get_step_agent_runs(b, "beta", 2).await.unwrap().is_empty(), "run-6 is still running");
    assert_eq!(code(usage::get_step_agent_runs(b, "alpha", 6).await), ErrorCode::InvalidInput);
    assert_eq!(code(usage::get_step_agent_runs(b, "Alpha!", 0).await), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn reset_hides_finished_usage_but_keeps_every_row() {
    let u = fixture().await;
    let b = &u.env.backend;
    let report = usage::reset_usage(b).await.unwrap();
    assert_eq!((report.runs, report.sessions), (5, 3), "the running run stays live");
    assert_eq!(report.marker, "2026-01-01T00:00:09.000Z");

    let summary = usage::get_usage_summary(b, Some(UsageFilter { include_mock: true, ..filter() })).await.unwrap();
    assert_eq!((summary.run_count, summary.total_cost_usd), (1, 0.0));
    assert_eq!(run_ids(&usage::get_recent_runs(b, 50).await.unwrap()), ["run-6"]);
    assert!(usage::get_recent_workflow_sessions(b, 50, None).await.unwrap().is_empty());
    assert!(usage::get_session_agent_runs(b, &u.sessions[0], false).await.unwrap().is_empty());
    assert_eq!(usage::get_session_agent_runs(b, &u.sessions[0], true).await.unwrap().len(), 3);
    assert!(usage::get_step_agent_runs(b, "alpha", 0).await.unwrap().is_empty());
    assert!(usage::get_usage_by_model(b, None).await.unwrap().iter().all(|r| r.model == "claude-haiku-4"));
    let conn = u.env.sql();
    assert_eq!(scalar(&conn, "SELECT count(*) FROM agent_runs"), 6, "nothing is deleted");
    assert_eq!(scalar(&conn, "SELECT count(*) FROM workflow_sessions"), 3);

    // The run still running when usage was reset finishes live.
    assert!(usage::record_run_finished(b, completion("run-6", RunStatus::Success, 0.5, &[])).await.unwrap());
    let after = usage::get_usage_summary(b, None).await.unwrap();
    assert_eq!(after.run_count, 1);
    assert!(close(after.total_cost_usd, 0.5));
    assert_eq!(usage::reset_usage(b).await.unwrap().runs, 1);
}

#[tokio::test]
async fn a_finished_run_is_never_overwritten() {
    let u = fixture().await;
    let b = &u.env.backend;
    let late = completion("run-1", RunStatus::Shutdown, 9.0, &[]);
    assert!(!usage::record_run_finished(b, late).await.unwrap());
    assert!(!usage::record_run_finished(b, completion("run-unknown", RunStatus::Success, 1.0, &[])).await.unwrap());
    let run = usage::get_recent_runs(b, 50).await.unwrap().into_iter().find(|r| r.run_id == "run-1").unwrap();
    assert_eq!(run.status, "success");
    assert!(close(run.total_cost_usd, 0.10));
    assert_eq!(run.started_at, "2026-01-01T00:00:03.000Z");
    assert_eq!(run.completed_at.as_deref(), Some("2026-01-01T00:00:03.000Z"));

    usage::reset_usage(b).await.unwrap();
    let before = scalar(&u.env.sql(), "SELECT count(*) FROM agent_runs WHERE reset_marker IS NOT NULL");
    assert!(!usage::record_run_finished(b, completion("run-2", RunStatus::Error, 1.0, &[])).await.unwrap());
    let after = scalar(&u.env.sql(), "SELECT count(*) FROM agent_runs WHERE reset_marker IS NOT NULL");
    assert_eq!(before, after, "a completion never clears a reset marker");
}

/// Every filter without a time window, answered from the running totals, next to the same
/// filter with a window spanning all time, answered by scanning the runs.
async fn assert_totals_match_the_runs(b: &Backend, when: &str) {
    for include_mock in [false, true] {
        for hide_cancelled in [false, true] {
            for skill_name in [None, Some("alpha"), Some("gamma"), Some("beta")] {
                let quick =
                    UsageFilter { include_mock, hide_cancelled, skill_name: skill_name.map(Into::into), ..filter() };
                let all_time = UsageFilter {
                    from: Some("2000-01-01T00:00:00Z".into()),
                    to: Some("2999-12-31T00:00:00Z".into()),
                    ..quick.clone()
                };
                let (totals, scanned) = (
                    usage::get_usage_summary(b, Some(quick)).await.unwrap(),
                    usage::get_usage_summary(b, Some(all_time)).await.unwrap(),
                );
                let context = format!("{when}: mock {include_mock}, hide {hide_cancelled}, skill {skill_name:?}");
                assert_eq!(
                    (totals.run_count, totals.session_count, totals.input_tokens, totals.cache_write_tokens),
                    (scanned.run_count, scanned.session_count, scanned.input_tokens, scanned.cache_write_tokens),
                    "{context}"
                );
                assert!(close(totals.total_cost_usd, scanned.total_cost_usd), "{context}");
            }
        }
    }
}

#[tokio::test]
async fn running_totals_follow_every_write_to_the_runs() {
    let u = fixture().await;
    let b = &u.env.backend;
    assert_totals_match_the_runs(b, "recorded").await;

    // A run outside any session, for no skill.
    let loose = RunStart {
        run_id: "loose".into(),
        agent_id: "ag-loose".into(),
        skill_name: None,
        kind: AgentKind::Feedback,
        step_id: None,
        workflow_session_id: None,
        model: "claude-sonnet-4".into(),
    };
    usage::record_run_started(b, loose).await.unwrap();
    assert!(usage::record_run_finished(b, completion("loose", RunStatus::Cancelled, 0.25, &[])).await.unwrap());
    assert_totals_match_the_runs(b, "loose run").await;

    locks::release_lock(b, "alpha", false).await.unwrap();
    skill_builder::commands::skills::rename_skill(b, "alpha", "gamma").await.unwrap();
    assert_totals_match_the_runs(b, "renamed").await;

    skill_builder::commands::skills::delete_skill(b, "beta", true).await.unwrap();
    assert_totals_match_the_runs(b, "deleted").await;

    usage::reset_usage(b).await.unwrap();
    assert_totals_match_the_runs(b, "reset").await;
    assert!(usage::record_run_finished(b, completion("run-6", RunStatus::Success, 0.5, &[])).await.unwrap());
    assert_totals_match_the_runs(b, "finished after reset").await;
    assert_eq!(scalar(&u.env.sql(), "SELECT count(*) FROM usage_totals"), 1, "emptied groups are removed");
}
