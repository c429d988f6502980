//! The migration runner (backend.md §2.5): embedded SQL files applied once each, in order,
//! each in its own `BEGIN IMMEDIATE` transaction, recorded with a checksum in `schema_migrations`.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

use crate::protocol::AppError;

/// One embedded migration file.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($($version:literal => $file:literal),* $(,)?) => {
        &[$(Migration { version: $version, name: $file, sql: include_str!(concat!("../../../migrations/", $file)) }),*]
    };
}

/// Every migration this binary knows, in order. Applied files are never edited (checksums).
pub const MIGRATIONS: &[Migration] = migrations![
    1 => "0001_settings.sql",
    2 => "0002_skills.sql",
    3 => "0003_workflow_runs.sql",
    4 => "0004_workflow_runs_intake.sql",
    5 => "0005_workflow_runs_skill_fields.sql",
    6 => "0006_workflow_steps.sql",
    7 => "0007_workflow_artifacts.sql",
    8 => "0008_imported_skills.sql",
    9 => "0009_workspace_skills.sql",
    10 => "0010_skill_tags.sql",
    11 => "0011_skill_locks.sql",
    12 => "0012_workflow_sessions.sql",
    13 => "0013_agent_runs.sql",
    14 => "0014_agent_runs_usage.sql",
    15 => "0015_agent_runs_stats.sql",
    16 => "0016_run_view.sql",
    17 => "0017_source_guards.sql",
    18 => "0018_step_rows.sql",
    19 => "0019_indexes.sql",
    20 => "0020_usage_views.sql",
    21 => "0021_usage_totals.sql",
    22 => "0022_usage_hourly.sql",
];

/// The schema version this binary expects.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

/// How long a migration waits for another instance that holds the write lock.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// What [`run`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MigrationReport {
    pub applied: Vec<i64>,
    pub backup: Option<std::path::PathBuf>,
}

/// Brings the database to [`latest_version`]. A database written by a newer binary, or one whose
/// applied files differ from ours, is refused and left untouched. Before migrating a database
/// that already holds data, a copy is written into `backup_dir` (3 kept).
pub fn run(conn: &mut Connection, now: &str, backup_dir: Option<&Path>) -> Result<MigrationReport, AppError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
           version INTEGER PRIMARY KEY, name TEXT NOT NULL,
           checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;",
    )?;
    let applied = applied_versions(conn)?;
    if let Some(&(newest, _)) = applied.last()
        && newest > latest_version()
    {
        return Err(too_new(newest));
    }
    refuse_edited(&applied)?;
    let pending: Vec<&Migration> =
        MIGRATIONS.iter().filter(|m| !applied.iter().any(|(v, _)| *v == m.version)).collect();
    let mut report = MigrationReport::default();
    if pending.is_empty() {
        return Ok(report);
    }
    if let (Some(dir), Some(&(from, _))) = (backup_dir, applied.last()) {
        report.backup = Some(super::backup::backup(conn, dir, from, now)?);
    }
    for migration in pending {
        if apply_one(conn, migration, now)? {
            report.applied.push(migration.version);
        }
    }
    let violations: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    let integrity: String = conn.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
    if violations != 0 || integrity != "ok" {
        return Err(AppError::Database(format!(
            "the database failed its checks after migrating ({violations} foreign-key violations, integrity: {integrity})"
        )));
    }
    Ok(report)
}

/// Refuses a database whose applied migrations differ from the files this binary ships.
fn refuse_edited(applied: &[(i64, String)]) -> Result<(), AppError> {
    for (version, stored) in applied {
        let known = MIGRATIONS.iter().find(|m| m.version == *version);
        if known.is_some_and(|m| checksum(m.sql) != *stored) {
            return Err(AppError::Conflict {
                reason: "migration_changed",
                message: format!(
                    "Migration {version} in the database differs from the one this version ships; \
                     the database was left untouched."
                ),
            });
        }
    }
    Ok(())
}

fn not_a_database(path: &Path, why: &str) -> AppError {
    AppError::Conflict {
        reason: "not_a_database",
        message: format!(
            "{} is not a Skill Builder database ({why}); it was left untouched. \
             Move it away or restore a backup from the backups folder.",
            path.display()
        ),
    }
}

/// Checks a database file before any connection may write to it (backend.md §2.5): an empty
/// file is a new database; anything else must be SQLite, opened read-only (no journal-mode
/// switch, which would rewrite the header), with no migration newer than ours and none edited.
/// Refused files are left byte for byte as they were.
pub fn inspect(path: &Path) -> Result<(), AppError> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).map_err(|e| AppError::io(path, e))?;
    let mut header = Vec::with_capacity(100);
    (&mut file).take(100).read_to_end(&mut header).map_err(|e| AppError::io(path, e))?;
    if header.is_empty() {
        return Ok(());
    }
    if header.len() < 100 || !header.starts_with(b"SQLite format 3\0") {
        return Err(not_a_database(path, "it does not start with an SQLite header"));
    }
    let conn = open_read_only(path).map_err(|e| unreadable(path, e))?;
    let tracked = conn
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        .and_then(|mut stmt| stmt.exists([]))
        .map_err(|e| unreadable(path, e))?;
    if !tracked {
        return Ok(());
    }
    let applied = applied_versions(&conn)?;
    if let Some(&(newest, _)) = applied.last()
        && newest > latest_version()
    {
        return Err(too_new(newest));
    }
    refuse_edited(&applied)
}

