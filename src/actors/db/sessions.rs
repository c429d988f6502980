//! Workflow sessions and the start-up housekeeping of what dead instances left behind
//! (backend.md §4.2 pass 0, §5.4).

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::DbCtx;
use super::locks::reclaim_dead;
use crate::protocol::{AppError, SessionKind, WorkflowSessionInfo};

/// Opens a session for a skill in this instance.
pub fn create(
    conn: &Connection,
    ctx: &DbCtx,
    skill: &str,
    kind: SessionKind,
    session_id: &str,
    now: &str,
) -> Result<WorkflowSessionInfo, AppError> {
    let skill_id = super::skills::id_of(conn, skill)?;
    conn.execute(
        "INSERT INTO workflow_sessions (session_id, kind, skill_id, skill_name, instance_id, pid, pid_start_time, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            session_id,
            kind.as_str(),
            skill_id,
            skill,
            ctx.instance.instance_id,
            ctx.instance.pid,
            ctx.instance.pid_start_time,
            now
        ],
    )?;
    Ok(WorkflowSessionInfo { session_id: session_id.to_string(), started_at: now.to_string() })
}

/// Ends a session (idempotent). A session still owned by another live instance is refused.
pub fn end(conn: &mut Connection, ctx: &DbCtx, session_id: &str, now: &str) -> Result<(), AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let owner: Option<(String, u32, Option<i64>, Option<String>)> = tx
        .query_row(
            "SELECT instance_id, pid, pid_start_time, ended_at FROM workflow_sessions WHERE session_id = ?1",
            [session_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((instance_id, pid, start, ended_at)) = owner else {
        return Err(AppError::NotFound { kind: "session", name: session_id.to_string() });
    };
    if ended_at.is_some() {
        return Ok(());
    }
    if instance_id != ctx.instance.instance_id && ctx.instance.is_alive(&instance_id, pid, start) {
        return Err(AppError::Conflict {
            reason: "other_instance_running",
            message: format!("Session {session_id} belongs to another running Skill Builder window (pid {pid})"),
        });
    }
    tx.execute(
        "UPDATE workflow_sessions SET ended_at = ?2, end_reason = 'closed' WHERE session_id = ?1",
        params![session_id, now],
    )?;
    tx.commit()?;
    Ok(())
}

/// What start-up housekeeping repaired.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Housekeeping {
    pub reclaimed_locks: u32,
    pub orphaned_sessions: u32,
    pub interrupted_runs: u32,
}

/// Reclaims locks of dead instances, ends their open sessions (at their last run's end, else
/// their start) and marks their running runs `interrupted`. Safe to run at any time.
pub fn housekeeping(conn: &mut Connection, ctx: &DbCtx, now: &str) -> Result<Housekeeping, AppError> {
    // Lock holders are probed outside any transaction (`locks.rs`).
    let reclaimed_locks = reclaim_dead(conn, ctx)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let open: Vec<(String, String, u32, Option<i64>)> = tx
        .prepare("SELECT session_id, instance_id, pid, pid_start_time FROM workflow_sessions WHERE ended_at IS NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut orphaned_sessions = 0;
    for (session_id, instance_id, pid, start) in open {
        if !ctx.instance.is_alive(&instance_id, pid, start) {
            tx.execute(
                "UPDATE workflow_sessions SET end_reason = 'orphaned',
                   ended_at = COALESCE((SELECT MAX(completed_at) FROM agent_runs WHERE workflow_session_id = ?1), started_at)
                 WHERE session_id = ?1",
                [&session_id],
            )?;
            orphaned_sessions += 1;
        }
    }
    let running: Vec<String> = tx
        .prepare("SELECT DISTINCT instance_id FROM agent_runs WHERE status = 'running'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut interrupted_runs = 0;
    for instance_id in running.iter().filter(|id| **id != ctx.instance.instance_id) {
        // Runs carry no pid: an instance is alive only if it still holds a live lock or session.
        let alive = tx
            .prepare_cached(
                "SELECT pid, pid_start_time FROM workflow_sessions WHERE instance_id = ?1 AND ended_at IS NULL
                 UNION ALL SELECT pid, pid_start_time FROM skill_locks WHERE instance_id = ?1 LIMIT 1",
            )?
            .query_row([instance_id], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, Option<i64>>(1)?)))
            .optional()?
            .is_some_and(|(pid, start)| ctx.instance.is_alive(instance_id, pid, start));
        if !alive {
            let n = tx.execute(
                "UPDATE agent_runs SET status = 'interrupted', completed_at = ?2
                 WHERE instance_id = ?1 AND status = 'running'",
                params![instance_id, now],
            )?;
            interrupted_runs += u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    tx.commit()?;
    Ok(Housekeeping { reclaimed_locks, orphaned_sessions, interrupted_runs })
}

/// Ends this instance's open sessions on a clean exit.
pub fn end_all_mine(conn: &Connection, ctx: &DbCtx, now: &str) -> Result<u32, AppError> {
    let n = conn.execute(
        "UPDATE workflow_sessions SET ended_at = ?2, end_reason = 'app_exit' WHERE instance_id = ?1 AND ended_at IS NULL",
        params![ctx.instance.instance_id, now],
    )?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}
