-- Key-value settings: one JSON document per key ('app_settings', 'reconciliation', 'secret.<name>').
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value)),
  updated_at TEXT NOT NULL
) STRICT;