/// A read-only connection that leaves no trace. With no `-wal` or `-journal` beside the file,
/// the file alone is the database, so it is opened `immutable` (SQLite then creates no `-shm`
/// or `-wal`, which a read-only connection could not remove again). Otherwise another instance
/// is running or one crashed, and a plain read-only connection reads through their files.
fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let sidecar = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        std::path::PathBuf::from(name).exists()
    };
    let immutable = !sidecar("-wal") && !sidecar("-journal");
    let mut uri = String::from("file:");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str(if immutable { "?mode=ro&immutable=1" } else { "?mode=ro" });
    Connection::open_with_flags(uri, flags)
}

fn unreadable(path: &Path, err: rusqlite::Error) -> AppError {
    match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            not_a_database(path, "SQLite cannot read it")
        }
        _ => AppError::from(err),
    }
}

fn too_new(newest: i64) -> AppError {
    AppError::Conflict {
        reason: "database_too_new",
        message: format!(
            "The database was written by a newer Skill Builder (schema {newest}; this version knows {}). \
             Update Skill Builder; the database was left untouched.",
            latest_version()
        ),
    }
}

/// Refuses a database written by a newer binary before the connection changes anything, the
/// journal mode included (switching a rollback-journal file to WAL rewrites its header). A file
/// without `schema_migrations` is new and passes.
pub fn refuse_newer(conn: &Connection) -> Result<(), AppError> {
    let tracked =
        conn.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")?.exists([])?;
    if !tracked {
        return Ok(());
    }
    let newest: Option<i64> = conn.query_row("SELECT MAX(version) FROM schema_migrations", [], |r| r.get(0))?;
    match newest {
        Some(newest) if newest > latest_version() => Err(too_new(newest)),
        _ => Ok(()),
    }
}

