//! Usage analytics over `agent_runs` and `workflow_sessions` (backend.md §9). Nothing is ever
//! deleted: `reset_usage` stamps a `reset_marker` and the queries skip marked rows.

use rusqlite::{Connection, Row, ToSql, TransactionBehavior, params};

use crate::protocol::{
    AgentRunRecord, AppError, ResetUsageReport, RunCompletion, RunStart, UsageByModel, UsageByStep, UsageFilter,
    UsageSummary, WorkflowSessionRecord,
};

/// The run filter shared by every query, over an `agent_runs` alias `r`; binds ?1–?5.
const RUN_FILTER: &str = "r.reset_marker IS NULL
  AND (?1 OR r.model NOT LIKE 'mock-%')
  AND (NOT ?2 OR r.status NOT IN ('cancelled', 'shutdown', 'interrupted'))
  AND (?3 IS NULL OR r.started_at >= ?3)
  AND (?4 IS NULL OR r.started_at <= ?4)
  AND (?5 IS NULL OR r.skill_name = ?5)";

fn filter_params(f: &UsageFilter) -> (bool, bool, Option<&str>, Option<&str>, Option<&str>) {
    (f.include_mock, f.hide_cancelled, f.from.as_deref(), f.to.as_deref(), f.skill_name.as_deref())
}

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Records a run as it starts; the skill link is resolved by name.
pub fn record_start(conn: &Connection, start: &RunStart, instance_id: &str, now: &str) -> Result<(), AppError> {
    conn.prepare_cached(
        "INSERT INTO agent_runs (run_id, agent_id, skill_id, skill_name, kind, step_id, workflow_session_id,
            instance_id, model, status, started_at)
         VALUES (?1, ?2, (SELECT id FROM skills WHERE name = ?3), ?3, ?4, ?5, ?6, ?7, ?8, 'running', ?9)",
    )?
    .execute(params![
        start.run_id,
        start.agent_id,
        start.skill_name,
        start.kind.as_str(),
        start.step_id,
        start.workflow_session_id,
        instance_id,
        start.model,
        now
    ])?;
    Ok(())
}

/// Writes a run's end. A row that already ended keeps its first terminal status; `started_at`
/// and `reset_marker` are never touched. Returns whether the row was updated.
pub fn record_completion(conn: &Connection, done: &RunCompletion, now: &str) -> Result<bool, AppError> {
    let model_usage = if done.model_usage.is_empty() { None } else { Some(serde_json::to_string(&done.model_usage)?) };
    let updated = conn
        .prepare_cached(
            "UPDATE agent_runs SET status = ?2, model = COALESCE(?3, model), sdk_session_id = COALESCE(?4, sdk_session_id),
                model_usage_json = ?5, total_cost_usd = ?6, input_tokens = ?7, output_tokens = ?8,
                cache_read_tokens = ?9, cache_write_tokens = ?10, duration_ms = ?11, duration_api_ms = ?12,
                num_turns = ?13, tool_use_count = ?14, compaction_count = ?15, stop_reason = ?16,
                result_subtype = ?17, error_category = ?18, error_message = ?19, completed_at = ?20
             WHERE run_id = ?1 AND status = 'running'",
        )?
        .execute(params![
            done.run_id,
            done.status.as_str(),
            done.model,
            done.sdk_session_id,
            model_usage,
            done.total_cost_usd,
            done.input_tokens,
            done.output_tokens,
            done.cache_read_tokens,
            done.cache_write_tokens,
            done.duration_ms,
            done.duration_api_ms,
            done.num_turns,
            done.tool_use_count,
            done.compaction_count,
            done.stop_reason,
            done.result_subtype,
            done.error_category,
            done.error_message,
            now
        ])?;
    Ok(updated == 1)
}

/// The summary from the running totals of migration 21: a few rows, every filter but a window.
const TOTALS_SUMMARY: &str = "SELECT COALESCE(SUM(total_cost_usd), 0), COALESCE(SUM(run_count), 0),
    COUNT(DISTINCT NULLIF(session_key, '')), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),
    COALESCE(SUM(cache_read_tokens), 0), COALESCE(SUM(cache_write_tokens), 0)
  FROM usage_totals
  WHERE (?1 OR NOT is_mock) AND (NOT ?2 OR NOT is_cancelled) AND ?3 IS NULL AND ?4 IS NULL
    AND (?5 IS NULL OR skill_key = ?5)";

/// A run's hour in `usage_hourly` (migration 22): the first 13 characters of `started_at`.
const HOUR_CHARS: usize = 13;

