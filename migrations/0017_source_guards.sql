-- A child row must match its parent's skill_source, and a source cannot change under a child.
CREATE TRIGGER trg_workflow_runs_source BEFORE INSERT ON workflow_runs
WHEN (SELECT skill_source FROM skills WHERE id = NEW.skill_id) IS NOT 'skill-builder'
BEGIN
  SELECT RAISE(ABORT, 'workflow_runs requires a skill-builder skill');
END;

CREATE TRIGGER trg_imported_skills_source BEFORE INSERT ON imported_skills
WHEN (SELECT skill_source FROM skills WHERE id = NEW.skill_id) IS NOT 'marketplace'
BEGIN
  SELECT RAISE(ABORT, 'imported_skills requires a marketplace skill');
END;

CREATE TRIGGER trg_skills_source_change BEFORE UPDATE OF skill_source ON skills
WHEN NEW.skill_source IS NOT OLD.skill_source AND (
  EXISTS (SELECT 1 FROM workflow_runs WHERE skill_id = OLD.id) OR
  EXISTS (SELECT 1 FROM imported_skills WHERE skill_id = OLD.id))
BEGIN
  SELECT RAISE(ABORT, 'skill_source cannot change while a child row of the old source exists');
END;
