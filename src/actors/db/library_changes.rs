//! Which skills our own writes changed since the reader last read the library.
//!
//! Temp triggers on the writer call `library_touched(skill_id)` for every row written in the
//! tables a `SkillSummary` is built from, before the commit, so no write path can forget to
//! report a change and a reader that sees a commit finds its skills recorded. A commit hook
//! counts our commits: a reader whose `PRAGMA data_version` moved while the count did not saw
//! another connection's commit (another instance, the CLI) and reloads everything. Each writer
//! job also begins and ends by reading the writer's own `data_version`, which moves only when
//! another connection commits, so a foreign commit between two of ours forces a reload too.
//! The one window left: a foreign commit after a writer job ended and before the next list,
//! with one of ours in the same interval, is seen at the writer's next job (`full` is then
//! set, and the reader honours it even when nothing else changed).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use crate::protocol::AppError;

/// More changed skills than this cost about as much to re-read one by one as a full reload.
const MAX_CHANGED: usize = 512;

/// The tables a `SkillSummary` is read from, and their column naming the skill.
const TABLES: [(&str, &str); 5] = [
    ("skills", "id"),
    ("skill_tags", "skill_id"),
    ("workflow_runs", "skill_id"),
    ("imported_skills", "skill_id"),
    ("skill_locks", "skill_id"),
];

#[derive(Debug, Default)]
pub struct Changes {
    /// Skills our writer touched since the reader last took them.
    pub ids: HashSet<i64>,
    /// The next list must reload everything (another connection committed, or too many changes).
    pub full: bool,
    /// Our writer's commits so far.
    pub commits: u64,
    /// The writer's `data_version` when it last looked.
    writer_version: i64,
}

impl Changes {
    fn touch(&mut self, id: i64) {
        if self.full {
            return;
        }
        self.ids.insert(id);
        if self.ids.len() > MAX_CHANGED {
            self.ids = HashSet::new();
            self.full = true;
        }
    }
}

/// Shared by the writer's triggers and hooks and the reader.
pub type SharedChanges = Arc<Mutex<Changes>>;

pub fn lock(changes: &SharedChanges) -> MutexGuard<'_, Changes> {
    changes.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Installs the function, the temp triggers and the commit hook on the writer.
pub fn track(conn: &Connection, changes: &SharedChanges) -> Result<(), AppError> {
    let touched = Arc::clone(changes);
    conn.create_scalar_function("library_touched", 1, FunctionFlags::SQLITE_UTF8, move |f| {
        let id: i64 = f.get(0)?;
        lock(&touched).touch(id);
        Ok(None::<i64>)
    })?;
    let mut sql = String::new();
    for (table, key) in TABLES {
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS library_{table}_insert AFTER INSERT ON main.{table}
               BEGIN SELECT library_touched(new.{key}); END;
             CREATE TEMP TRIGGER IF NOT EXISTS library_{table}_update AFTER UPDATE ON main.{table}
               BEGIN SELECT library_touched(old.{key}), library_touched(new.{key}); END;
             CREATE TEMP TRIGGER IF NOT EXISTS library_{table}_delete AFTER DELETE ON main.{table}
               BEGIN SELECT library_touched(old.{key}); END;"
        ));
    }
    conn.execute_batch(&sql)?;
    let committed = Arc::clone(changes);
    conn.commit_hook(Some(move || {
        lock(&committed).commits += 1;
        false
    }))?;
    lock(changes).writer_version = data_version(conn)?;
    Ok(())
}

/// Before and after each writer job: a moved `data_version` means another connection committed.
pub fn check_writer(conn: &Connection, changes: &SharedChanges) {
    let version = data_version(conn).ok();
    let mut changes = lock(changes);
    if version != Some(changes.writer_version) {
        changes.writer_version = version.unwrap_or(changes.writer_version);
        changes.full = true;
        changes.ids.clear();
    }
}

/// The connection's `PRAGMA data_version`: moves when another connection commits.
pub fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))
}
