-- The twelve secondary indexes behind the library, lock, session and usage queries.
CREATE INDEX idx_skills_source ON skills(skill_source);
CREATE INDEX idx_skills_updated ON skills(updated_at DESC);
CREATE INDEX idx_skill_tags_tag ON skill_tags(tag);
CREATE INDEX idx_skill_locks_instance ON skill_locks(instance_id);
CREATE INDEX idx_workspace_skills_active ON workspace_skills(is_active);
CREATE INDEX idx_sessions_skill ON workflow_sessions(skill_id);
CREATE INDEX idx_sessions_started ON workflow_sessions(started_at DESC);
CREATE INDEX idx_sessions_open ON workflow_sessions(instance_id) WHERE ended_at IS NULL;
CREATE INDEX idx_runs_session ON agent_runs(workflow_session_id);
CREATE INDEX idx_runs_skill_step ON agent_runs(skill_id, step_id);
CREATE INDEX idx_runs_started ON agent_runs(started_at DESC);
CREATE INDEX idx_runs_running ON agent_runs(instance_id) WHERE status = 'running';
