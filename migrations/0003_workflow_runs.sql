-- Build state of a skill-builder skill (1:1 child of skills).
CREATE TABLE workflow_runs (
  id INTEGER PRIMARY KEY,
  skill_id INTEGER NOT NULL UNIQUE REFERENCES skills(id) ON DELETE CASCADE,
  current_step INTEGER NOT NULL DEFAULT 0 CHECK (current_step BETWEEN 0 AND 6),
  selected_step INTEGER CHECK (selected_step BETWEEN 0 AND 6),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_progress', 'completed')),
  origin TEXT NOT NULL DEFAULT 'created' CHECK (origin IN ('created', 'discovered')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
