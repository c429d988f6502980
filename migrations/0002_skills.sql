-- The Skills Library master: one row per skill; skill_source says which child table holds the rest.
CREATE TABLE skills (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  skill_source TEXT NOT NULL CHECK (skill_source IN ('skill-builder', 'marketplace', 'imported')),
  domain TEXT,
  skill_type TEXT NOT NULL DEFAULT 'domain',
  description TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
