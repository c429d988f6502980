-- SKILL.md frontmatter fields chosen in the builder; NULL means unspecified.
ALTER TABLE workflow_runs ADD COLUMN version TEXT;
ALTER TABLE workflow_runs ADD COLUMN model TEXT;
ALTER TABLE workflow_runs ADD COLUMN argument_hint TEXT;
ALTER TABLE workflow_runs ADD COLUMN user_invocable INTEGER CHECK (user_invocable IN (0, 1));
ALTER TABLE workflow_runs ADD COLUMN disable_model_invocation INTEGER CHECK (disable_model_invocation IN (0, 1));
