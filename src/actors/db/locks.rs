//! Skill locks across app instances (backend.md §5.3). Every operation that finds a lock first
//! asks whether its holder is still alive and reclaims it if not, so a crashed instance never
//! blocks a skill for long.
//!
//! A liveness probe reads the process table, so it never runs inside a transaction: a lock
//! *check* reads the row on the reader (no write lock), probes, and only for a dead holder
//! goes to the writer to delete the row if it is still the one that was probed
//! (compare-and-delete). The common cases of acquire and release (no row, or our own) are one
//! statement each on the writer (`try_acquire`, `try_release`), so they cost one hop and one
//! commit; only when another holder's row is there do they read it, probe outside any
//! transaction, and compare-and-delete.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::conn::Then;
use super::skills::id_of;
use super::{DbCtx, DbState};
use crate::actors::ask::Reply;
use crate::protocol::{AppError, LockHolder, LockPurpose, LockState, LockStatus, SkillLockInfo};

/// How often acquire and release start over when the row changed under a probe.
const ATTEMPTS: usize = 3;

#[derive(Debug, Clone)]
struct HeldLock {
    skill_id: i64,
    instance_id: String,
    pid: u32,
    pid_start_time: Option<i64>,
    purpose: String,
    acquired_at: String,
}

impl HeldLock {
    fn holder(self) -> LockHolder {
        LockHolder {
            instance_id: self.instance_id,
            pid: self.pid,
            purpose: self.purpose,
            acquired_at: self.acquired_at,
        }
    }

    fn is_mine(&self, ctx: &DbCtx) -> bool {
        self.instance_id == ctx.instance.instance_id
    }

    /// Reads the process table: call outside any transaction.
    fn is_alive(&self, ctx: &DbCtx) -> bool {
        ctx.instance.is_alive(&self.instance_id, self.pid, self.pid_start_time)
    }

    fn status(self, ctx: &DbCtx) -> LockStatus {
        let state = if self.is_mine(ctx) { LockState::Mine } else { LockState::Other };
        LockStatus { state, holder: Some(self.holder()) }
    }
}

const FREE: LockStatus = LockStatus { state: LockState::Free, holder: None };

const LOCK_COLUMNS: &str = "skill_id, instance_id, pid, pid_start_time, purpose, acquired_at";

fn lock_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HeldLock> {
    Ok(HeldLock {
        skill_id: r.get(0)?,
        instance_id: r.get(1)?,
        pid: r.get(2)?,
        pid_start_time: r.get(3)?,
        purpose: r.get(4)?,
        acquired_at: r.get(5)?,
    })
}

fn held(conn: &Connection, skill_id: i64) -> Result<Option<HeldLock>, AppError> {
    let lock = conn
        .prepare_cached(&format!("SELECT {LOCK_COLUMNS} FROM skill_locks WHERE skill_id = ?1"))?
        .query_row([skill_id], lock_from_row)
        .optional()?;
    Ok(lock)
}

/// Deletes the lock only if it is still the one that was probed; returns whether it did.
fn compare_and_delete(conn: &Connection, lock: &HeldLock) -> Result<bool, AppError> {
    let deleted = conn
        .prepare_cached(
            "DELETE FROM skill_locks WHERE skill_id = ?1 AND instance_id = ?2 AND pid = ?3 AND acquired_at = ?4",
        )?
        .execute(params![lock.skill_id, lock.instance_id, lock.pid, lock.acquired_at])?;
    Ok(deleted == 1)
}

fn reclaim(conn: &Connection, lock: &HeldLock, skill: &str) -> Result<bool, AppError> {
    let reclaimed = compare_and_delete(conn, lock)?;
    if reclaimed {
        tracing::info!(skill, pid = lock.pid, instance = %lock.instance_id, "reclaimed the lock of a dead instance");
    }
    Ok(reclaimed)
}

