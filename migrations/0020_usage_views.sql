-- Usage views: live runs (not reset) and per-session aggregates over them.
CREATE VIEW v_live_runs AS
SELECT * FROM v_runs WHERE reset_marker IS NULL;

CREATE VIEW v_session_usage AS
SELECT s.session_id, s.kind, s.skill_id, s.skill_name, s.started_at, s.ended_at, s.end_reason,
  s.reset_marker,
  COUNT(r.run_id) AS run_count,
  COALESCE(SUM(r.total_cost_usd), 0) AS total_cost_usd,
  COALESCE(SUM(r.input_tokens), 0) AS input_tokens,
  COALESCE(SUM(r.output_tokens), 0) AS output_tokens,
  COALESCE(SUM(r.cache_read_tokens), 0) AS cache_read_tokens,
  COALESCE(SUM(r.cache_write_tokens), 0) AS cache_write_tokens,
  COALESCE(SUM(r.duration_ms), 0) AS duration_ms,
  MIN(r.step_id) AS min_step,
  MAX(r.step_id) AS max_step
FROM workflow_sessions AS s
LEFT JOIN v_live_runs AS r ON r.workflow_session_id = s.session_id
GROUP BY s.session_id;
