//! Refine sessions (agents-and-workflow.md §7.1) with the real sidecar and its mock agent:
//! three turns with both diffs and a save commit; a discard that keeps the edits in history;
//! a sidecar killed with SIGKILL mid-turn whose session resumes with its history; and, over
//! the CLI (one process per command), unsaved sessions in the reconciliation report.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use skill_builder::Backend;
use skill_builder::commands::{locks, refine, run_wait};
use skill_builder::events::RunOutcome;
use skill_builder::protocol::*;

use crate::support::{Env, create, git_cli, sb};

const TURN: Duration = Duration::from_secs(60);
const SKILL_MD: &str = "---\nname: tz-rules\ndescription: Time zone rules. Use when reporting by day.\n---\n\n# Time zones\n\n- Days are UTC.\n";

/// A skill with SKILL.md and one reference, committed, locked by this instance.
async fn skill(env: &Env) -> std::path::PathBuf {
    create(&env.backend, "tz-rules").await;
    let dir = env.skills().join("tz-rules");
    std::fs::write(dir.join("SKILL.md"), SKILL_MD).unwrap();
    std::fs::create_dir_all(dir.join("references")).unwrap();
    std::fs::write(dir.join("references/metrics.md"), "# Metrics\n\n- Revenue is net.\n").unwrap();
    locks::acquire_lock(&env.backend, "tz-rules", LockPurpose::Refine).await.unwrap();
    dir
}

async fn turn(b: &Backend, session: &str, text: &str, command: RefineCommand, targets: &[&str]) -> run_wait::RunEnd {
    let targets = targets.iter().map(|t| t.to_string()).collect();
    let handle = refine::send_refine_message(b, session, text, Some(command), targets).await.unwrap();
    assert_eq!(handle.session_id.as_deref(), Some(session));
    run_wait::wait_run(b, &handle, TURN).await.unwrap()
}

fn paths(diff: &RefineDiff) -> Vec<(String, FileChangeKind)> {
    diff.files.iter().map(|f| (f.path.clone(), f.status)).collect()
}

fn head_summary(skills: &Path) -> String {
    String::from_utf8(git_cli(skills, &["log", "-1", "--format=%s"]).stdout).unwrap().trim().to_string()
}

