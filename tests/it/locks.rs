//! Skill locks through `Backend` (backend.md §5.3): the round trip, idempotence, dead holders,
//! release on shutdown, and a second live instance. That instance is the real CLI
//! (`support::lock_holder`), whose process runs `skill-builder`, so liveness accepts it, whereas
//! a second `Backend` in this process would share our pid and count as dead.

use std::time::Duration;

use serde_json::json;
use skill_builder::commands::{files, locks, skills, workspace};
use skill_builder::protocol::*;

use crate::support::*;

/// Starts a second instance holding `skill`'s lock (`support::lock_holder`) and gives it a
/// workflow session with a running run, as an instance running a workflow step would have.
fn spawn_holder(env: &Env, skill: &str) -> Proc {
    let holder = lock_holder(env.root(), skill);
    let conn = env.sql();
    let (instance_id, pid, pid_start_time): (String, u32, Option<i64>) = conn
        .query_row(
            "SELECT instance_id, pid, pid_start_time FROM skill_locks WHERE skill_id = (SELECT id FROM skills WHERE name = ?1)",
            [skill],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(pid, holder.pid());
    conn.execute(
        "INSERT INTO workflow_sessions (session_id, kind, skill_id, skill_name, instance_id, pid, pid_start_time, started_at)
         VALUES ('held-session', 'workflow', (SELECT id FROM skills WHERE name = ?1), ?1, ?2, ?3, ?4, '2026-01-01T00:00:00.000Z')",
        rusqlite::params![skill, instance_id, pid, pid_start_time],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO agent_runs (run_id, agent_id, skill_id, skill_name, kind, step_id, workflow_session_id, instance_id,
           model, status, started_at)
         VALUES ('run-held', 'ag-held', (SELECT id FROM skills WHERE name = ?1), ?1, 'workflow_step', 0, 'held-session', ?2,
           'claude-sonnet-4', 'running', '2026-01-01T00:00:00.000Z')",
        rusqlite::params![skill, instance_id],
    )
    .unwrap();
    holder
}

/// Writes a lock row for `skill` as another instance would have.
fn insert_lock(env: &Env, skill: &str, instance_id: &str, pid: u32, pid_start_time: Option<i64>) {
    env.sql()
        .execute(
            "INSERT INTO skill_locks (skill_id, instance_id, pid, pid_start_time, purpose, acquired_at)
             VALUES ((SELECT id FROM skills WHERE name = ?1), ?2, ?3, ?4, 'workflow', '2026-01-01T00:00:00.000Z')",
            rusqlite::params![skill, instance_id, pid, pid_start_time],
        )
        .unwrap();
}

fn lock_rows(env: &Env) -> i64 {
    scalar(&env.sql(), "SELECT count(*) FROM skill_locks")
}

#[tokio::test]
async fn acquire_check_list_release_round_trip() {
    let env = Env::start().await;
    create(&env.backend, "alpha").await;
    create(&env.backend, "beta").await;
    let free = locks::check_lock(&env.backend, "alpha").await.unwrap();
    assert_eq!(free, LockStatus { state: LockState::Free, holder: None });

    let info = locks::acquire_lock(&env.backend, "alpha", LockPurpose::Workflow).await.unwrap();
    assert!(info.mine);
    assert_eq!((info.skill_name.as_str(), info.purpose.as_str()), ("alpha", "workflow"));
    assert_eq!(info.pid, std::process::id());
    assert_eq!(info.instance_id, env.backend.instance().instance_id);
    let mine = locks::check_lock(&env.backend, "alpha").await.unwrap();
    assert_eq!(mine.state, LockState::Mine);
    assert_eq!(mine.holder.unwrap().pid, std::process::id());

    locks::acquire_lock(&env.backend, "beta", LockPurpose::Test).await.unwrap();
    let listed = locks::get_locked_skills(&env.backend).await.unwrap();
    let summary: Vec<(&str, &str, bool)> =
        listed.iter().map(|l| (l.skill_name.as_str(), l.purpose.as_str(), l.mine)).collect();
    assert_eq!(summary, [("alpha", "workflow", true), ("beta", "test", true)]);
    let library = skills::list_skills(&env.backend, None).await.unwrap();
    assert!(library.iter().all(|s| s.lock.state == LockState::Mine));

    locks::release_lock(&env.backend, "alpha", false).await.unwrap();
    assert_eq!(locks::check_lock(&env.backend, "alpha").await.unwrap().state, LockState::Free);
    locks::release_lock(&env.backend, "alpha", false).await.unwrap();
    let remaining: Vec<String> =
        locks::get_locked_skills(&env.backend).await.unwrap().into_iter().map(|l| l.skill_name).collect();
    assert_eq!(remaining, ["beta"]);
}

#[tokio::test]
async fn acquire_is_idempotent_and_updates_the_purpose() {
    let env = Env::start().await;
    create(&env.backend, "again").await;
    let first = locks::acquire_lock(&env.backend, "again", LockPurpose::Workflow).await.unwrap();
    let second = locks::acquire_lock(&env.backend, "again", LockPurpose::Refine).await.unwrap();
    assert_eq!(second.purpose, "refine");
    assert_eq!(second.acquired_at, first.acquired_at);
    assert_eq!(lock_rows(&env), 1);
}

#[tokio::test]
async fn lock_commands_on_unknown_or_invalid_skills_fail_with_codes() {
    let env = Env::start().await;
    assert_eq!(code(locks::acquire_lock(&env.backend, "nope", LockPurpose::Edit).await), ErrorCode::NotFound);
    assert_eq!(code(locks::release_lock(&env.backend, "nope", false).await), ErrorCode::NotFound);
    assert_eq!(code(locks::check_lock(&env.backend, "nope").await), ErrorCode::NotFound);
    assert_eq!(code(locks::acquire_lock(&env.backend, "../etc", LockPurpose::Edit).await), ErrorCode::InvalidInput);
    assert!(locks::get_locked_skills(&env.backend).await.unwrap().is_empty());
}

#[tokio::test]
async fn dead_holders_are_reclaimed_by_check_acquire_list_release_and_edits() {
    let env = Env::start().await;
    for name in ["by-check", "by-acquire", "by-list", "by-release", "by-edit", "old-pid", "foreign"] {
        create(&env.backend, name).await;
    }
    let dead = dead_pid();
    insert_lock(&env, "by-check", "dead-1", dead, Some(unix_now()));
    insert_lock(&env, "by-acquire", "dead-2", dead, None);
    insert_lock(&env, "by-release", "dead-3", dead, None);
    insert_lock(&env, "by-edit", "dead-4", dead, None);
    // Our own pid under another instance id: an earlier process whose pid we now have.
    insert_lock(&env, "old-pid", "earlier-instance", std::process::id(), None);

    assert_eq!(locks::check_lock(&env.backend, "by-check").await.unwrap().state, LockState::Free);
    assert_eq!(locks::check_lock(&env.backend, "old-pid").await.unwrap().state, LockState::Free);
    assert!(locks::acquire_lock(&env.backend, "by-acquire", LockPurpose::Edit).await.unwrap().mine);
    locks::release_lock(&env.backend, "by-release", false).await.unwrap();
    skills::update_skill_tags(&env.backend, "by-edit", vec!["t".into()]).await.unwrap();
    assert_eq!(lock_rows(&env), 1, "only our new lock on by-acquire is left");

    // A live process that is not Skill Builder (a reused pid) holds nothing either.
    let mut sleeper = std::process::Command::new("sleep").arg("30").spawn().unwrap();
    insert_lock(&env, "by-list", "dead-5", dead, None);
    insert_lock(&env, "foreign", "someone-else", sleeper.id(), None);
    let listed: Vec<String> =
        locks::get_locked_skills(&env.backend).await.unwrap().into_iter().map(|l| l.skill_name).collect();
    assert_eq!(listed, ["by-acquire"]);
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
}

#[tokio::test]
async fn shutdown_releases_every_lock_and_ends_every_session() {
    let mut env = Env::start().await;
    create(&env.backend, "one").await;
    create(&env.backend, "two").await;
    locks::acquire_lock(&env.backend, "one", LockPurpose::Workflow).await.unwrap();
    locks::acquire_lock(&env.backend, "two", LockPurpose::Edit).await.unwrap();
    workspace::create_workflow_session(&env.backend, "one", SessionKind::Workflow).await.unwrap();
    workspace::create_workflow_session(&env.backend, "two", SessionKind::Test).await.unwrap();
    env.backend.shutdown().await.unwrap();
    env.backend.shutdown().await.unwrap();
    let conn = env.sql();
    assert_eq!(scalar(&conn, "SELECT count(*) FROM skill_locks"), 0);
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM workflow_sessions WHERE end_reason = 'app_exit' AND ended_at IS NOT NULL"),
        2
    );
    env.restart().await;
    assert_eq!(*env.backend.startup_report(), Default::default(), "a clean exit leaves nothing to repair");
}