/// The summary with a time window, from the hourly totals of migration 22: the hours wholly
/// inside the window come from `usage_hourly`, the runs of the hours at its edges from
/// `agent_runs`. An hour `h` is whole when `h >= from` (every time in it sorts at or after `h`)
/// and `h < to[..13]` (every time in it then sorts before `to`). The scan takes only runs whose
/// hour is not whole, so each run is counted on exactly one side and the sums are the scan's.
/// Such runs lie in `[from, end of from's hour)` (?6, ?7) or `[to[..13], to]` (?8, ?4); those
/// ranges only let the index find them, the `NOT whole` test decides.
const WINDOWED_SUMMARY: &str = "WITH parts(session, cost, runs, input, output, cache_read, cache_write) AS (
    SELECT NULLIF(session_key, ''), total_cost_usd, run_count, input_tokens, output_tokens, cache_read_tokens,
      cache_write_tokens
    FROM usage_hourly
    WHERE (?3 IS NULL OR hour >= ?3) AND (?4 IS NULL OR hour < ?8)
      AND (?1 OR NOT is_mock) AND (NOT ?2 OR NOT is_cancelled) AND (?5 IS NULL OR skill_key = ?5)
    UNION ALL
    SELECT r.workflow_session_id, r.total_cost_usd, 1, r.input_tokens, r.output_tokens, r.cache_read_tokens,
      r.cache_write_tokens
    FROM agent_runs AS r
    WHERE ((r.started_at >= ?6 AND r.started_at < ?7) OR (r.started_at >= ?8 AND r.started_at <= ?4))
      AND NOT ((?3 IS NULL OR substr(r.started_at, 1, 13) >= ?3) AND (?4 IS NULL OR substr(r.started_at, 1, 13) < ?8))
      AND r.reset_marker IS NULL
      AND (?1 OR r.model NOT LIKE 'mock-%')
      AND (NOT ?2 OR r.status NOT IN ('cancelled', 'shutdown', 'interrupted'))
      AND (?3 IS NULL OR +r.started_at >= ?3)
      AND (?4 IS NULL OR +r.started_at <= ?4)
      AND (?5 IS NULL OR r.skill_name = ?5))
  SELECT COALESCE(SUM(cost), 0), COALESCE(SUM(runs), 0), COUNT(DISTINCT session), COALESCE(SUM(input), 0),
    COALESCE(SUM(output), 0), COALESCE(SUM(cache_read), 0), COALESCE(SUM(cache_write), 0)
  FROM parts";

/// The plain scan over every run in the window: what [`WINDOWED_SUMMARY`] must equal.
fn scan_summary_sql() -> String {
    format!(
        "SELECT COALESCE(SUM(r.total_cost_usd), 0), COUNT(*), COUNT(DISTINCT r.workflow_session_id),
                COALESCE(SUM(r.input_tokens), 0), COALESCE(SUM(r.output_tokens), 0),
                COALESCE(SUM(r.cache_read_tokens), 0), COALESCE(SUM(r.cache_write_tokens), 0)
         FROM agent_runs AS r WHERE {RUN_FILTER}"
    )
}

/// The first `HOUR_CHARS` characters of a bound.
fn hour_of(bound: &str) -> &str {
    bound.char_indices().nth(HOUR_CHARS).map_or(bound, |(at, _)| &bound[..at])
}

/// The smallest string above every string that starts with `prefix` (its last character
/// incremented), if there is one.
fn past_prefix(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    let last = chars.pop()?;
    let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32)?;
    chars.push(next);
    Some(chars.into_iter().collect())
}

pub fn summary(conn: &Connection, filter: &UsageFilter) -> Result<UsageSummary, AppError> {
    if filter.from.is_none() && filter.to.is_none() {
        return summary_with(conn, TOTALS_SUMMARY, filter, &[]);
    }
    // Runs of from's hour at or after `from` exist only when `from` is longer than an hour.
    let (from, to) = (filter.from.as_deref(), filter.to.as_deref());
    let lower = match from.filter(|f| f.chars().count() > HOUR_CHARS) {
        None => None,
        Some(f) => match past_prefix(hour_of(f)) {
            Some(end) => Some((f, end)),
            // No string sorts above that hour: count from the runs alone.
            None => return scan_summary(conn, filter),
        },
    };
    let (lower_start, lower_end) = lower.map_or((None, None), |(start, end)| (Some(start), Some(end)));
    summary_with(conn, WINDOWED_SUMMARY, filter, &[&lower_start, &lower_end, &to.map(hour_of)])
}

/// The windowed summary by scanning every run in the window (the reference for the tests).
fn scan_summary(conn: &Connection, filter: &UsageFilter) -> Result<UsageSummary, AppError> {
    summary_with(conn, &scan_summary_sql(), filter, &[])
}