#[tokio::test]
async fn three_turns_give_both_diffs_and_save_commits_the_session() {
    let env = Env::start().await;
    let dir = skill(&env).await;
    let info = refine::start_refine_session(&env.backend, "tz-rules").await.unwrap();
    assert_eq!(info.files, ["SKILL.md", "references/metrics.md"]);
    let baseline = info.baseline_commit.clone().unwrap();
    assert_eq!(head_summary(&env.skills()), "tz-rules: checkpoint before refine", "the dirty folder was checkpointed");
    let b = &env.backend;
    let s = info.session_id.as_str();

    let running = refine::send_refine_message(b, s, "Add that weeks start on Monday", None, Vec::new()).await.unwrap();
    // Refused once the turn has written SKILL.md (the mock then pauses 40 ms before it ends).
    let deadline = std::time::Instant::now() + TURN;
    while !std::fs::read_to_string(dir.join("SKILL.md")).unwrap().contains("weeks start on Monday") {
        assert!(std::time::Instant::now() < deadline, "the first turn never wrote");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let busy = refine::send_refine_message(b, s, "too soon", None, Vec::new()).await.unwrap_err();
    assert_eq!(busy.code(), ErrorCode::SessionBusy, "one turn at a time");
    let first = run_wait::wait_run(b, &running, TURN).await.unwrap();
    let last = refine::get_refine_diff(b, s, DiffScope::LastTurn).await.unwrap();
    assert_eq!(last.stat.insertions, 1, "the refused message did not move the last turn's base");
    assert!(first.completed(), "{first:?}");
    assert!(std::fs::read_to_string(dir.join("SKILL.md")).unwrap().contains("- Add that weeks start on Monday"));
    let second = turn(b, s, "Note the currency", RefineCommand::Refine, &["references/metrics.md"]).await;
    assert!(second.text.contains("metrics.md"), "{second:?}");
    let last = refine::get_refine_diff(b, s, DiffScope::LastTurn).await.unwrap();
    assert_eq!(paths(&last), [("references/metrics.md".to_string(), FileChangeKind::Modified)]);
    let lines: Vec<_> = last.files[0].hunks[0].lines.iter().map(|l| (l.op.as_str(), l.text.as_str())).collect();
    assert!(lines.contains(&("insert", "- Note the currency")), "{lines:?}");
    assert_eq!((last.stat.insertions, last.stat.deletions), (1, 0));

    let third = turn(b, s, "", RefineCommand::Validate, &[]).await;
    assert!(
        third.text.starts_with("Validation complete") && third.text.contains("Turn 3 of this session"),
        "{third:?}"
    );
    let last = refine::get_refine_diff(b, s, DiffScope::LastTurn).await.unwrap();
    assert_eq!(
        paths(&last),
        [("context/validation.json".to_string(), FileChangeKind::Added)],
        "lint.json predates the turn"
    );
    let session = refine::get_refine_diff(b, s, DiffScope::Session).await.unwrap();
    assert_eq!(session.base_sha.as_deref(), Some(baseline.as_str()));
    assert_eq!(
        paths(&session),
        [
            ("SKILL.md".to_string(), FileChangeKind::Modified),
            ("context/lint.json".to_string(), FileChangeKind::Added),
            ("context/validation.json".to_string(), FileChangeKind::Added),
            ("references/metrics.md".to_string(), FileChangeKind::Modified),
        ],
        "new, untracked files are part of the session's diff"
    );
    assert!(session.files[0].patch.contains("+- Add that weeks start on Monday"), "{}", session.files[0].patch);

    let report = refine::close_refine_session(b, s, true, Some("weeks and currency".into())).await.unwrap();
    let sha = report.commit_sha.unwrap();
    assert_eq!(head_summary(&env.skills()), "tz-rules: refine — weeks and currency");
    assert!(String::from_utf8(git_cli(&env.skills(), &["rev-parse", "HEAD"]).stdout).unwrap().starts_with(&sha));
    let status = git_cli(&env.skills(), &["status", "--porcelain", "--", "tz-rules"]).stdout;
    assert!(status.is_empty(), "everything is committed: {}", String::from_utf8_lossy(&status));
    assert!(b.sidecars().list_active().await.unwrap().is_empty(), "the session's agent ended");
    let conn = env.sql();
    let (reason, runs): (String, i64) = conn
        .query_row(
            "SELECT end_reason, (SELECT COUNT(*) FROM agent_runs WHERE workflow_session_id = ?1 AND kind = 'refine'
               AND status = 'success') FROM workflow_sessions WHERE session_id = ?1",
            [s],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((reason.as_str(), runs), ("closed", 3));
    let err = refine::send_refine_message(b, s, "more", None, Vec::new()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "a closed session takes no more turns");
}

#[tokio::test]
async fn a_discarded_session_keeps_its_edits_in_history_and_restores_the_files() {
    let env = Env::start().await;
    let dir = skill(&env).await;
    let info = refine::start_refine_session(&env.backend, "tz-rules").await.unwrap();
    let before = std::fs::read_to_string(dir.join("SKILL.md")).unwrap();
    let b = &env.backend;
    let s = info.session_id.as_str();
    assert!(turn(b, s, "Mention daylight saving", RefineCommand::Refine, &[]).await.completed());
    assert!(turn(b, s, "", RefineCommand::Validate, &[]).await.completed());
    assert!(dir.join("context/validation.json").is_file());
    let err = refine::start_refine_session(b, "tz-rules").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AgentBusy, "one refine session per skill");

    let report = refine::close_refine_session(b, s, false, None).await.unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("SKILL.md")).unwrap(), before, "the baseline is back");
    assert!(!dir.join("context/validation.json").exists(), "files created during the session are removed");
    let discarded = report.discarded_sha.unwrap();
    let kept = git_cli(&env.skills(), &["show", &format!("{discarded}:tz-rules/SKILL.md")]).stdout;
    assert!(
        String::from_utf8(kept).unwrap().contains("- Mention daylight saving"),
        "the discarded edits stay in history"
    );
    assert_eq!(head_summary(&env.skills()), format!("tz-rules: restored to {}", &info.baseline_commit.unwrap()[..8]));
    assert!(report.commit_sha.is_some());
    // The skill is free for a new session.
    refine::start_refine_session(b, "tz-rules").await.unwrap();
}

