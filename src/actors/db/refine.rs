//! Refine session rows (agents-and-workflow.md §7.1): a `workflow_sessions` row of kind
//! `refine` with its baseline commit and, once known, the SDK session id that resumes it.
//!
//! A session ends `closed` only through `close_refine_session`. One that ended otherwise
//! (`app_exit`, `orphaned`) still has unsaved work: it blocks a new session of the skill,
//! reconciliation lists it, and the next message adopts it (a CLI command is one process).

use rusqlite::{Connection, OptionalExtension, params};

use super::{DbCtx, DbHandle, DbMsg, DbState};
use crate::actors::ask::Reply;
use crate::protocol::AppError;

/// One refine session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefineSessionRow {
    pub session_id: String,
    pub skill_name: String,
    pub baseline_sha: Option<String>,
    /// The latest SDK session id: the row's, else the newest of its runs.
    pub sdk_session_id: Option<String>,
    pub ended: bool,
    pub closed: bool,
    /// Owned by this instance and open.
    pub mine: bool,
    /// Open and owned by another live instance.
    pub elsewhere: bool,
}

pub enum RefineMsg {
    Create {
        skill: String,
        session_id: String,
        baseline: Option<String>,
        now: String,
        reply: Reply<()>,
    },
    Get {
        session_id: String,
        reply: Reply<RefineSessionRow>,
    },
    /// Sessions of `skill` (every skill when `None`) not closed yet.
    Unclosed {
        skill: Option<String>,
        reply: Reply<Vec<RefineSessionRow>>,
    },
    Adopt {
        session_id: String,
        reply: Reply<()>,
    },
    SetSdkSession {
        session_id: String,
        sdk_session_id: String,
        reply: Reply<()>,
    },
    Close {
        session_id: String,
        now: String,
        reply: Reply<()>,
    },
}

pub(super) fn handle(state: &DbState, msg: RefineMsg) {
    use RefineMsg as M;
    let (w, r) = (state.writer(), state.reader());
    match msg {
        M::Create { skill, session_id, baseline, now, reply } => {
            w.answer(reply, move |c, x| create(c, x, &skill, &session_id, baseline.as_deref(), &now))
        }
        M::Get { session_id, reply } => r.answer(reply, move |c, x| get(c, x, &session_id)),
        M::Unclosed { skill, reply } => r.answer(reply, move |c, x| unclosed(c, x, skill.as_deref())),
        M::Adopt { session_id, reply } => w.answer(reply, move |c, x| adopt(c, x, &session_id)),
        M::SetSdkSession { session_id, sdk_session_id, reply } => w.answer(reply, move |c, _| {
            c.execute(
                "UPDATE workflow_sessions SET sdk_session_id = ?2 WHERE session_id = ?1",
                params![session_id, sdk_session_id],
            )?;
            Ok(())
        }),
        M::Close { session_id, now, reply } => w.answer(reply, move |c, _| {
            c.execute(
                "UPDATE workflow_sessions SET ended_at = COALESCE(ended_at, ?2), end_reason = 'closed'
                 WHERE session_id = ?1 AND kind = 'refine'",
                params![session_id, now],
            )?;
            Ok(())
        }),
    }
}

fn create(
    conn: &Connection,
    ctx: &DbCtx,
    skill: &str,
    session_id: &str,
    baseline: Option<&str>,
    now: &str,
) -> Result<(), AppError> {
    let skill_id = super::skills::id_of(conn, skill)?;
    conn.execute(
        "INSERT INTO workflow_sessions (session_id, kind, skill_id, skill_name, instance_id, pid, pid_start_time,
           baseline_sha, started_at)
         VALUES (?1, 'refine', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            session_id,
            skill_id,
            skill,
            ctx.instance.instance_id,
            ctx.instance.pid,
            ctx.instance.pid_start_time,
            baseline,
            now
        ],
    )?;
    Ok(())
}

const SELECT: &str = "SELECT s.session_id, s.skill_name, s.baseline_sha,
       COALESCE(s.sdk_session_id, (SELECT r.sdk_session_id FROM agent_runs r
          WHERE r.workflow_session_id = s.session_id AND r.sdk_session_id IS NOT NULL ORDER BY r.id DESC LIMIT 1)),
       s.ended_at IS NOT NULL, s.end_reason, s.instance_id, s.pid, s.pid_start_time
     FROM workflow_sessions s WHERE s.kind = 'refine'";