/// Runs a summary query over the filter's ?1–?5 and `extra` parameters from ?6 on.
fn summary_with(
    conn: &Connection,
    sql: &str,
    filter: &UsageFilter,
    extra: &[&dyn ToSql],
) -> Result<UsageSummary, AppError> {
    let (mock, hide, from, to, skill) = filter_params(filter);
    let mut params: Vec<&dyn ToSql> = vec![&mock, &hide, &from, &to, &skill];
    params.extend_from_slice(extra);
    let (total_cost_usd, runs, sessions, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens) =
        conn.prepare_cached(sql)?.query_row(params.as_slice(), |r| {
            Ok((
                r.get::<_, f64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
    let per = |n: i64| if n == 0 { 0.0 } else { total_cost_usd / n as f64 };
    Ok(UsageSummary {
        total_cost_usd,
        run_count: count(runs),
        session_count: count(sessions),
        avg_cost_per_run: per(runs),
        avg_cost_per_session: per(sessions),
        input_tokens,
        output_tokens,
        cache_read_tokens,
        cache_write_tokens,
    })
}

const RUN_COLUMNS: &str = "r.run_id, r.agent_id, r.skill_name, r.kind, r.step_id, r.workflow_session_id, r.model,
  r.models, r.status, r.input_tokens, r.output_tokens, r.cache_read_tokens, r.cache_write_tokens, r.total_cost_usd,
  r.duration_ms, r.num_turns, r.tool_use_count, r.compaction_count, r.stop_reason, r.error_category,
  r.started_at, r.completed_at";

fn run_from_row(r: &Row<'_>) -> rusqlite::Result<AgentRunRecord> {
    Ok(AgentRunRecord {
        run_id: r.get(0)?,
        agent_id: r.get(1)?,
        skill_name: r.get(2)?,
        kind: r.get(3)?,
        step_id: r.get(4)?,
        workflow_session_id: r.get(5)?,
        model: r.get(6)?,
        models: r.get(7)?,
        status: r.get(8)?,
        input_tokens: r.get(9)?,
        output_tokens: r.get(10)?,
        cache_read_tokens: r.get(11)?,
        cache_write_tokens: r.get(12)?,
        total_cost_usd: r.get(13)?,
        duration_ms: r.get(14)?,
        num_turns: r.get(15)?,
        tool_use_count: r.get(16)?,
        compaction_count: r.get(17)?,
        stop_reason: r.get(18)?,
        error_category: r.get(19)?,
        started_at: r.get(20)?,
        completed_at: r.get(21)?,
    })
}

fn query_runs(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<AgentRunRecord>, AppError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let runs = stmt.query_map(params, run_from_row)?.collect::<Result<_, _>>()?;
    Ok(runs)
}

/// One run by id, reset or not; `not_found` when there is none.
pub fn run(conn: &Connection, run_id: &str) -> Result<AgentRunRecord, AppError> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM v_runs AS r WHERE r.run_id = ?1");
    query_runs(conn, &sql, [run_id])?.pop().ok_or_else(|| AppError::NotFound { kind: "run", name: run_id.to_string() })
}

pub fn recent_runs(conn: &Connection, limit: u32) -> Result<Vec<AgentRunRecord>, AppError> {
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM v_runs AS r WHERE r.reset_marker IS NULL ORDER BY r.started_at DESC LIMIT ?1"
    );
    query_runs(conn, &sql, [limit])
}

pub fn session_runs(conn: &Connection, session_id: &str, include_reset: bool) -> Result<Vec<AgentRunRecord>, AppError> {
    let known = conn.prepare_cached("SELECT 1 FROM workflow_sessions WHERE session_id = ?1")?.exists([session_id])?;
    if !known {
        return Err(AppError::NotFound { kind: "session", name: session_id.to_string() });
    }
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM v_runs AS r WHERE r.workflow_session_id = ?1 AND (?2 OR r.reset_marker IS NULL)
         ORDER BY r.started_at"
    );
    query_runs(conn, &sql, params![session_id, include_reset])
}

pub fn step_runs(conn: &Connection, skill_name: &str, step_id: u8) -> Result<Vec<AgentRunRecord>, AppError> {
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM v_runs AS r
         WHERE r.skill_name = ?1 AND r.step_id = ?2 AND r.reset_marker IS NULL AND r.status <> 'running'
         ORDER BY r.completed_at DESC"
    );
    query_runs(conn, &sql, params![skill_name, step_id])
}

