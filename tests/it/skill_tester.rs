//! The skill tester over the real CLI with the mock agent (agents-and-workflow.md §7.2,
//! skill-format.md R3 and R10): a single-prompt test, evals three times per arm with
//! mean ± sd, and hard cost caps that stop at a checkpoint from which `--resume` continues.

use std::path::Path;

use serde_json::Value;

use crate::support::sb;

const EVALS: &str = r#"{"skill_name":"kpis","evals":[
 {"id":1,"prompt":"Compute yesterday's headline metric.","assertions":["Weights by contract value","Groups by UTC calendar day"]},
 {"id":2,"prompt":"A record was corrected this morning.","assertions":["Uses the latest record per key","Does not overwrite history"]},
 {"id":3,"prompt":"Some records miss a value.","assertions":["Keeps flagged records","Mentions the data-quality report"]}]}"#;

/// Runs the CLI with the mock agent at full speed, each run costing `cost` dollars.
fn cli(root: &Path, cost: &str, args: &[&str]) -> (bool, Value) {
    let output = sb(root)
        .env("SKILL_BUILDER_MOCK_DELAY_MS", "0")
        .env("SKILL_BUILDER_MOCK_COST_USD", cost)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("null");
    (output.status.success(), serde_json::from_str(last).unwrap())
}

fn ok(root: &Path, cost: &str, args: &[&str]) -> Value {
    let (success, value) = cli(root, cost, args);
    assert!(success, "{args:?}: {value}");
    value
}

fn skill(root: &Path) {
    ok(root, "0", &["skills", "create", "kpis"]);
    let dir = root.join("skills/kpis");
    std::fs::write(
        dir.join("SKILL.md"),
        "---\nname: kpis\ndescription: KPI rules. Use when computing KPIs.\n---\n\n# KPIs\n\nBody text.\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("evals")).unwrap();
    std::fs::write(dir.join("evals/evals.json"), EVALS).unwrap();
    std::fs::write(dir.join("references/metrics.md"), "# Metrics\n").unwrap();
    std::fs::write(dir.join("context/decisions.json"), "{}").unwrap();
}

fn test_id(prepared: &Value) -> String {
    prepared["testId"].as_str().unwrap().to_string()
}

#[test]
fn a_single_prompt_test_compares_both_plans_saves_the_result_and_cleans_up() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    skill(root);
    // A folder a crash left two days ago goes when the next test is prepared.
    let leftover = root.join("data/cache/skill-tests/0b6a9c4e-94a4-4c38-9a3c-0d2f0f3a1a11");
    std::fs::create_dir_all(&leftover).unwrap();
    assert!(std::process::Command::new("touch").arg("-d").arg("2 days ago").arg(&leftover).status().unwrap().success());

    let prepared = ok(root, "0", &["test", "prepare", "kpis"]);
    assert!(!leftover.exists(), "leftovers older than a day are removed");
    let with = Path::new(prepared["withDir"].as_str().unwrap()).to_path_buf();
    assert!(with.join(".claude/skills/kpis/SKILL.md").is_file() && with.join(".claude/CLAUDE.md").is_file());
    assert!(!with.join(".claude/skills/kpis/context").exists(), "context/ is never copied");
    assert!(Path::new(prepared["withoutDir"].as_str().unwrap()).join(".claude/CLAUDE.md").is_file());

    let id = test_id(&prepared);
    let result = ok(root, "0", &["test", "start", &id, "Compute last week's revenue"]);
    assert_eq!(result["phase"], "done", "{result}");
    assert!(result["withText"].as_str().unwrap().contains("with the skill"));
    assert!(result["withoutText"].as_str().unwrap().contains("without the skill"));
    assert_eq!(result["comparisons"][0]["direction"], "a_better");
    assert_eq!(result["recommendations"].as_array().unwrap().len(), 2);
    assert_eq!(result["skillInvoked"], true, "the with-agent read the installed skill");
    let saved = root.join(format!("data/agent-workspace/kpis/tests/{id}.json"));
    let saved: Value = serde_json::from_slice(&std::fs::read(saved).unwrap()).unwrap();
    assert_eq!(saved, result);
    assert!(!with.exists(), "the test folders are removed after the evaluation");
    let conn = crate::support::open_db(&root.join("data"));
    let kinds: Vec<String> = conn
        .prepare("SELECT kind FROM agent_runs WHERE skill_name = 'kpis' AND status = 'success' ORDER BY kind")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kinds, ["test_eval", "test_with", "test_without"]);

    let embedded = ok(root, "0", &["test", "prepare", "kpis", "--mode", "embedded"]);
    let with = Path::new(embedded["withDir"].as_str().unwrap()).to_path_buf();
    let harness = std::fs::read_to_string(with.join(".claude/CLAUDE.md")).unwrap();
    assert!(harness.contains("Body text.") && !harness.contains("description:"), "{harness}");
    assert!(with.join("references/metrics.md").is_file());
    ok(root, "0", &["test", "cleanup", &test_id(&embedded)]);
    assert!(!with.exists());
    let (success, err) = cli(root, "0", &["test", "cleanup", "../../etc"]);
    assert!(!success && err["code"] == "invalid_input", "{err}");
}

