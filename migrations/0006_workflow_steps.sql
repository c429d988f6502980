-- Per-step status of a run: always six rows (steps 0-5), created by trg_workflow_runs_steps.
CREATE TABLE workflow_steps (
  run_id INTEGER NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
  step_id INTEGER NOT NULL CHECK (step_id BETWEEN 0 AND 5),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
    ('pending', 'in_progress', 'waiting_for_user', 'completed', 'skipped', 'error')),
  started_at TEXT,
  completed_at TEXT,
  last_run_id TEXT,
  error_category TEXT,
  error_message TEXT,
  gate_decision TEXT CHECK (gate_decision IS NULL OR json_valid(gate_decision)),
  PRIMARY KEY (run_id, step_id),
  CHECK (status <> 'completed' OR completed_at IS NOT NULL)
) STRICT, WITHOUT ROWID;
