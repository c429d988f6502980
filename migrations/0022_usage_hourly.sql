-- Usage totals per hour of started_at and (session, skill, mock, cancelled), kept by triggers on
-- agent_runs like usage_totals (migration 21). A summary with a time window sums the hours that
-- lie wholly inside it and reads only the runs of the hours at its edges.
-- hour is substr(started_at, 1, 13), e.g. '2026-11-25T18'; reset runs are not counted.
CREATE TABLE usage_hourly (
  hour TEXT NOT NULL,
  session_key TEXT NOT NULL,
  skill_key TEXT NOT NULL,
  is_mock INTEGER NOT NULL CHECK (is_mock IN (0, 1)),
  is_cancelled INTEGER NOT NULL CHECK (is_cancelled IN (0, 1)),
  run_count INTEGER NOT NULL,
  total_cost_usd REAL NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  PRIMARY KEY (hour, session_key, skill_key, is_mock, is_cancelled)
) STRICT, WITHOUT ROWID;

INSERT INTO usage_hourly
SELECT substr(started_at, 1, 13), COALESCE(workflow_session_id, ''), COALESCE(skill_name, ''), model LIKE 'mock-%',
  status IN ('cancelled', 'shutdown', 'interrupted'), COUNT(*), SUM(total_cost_usd), SUM(input_tokens),
  SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens)
FROM agent_runs WHERE reset_marker IS NULL
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER usage_hourly_insert AFTER INSERT ON agent_runs WHEN NEW.reset_marker IS NULL
BEGIN
  INSERT INTO usage_hourly VALUES (substr(NEW.started_at, 1, 13), COALESCE(NEW.workflow_session_id, ''),
    COALESCE(NEW.skill_name, ''), NEW.model LIKE 'mock-%', NEW.status IN ('cancelled', 'shutdown', 'interrupted'), 1,
    NEW.total_cost_usd, NEW.input_tokens, NEW.output_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens)
  ON CONFLICT DO UPDATE SET run_count = run_count + 1, total_cost_usd = total_cost_usd + excluded.total_cost_usd,
    input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens;
END;

CREATE TRIGGER usage_hourly_update AFTER UPDATE OF started_at, workflow_session_id, skill_name, model, status,
  total_cost_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reset_marker ON agent_runs
BEGIN
  UPDATE usage_hourly SET run_count = run_count - 1, total_cost_usd = total_cost_usd - OLD.total_cost_usd,
    input_tokens = input_tokens - OLD.input_tokens, output_tokens = output_tokens - OLD.output_tokens,
    cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens,
    cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens
  WHERE OLD.reset_marker IS NULL AND hour = substr(OLD.started_at, 1, 13)
    AND session_key = COALESCE(OLD.workflow_session_id, '') AND skill_key = COALESCE(OLD.skill_name, '')
    AND is_mock = (OLD.model LIKE 'mock-%') AND is_cancelled = (OLD.status IN ('cancelled', 'shutdown', 'interrupted'));
  DELETE FROM usage_hourly WHERE run_count = 0 AND hour = substr(OLD.started_at, 1, 13)
    AND session_key = COALESCE(OLD.workflow_session_id, '') AND skill_key = COALESCE(OLD.skill_name, '')
    AND is_mock = (OLD.model LIKE 'mock-%') AND is_cancelled = (OLD.status IN ('cancelled', 'shutdown', 'interrupted'));
  INSERT INTO usage_hourly SELECT substr(NEW.started_at, 1, 13), COALESCE(NEW.workflow_session_id, ''),
    COALESCE(NEW.skill_name, ''), NEW.model LIKE 'mock-%', NEW.status IN ('cancelled', 'shutdown', 'interrupted'), 1,
    NEW.total_cost_usd, NEW.input_tokens, NEW.output_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens
  WHERE NEW.reset_marker IS NULL
  ON CONFLICT DO UPDATE SET run_count = run_count + 1, total_cost_usd = total_cost_usd + excluded.total_cost_usd,
    input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens;
END;

CREATE TRIGGER usage_hourly_delete AFTER DELETE ON agent_runs WHEN OLD.reset_marker IS NULL
BEGIN
  UPDATE usage_hourly SET run_count = run_count - 1, total_cost_usd = total_cost_usd - OLD.total_cost_usd,
    input_tokens = input_tokens - OLD.input_tokens, output_tokens = output_tokens - OLD.output_tokens,
    cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens,
    cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens
  WHERE hour = substr(OLD.started_at, 1, 13) AND session_key = COALESCE(OLD.workflow_session_id, '')
    AND skill_key = COALESCE(OLD.skill_name, '') AND is_mock = (OLD.model LIKE 'mock-%')
    AND is_cancelled = (OLD.status IN ('cancelled', 'shutdown', 'interrupted'));
  DELETE FROM usage_hourly WHERE run_count = 0 AND hour = substr(OLD.started_at, 1, 13)
    AND session_key = COALESCE(OLD.workflow_session_id, '') AND skill_key = COALESCE(OLD.skill_name, '')
    AND is_mock = (OLD.model LIKE 'mock-%') AND is_cancelled = (OLD.status IN ('cancelled', 'shutdown', 'interrupted'));
END;
