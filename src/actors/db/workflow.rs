//! Workflow queries (agents-and-workflow.md §5): a skill's run and step rows, status writes that
//! keep `current_step` and the run status in step, gate decisions, artifact snapshots and the
//! soft delete of a reset. Only the `WorkflowActor` and the workflow commands call these.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{DbHandle, DbMsg, DbState};
use crate::actors::ask::Reply;
use crate::protocol::{AppError, StepStatus};

/// One step row as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRow {
    pub status: StepStatus,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub last_run_id: Option<String>,
    pub error_category: Option<String>,
    pub error_message: Option<String>,
    pub gate_decision: Option<String>,
}

/// A skill's workflow run and its six steps.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowRow {
    pub run_id: i64,
    pub status: String,
    pub current_step: u8,
    pub selected_step: Option<u8>,
    pub intake_json: Option<String>,
    pub version: Option<String>,
    pub model: Option<String>,
    pub argument_hint: Option<String>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
    pub author_login: Option<String>,
    pub steps: Vec<StepRow>,
}

impl WorkflowRow {
    pub fn statuses(&self) -> Vec<StepStatus> {
        self.steps.iter().map(|s| s.status).collect()
    }
}

/// A status change of one step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepUpdate {
    pub step: u8,
    pub status: StepStatus,
    pub run_id: Option<String>,
    pub error: Option<(String, String)>,
}

/// A text file of a completed step, for `workflow_artifacts`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtifactSnapshot {
    pub path: String,
    pub content: String,
    pub sha256: String,
}

pub enum WorkflowDbMsg {
    Load { skill: String, reply: Reply<WorkflowRow> },
    SetSteps { skill: String, updates: Vec<StepUpdate>, now: String, reply: Reply<WorkflowRow> },
    Select { skill: String, step: u8, reply: Reply<()> },
    GateDecision { skill: String, step: u8, json: String, reply: Reply<()> },
    Snapshot { skill: String, step: u8, files: Vec<ArtifactSnapshot>, now: String, reply: Reply<()> },
    Reset { skill: String, from: u8, marker: String, now: String, reply: Reply<WorkflowRow> },
}

pub(super) fn handle(state: &DbState, msg: WorkflowDbMsg) {
    use WorkflowDbMsg as M;
    let (w, r) = (state.writer(), state.reader());
    match msg {
        M::Load { skill, reply } => r.answer(reply, move |c, _| load(c, &skill)),
        M::SetSteps { skill, updates, now, reply } => w.answer(reply, move |c, _| set_steps(c, &skill, &updates, &now)),
        M::Select { skill, step, reply } => w.answer(reply, move |c, _| {
            let id = run_id(c, &skill)?;
            c.execute("UPDATE workflow_runs SET selected_step = ?2 WHERE id = ?1", params![id, step])?;
            Ok(())
        }),
        M::GateDecision { skill, step, json, reply } => w.answer(reply, move |c, _| {
            let id = run_id(c, &skill)?;
            c.execute(
                "UPDATE workflow_steps SET gate_decision = ?3 WHERE run_id = ?1 AND step_id = ?2",
                params![id, step, json],
            )?;
            Ok(())
        }),
        M::Snapshot { skill, step, files, now, reply } => {
            w.answer(reply, move |c, _| snapshot(c, &skill, step, &files, &now))
        }
        M::Reset { skill, from, marker, now, reply } => {
            w.answer(reply, move |c, _| reset(c, &skill, from, &marker, &now))
        }
    }
}

fn run_id(c: &Connection, skill: &str) -> Result<i64, AppError> {
    c.query_row(
        "SELECT w.id FROM workflow_runs AS w JOIN skills AS s ON s.id = w.skill_id WHERE s.name = ?1",
        [skill],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| AppError::NotSupported(format!("'{skill}' is not a Skill Builder skill with a workflow")))
}