pub fn recent_sessions(
    conn: &Connection,
    limit: u32,
    filter: &UsageFilter,
) -> Result<Vec<WorkflowSessionRecord>, AppError> {
    let sql = format!(
        "SELECT s.session_id, s.kind, s.skill_name, s.started_at, s.ended_at,
                COUNT(r.id), COALESCE(SUM(r.total_cost_usd), 0), COALESCE(SUM(r.input_tokens), 0),
                COALESCE(SUM(r.output_tokens), 0), COALESCE(SUM(r.duration_ms), 0),
                (SELECT group_concat(step_id) FROM (SELECT DISTINCT x.step_id FROM agent_runs AS x
                  WHERE x.workflow_session_id = s.session_id AND x.reset_marker IS NULL AND x.step_id IS NOT NULL
                  ORDER BY x.step_id))
         FROM workflow_sessions AS s
         LEFT JOIN agent_runs AS r ON r.workflow_session_id = s.session_id AND {RUN_FILTER}
         WHERE s.reset_marker IS NULL AND (?5 IS NULL OR s.skill_name = ?5)
         GROUP BY s.session_id
         HAVING NOT ?2 OR COUNT(r.id) > 0
         ORDER BY s.started_at DESC LIMIT ?6"
    );
    let (mock, hide, from, to, skill) = filter_params(filter);
    let mut stmt = conn.prepare_cached(&sql)?;
    let sessions = stmt
        .query_map(params![mock, hide, from, to, skill, limit], |r| {
            let steps: Option<String> = r.get(10)?;
            Ok(WorkflowSessionRecord {
                session_id: r.get(0)?,
                kind: r.get(1)?,
                skill_name: r.get(2)?,
                started_at: r.get(3)?,
                ended_at: r.get(4)?,
                run_count: count(r.get(5)?),
                total_cost_usd: r.get(6)?,
                input_tokens: r.get(7)?,
                output_tokens: r.get(8)?,
                duration_ms: r.get(9)?,
                steps: steps.unwrap_or_default().split(',').filter_map(|s| s.parse().ok()).collect(),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(sessions)
}

/// Display names of the usage buckets of workflow steps 0–5.
const STEP_LABELS: [&str; 6] =
    ["Research", "Review", "Detailed Research", "Review Refinements", "Confirm Decisions", "Generate Skill"];

pub fn by_step(conn: &Connection, filter: &UsageFilter) -> Result<Vec<UsageByStep>, AppError> {
    let sql = format!(
        "SELECT CASE WHEN r.kind = 'workflow_step' THEN 'step' WHEN r.kind LIKE 'test_%' THEN 'test' ELSE r.kind END
                  AS bucket,
                CASE WHEN r.kind = 'workflow_step' THEN r.step_id END AS step,
                SUM(r.total_cost_usd) AS cost, COUNT(*)
         FROM agent_runs AS r WHERE {RUN_FILTER}
         GROUP BY bucket, step ORDER BY cost DESC, bucket, step"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(filter_params(filter), |r| {
            let bucket: String = r.get(0)?;
            let step_id: Option<u8> = r.get(1)?;
            let label = match step_id {
                Some(step) => STEP_LABELS.get(usize::from(step)).copied().unwrap_or("Step").to_string(),
                None => bucket_label(&bucket),
            };
            Ok(UsageByStep { bucket, step_id, label, total_cost_usd: r.get(2)?, run_count: count(r.get(3)?) })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn bucket_label(bucket: &str) -> String {
    match bucket {
        "validate" => "Validate",
        "gate" => "Answer check",
        "refine" => "Refine",
        "test" => "Skill test",
        "feedback" => "Feedback",
        other => other,
    }
    .to_string()
}

pub fn by_model(conn: &Connection, filter: &UsageFilter) -> Result<Vec<UsageByModel>, AppError> {
    let sql = format!(
        "SELECT COALESCE(json_extract(m.value, '$.model'), r.model) AS model,
                SUM(COALESCE(json_extract(m.value, '$.costUsd'), r.total_cost_usd)) AS cost,
                COUNT(DISTINCT r.id)
         FROM agent_runs AS r LEFT JOIN json_each(r.model_usage_json) AS m
         WHERE {RUN_FILTER}
         GROUP BY 1 ORDER BY cost DESC, model"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(filter_params(filter), |r| {
            Ok(UsageByModel { model: r.get(0)?, total_cost_usd: r.get(1)?, run_count: count(r.get(2)?) })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Hides every finished run and every session from usage; nothing is deleted.
pub fn reset(conn: &mut Connection, now: &str) -> Result<ResetUsageReport, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let runs = tx
        .execute("UPDATE agent_runs SET reset_marker = ?1 WHERE reset_marker IS NULL AND status <> 'running'", [now])?;
    let sessions = tx.execute("UPDATE workflow_sessions SET reset_marker = ?1 WHERE reset_marker IS NULL", [now])?;
    tx.commit()?;
    Ok(ResetUsageReport {
        runs: count(i64::try_from(runs).unwrap_or(i64::MAX)),
        sessions: count(i64::try_from(sessions).unwrap_or(i64::MAX)),
        marker: now.to_string(),
    })
}

#[cfg(test)]
#[path = "usage_tests.rs"]
mod tests;
