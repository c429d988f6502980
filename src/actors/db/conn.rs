//! The two connections the [`DbActor`](super::DbActor) owns, and how a query reaches one.
//!
//! Every SQLite call runs on a connection's own thread (`tokio_rusqlite`), never on a tokio
//! worker: a write that meets another instance's transaction waits there for up to
//! `BUSY_TIMEOUT`, and the WAL checkpoints a commit triggers fsync there.
//! - The **writer** (read-write) takes every write, in the order queued, so writes stay serialised
//!   and each reply is sent after its commit.
//! - The **reader** (read-only) takes lists, scans and point reads. In WAL mode it never waits
//!   for a writer, ours or another instance's, so a held write lock or a slow write delays no
//!   read, and a usage report delays no lock acquire.
//!
//! The actor never awaits a query: it hands the closure to the connection's thread, and that
//! thread answers the caller's reply port directly. So a handler returns in microseconds, a read
//! is never queued behind a write waiting for the lock, and a round trip costs one hop to the
//! thread and one back to the caller (no third hop through the actor).
//! A caller that awaited a write's reply sees it in every later read: the reply is sent after
//! the commit, and a read transaction sees every commit made before it began. A read does not
//! wait for writes other tasks have queued and not seen answered (that would queue it behind a
//! write waiting for another instance's lock); such a task (the run recorder) is asynchronous
//! to the reader anyway.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use super::{DbCtx, library_changes, migrate};
use crate::actors::ask::{Reply, answer};
use crate::protocol::AppError;

/// How long a write waits for another instance's transaction before reporting `busy`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How often a waiting write tries again. SQLite's own busy timeout backs off to 100 ms between
/// tries, so a write could start up to 100 ms after the other instance committed; this waits
/// on the writer's own thread, so polling costs no worker anything.
const BUSY_POLL: Duration = Duration::from_millis(5);

