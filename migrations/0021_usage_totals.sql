-- Running usage totals per (session, skill, mock, cancelled), kept by triggers on agent_runs.
-- The usage summary reads these few rows instead of scanning every run (backend.md §2.3).
-- '' stands for "no session" and "no skill"; reset runs (reset_marker set) are not counted.
CREATE TABLE usage_totals (
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
  PRIMARY KEY (session_key, skill_key, is_mock, is_cancelled)
) STRICT, WITHOUT ROWID;

INSERT INTO usage_totals
SELECT COALESCE(workflow_session_id, ''), COALESCE(skill_name, ''), model LIKE 'mock-%',
  status IN ('cancelled', 'shutdown', 'interrupted'), COUNT(*), SUM(total_cost_usd), SUM(input_tokens),
  SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens)
FROM agent_runs WHERE reset_marker IS NULL
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER usage_totals_insert AFTER INSERT ON agent_runs WHEN NEW.reset_marker IS NULL
BEGIN
  INSERT INTO usage_totals VALUES (COALESCE(NEW.workflow_session_id, ''), COALESCE(NEW.skill_name, ''),
    NEW.model LIKE 'mock-%', NEW.status IN ('cancelled', 'shutdown', 'interrupted'), 1, NEW.total_cost_usd,
    NEW.input_tokens, NEW.output_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens)
  ON CONFLICT DO UPDATE SET run_count = run_count + 1, total_cost_usd = total_cost_usd + excluded.total_cost_usd,
    input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens;
END;

CREATE TRIGGER usage_totals_update AFTER UPDATE OF workflow_session_id, skill_name, model, status, total_cost_usd,
  input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reset_marker ON agent_runs
BEGIN
  UPDATE usage_totals SET run_count = run_count - 1, total_cost_usd = total_cost_usd - OLD.total_cost_usd,
    input_tokens = input_tokens - OLD.input_tokens, output_tokens = output_tokens - OLD.output_tokens,
    cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens,
    cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens
  WHERE OLD.reset_marker IS NULL AND session_key = COALESCE(OLD.workflow_session_id, '')
    AND skill_key = COALESCE(OLD.skill_name, '') AND is_mock = (OLD.model LIKE 'mock-%')
    AND is_cancelled = (OLD.status IN ('cancelled', 'shutdown', 'interrupted'));
  DELETE FROM usage_totals WHERE run_count = 0 AND session_key = COALESCE(OLD.workflow_session_id, '')
    AND skill_key = COALESCE(OLD.skill_name, '') AND is_mock = (OLD.model LIKE 'mock-%')
    AND is_cancelled = (OLD.status IN ('cancelled', 'shutdown', 'interrupted'));
  INSERT INTO usage_totals SELECT COALESCE(NEW.workflow_session_id, ''), COALESCE(NEW.skill_name, ''),
    NEW.model LIKE 'mock-%', NEW.status IN ('cancelled', 'shutdown', 'interrupted'), 1, NEW.total_cost_usd,
    NEW.input_tokens, NEW.output_tokens, NEW.cache_read_tokens, NEW.cache_write_tokens
  WHERE NEW.reset_marker IS NULL
  ON CONFLICT DO UPDATE SET run_count = run_count + 1, total_cost_usd = total_cost_usd + excluded.total_cost_usd,
    input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
    cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
    cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens;
END;

CREATE TRIGGER usage_totals_delete AFTER DELETE ON agent_runs WHEN OLD.reset_marker IS NULL
BEGIN
  UPDATE usage_totals SET run_count = run_count - 1, total_cost_usd = total_cost_usd - OLD.total_cost_usd,
    input_tokens = input_tokens - OLD.input_tokens, output_tokens = output_tokens - OLD.output_tokens,
    cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens,
    cache_write_tokens = cache_write_tokens - OLD.cache_write_tokens
  WHERE session_key = COALESCE(OLD.workflow_session_id, '') AND skill_key = COALESCE(OLD.skill_name, '')
    AND is_mock = (OLD.model LIKE 'mock-%') AND is_cancelled = (OLD.status IN ('cancelled', 'shutdown', 'interrupted'));
  DELETE FROM usage_totals WHERE run_count = 0 AND session_key = COALESCE(OLD.workflow_session_id, '')
    AND skill_key = COALESCE(OLD.skill_name, '') AND is_mock = (OLD.model LIKE 'mock-%')
    AND is_cancelled = (OLD.status IN ('cancelled', 'shutdown', 'interrupted'));
END;
