-- One row per run with the comma-separated list of models it used.
CREATE VIEW v_runs AS
SELECT r.*,
  COALESCE(
    (SELECT group_concat(json_extract(m.value, '$.model'), ',') FROM json_each(r.model_usage_json) AS m),
    r.model) AS models
FROM agent_runs AS r;
