-- Run-level statistics from the SDK result. Rebuilt like migration 14, for the same reason.
CREATE TABLE agent_runs_v15 (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE,
  agent_id TEXT NOT NULL,
  skill_id INTEGER REFERENCES skills(id) ON DELETE SET NULL,
  skill_name TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('workflow_step', 'validate', 'gate', 'refine',
    'test_with', 'test_without', 'test_eval', 'feedback')),
  step_id INTEGER CHECK (step_id IS NULL OR step_id BETWEEN 0 AND 5),
  workflow_session_id TEXT REFERENCES workflow_sessions(session_id) ON DELETE SET NULL,
  sdk_session_id TEXT,
  instance_id TEXT NOT NULL,
  model TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'success', 'error', 'cancelled', 'max_turns',
    'budget_exceeded', 'refused', 'failed', 'shutdown', 'interrupted')),
  started_at TEXT NOT NULL,
  completed_at TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  total_cost_usd REAL NOT NULL DEFAULT 0,
  model_usage_json TEXT CHECK (model_usage_json IS NULL OR json_valid(model_usage_json)),
  duration_ms INTEGER,
  reset_marker TEXT,
  num_turns INTEGER NOT NULL DEFAULT 0,
  stop_reason TEXT,
  duration_api_ms INTEGER,
  tool_use_count INTEGER NOT NULL DEFAULT 0,
  compaction_count INTEGER NOT NULL DEFAULT 0,
  result_subtype TEXT,
  error_category TEXT,
  error_message TEXT
) STRICT;
INSERT INTO agent_runs_v15 (id, run_id, agent_id, skill_id, skill_name, kind, step_id, workflow_session_id,
  sdk_session_id, instance_id, model, status, started_at, completed_at, input_tokens, output_tokens,
  cache_read_tokens, cache_write_tokens, total_cost_usd, model_usage_json, duration_ms, reset_marker)
SELECT id, run_id, agent_id, skill_id, skill_name, kind, step_id, workflow_session_id,
  sdk_session_id, instance_id, model, status, started_at, completed_at, input_tokens, output_tokens,
  cache_read_tokens, cache_write_tokens, total_cost_usd, model_usage_json, duration_ms, reset_marker FROM agent_runs;
DROP TABLE agent_runs;
ALTER TABLE agent_runs_v15 RENAME TO agent_runs;
