-- Every workflow run has exactly the six step rows 0-5 from the start.
CREATE TRIGGER trg_workflow_runs_steps AFTER INSERT ON workflow_runs
BEGIN
  INSERT INTO workflow_steps (run_id, step_id)
  VALUES (NEW.id, 0), (NEW.id, 1), (NEW.id, 2), (NEW.id, 3), (NEW.id, 4), (NEW.id, 5);
END;