fn row(r: &rusqlite::Row<'_>, ctx: &DbCtx) -> rusqlite::Result<RefineSessionRow> {
    let ended: bool = r.get(4)?;
    let reason: Option<String> = r.get(5)?;
    let (instance, pid, start): (String, u32, Option<i64>) = (r.get(6)?, r.get(7)?, r.get(8)?);
    let mine = !ended && instance == ctx.instance.instance_id;
    Ok(RefineSessionRow {
        session_id: r.get(0)?,
        skill_name: r.get(1)?,
        baseline_sha: r.get(2)?,
        sdk_session_id: r.get(3)?,
        ended,
        closed: reason.as_deref() == Some("closed"),
        mine,
        elsewhere: !ended && !mine && ctx.instance.is_alive(&instance, pid, start),
    })
}

fn get(conn: &mut Connection, ctx: &DbCtx, session_id: &str) -> Result<RefineSessionRow, AppError> {
    conn.prepare_cached(&format!("{SELECT} AND s.session_id = ?1"))?
        .query_row([session_id], |r| row(r, ctx))
        .optional()?
        .ok_or_else(|| AppError::NotFound { kind: "refine session", name: session_id.to_string() })
}

fn unclosed(conn: &mut Connection, ctx: &DbCtx, skill: Option<&str>) -> Result<Vec<RefineSessionRow>, AppError> {
    let sql = format!(
        "{SELECT} AND (s.end_reason IS NULL OR s.end_reason <> 'closed') AND (?1 IS NULL OR s.skill_name = ?1)
         ORDER BY s.started_at"
    );
    let rows = conn.prepare_cached(&sql)?.query_map([skill], |r| row(r, ctx))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Makes a session this instance's (again): refused while another live instance has it open.
fn adopt(conn: &mut Connection, ctx: &DbCtx, session_id: &str) -> Result<(), AppError> {
    let current = get(conn, ctx, session_id)?;
    if current.closed {
        return Err(AppError::Conflict {
            reason: "session_closed",
            message: format!("Refine session {session_id} was closed; start a new one"),
        });
    }
    if current.elsewhere {
        return Err(AppError::Conflict {
            reason: "other_instance_running",
            message: format!("Refine session {session_id} is open in another Skill Builder window"),
        });
    }
    conn.execute(
        "UPDATE workflow_sessions SET instance_id = ?2, pid = ?3, pid_start_time = ?4, ended_at = NULL, end_reason = NULL
         WHERE session_id = ?1",
        params![session_id, ctx.instance.instance_id, ctx.instance.pid, ctx.instance.pid_start_time],
    )?;
    Ok(())
}

impl DbHandle {
    async fn refine_ask<T: Send + 'static>(
        &self,
        op: &str,
        msg: impl FnOnce(Reply<T>) -> RefineMsg,
    ) -> Result<T, AppError> {
        self.ask(op, |reply| DbMsg::Refine(msg(reply))).await
    }

    pub async fn create_refine_session(
        &self,
        skill: &str,
        session_id: &str,
        baseline: Option<String>,
    ) -> Result<(), AppError> {
        let now = self.now();
        let (skill, session_id) = (skill.to_string(), session_id.to_string());
        self.refine_ask("create refine session", |reply| RefineMsg::Create { skill, session_id, baseline, now, reply })
            .await
    }

    pub async fn refine_session(&self, session_id: &str) -> Result<RefineSessionRow, AppError> {
        self.refine_ask("read refine session", |reply| RefineMsg::Get { session_id: session_id.into(), reply }).await
    }

    pub async fn unclosed_refine_sessions(&self, skill: Option<&str>) -> Result<Vec<RefineSessionRow>, AppError> {
        let skill = skill.map(str::to_string);
        self.refine_ask("refine sessions", |reply| RefineMsg::Unclosed { skill, reply }).await
    }

    pub async fn adopt_refine_session(&self, session_id: &str) -> Result<(), AppError> {
        self.refine_ask("adopt refine session", |reply| RefineMsg::Adopt { session_id: session_id.into(), reply }).await
    }

    pub async fn set_refine_sdk_session(&self, session_id: &str, sdk_session_id: &str) -> Result<(), AppError> {
        let (session_id, sdk_session_id) = (session_id.to_string(), sdk_session_id.to_string());
        self.refine_ask("record SDK session", |reply| RefineMsg::SetSdkSession { session_id, sdk_session_id, reply })
            .await
    }

    pub async fn close_refine_session(&self, session_id: &str) -> Result<(), AppError> {
        let now = self.now();
        self.refine_ask("close refine session", |reply| RefineMsg::Close { session_id: session_id.into(), now, reply })
            .await
    }
}
