//! Durability: a writer killed with SIGKILL in the middle of 1,000 creates leaves a database
//! that opens, passes `PRAGMA integrity_check` and holds every create it had reported as
//! committed. The writer is this test binary re-executed (`crash_writer_child`).

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;

use skill_builder::commands::skills;
use skill_builder::protocol::*;
use skill_builder::{Backend, Config};

use crate::support::*;

const WRITES: usize = 1_000;
const KILL_AFTER: usize = 300;
const COMMITTED: &str = "COMMITTED ";

/// Child mode. With `SB_CRASH_WRITER=<root>`: start a backend on that root and create
/// `crash-0000` … `crash-0999` one by one, printing `COMMITTED <name>` after each create
/// returns. Otherwise return at once.
#[tokio::test]
async fn crash_writer_child() {
    let Ok(root) = std::env::var("SB_CRASH_WRITER") else { return };
    let backend = Backend::start(Config::for_test(Path::new(&root))).await.unwrap();
    let mut stdout = std::io::stdout();
    for i in 0..WRITES {
        let name = format!("crash-{i:04}");
        let req = CreateSkillRequest {
            name: name.clone(),
            tags: Some(vec![format!("batch-{}", i / 100)]),
            ..CreateSkillRequest::default()
        };
        skills::create_skill(&backend, req).await.unwrap();
        writeln!(stdout, "{COMMITTED}{name}").unwrap();
        stdout.flush().unwrap();
    }
    backend.shutdown().await.unwrap();
}

#[tokio::test]
async fn sigkill_during_a_thousand_writes_loses_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_string_lossy().to_string();
    let mut writer = Proc::spawn(self_exec("crash::crash_writer_child", &[("SB_CRASH_WRITER", &root)]));
    let mut committed = BTreeSet::new();
    while let Some(line) = writer.next_line() {
        if let Some(name) = after_marker(&line, COMMITTED) {
            committed.insert(name.to_string());
            if committed.len() == KILL_AFTER {
                writer.sigkill();
            }
        }
    }
    // Lines already in the pipe when the signal landed were committed too.
    assert!(committed.len() >= KILL_AFTER, "the writer died early: {} writes", committed.len());
    assert!(committed.len() < WRITES, "the writer finished before it was killed");

    let data = dir.path().join("data");
    let conn = open_db(&data);
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let violations = scalar(&conn, "SELECT count(*) FROM pragma_foreign_key_check");
    assert_eq!(violations, 0);
    let stored: BTreeSet<String> = conn
        .prepare("SELECT name FROM skills")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let lost: Vec<&String> = committed.difference(&stored).collect();
    assert!(lost.is_empty(), "committed writes were lost: {lost:?}");
    assert!(stored.len() <= committed.len() + 1, "at most the write in flight is extra");
    // Every stored skill is whole: its workflow run, six steps and tag came in one transaction.
    let n = stored.len() as i64;
    assert_eq!(scalar(&conn, "SELECT count(*) FROM workflow_runs"), n);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM workflow_steps"), 6 * n);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM skill_tags"), n);
    drop(conn);

    let backend = Backend::start(Config::for_test(dir.path())).await.unwrap();
    let listed = skills::list_skills(&backend, None).await.unwrap();
    assert_eq!(listed.len(), stored.len());
    skills::create_skill(&backend, CreateSkillRequest { name: "after-crash".into(), ..CreateSkillRequest::default() })
        .await
        .unwrap();
    backend.shutdown().await.unwrap();
}