#[tokio::test]
async fn a_session_whose_sidecar_is_killed_mid_turn_resumes_with_its_history() {
    let env = Env::start().await;
    let dir = skill(&env).await;
    let b = &env.backend;
    let info = refine::start_refine_session(b, "tz-rules").await.unwrap();
    let s = info.session_id.as_str();
    assert!(turn(b, s, "First rule", RefineCommand::Refine, &[]).await.completed());

    // The mock streams a line every 40 ms, so the second turn is still running when it dies.
    let handle = refine::send_refine_message(b, s, "Second rule", None, Vec::new()).await.unwrap();
    let deadline = std::time::Instant::now() + TURN;
    while !b
        .run_logs()
        .snapshot(&handle.agent_id)
        .unwrap()
        .runs
        .iter()
        .any(|r| r.run_id == handle.run_id && !r.messages.is_empty())
    {
        assert!(std::time::Instant::now() < deadline, "the second turn never streamed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let agent = b.sidecars().list_active().await.unwrap().into_iter().find(|a| a.agent_id == handle.agent_id).unwrap();
    let pid = i32::try_from(agent.pid.unwrap()).unwrap();
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    let killed = run_wait::wait_run(b, &handle, TURN).await.unwrap();
    assert_eq!(killed.outcome, RunOutcome::Crashed);

    let third = turn(b, s, "Third rule", RefineCommand::Refine, &[]).await;
    assert!(third.completed(), "{third:?}");
    assert!(third.text.contains("Turn 3 of this session"), "the resumed session remembers its turns: {}", third.text);
    let text = std::fs::read_to_string(dir.join("SKILL.md")).unwrap();
    assert!(text.contains("- First rule") && text.contains("- Third rule"), "{text}");
    let conn = env.sql();
    let sdk: Vec<Option<String>> = conn
        .prepare("SELECT sdk_session_id FROM agent_runs WHERE workflow_session_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([s], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(sdk.len(), 3);
    assert!(sdk[0].is_some() && sdk[0] == sdk[2], "the new sidecar resumed the same SDK session: {sdk:?}");
    let crashed: String =
        conn.query_row("SELECT status FROM agent_runs WHERE run_id = ?1", [&handle.run_id], |r| r.get(0)).unwrap();
    assert_eq!(crashed, "failed");
}

fn cli(root: &Path, args: &[&str]) -> Value {
    let output = sb(root).env("SKILL_BUILDER_MOCK_DELAY_MS", "0").args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("null");
    let value: Value = serde_json::from_str(last).unwrap();
    assert!(output.status.success(), "{args:?}: {value} {}", String::from_utf8_lossy(&output.stderr));
    value
}

#[test]
fn over_the_cli_a_session_spans_processes_and_unsaved_edits_are_reported_until_saved() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    cli(root, &["skills", "create", "tz-rules"]);
    std::fs::write(root.join("skills/tz-rules/SKILL.md"), SKILL_MD).unwrap();
    let info = cli(root, &["refine", "start", "tz-rules"]);
    let s = info["sessionId"].as_str().unwrap();
    for (n, text) in ["Weeks start on Monday", "Months are calendar months"].iter().enumerate() {
        let turn = cli(root, &["refine", "send", s, text]);
        assert_eq!(turn["outcome"], "completed", "{turn}");
        let expected = format!("Turn {} of this session", n + 1);
        assert!(turn["summary"].as_str().unwrap().contains(&expected), "each command resumes the session: {turn}");
    }
    // Without --json, --follow prints a progress line per agent event on stderr.
    let followed = std::process::Command::new(env!("CARGO_BIN_EXE_skill-builder"))
        .arg("--data-dir")
        .arg(root.join("data"))
        .arg("--skills-path")
        .arg(root.join("skills"))
        .args(["refine", "send", s, "--follow", "--target", "SKILL.md", "Quarters follow the fiscal year"])
        .env("SKILL_BUILDER_SECRET_STORE", "database")
        .env("SKILL_BUILDER_MOCK_DELAY_MS", "0")
        .env_remove("SKILL_BUILDER_DATA_DIR")
        .output()
        .unwrap();
    assert!(followed.status.success());
    let progress = String::from_utf8_lossy(&followed.stderr);
    for line in ["▶ refine: started", "  refine: Read SKILL.md", "  refine: Write SKILL.md", "■ refine: completed"]
    {
        assert!(progress.contains(line), "missing {line:?} in:\n{progress}");
    }
    let diff = cli(root, &["refine", "diff", s, "--scope", "last-turn"]);
    assert_eq!(diff["files"][0]["path"], "SKILL.md");
    assert_eq!(diff["stat"]["insertions"], 1);

    let report = cli(root, &["workspace", "reconcile", "--force"]);
    let unsaved = &report["unsavedRefineSessions"];
    assert_eq!(unsaved[0]["sessionId"], s, "{report}");
    assert_eq!(unsaved[0]["changedFiles"][0], "SKILL.md");
    let status = git_cli(&root.join("skills"), &["status", "--porcelain", "--", "tz-rules"]).stdout;
    assert!(!status.is_empty(), "reconciliation left the session's edits uncommitted");

    let closed = cli(root, &["refine", "close", s, "--save"]);
    assert!(closed["commitSha"].is_string(), "{closed}");
    let report = cli(root, &["workspace", "reconcile", "--force"]);
    assert_eq!(report["unsavedRefineSessions"], serde_json::json!([]), "{report}");
}

#[tokio::test]
async fn an_agent_stopped_for_idleness_is_respawned_and_the_session_continues() {
    let timings =
        skill_builder::actors::sidecar::AgentTimings { idle: Duration::from_millis(300), ..Default::default() };
    let env = Env::start_with(|config| config.with_agent_timings(timings)).await;
    skill(&env).await;
    let b = &env.backend;
    let info = refine::start_refine_session(b, "tz-rules").await.unwrap();
    let s = info.session_id.as_str();
    let first = turn(b, s, "First rule", RefineCommand::Refine, &[]).await;
    assert!(first.completed());
    let deadline = std::time::Instant::now() + TURN;
    while !b.sidecars().list_active().await.unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the idle agent never stopped");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let second = turn(b, s, "Second rule", RefineCommand::Refine, &[]).await;
    assert!(second.text.contains("Turn 2 of this session"), "{second:?}");
}
