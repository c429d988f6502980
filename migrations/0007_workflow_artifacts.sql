-- Snapshots of a completed step's text outputs, used to restore missing files.
CREATE TABLE workflow_artifacts (
  run_id INTEGER NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE,
  step_id INTEGER NOT NULL CHECK (step_id BETWEEN 0 AND 5),
  relative_path TEXT NOT NULL CHECK (relative_path <> '' AND substr(relative_path, 1, 1) <> '/'),
  content TEXT NOT NULL,
  size_bytes INTEGER NOT NULL CHECK (size_bytes BETWEEN 0 AND 5242880),
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run_id, step_id, relative_path)
) STRICT;
