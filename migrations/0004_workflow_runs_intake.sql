-- Author stamp, display name and the intake answers of the create form.
-- Rebuilt with its new columns rather than altered once per column (each ALTER re-parses the
-- whole schema); nothing refers to workflow_runs yet.
CREATE TABLE workflow_runs_v4 (
  id INTEGER PRIMARY KEY,
  skill_id INTEGER NOT NULL UNIQUE REFERENCES skills(id) ON DELETE CASCADE,
  current_step INTEGER NOT NULL DEFAULT 0 CHECK (current_step BETWEEN 0 AND 6),
  selected_step INTEGER CHECK (selected_step BETWEEN 0 AND 6),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_progress', 'completed')),
  origin TEXT NOT NULL DEFAULT 'created' CHECK (origin IN ('created', 'discovered')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  author_login TEXT,
  author_avatar TEXT,
  display_name TEXT,
  intake_json TEXT CHECK (intake_json IS NULL OR json_valid(intake_json))
) STRICT;
INSERT INTO workflow_runs_v4 (id, skill_id, current_step, selected_step, status, origin, created_at, updated_at)
SELECT id, skill_id, current_step, selected_step, status, origin, created_at, updated_at FROM workflow_runs;
DROP TABLE workflow_runs;
ALTER TABLE workflow_runs_v4 RENAME TO workflow_runs;
