//! Durability: a writer killed with SIGKILL in the middle of a stream of commits leaves a
//! database that opens, passes `PRAGMA integrity_check` and holds every write it had reported
//! as committed. The writer is the real CLI, `locks hold <skill> --times <many> --for-ms 0`: each
//! hold is an insert and a delete, each its own commit, and each line it prints follows the
//! delete's commit, so a lock row that outlives a reported release would be a lost commit.

use skill_builder::commands::{locks, skills};
use skill_builder::protocol::*;
use skill_builder::{Backend, Config};

use crate::support::*;

const KILL_AFTER: usize = 300;

#[tokio::test]
async fn sigkill_during_a_stream_of_commits_loses_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let backend = Backend::start(Config::for_test(dir.path())).await.unwrap();
    create(&backend, "crash").await;
    backend.shutdown().await.unwrap();
    drop(backend);

    let mut command = sb(dir.path());
    command.args(["locks", "hold", "crash", "--times", "1000000", "--for-ms", "0"]).stderr(std::process::Stdio::null());
    let mut writer = Proc::spawn(command);
    let mut released = Vec::new();
    while let Some(line) = writer.next_line() {
        let Ok(hold) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        if let Some(at) = hold["releasedAtUs"].as_str() {
            released.push(at.parse::<i64>().unwrap());
            if released.len() == KILL_AFTER {
                writer.sigkill();
            }
        }
    }
    // Lines already in the pipe when the signal landed were committed too.
    assert!(released.len() >= KILL_AFTER, "the writer died early: {} holds", released.len());

    let conn = open_db(&dir.path().join("data"));
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(scalar(&conn, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    // At most the hold in flight is left, and it began after the last release reported.
    let left: Vec<String> = conn
        .prepare("SELECT acquired_at FROM skill_locks")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(left.len() <= 1, "{left:?}");
    let last_release_ms = released.iter().max().unwrap() / 1_000;
    for acquired in &left {
        let at = chrono::DateTime::parse_from_rfc3339(acquired).unwrap().timestamp_millis();
        assert!(at >= last_release_ms, "a lock released and reported at {last_release_ms} ms is back: {acquired}");
    }
    assert_eq!(scalar(&conn, "SELECT count(*) FROM skills WHERE name = 'crash'"), 1);
    drop(conn);

    // The next start opens it, reclaims the dead writer's lock and writes again.
    let backend = Backend::start(Config::for_test(dir.path())).await.unwrap();
    assert_eq!(locks::check_lock(&backend, "crash").await.unwrap().state, LockState::Free);
    locks::acquire_lock(&backend, "crash", LockPurpose::Edit).await.unwrap();
    skills::create_skill(&backend, CreateSkillRequest { name: "after-crash".into(), ..CreateSkillRequest::default() })
        .await
        .unwrap();
    backend.shutdown().await.unwrap();
}
