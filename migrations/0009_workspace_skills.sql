-- Settings -> Skills registry (GitHub imports, uploads, bundled skills); unrelated to skills.
CREATE TABLE workspace_skills (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  origin TEXT NOT NULL CHECK (origin IN ('github', 'upload', 'bundled')),
  is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  domain TEXT,
  skill_type TEXT,
  description TEXT,
  version TEXT,
  model TEXT,
  argument_hint TEXT,
  user_invocable INTEGER CHECK (user_invocable IN (0, 1)),
  disable_model_invocation INTEGER CHECK (disable_model_invocation IN (0, 1)),
  source_repo TEXT,
  source_ref TEXT,
  source_commit TEXT,
  source_path TEXT,
  upload_file_name TEXT,
  content_sha256 TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
