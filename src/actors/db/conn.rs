//! The connection the [`DbActor`](super::DbActor) owns, and the two ways a query runs on it.
//!
//! Point queries (a handful of index lookups: locks, settings, one skill, one run) run right on
//! the actor's task. They take microseconds, and a hop to another thread costs far more: on the
//! small VMs this app is measured on, waking a parked thread and being woken back costs
//! 50–100 µs, against under 1 µs for an ask that stays on one tokio worker. Scans (the library,
//! usage reports, reconciliation, integrity checks) take milliseconds, so they move the
//! connection to the blocking pool and back; the actor awaits them, so queries stay serialised
//! either way and every reply sees every earlier write. A point write that meets another
//! instance's write transaction waits for it on the worker (at most `BUSY_TIMEOUT`); other
//! instances hold the write lock for milliseconds, so this is rare and short.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;

use super::library::LibraryCache;
use super::{DbCtx, migrate};
use crate::actors::ask::{Reply, answer};
use crate::protocol::{ActorKind, AppError};

/// How long a write waits for another instance's transaction before reporting `busy`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct DbState {
    /// `None` only while a scan has the connection on the blocking pool, or after a scan
    /// panicked and the file could not be reopened.
    conn: Option<Connection>,
    ctx: Arc<DbCtx>,
    path: PathBuf,
    /// The library list as of the last read (`library.rs`).
    pub library: Option<LibraryCache>,
}

impl DbState {
    /// Opens and migrates the database off the async workers.
    pub async fn open(
        path: PathBuf,
        backup_dir: Option<PathBuf>,
        ctx: DbCtx,
        now: String,
    ) -> Result<DbState, AppError> {
        let file = path.clone();
        let conn = tokio::task::spawn_blocking(move || open(&file, backup_dir.as_deref(), &now))
            .await
            .map_err(|e| AppError::Internal(format!("database open task: {e}")))??;
        Ok(DbState { conn: Some(conn), ctx: Arc::new(ctx), path, library: None })
    }

    /// Closes the connection, so the WAL is checkpointed and its files removed.
    pub fn close(&mut self) {
        if let Some(conn) = self.conn.take()
            && let Err((_, err)) = conn.close()
        {
            tracing::warn!(%err, "closing the database failed");
        }
    }

    /// Runs a point query on the actor's task.
    pub fn query<T>(
        &mut self,
        query: impl FnOnce(&mut Connection, &DbCtx) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        match self.conn.as_mut() {
            Some(conn) => query(conn, &self.ctx),
            None => Err(AppError::Unavailable { actor: ActorKind::Db }),
        }
    }

    /// Runs a scan on the blocking pool with the connection moved there, then takes it back.
    pub async fn scan<T, F>(&mut self, query: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, &DbCtx) -> Result<T, AppError> + Send + 'static,
    {
        let Some(mut conn) = self.conn.take() else {
            return Err(AppError::Unavailable { actor: ActorKind::Db });
        };
        let ctx = Arc::clone(&self.ctx);
        let task = tokio::task::spawn_blocking(move || {
            let result = query(&mut conn, &ctx);
            (conn, result)
        });
        match task.await {
            Ok((conn, result)) => {
                self.conn = Some(conn);
                result
            }
            Err(err) => {
                // The connection went down with the task; SQLite rolled back whatever it had begun.
                tracing::error!(%err, "a database scan panicked; reopening the database");
                self.conn = configure(&self.path).inspect_err(|e| tracing::error!(%e, "reopen failed")).ok();
                // A new connection counts its changes from zero: the cache's version means nothing.
                self.library = None;
                Err(AppError::Internal("a database query failed unexpectedly".into()))
            }
        }
    }
}

/// Answers `reply` with a point query. A caller that already gave up (timeout) is skipped, so a
/// backlog drains quickly.
pub fn run<T>(
    state: &mut DbState,
    reply: Reply<T>,
    query: impl FnOnce(&mut Connection, &DbCtx) -> Result<T, AppError>,
) {
    if !reply.is_closed() {
        answer(reply, state.query(query));
    }
}

/// Answers `reply` with a scan, unless the caller already gave up.
pub async fn scan<T, F>(state: &mut DbState, reply: Reply<T>, query: F)
where
    T: Send + 'static,
    F: FnOnce(&mut Connection, &DbCtx) -> Result<T, AppError> + Send + 'static,
{
    if !reply.is_closed() {
        answer(reply, state.scan(query).await);
    }
}

/// Opens the file (0600, created if missing), checks it read-only, sets the pragmas and
/// migrates.
fn open(path: &Path, backup_dir: Option<&Path>, now: &str) -> Result<Connection, AppError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
    }
    create_private_file(path)?;
    // Read-only checks first: a refused file must stay byte for byte as it was.
    migrate::inspect(path)?;
    let mut conn = configure(path)?;
    migrate::run(&mut conn, now, backup_dir)?;
    Ok(conn)
}

/// Opens an existing file with the app's pragmas; refuses a database from a newer version.
fn configure(path: &Path) -> Result<Connection, AppError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    migrate::refuse_newer(&conn)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(AppError::Database(format!("could not switch the database to WAL (got {mode})")));
    }
    // A 16 MiB page cache (SQLite's default is 2 MiB): a 10,000-skill library or 10,000 runs
    // then stay in memory instead of being re-read from the OS, page by page, on every list.
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384;",
    )?;
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    if fk != 1 {
        return Err(AppError::Database("foreign keys could not be enabled".into()));
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> Result<(), AppError> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(AppError::io(path, e)),
    }
}

#[cfg(not(unix))]
fn create_private_file(_path: &Path) -> Result<(), AppError> {
    Ok(())
}
