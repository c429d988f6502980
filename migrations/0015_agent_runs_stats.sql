-- Run-level statistics from the SDK result.
ALTER TABLE agent_runs ADD COLUMN num_turns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_runs ADD COLUMN stop_reason TEXT;
ALTER TABLE agent_runs ADD COLUMN duration_api_ms INTEGER;
ALTER TABLE agent_runs ADD COLUMN tool_use_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_runs ADD COLUMN compaction_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_runs ADD COLUMN result_subtype TEXT;
ALTER TABLE agent_runs ADD COLUMN error_category TEXT;
ALTER TABLE agent_runs ADD COLUMN error_message TEXT;
