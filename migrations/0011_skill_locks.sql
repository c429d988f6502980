-- One lock per skill across app instances; pid_start_time guards against pid reuse.
CREATE TABLE skill_locks (
  skill_id INTEGER PRIMARY KEY REFERENCES skills(id) ON DELETE CASCADE,
  instance_id TEXT NOT NULL,
  pid INTEGER NOT NULL,
  pid_start_time INTEGER,
  purpose TEXT NOT NULL CHECK (purpose IN ('workflow', 'refine', 'test', 'edit')),
  acquired_at TEXT NOT NULL
) STRICT;
