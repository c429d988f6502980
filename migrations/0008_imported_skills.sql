-- Marketplace child of skills: where the import came from and whether it was edited since.
CREATE TABLE imported_skills (
  skill_id INTEGER PRIMARY KEY REFERENCES skills(id) ON DELETE CASCADE,
  rel_path TEXT NOT NULL,
  is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  source_repo TEXT NOT NULL,
  source_ref TEXT,
  source_commit TEXT NOT NULL,
  source_path TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  version TEXT,
  model TEXT,
  argument_hint TEXT,
  user_invocable INTEGER CHECK (user_invocable IN (0, 1)),
  disable_model_invocation INTEGER CHECK (disable_model_invocation IN (0, 1)),
  imported_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
