//! Schema versions at startup (backend.md §2.5): a database written by a newer binary is
//! refused with `conflict` and left byte-for-byte intact (whatever its journal mode); a database
//! one migration behind is backed up, then migrated; a current one is reopened without migrating.

use skill_builder::commands::skills;
use skill_builder::protocol::*;
use skill_builder::{Backend, Config};

use crate::support::*;

/// The database files in `dir` (main file, `-wal`, `-shm`) with the sha256 of their bytes.
fn snapshot(dir: &std::path::Path) -> Vec<(String, String)> {
    use sha2::Digest;
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("skill-builder.db"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, hex::encode(sha2::Sha256::digest(std::fs::read(&p).unwrap())))
        })
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let mut env = Env::start().await;
    create(&env.backend, "precious").await;
    env.backend.shutdown().await.unwrap();
    let conn = env.sql();
    conn.execute("INSERT INTO schema_migrations VALUES (99, '0099_future.sql', 'abc', '2027-01-01T00:00:00.000Z')", [])
        .unwrap();
    drop(conn);
    let before = snapshot(&env.data());
    assert_eq!(before.len(), 1, "a closed WAL database is one file");

    let err = Backend::start(Config::for_test(env.root())).await.err().expect("a newer database must be refused");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(wire(err)["details"]["reason"], "database_too_new");
    assert_eq!(snapshot(&env.data()), before, "the database files are unchanged");
    assert!(!env.data().join("backups").exists() || env.data().join("backups").read_dir().unwrap().next().is_none());

    // Removing the future version makes it usable again, data intact.
    env.sql().execute("DELETE FROM schema_migrations WHERE version = 99", []).unwrap();
    env.backend = Backend::start(Config::for_test(env.root())).await.unwrap();
    let names: Vec<String> =
        skills::list_skills(&env.backend, None).await.unwrap().iter().map(|s| s.name.clone()).collect();
    assert_eq!(names, ["precious"]);
}

#[tokio::test]
async fn a_database_one_migration_behind_is_backed_up_then_migrated() {
    let mut env = Env::start().await;
    create(&env.backend, "kept").await;
    env.backend.shutdown().await.unwrap();
    let conn = env.sql();
    conn.execute_batch(
        "DROP TRIGGER usage_hourly_insert; DROP TRIGGER usage_hourly_update; DROP TRIGGER usage_hourly_delete;
         DROP TABLE usage_hourly; DELETE FROM schema_migrations WHERE version = 22;",
    )
    .unwrap();
    drop(conn);

    env.backend = Backend::start(Config::for_test(env.root())).await.unwrap();
    let backups: Vec<String> = std::fs::read_dir(env.data().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(backups.len(), 1);
    assert!(backups[0].starts_with("skill-builder-v21-") && backups[0].ends_with(".db"), "{backups:?}");
    let copy = rusqlite::Connection::open(env.data().join("backups").join(&backups[0])).unwrap();
    assert_eq!(scalar(&copy, "SELECT count(*) FROM skills"), 1);
    assert_eq!(scalar(&copy, "SELECT max(version) FROM schema_migrations"), 21);
    let conn = env.sql();
    assert_eq!(scalar(&conn, "SELECT max(version) FROM schema_migrations"), 22);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM sqlite_master WHERE name = 'usage_hourly'"), 1);
    assert_eq!(skills::list_skills(&env.backend, None).await.unwrap()[0].name, "kept");

    // A current database is reopened as is: no new backup, nothing applied twice.
    env.restart().await;
    assert_eq!(std::fs::read_dir(env.data().join("backups")).unwrap().count(), 1);
    assert_eq!(scalar(&env.sql(), "SELECT count(*) FROM schema_migrations"), 22);
}

#[tokio::test]
async fn a_newer_database_in_rollback_journal_mode_is_also_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let conn = rusqlite::Connection::open(data.join("skill-builder.db")).unwrap();
    conn.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
           checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;
         INSERT INTO schema_migrations VALUES (99, '0099_future.sql', 'abc', '2027-01-01T00:00:00.000Z');",
    )
    .unwrap();
    drop(conn);
    let before = snapshot(&data);
    let err = Backend::start(Config::for_test(dir.path())).await.err().expect("a newer database must be refused");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(snapshot(&data), before, "not even switched to WAL");
}

/// A rollback-journal database with every migration recorded, one of them with `checksum`.
fn rollback_database_with_checksum(data: &std::path::Path, checksum: &str) {
    std::fs::create_dir_all(data).unwrap();
    let conn = rusqlite::Connection::open(data.join("skill-builder.db")).unwrap();
    conn.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
           checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;",
    )
    .unwrap();
    conn.execute("INSERT INTO schema_migrations VALUES (3, '0003_workflow_runs.sql', ?1, 't')", [checksum]).unwrap();
}

#[tokio::test]
async fn a_database_with_an_edited_migration_is_refused_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    rollback_database_with_checksum(&data, "edited");
    let before = snapshot(&data);
    let err = Backend::start(Config::for_test(dir.path())).await.err().expect("an edited migration must be refused");
    assert_eq!(snapshot(&data), before, "the header must not even be switched to WAL");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(wire(err)["details"]["reason"], "migration_changed");
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused_byte_for_byte() {
    for content in [&b"x"[..], b"SQLite format 3\0 but far too short", &[7u8; 4096][..]] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("skill-builder.db"), content).unwrap();
        let err = Backend::start(Config::for_test(dir.path())).await.err().expect("a non-database must be refused");
        assert_eq!(err.code(), ErrorCode::Conflict, "{} bytes: {err}", content.len());
        assert_eq!(wire(err)["details"]["reason"], "not_a_database");
        assert_eq!(std::fs::read(data.join("skill-builder.db")).unwrap(), content, "left as it was");
    }
    // An empty file is a new database.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data").join("skill-builder.db"), b"").unwrap();
    Backend::start(Config::for_test(dir.path())).await.unwrap().shutdown().await.unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn database_backups_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mut env = Env::start().await;
    env.backend.shutdown().await.unwrap();
    env.sql()
        .execute_batch(
            "DROP TRIGGER usage_hourly_insert; DROP TRIGGER usage_hourly_update; DROP TRIGGER usage_hourly_delete;
             DROP TABLE usage_hourly; DELETE FROM schema_migrations WHERE version = 22;",
        )
        .unwrap();
    env.backend = Backend::start(Config::for_test(env.root())).await.unwrap();
    let backups: Vec<_> = std::fs::read_dir(env.data().join("backups")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(backups.len(), 1);
    let mode = std::fs::metadata(&backups[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the backup holds the database fallback's secrets");
}