thread_local! {
    /// When the current busy wait on this thread began.
    static BUSY_SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// The writer's busy handler: try again every `BUSY_POLL` until `BUSY_TIMEOUT` has passed.
fn busy_wait(attempt: i32) -> bool {
    let now = Instant::now();
    let since = BUSY_SINCE.with(|since| {
        if attempt == 0 || since.get().is_none() {
            since.set(Some(now));
        }
        since.get().unwrap_or(now)
    });
    if now.duration_since(since) >= BUSY_TIMEOUT {
        return false;
    }
    std::thread::sleep(BUSY_POLL);
    true
}

#[derive(Clone)]
pub struct DbState {
    writer: tokio_rusqlite::Connection,
    reader: tokio_rusqlite::Connection,
    ctx: Arc<DbCtx>,
}

/// A query over one connection, run on that connection's thread.
pub trait Query<T>: FnOnce(&mut Connection, &DbCtx) -> Result<T, AppError> + Send + 'static {}
impl<T, F: FnOnce(&mut Connection, &DbCtx) -> Result<T, AppError> + Send + 'static> Query<T> for F {}

impl DbState {
    /// Opens and migrates the database, then opens the reader, all off the async workers.
    pub async fn open(
        path: PathBuf,
        backup_dir: Option<PathBuf>,
        ctx: DbCtx,
        now: String,
    ) -> Result<DbState, AppError> {
        let changes = Arc::clone(ctx.library.changes());
        let (writer, reader) = tokio::task::spawn_blocking(move || {
            let writer = open(&path, backup_dir.as_deref(), &now)?;
            library_changes::track(&writer, &changes)?;
            let reader = open_reader(&path)?;
            Ok::<_, AppError>((writer, reader))
        })
        .await
        .map_err(|e| AppError::Internal(format!("database open task: {e}")))??;
        Ok(DbState { writer: writer.into(), reader: reader.into(), ctx: Arc::new(ctx) })
    }

    /// Closes both connections, so the WAL is checkpointed and its files removed.
    pub async fn close(&self) {
        for conn in [&self.reader, &self.writer] {
            if let Err(err) = conn.clone().close().await {
                tracing::warn!(%err, "closing the database failed");
            }
        }
    }

    /// The writer, for queries that may write.
    pub fn writer(&self) -> Conn {
        Conn { conn: self.writer.clone(), ctx: Arc::clone(&self.ctx), writes: true }
    }

    /// The read-only connection.
    pub fn reader(&self) -> Conn {
        Conn { conn: self.reader.clone(), ctx: Arc::clone(&self.ctx), writes: false }
    }

    /// Runs `read` on the reader and answers from there, unless it asks for a write: then
    /// `write` runs on the writer with what `read` passed on, and answers. For checks that
    /// usually only read (a lock whose holder turns out dead must be deleted).
    pub fn read_then_write<T, P>(
        &self,
        reply: Reply<T>,
        read: impl Query<Then<T, P>>,
        write: impl FnOnce(&mut Connection, &DbCtx, P) -> Result<T, AppError> + Send + 'static,
    ) where
        T: Send + 'static,
        P: Send + 'static,
    {
        if reply.is_closed() {
            return;
        }
        let writer = self.writer();
        self.reader().submit(move |c, ctx| {
            if reply.is_closed() {
                return;
            }
            match guarded(c, ctx, read) {
                Ok(Then::Done(value)) => answer(reply, Ok(value)),
                Ok(Then::Write(passed)) => writer.answer(reply, move |c, ctx| write(c, ctx, passed)),
                Err(err) => answer(reply, Err(err)),
            }
        });
    }
}

/// What a read in [`DbState::read_then_write`] decided.
pub enum Then<T, P> {
    Done(T),
    Write(P),
}

/// One of the two connections, with the context its queries need.
#[derive(Clone)]
pub struct Conn {
    conn: tokio_rusqlite::Connection,
    ctx: Arc<DbCtx>,
    /// The writer: each job is bracketed by a check for other connections' commits.
    writes: bool,
}

impl Conn {
    /// Runs `query` on the connection's thread and answers `reply` from there. A caller that
    /// already gave up (timeout) is skipped, so a backlog drains quickly.
    pub fn answer<T: Send + 'static>(self, reply: Reply<T>, query: impl Query<T>) {
        if reply.is_closed() {
            return;
        }
        self.submit(move |c, ctx| {
            if !reply.is_closed() {
                answer(reply, guarded(c, ctx, query));
            }
        });
    }

    /// Queues `job` on the connection's thread, now: jobs run in the order they were submitted,
    /// which is the order of the actor's mailbox. `tokio_rusqlite` sends a job when its future
    /// is first polled and then only waits for the job's own result, which we do not need (the
    /// reply travels inside `job`), so the future is polled once here and dropped. If the
    /// thread is gone, the job and its reply are dropped and the caller gets `unavailable`.
    fn submit(self, job: impl FnOnce(&mut Connection, &DbCtx) + Send + 'static) {
        let (ctx, writes) = (self.ctx, self.writes);
        let mut call = Box::pin(self.conn.call_raw(move |c| {
            if writes {
                library_changes::check_writer(c, ctx.library.changes());
            }
            job(c, &ctx);
            if writes {
                library_changes::check_writer(c, ctx.library.changes());
            }
        }));
        let mut cx = Context::from_waker(Waker::noop());
        if let Poll::Ready(Err(_)) = call.as_mut().poll(&mut cx) {
            tracing::error!("{}", gone());
        }
    }
}

fn gone() -> AppError {
    AppError::Internal("the database connection is closed".into())
}

/// Runs a query, turning a panic into an error. The connection outlives the panic: a
/// transaction the query had begun is rolled back as it unwinds.
fn guarded<T>(conn: &mut Connection, ctx: &DbCtx, query: impl Query<T>) -> Result<T, AppError> {
    catch_unwind(AssertUnwindSafe(|| query(conn, ctx))).unwrap_or_else(|_| {
        tracing::error!("a database query panicked");
        Err(AppError::Internal("a database query failed unexpectedly".into()))
    })
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
    conn.busy_handler(Some(busy_wait))?;
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

/// Opens the read-only connection on a database the writer has opened and migrated.
/// Every write by another connection (our writer too) empties its page cache, so the pages
/// are mapped rather than copied in: a list right after a write reads them in place.
fn open_reader(path: &Path) -> Result<Connection, AppError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    // Readers wait only while another connection recovers the WAL index, which is rare and short.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384; PRAGMA mmap_size = 268435456;")?;
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