/// The common acquire in one statement: inserts our row, or refreshes the purpose of our own;
/// `None` when the skill is unknown or another holder's row is there.
fn try_acquire(
    conn: &Connection,
    ctx: &DbCtx,
    skill: &str,
    purpose: LockPurpose,
    now: &str,
) -> Result<Option<String>, AppError> {
    let acquired_at = conn
        .prepare_cached(
            "INSERT INTO skill_locks (skill_id, instance_id, pid, pid_start_time, purpose, acquired_at)
             SELECT id, ?2, ?3, ?4, ?5, ?6 FROM skills WHERE name = ?1
             ON CONFLICT (skill_id) DO UPDATE SET purpose = excluded.purpose
               WHERE skill_locks.instance_id = excluded.instance_id
             RETURNING acquired_at",
        )?
        .query_row(
            params![
                skill,
                ctx.instance.instance_id,
                ctx.instance.pid,
                ctx.instance.pid_start_time,
                purpose.as_str(),
                now
            ],
            |r| r.get(0),
        )
        .optional()?;
    Ok(acquired_at)
}

/// Takes the lock, or refreshes its purpose when we hold it already.
pub fn acquire(
    conn: &mut Connection,
    ctx: &DbCtx,
    skill: &str,
    purpose: LockPurpose,
    now: &str,
) -> Result<SkillLockInfo, AppError> {
    if let Some(acquired_at) = try_acquire(conn, ctx, skill, purpose, now)? {
        return Ok(SkillLockInfo {
            skill_name: skill.to_string(),
            instance_id: ctx.instance.instance_id.clone(),
            pid: ctx.instance.pid,
            purpose: purpose.as_str().to_string(),
            acquired_at,
            mine: true,
        });
    }
    for _ in 0..ATTEMPTS {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let skill_id = id_of(&tx, skill)?;
        let acquired_at = match held(&tx, skill_id)? {
            Some(lock) if !lock.is_mine(ctx) => {
                drop(tx);
                if lock.is_alive(ctx) {
                    return Err(AppError::SkillLocked { skill: skill.to_string(), holder: lock.holder() });
                }
                // Dead: delete it if it is still there, then take the lock in a new transaction.
                reclaim(conn, &lock, skill)?;
                continue;
            }
            Some(lock) => {
                tx.prepare_cached("UPDATE skill_locks SET purpose = ?1 WHERE skill_id = ?2")?
                    .execute(params![purpose.as_str(), skill_id])?;
                tx.commit()?;
                lock.acquired_at
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO skill_locks (skill_id, instance_id, pid, pid_start_time, purpose, acquired_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    skill_id,
                    ctx.instance.instance_id,
                    ctx.instance.pid,
                    ctx.instance.pid_start_time,
                    purpose.as_str(),
                    now
                ])?;
                tx.commit()?;
                now.to_string()
            }
        };
        return Ok(SkillLockInfo {
            skill_name: skill.to_string(),
            instance_id: ctx.instance.instance_id.clone(),
            pid: ctx.instance.pid,
            purpose: purpose.as_str().to_string(),
            acquired_at,
            mine: true,
        });
    }
    Err(contended(skill))
}

fn contended(skill: &str) -> AppError {
    tracing::warn!(skill, "the lock kept changing while it was probed");
    AppError::Busy { reason: "database_busy" }
}

/// Releases our lock. Another live holder's lock is released only with `force`, an explicit user
/// decision that is logged.
pub fn release(conn: &mut Connection, ctx: &DbCtx, skill: &str, force: bool) -> Result<(), AppError> {
    // The common case in one statement: our own row. Ours cannot change under us: only its
    // holder or a force release touches it.
    let released = conn
        .prepare_cached(
            "DELETE FROM skill_locks WHERE instance_id = ?2 AND skill_id = (SELECT id FROM skills WHERE name = ?1)",
        )?
        .execute(params![skill, ctx.instance.instance_id])?;
    if released == 1 {
        return Ok(());
    }
    for _ in 0..ATTEMPTS {
        let skill_id = id_of(conn, skill)?;
        let Some(lock) = held(conn, skill_id)? else { return Ok(()) };
        if lock.is_mine(ctx) {
            // Ours cannot change under us: only its holder or a force release touches it.
            compare_and_delete(conn, &lock)?;
            return Ok(());
        }
        if lock.is_alive(ctx) {
            if !force {
                return Err(AppError::SkillLocked { skill: skill.to_string(), holder: lock.holder() });
            }
            if compare_and_delete(conn, &lock)? {
                tracing::warn!(skill, pid = lock.pid, "force-released the lock of another live instance");
                return Ok(());
            }
        } else if reclaim(conn, &lock, skill)? {
            return Ok(());
        }
    }
    Err(contended(skill))
}

