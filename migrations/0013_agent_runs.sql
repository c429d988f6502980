-- One row per agent run (a refine turn is a run).
CREATE TABLE agent_runs (
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
  completed_at TEXT
) STRICT;
