-- Lifetimes of workflow, refine and test sessions; reset_marker soft-deletes them from usage.
CREATE TABLE workflow_sessions (
  session_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('workflow', 'refine', 'test')),
  skill_id INTEGER REFERENCES skills(id) ON DELETE SET NULL,
  skill_name TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  pid INTEGER NOT NULL,
  pid_start_time INTEGER,
  sdk_session_id TEXT,
  baseline_sha TEXT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  end_reason TEXT CHECK (end_reason IN ('closed', 'app_exit', 'orphaned')),
  reset_marker TEXT,
  CHECK ((ended_at IS NULL) = (end_reason IS NULL))
) STRICT;
