-- Author stamp, display name and the intake answers of the create form.
ALTER TABLE workflow_runs ADD COLUMN author_login TEXT;
ALTER TABLE workflow_runs ADD COLUMN author_avatar TEXT;
ALTER TABLE workflow_runs ADD COLUMN display_name TEXT;
ALTER TABLE workflow_runs ADD COLUMN intake_json TEXT CHECK (intake_json IS NULL OR json_valid(intake_json));