fn applied_versions(conn: &Connection) -> Result<Vec<(i64, String)>, AppError> {
    let mut stmt = conn.prepare("SELECT version, checksum FROM schema_migrations ORDER BY version")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Applies one migration unless another instance already did; returns whether it ran here.
fn apply_one(conn: &mut Connection, migration: &Migration, now: &str) -> Result<bool, AppError> {
    let started = Instant::now();
    loop {
        match try_apply(conn, migration, now) {
            Err(AppError::Busy { .. }) if started.elapsed() < LOCK_WAIT => continue,
            Err(AppError::Database(message)) => {
                return Err(AppError::Database(format!("migration {} failed: {message}", migration.name)));
            }
            other => return other,
        }
    }
}

fn try_apply(conn: &mut Connection, migration: &Migration, now: &str) -> Result<bool, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let present = tx
        .query_row("SELECT 1 FROM schema_migrations WHERE version = ?1", [migration.version], |_| Ok(()))
        .optional()?
        .is_some();
    if present {
        return Ok(false);
    }
    tx.execute_batch(migration.sql)?;
    tx.execute(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
        params![migration.version, migration.name, checksum(migration.sql), now],
    )?;
    tx.commit()?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        conn
    }

    #[test]
    fn applies_every_migration_once_and_records_them() {
        let mut conn = fresh();
        let report = run(&mut conn, "2026-01-01T00:00:00.000Z", None).unwrap();
        assert_eq!(report.applied, (1..=22).collect::<Vec<_>>());
        assert!(run(&mut conn, "2026-01-01T00:00:00.000Z", None).unwrap().applied.is_empty());
        let rows: i64 = conn.query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 22);
    }

    /// Applies migrations `1..=last` the way `run` records them, as an older binary would have.
    fn migrated_to(last: i64) -> Connection {
        let conn = fresh();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
               checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;",
        )
        .unwrap();
        for m in MIGRATIONS.iter().take_while(|m| m.version <= last) {
            conn.execute_batch(m.sql).unwrap();
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?1, ?2, ?3, 't')",
                params![m.version, m.name, checksum(m.sql)],
            )
            .unwrap();
        }
        conn
    }

    #[test]
    fn rebuilt_tables_keep_their_rows_and_give_new_columns_their_defaults() {
        let mut conn = migrated_to(13);
        conn.execute_batch(
            "INSERT INTO skills (id, name, skill_source, created_at, updated_at)
               VALUES (1, 'kept', 'skill-builder', 't', 't');
             INSERT INTO workflow_runs (skill_id, current_step, status, created_at, updated_at, intake_json)
               VALUES (1, 3, 'in_progress', 't', 't', '{}');
             INSERT INTO agent_runs (run_id, agent_id, skill_id, skill_name, kind, instance_id, model, status, started_at)
               VALUES ('r1', 'a1', 1, 'kept', 'refine', 'i', 'sonnet', 'success', 't');",
        )
        .unwrap();
        assert_eq!(run(&mut conn, "t", None).unwrap().applied, (14..=22).collect::<Vec<_>>());
        let run_row: (String, i64, f64, i64, Option<String>) = conn
            .query_row(
                "SELECT skill_name, input_tokens, total_cost_usd, num_turns, stop_reason FROM agent_runs WHERE run_id = 'r1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(run_row, ("kept".to_string(), 0, 0.0, 0, None));
        let workflow: (i64, String, Option<String>) = conn
            .query_row("SELECT current_step, intake_json, version FROM workflow_runs", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(workflow, (3, "{}".to_string(), None));

        let mut early = migrated_to(3);
        early
            .execute_batch(
                "INSERT INTO skills (id, name, skill_source, created_at, updated_at)
                   VALUES (1, 'early', 'skill-builder', 't', 't');
                 INSERT INTO workflow_runs (skill_id, status, created_at, updated_at) VALUES (1, 'completed', 't', 't');",
            )
            .unwrap();
        run(&mut early, "t", None).unwrap();
        let status: String = early.query_row("SELECT status FROM workflow_runs", [], |r| r.get(0)).unwrap();
        assert_eq!(status, "completed");
        let violations: i64 =
            early.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(violations, 0);
    }

    #[test]
    fn final_schema_has_every_table_view_trigger_and_index() {
        let mut conn = fresh();
        run(&mut conn, "2026-01-01T00:00:00.000Z", None).unwrap();
        let names: Vec<String> = conn
            .prepare("SELECT type || ':' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let expected = [
            "index:idx_runs_running",
            "index:idx_runs_session",
            "index:idx_runs_skill_step",
            "index:idx_runs_started",
            "index:idx_sessions_open",
            "index:idx_sessions_skill",
            "index:idx_sessions_started",
            "index:idx_skill_locks_instance",
            "index:idx_skill_tags_tag",
            "index:idx_skills_source",
            "index:idx_skills_updated",
            "index:idx_workspace_skills_active",
            "table:agent_runs",
            "table:imported_skills",
            "table:schema_migrations",
            "table:settings",
            "table:skill_locks",
            "table:skill_tags",
            "table:skills",
            "table:usage_hourly",
            "table:usage_totals",
            "table:workflow_artifacts",
            "table:workflow_runs",
            "table:workflow_sessions",
            "table:workflow_steps",
            "table:workspace_skills",
            "trigger:trg_imported_skills_source",
            "trigger:trg_skills_source_change",
            "trigger:trg_workflow_runs_source",
            "trigger:trg_workflow_runs_steps",
            "trigger:usage_hourly_delete",
            "trigger:usage_hourly_insert",
            "trigger:usage_hourly_update",
            "trigger:usage_totals_delete",
            "trigger:usage_totals_insert",
            "trigger:usage_totals_update",
            "view:v_live_runs",
            "view:v_runs",
            "view:v_session_usage",
        ];
        assert_eq!(names, expected);
    }

    #[test]
    fn refuses_a_newer_database_and_leaves_it_untouched() {
        let mut conn = fresh();
        run(&mut conn, "2026-01-01T00:00:00.000Z", None).unwrap();
        conn.execute("INSERT INTO schema_migrations VALUES (23, 'future.sql', 'x', 'later')", []).unwrap();
        let err = run(&mut conn, "2026-01-01T00:00:00.000Z", None).unwrap_err();
        assert_eq!(err.code(), crate::protocol::ErrorCode::Conflict);
        let rows: i64 = conn.query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 23);
    }

    #[test]
    fn refuses_an_edited_migration() {
        let mut conn = fresh();
        run(&mut conn, "2026-01-01T00:00:00.000Z", None).unwrap();
        conn.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 3", []).unwrap();
        assert!(run(&mut conn, "2026-01-01T00:00:00.000Z", None).is_err());
    }

    #[test]
    fn guards_and_step_trigger_hold() {
        let mut conn = fresh();
        run(&mut conn, "t", None).unwrap();
        conn.execute(
            "INSERT INTO skills (id, name, skill_source, created_at, updated_at) VALUES (1, 'a', 'imported', 't', 't')",
            [],
        )
        .unwrap();
        let wrong_child =
            conn.execute("INSERT INTO workflow_runs (skill_id, created_at, updated_at) VALUES (1, 't', 't')", []);
        assert!(wrong_child.is_err());
        conn.execute("INSERT INTO skills (id, name, skill_source, created_at, updated_at) VALUES (2, 'b', 'skill-builder', 't', 't')", [])
            .unwrap();
        conn.execute("INSERT INTO workflow_runs (skill_id, created_at, updated_at) VALUES (2, 't', 't')", []).unwrap();
        let steps: i64 = conn.query_row("SELECT count(*) FROM workflow_steps", [], |r| r.get(0)).unwrap();
        assert_eq!(steps, 6);
        assert!(conn.execute("UPDATE skills SET skill_source = 'imported' WHERE id = 2", []).is_err());
    }
}