#[tokio::test]
async fn workflow_sessions_need_our_lock_and_test_sessions_do_not() {
    let env = Env::start().await;
    create(&env.backend, "flow").await;
    // backend.md §3.11: `skill_locked` (with no holder: nobody holds it, but we must), and nothing recorded.
    let refused = code(workspace::create_workflow_session(&env.backend, "flow", SessionKind::Workflow).await);
    assert_eq!(refused, ErrorCode::SkillLocked);
    assert_eq!(scalar(&env.sql(), "SELECT count(*) FROM workflow_sessions"), 0);
    workspace::create_workflow_session(&env.backend, "flow", SessionKind::Test).await.unwrap();
    locks::acquire_lock(&env.backend, "flow", LockPurpose::Workflow).await.unwrap();
    let session = workspace::create_workflow_session(&env.backend, "flow", SessionKind::Workflow).await.unwrap();
    assert!(session.session_id.starts_with("ses-"));
    workspace::end_workflow_session(&env.backend, &session.session_id).await.unwrap();
    workspace::end_workflow_session(&env.backend, &session.session_id).await.unwrap();
    assert_eq!(code(workspace::end_workflow_session(&env.backend, "ses-unknown").await), ErrorCode::NotFound);
    let refine = workspace::create_workflow_session(&env.backend, "flow", SessionKind::Refine).await;
    assert_eq!(code(refine), ErrorCode::InvalidInput);
    assert_eq!(
        code(workspace::create_workflow_session(&env.backend, "nope", SessionKind::Test).await),
        ErrorCode::NotFound
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_live_instance_blocks_locks_edits_and_writes_until_it_is_killed() {
    let mut env = Env::start().await;
    create(&env.backend, "shared").await;
    create(&env.backend, "free-one").await;
    create(&env.backend, "reused").await;
    let mut holder = spawn_holder(&env, "shared");
    let b = &env.backend;

    let status = locks::check_lock(b, "shared").await.unwrap();
    assert_eq!(status.state, LockState::Other);
    let holder_info = status.holder.unwrap();
    assert_eq!((holder_info.pid, holder_info.purpose.as_str()), (holder.pid(), "workflow"));
    let listed = locks::get_locked_skills(b).await.unwrap();
    assert_eq!((listed.len(), listed[0].mine, listed[0].pid), (1, false, holder.pid()));
    assert_eq!(
        skills::list_skills(b, None).await.unwrap().iter().find(|s| s.name == "shared").unwrap().lock.state,
        LockState::Other
    );

    let err = error(locks::acquire_lock(b, "shared", LockPurpose::Edit).await);
    assert_eq!(err.code(), ErrorCode::SkillLocked);
    let wire = wire(err);
    assert_eq!(wire["details"]["holder"]["pid"], json!(holder.pid()));
    assert_eq!(wire["details"]["holder"]["instanceId"], json!(holder_info.instance_id));
    assert_eq!(wire["details"]["holder"]["purpose"], "workflow");
    assert!(wire["fixHint"].is_string());

    // Every edit is refused and changes nothing.
    assert_eq!(code(skills::update_skill_tags(b, "shared", vec!["x".into()]).await), ErrorCode::SkillLocked);
    let meta: SkillMetadataPatch = serde_json::from_value(json!({ "domain": "x" })).unwrap();
    assert_eq!(code(skills::update_skill_metadata(b, "shared", meta).await), ErrorCode::SkillLocked);
    assert_eq!(code(skills::rename_skill(b, "shared", "renamed").await), ErrorCode::SkillLocked);
    assert_eq!(code(skills::delete_skill(b, "shared", true).await), ErrorCode::SkillLocked);
    assert!(env.skills().join("shared/context").is_dir());
    assert!(!env.skills().join("renamed").exists());
    let inside = FileRef { root: FileRoot::Skills, path: "shared/notes.md".into() };
    assert_eq!(code(files::write_file(b, inside.clone(), "x".into(), None).await), ErrorCode::SkillLocked);
    let elsewhere = FileRef { root: FileRoot::Skills, path: "free-one/notes.md".into() };
    files::write_file(b, elsewhere.clone(), "x".into(), None).await.unwrap();
    assert_eq!(code(files::copy_file(b, elsewhere, inside, false).await), ErrorCode::SkillLocked);
    assert_eq!(code(files::save_raw_file(b, "shared", "decisions.json", "{}".into()).await), ErrorCode::SkillLocked);
    assert!(!env.skills().join("shared/notes.md").exists());
    assert!(!env.skills().join("shared/context/decisions.json").exists());
    let session = workspace::create_workflow_session(b, "shared", SessionKind::Workflow).await;
    assert_eq!(code(session), ErrorCode::SkillLocked);
    assert_eq!(code(locks::release_lock(b, "shared", false).await), ErrorCode::SkillLocked);
    assert_eq!(locks::check_lock(b, "shared").await.unwrap().state, LockState::Other);

    // A live Skill Builder pid with another start time is a reused pid: dead.
    insert_lock(&env, "reused", "reused-instance", holder.pid(), Some(1_000_000));
    assert_eq!(locks::check_lock(b, "reused").await.unwrap().state, LockState::Free);

    holder.sigkill();
    assert_eq!(locks::check_lock(b, "shared").await.unwrap().state, LockState::Free, "a killed holder is reclaimed");
    assert_eq!(lock_rows(&env), 0);
    assert!(locks::acquire_lock(b, "shared", LockPurpose::Edit).await.unwrap().mine);

    // The next start ends the killed instance's session and interrupts its running run.
    env.restart().await;
    let report = env.backend.startup_report().clone();
    assert_eq!((report.orphaned_sessions, report.interrupted_runs), (1, 1));
    let conn = env.sql();
    assert_eq!(scalar(&conn, "SELECT count(*) FROM workflow_sessions WHERE end_reason = 'orphaned'"), 1);
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM agent_runs WHERE status = 'interrupted' AND completed_at IS NOT NULL"),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_exit_of_another_instance_releases_its_locks_and_ends_its_sessions() {
    let env = Env::start().await;
    create(&env.backend, "shared").await;
    let mut holder = spawn_holder(&env, "shared");
    assert_eq!(locks::check_lock(&env.backend, "shared").await.unwrap().state, LockState::Other);
    holder.close_stdin();
    assert!(holder.wait(Duration::from_secs(20)).success());
    // Released by the holder itself, not reclaimed by us: the row is gone before anyone checks.
    let conn = env.sql();
    assert_eq!(scalar(&conn, "SELECT count(*) FROM skill_locks"), 0);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM workflow_sessions WHERE end_reason = 'app_exit'"), 1);
    assert_eq!(locks::check_lock(&env.backend, "shared").await.unwrap().state, LockState::Free);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_release_takes_a_live_instances_lock_and_its_exit_leaves_ours() {
    let env = Env::start().await;
    create(&env.backend, "shared").await;
    let mut holder = spawn_holder(&env, "shared");
    locks::release_lock(&env.backend, "shared", true).await.unwrap();
    assert_eq!(locks::check_lock(&env.backend, "shared").await.unwrap().state, LockState::Free);
    locks::acquire_lock(&env.backend, "shared", LockPurpose::Edit).await.unwrap();
    holder.close_stdin();
    assert!(holder.wait(Duration::from_secs(20)).success());
    assert_eq!(locks::check_lock(&env.backend, "shared").await.unwrap().state, LockState::Mine);
}
