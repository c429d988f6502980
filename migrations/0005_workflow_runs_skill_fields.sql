-- SKILL.md frontmatter fields chosen in the builder; NULL means unspecified.
-- Rebuilt like migration 4, for the same reason.
CREATE TABLE workflow_runs_v5 (
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
  intake_json TEXT CHECK (intake_json IS NULL OR json_valid(intake_json)),
  version TEXT,
  model TEXT,
  argument_hint TEXT,
  user_invocable INTEGER CHECK (user_invocable IN (0, 1)),
  disable_model_invocation INTEGER CHECK (disable_model_invocation IN (0, 1))
) STRICT;
INSERT INTO workflow_runs_v5 (id, skill_id, current_step, selected_step, status, origin, created_at, updated_at, author_login, author_avatar,
  display_name, intake_json)
SELECT id, skill_id, current_step, selected_step, status, origin, created_at, updated_at, author_login, author_avatar,
  display_name, intake_json FROM workflow_runs;
DROP TABLE workflow_runs;
ALTER TABLE workflow_runs_v5 RENAME TO workflow_runs;