fn case<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["cases"].as_array().unwrap().iter().find(|c| c["caseId"] == id).unwrap()
}

#[test]
fn evals_run_three_times_per_arm_and_a_cost_cap_stops_at_a_checkpoint_that_resumes() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    skill(root);
    let id = test_id(&ok(root, "0", &["test", "prepare", "kpis"]));

    // Each run costs $0.004, a trial (two plans and a grading) $0.012: the fifth would pass $0.05.
    let partial = ok(root, "0.004", &["test", "evals", &id, "--runs", "3", "--max-skill-usd", "0.05"]);
    assert_eq!(partial["status"], "stopped_budget", "{partial}");
    assert_eq!((partial["trialsDone"].as_u64(), partial["trialsTotal"].as_u64()), (Some(4), Some(9)));
    let spent = partial["spentUsd"].as_f64().unwrap();
    assert!(spent <= 0.05 && (spent - 0.048).abs() < 1e-9, "{spent}");
    assert_eq!(case(&partial, "1")["with"]["runs"], 2, "the partial report covers what ran");
    let (success, refused) = cli(root, "0.004", &["test", "evals", &id, "--runs", "3"]);
    assert!(!success && refused["code"] == "conflict", "a stopped run is continued, not restarted: {refused}");

    let full = ok(root, "0.004", &["test", "evals", &id, "--runs", "3", "--resume", "--max-skill-usd", "0.2"]);
    assert_eq!(full["status"], "complete", "{full}");
    assert_eq!(full["trialsDone"], 9);
    assert!((full["spentUsd"].as_f64().unwrap() - 0.108).abs() < 1e-9, "{}", full["spentUsd"]);
    for id in ["1", "2", "3"] {
        let c = case(&full, id);
        assert_eq!((c["with"]["runs"].as_u64(), c["without"]["runs"].as_u64()), (Some(3), Some(3)));
        for arm in ["with", "without"] {
            let rates: Vec<f64> = c[arm]["passRates"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            let mean = rates.iter().sum::<f64>() / 3.0;
            let sd = (rates.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
            assert!(
                (c[arm]["mean"].as_f64().unwrap() - mean).abs() < 1e-9
                    && (c[arm]["sd"].as_f64().unwrap() - sd).abs() < 1e-9
            );
        }
        assert_eq!(c["assertions"][0]["passesInBoth"], true, "the first assertion passes in both arms: {c}");
        assert_eq!(c["assertions"][1]["passesInBoth"], false);
    }
    let first = case(&full, "1");
    assert!((first["with"]["mean"].as_f64().unwrap() - 5.0 / 6.0).abs() < 1e-9);
    assert!(first["with"]["sd"].as_f64().unwrap() > 0.28, "{first}");
}

#[test]
fn a_per_run_cap_stops_the_run_that_reaches_it_and_resume_continues() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    skill(root);
    let id = test_id(&ok(root, "0", &["test", "prepare", "kpis"]));
    let stopped = ok(root, "0.004", &["test", "evals", &id, "--runs", "1", "--max-run-usd", "0.001"]);
    assert_eq!(stopped["status"], "stopped_budget", "{stopped}");
    assert!(stopped["stopReason"].as_str().unwrap().contains("per-run cap"), "{stopped}");
    assert_eq!(stopped["trialsDone"], 0);
    let resumed = ok(root, "0.004", &["test", "evals", &id, "--runs", "1", "--resume", "--max-run-usd", "0.01"]);
    assert_eq!((resumed["status"].as_str(), resumed["trialsDone"].as_u64()), (Some("complete"), Some(3)), "{resumed}");
}