fn load(c: &mut Connection, skill: &str) -> Result<WorkflowRow, AppError> {
    let id = run_id(c, skill)?;
    let mut row = c.query_row(
        "SELECT status, current_step, selected_step, intake_json, version, model, argument_hint, user_invocable,
                disable_model_invocation, author_login FROM workflow_runs WHERE id = ?1",
        [id],
        |r| {
            Ok(WorkflowRow {
                run_id: id,
                status: r.get(0)?,
                current_step: r.get(1)?,
                selected_step: r.get(2)?,
                intake_json: r.get(3)?,
                version: r.get(4)?,
                model: r.get(5)?,
                argument_hint: r.get(6)?,
                user_invocable: r.get::<_, Option<i64>>(7)?.map(|v| v == 1),
                disable_model_invocation: r.get::<_, Option<i64>>(8)?.map(|v| v == 1),
                author_login: r.get(9)?,
                steps: Vec::new(),
            })
        },
    )?;
    let mut stmt = c.prepare_cached(
        "SELECT status, started_at, completed_at, last_run_id, error_category, error_message, gate_decision
         FROM workflow_steps WHERE run_id = ?1 ORDER BY step_id",
    )?;
    row.steps = stmt
        .query_map([id], |r| {
            Ok(StepRow {
                status: StepStatus::parse(&r.get::<_, String>(0)?),
                started_at: r.get(1)?,
                completed_at: r.get(2)?,
                last_run_id: r.get(3)?,
                error_category: r.get(4)?,
                error_message: r.get(5)?,
                gate_decision: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(row)
}

/// Writes the updates and recomputes `current_step` and the run status in one transaction.
fn set_steps(c: &mut Connection, skill: &str, updates: &[StepUpdate], now: &str) -> Result<WorkflowRow, AppError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = run_id(&tx, skill)?;
    for u in updates {
        let (category, message) = u.error.clone().unzip();
        tx.execute(
            "UPDATE workflow_steps SET status = ?3,
                started_at = CASE WHEN ?3 = 'in_progress' THEN ?4 WHEN ?3 = 'pending' THEN NULL ELSE started_at END,
                completed_at = CASE WHEN ?3 IN ('completed', 'skipped') THEN ?4 ELSE NULL END,
                last_run_id = COALESCE(?5, last_run_id),
                error_category = ?6, error_message = ?7
             WHERE run_id = ?1 AND step_id = ?2",
            params![id, u.step, u.status.as_str(), now, u.run_id, category, message],
        )?;
    }
    let statuses: Vec<String> = tx
        .prepare_cached("SELECT status FROM workflow_steps WHERE run_id = ?1 ORDER BY step_id")?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let current = statuses.iter().position(|s| s != "completed" && s != "skipped").unwrap_or(6);
    let status = if current == 6 {
        "completed"
    } else if statuses.iter().any(|s| s != "pending") {
        "in_progress"
    } else {
        "pending"
    };
    tx.execute(
        "UPDATE workflow_runs SET current_step = ?2, status = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, current as i64, status, now],
    )?;
    tx.commit()?;
    load(c, skill)
}

fn snapshot(c: &mut Connection, skill: &str, step: u8, files: &[ArtifactSnapshot], now: &str) -> Result<(), AppError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = run_id(&tx, skill)?;
    tx.execute("DELETE FROM workflow_artifacts WHERE run_id = ?1 AND step_id = ?2", params![id, step])?;
    for f in files {
        tx.execute(
            "INSERT INTO workflow_artifacts (run_id, step_id, relative_path, content, size_bytes, sha256, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![id, step, f.path, f.content, f.content.len() as i64, f.sha256, now],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Steps ≥ `from` back to `pending`, their artifacts dropped and their runs soft-deleted.
fn reset(c: &mut Connection, skill: &str, from: u8, marker: &str, now: &str) -> Result<WorkflowRow, AppError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = run_id(&tx, skill)?;
    tx.execute("DELETE FROM workflow_artifacts WHERE run_id = ?1 AND step_id >= ?2", params![id, from])?;
    tx.execute(
        "UPDATE agent_runs SET reset_marker = ?3 WHERE skill_name = ?1 AND reset_marker IS NULL
           AND kind IN ('workflow_step', 'gate', 'validate') AND (step_id IS NULL OR step_id >= ?2)",
        params![skill, from, marker],
    )?;
    tx.execute(
        "UPDATE workflow_steps SET gate_decision = NULL WHERE run_id = ?1 AND step_id >= ?2",
        params![id, from],
    )?;
    tx.commit()?;
    let updates: Vec<StepUpdate> =
        (from..6).map(|step| StepUpdate { step, status: StepStatus::Pending, run_id: None, error: None }).collect();
    set_steps(c, skill, &updates, now)
}

impl DbHandle {
    async fn workflow_ask<T: Send + 'static>(
        &self,
        op: &str,
        msg: impl FnOnce(Reply<T>) -> WorkflowDbMsg,
    ) -> Result<T, AppError> {
        self.ask(op, |reply| DbMsg::Workflow(msg(reply))).await
    }

    pub async fn workflow(&self, skill: &str) -> Result<WorkflowRow, AppError> {
        self.workflow_ask("load workflow", |reply| WorkflowDbMsg::Load { skill: skill.into(), reply }).await
    }

    pub async fn set_step_statuses(&self, skill: &str, updates: Vec<StepUpdate>) -> Result<WorkflowRow, AppError> {
        let now = self.now();
        self.workflow_ask("update steps", |reply| WorkflowDbMsg::SetSteps { skill: skill.into(), updates, now, reply })
            .await
    }

    pub async fn select_step(&self, skill: &str, step: u8) -> Result<(), AppError> {
        self.workflow_ask("select step", |reply| WorkflowDbMsg::Select { skill: skill.into(), step, reply }).await
    }

    pub async fn record_gate_decision(&self, skill: &str, step: u8, json: String) -> Result<(), AppError> {
        self.workflow_ask("gate decision", |reply| WorkflowDbMsg::GateDecision {
            skill: skill.into(),
            step,
            json,
            reply,
        })
        .await
    }

    pub async fn snapshot_artifacts(
        &self,
        skill: &str,
        step: u8,
        files: Vec<ArtifactSnapshot>,
    ) -> Result<(), AppError> {
        let now = self.now();
        self.workflow_ask("artifact snapshot", |reply| WorkflowDbMsg::Snapshot {
            skill: skill.into(),
            step,
            files,
            now,
            reply,
        })
        .await
    }

    pub async fn reset_workflow(&self, skill: &str, from: u8, marker: String) -> Result<WorkflowRow, AppError> {
        let now = self.now();
        self.workflow_ask("reset workflow", |reply| WorkflowDbMsg::Reset {
            skill: skill.into(),
            from,
            marker,
            now,
            reply,
        })
        .await
    }
}
