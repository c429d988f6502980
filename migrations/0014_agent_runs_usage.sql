-- Token and cost totals of a run; per-model figures in model_usage_json.
ALTER TABLE agent_runs ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_runs ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_runs ADD COLUMN cache_read_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_runs ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_runs ADD COLUMN total_cost_usd REAL NOT NULL DEFAULT 0;
ALTER TABLE agent_runs ADD COLUMN model_usage_json TEXT
  CHECK (model_usage_json IS NULL OR json_valid(model_usage_json));
ALTER TABLE agent_runs ADD COLUMN duration_ms INTEGER;
ALTER TABLE agent_runs ADD COLUMN reset_marker TEXT;
