//! Skill locks across app instances (backend.md §5.3). Every operation that finds a lock first
//! asks whether its holder is still alive and reclaims it if not, so a crashed instance never
//! blocks a skill for long.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::DbCtx;
use super::skills::id_of;
use crate::protocol::{AppError, LockHolder, LockPurpose, LockState, LockStatus, SkillLockInfo};

struct HeldLock {
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
}

fn held(conn: &Connection, skill_id: i64) -> Result<Option<HeldLock>, AppError> {
    let lock = conn
        .prepare_cached(
            "SELECT instance_id, pid, pid_start_time, purpose, acquired_at FROM skill_locks WHERE skill_id = ?1",
        )?
        .query_row([skill_id], |r| {
            Ok(HeldLock {
                instance_id: r.get(0)?,
                pid: r.get(1)?,
                pid_start_time: r.get(2)?,
                purpose: r.get(3)?,
                acquired_at: r.get(4)?,
            })
        })
        .optional()?;
    Ok(lock)
}

fn delete_lock(conn: &Connection, skill_id: i64) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM skill_locks WHERE skill_id = ?1")?.execute([skill_id])?;
    Ok(())
}

/// Returns the live holder, deleting the row first when its holder is dead.
fn live_holder(conn: &Connection, ctx: &DbCtx, skill_id: i64, skill: &str) -> Result<Option<HeldLock>, AppError> {
    let Some(lock) = held(conn, skill_id)? else { return Ok(None) };
    if ctx.instance.is_alive(&lock.instance_id, lock.pid, lock.pid_start_time) {
        return Ok(Some(lock));
    }
    delete_lock(conn, skill_id)?;
    tracing::info!(skill, pid = lock.pid, instance = %lock.instance_id, "reclaimed the lock of a dead instance");
    Ok(None)
}

/// Takes the lock, or refreshes its purpose when we hold it already.
pub fn acquire(
    conn: &mut Connection,
    ctx: &DbCtx,
    skill: &str,
    purpose: LockPurpose,
    now: &str,
) -> Result<SkillLockInfo, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let skill_id = id_of(&tx, skill)?;
    let acquired_at = match live_holder(&tx, ctx, skill_id, skill)? {
        Some(lock) if lock.instance_id != ctx.instance.instance_id => {
            return Err(AppError::SkillLocked { skill: skill.to_string(), holder: lock.holder() });
        }
        Some(lock) => {
            tx.prepare_cached("UPDATE skill_locks SET purpose = ?1 WHERE skill_id = ?2")?
                .execute(params![purpose.as_str(), skill_id])?;
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
            now.to_string()
        }
    };
    tx.commit()?;
    Ok(SkillLockInfo {
        skill_name: skill.to_string(),
        instance_id: ctx.instance.instance_id.clone(),
        pid: ctx.instance.pid,
        purpose: purpose.as_str().to_string(),
        acquired_at,
        mine: true,
    })
}

/// Releases our lock. Another live holder's lock is released only with `force`, an explicit user
/// decision that is logged.
pub fn release(conn: &mut Connection, ctx: &DbCtx, skill: &str, force: bool) -> Result<(), AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let skill_id = id_of(&tx, skill)?;
    if let Some(lock) = live_holder(&tx, ctx, skill_id, skill)? {
        if lock.instance_id != ctx.instance.instance_id {
            if !force {
                return Err(AppError::SkillLocked { skill: skill.to_string(), holder: lock.holder() });
            }
            tracing::warn!(skill, pid = lock.pid, "force-released the lock of another live instance");
        }
        delete_lock(&tx, skill_id)?;
    }
    tx.commit()?;
    Ok(())
}

/// The lock state of one skill, after reclaiming a dead holder.
pub fn check(conn: &mut Connection, ctx: &DbCtx, skill: &str) -> Result<LockStatus, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let skill_id = id_of(&tx, skill)?;
    let status = match live_holder(&tx, ctx, skill_id, skill)? {
        None => LockStatus { state: LockState::Free, holder: None },
        Some(lock) => LockStatus {
            state: if lock.instance_id == ctx.instance.instance_id { LockState::Mine } else { LockState::Other },
            holder: Some(lock.holder()),
        },
    };
    tx.commit()?;
    Ok(status)
}

/// Every lock, after reclaiming those of dead holders.
pub fn list(conn: &mut Connection, ctx: &DbCtx) -> Result<Vec<SkillLockInfo>, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    reclaim_dead(&tx, ctx)?;
    let locks = {
        let mut stmt = tx.prepare_cached(
            "SELECT s.name, l.instance_id, l.pid, l.purpose, l.acquired_at
             FROM skill_locks AS l JOIN skills AS s ON s.id = l.skill_id ORDER BY s.name",
        )?;
        let rows = stmt.query_map([], |r| {
            let instance_id: String = r.get(1)?;
            Ok(SkillLockInfo {
                skill_name: r.get(0)?,
                mine: instance_id == ctx.instance.instance_id,
                instance_id,
                pid: r.get(2)?,
                purpose: r.get(3)?,
                acquired_at: r.get(4)?,
            })
        })?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    tx.commit()?;
    Ok(locks)
}

/// Deletes every lock whose holder is dead; returns how many.
pub fn reclaim_dead(conn: &Connection, ctx: &DbCtx) -> Result<u32, AppError> {
    let holders: Vec<(i64, String, u32, Option<i64>)> = conn
        .prepare_cached("SELECT skill_id, instance_id, pid, pid_start_time FROM skill_locks")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut reclaimed = 0;
    for (skill_id, instance_id, pid, start) in holders {
        if !ctx.instance.is_alive(&instance_id, pid, start) {
            delete_lock(conn, skill_id)?;
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
