-- Tags, normalised to trimmed lowercase.
CREATE TABLE skill_tags (
  skill_id INTEGER NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
  tag TEXT NOT NULL CHECK (tag = lower(trim(tag)) AND length(tag) BETWEEN 1 AND 40),
  created_at TEXT NOT NULL,
  PRIMARY KEY (skill_id, tag)
) STRICT, WITHOUT ROWID;