/// `check_lock`: the row read and its holder probed on the reader; a dead holder's row deleted
/// on the writer, if it is still the same row, before the answer.
pub(super) fn check(state: &DbState, skill: String, reply: Reply<LockStatus>) {
    let name = skill.clone();
    let read = move |c: &mut Connection, ctx: &DbCtx| {
        let skill_id = id_of(c, &skill)?;
        Ok(match held(c, skill_id)? {
            None => Then::Done(FREE),
            Some(lock) if lock.is_alive(ctx) => Then::Done(lock.status(ctx)),
            Some(dead) => Then::Write(dead),
        })
    };
    state.read_then_write(reply, read, move |c, ctx, dead: HeldLock| {
        reclaim(c, &dead, &name)?;
        // A holder that took the lock in between is as good as probed: it has just written.
        Ok(held(c, dead.skill_id)?.map_or(FREE, |lock| lock.status(ctx)))
    });
}

/// `get_locked_skills`: every lock with a live holder; dead holders' rows are deleted on the
/// writer (compare-and-delete) before the answer.
pub(super) fn list(state: &DbState, reply: Reply<Vec<SkillLockInfo>>) {
    let read = |c: &mut Connection, ctx: &DbCtx| {
        let mut stmt = c.prepare_cached(
            "SELECT l.skill_id, l.instance_id, l.pid, l.pid_start_time, l.purpose, l.acquired_at, s.name
             FROM skill_locks AS l JOIN skills AS s ON s.id = l.skill_id ORDER BY s.name",
        )?;
        let rows: Vec<(HeldLock, String)> =
            stmt.query_map([], |r| Ok((lock_from_row(r)?, r.get(6)?)))?.collect::<Result<_, _>>()?;
        drop(stmt);
        let (mut live, mut dead) = (Vec::new(), Vec::new());
        for (lock, skill_name) in rows {
            if lock.is_alive(ctx) {
                live.push(SkillLockInfo {
                    skill_name,
                    mine: lock.is_mine(ctx),
                    instance_id: lock.instance_id,
                    pid: lock.pid,
                    purpose: lock.purpose,
                    acquired_at: lock.acquired_at,
                });
            } else {
                dead.push(lock);
            }
        }
        Ok(if dead.is_empty() { Then::Done(live) } else { Then::Write((dead, live)) })
    };
    state.read_then_write(reply, read, |c, _, (dead, live): (Vec<HeldLock>, _)| {
        for lock in &dead {
            reclaim(c, lock, &lock.skill_id.to_string())?;
        }
        Ok(live)
    });
}

/// Deletes every lock whose holder is dead; returns how many. Reads and probes outside any
/// transaction, then compare-and-deletes.
pub fn reclaim_dead(conn: &Connection, ctx: &DbCtx) -> Result<u32, AppError> {
    let holders: Vec<HeldLock> = conn
        .prepare_cached(&format!("SELECT {LOCK_COLUMNS} FROM skill_locks"))?
        .query_map([], lock_from_row)?
        .collect::<Result<_, _>>()?;
    let mut reclaimed = 0;
    for lock in holders.iter().filter(|lock| !lock.is_alive(ctx)) {
        if reclaim(conn, lock, &lock.skill_id.to_string())? {
            reclaimed += 1;
        }
    }
    Ok(reclaimed)
}

/// Drops every lock of this instance (clean exit).
pub fn release_all_mine(conn: &Connection, ctx: &DbCtx) -> Result<u32, AppError> {
    let released = conn.execute("DELETE FROM skill_locks WHERE instance_id = ?1", [&ctx.instance.instance_id])?;
    Ok(u32::try_from(released).unwrap_or(u32::MAX))
}
