//! The workflow engine through the real binary (agents-and-workflow.md §5, §8.1): `skills
//! create` → `workflow run-all` with the mock agent, every mock fault ending in the status the
//! spec gives, the repair turn both ways, the start checks changing nothing, and a reset from
//! step 2 removing exactly what its preview listed, with the checkpoint commit holding it.

use std::path::Path;

use serde_json::Value;

use crate::support::*;

struct Out {
    success: bool,
    result: Value,
    stderr: String,
}

fn wf(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut command = sb(root);
    command
        .env("SKILL_BUILDER_MOCK_DELAY_MS", "0")
        .env_remove("SKILL_BUILDER_MOCK_FAIL")
        .env_remove("ANTHROPIC_API_KEY");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let last = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("null");
    Out {
        success: output.status.success(),
        result: serde_json::from_str(last).unwrap_or(Value::Null),
        stderr: String::from_utf8_lossy(&output.stderr).to_string(),
    }
}

fn create(root: &Path, name: &str) {
    let out = wf(root, &["skills", "create", name, "--domain", "B2B sales", "--type", "domain"], &[]);
    assert!(out.success, "{}", out.stderr);
}

fn statuses(root: &Path, name: &str) -> Vec<String> {
    let conn = open_db(&root.join("data"));
    let mut stmt = conn
        .prepare(
            "SELECT st.status FROM workflow_steps st JOIN workflow_runs w ON w.id = st.run_id
             JOIN skills s ON s.id = w.skill_id WHERE s.name = ?1 ORDER BY st.step_id",
        )
        .unwrap();
    stmt.query_map([name], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn git_log(root: &Path) -> Vec<String> {
    let out = git_cli(&root.join("skills"), &["log", "--format=%s"]);
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
        }
    }
    out.sort();
    out
}

#[test]
fn run_all_takes_a_new_skill_to_a_validated_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    create(root, "sales-pipeline");
    let out = wf(root, &["workflow", "run-all", "sales-pipeline", "--follow"], &[]);
    assert!(out.success, "{}\n{}", out.result, out.stderr);
    assert_eq!(out.result["state"]["currentStep"], 6, "{}", out.result);
    assert_eq!(out.result["validation"]["ok"], true, "{}", out.result);
    for line in [
        "step 0 Research: completed",
        "step 2 Detailed Research: completed",
        "step 5 Generate Skill: completed",
        "validate: completed",
    ] {
        assert!(out.stderr.contains(line), "no progress line {line:?}: {}", out.stderr);
    }
    assert_eq!(statuses(root, "sales-pipeline"), vec!["completed"; 6]);

    let skill = root.join("skills/sales-pipeline");
    for rel in [
        "SKILL.md",
        "references/metrics.md",
        "evals/evals.json",
        "context/research-plan.md",
        "context/clarifications.json",
        "context/clarifications.md",
        "context/refinements.json",
        "context/decisions.json",
        "context/decisions.md",
        "context/lint.json",
        "context/validation.json",
        "context/validation-report.md",
    ] {
        assert!(skill.join(rel).is_file(), "{rel} is missing");
    }
    // The refinements were merged under their questions, and every answer was given.
    let clar: Value =
        serde_json::from_str(&std::fs::read_to_string(skill.join("context/clarifications.json")).unwrap()).unwrap();
    assert!(clar["revision"].as_u64().unwrap() > 1);
    let md = std::fs::read_to_string(skill.join("context/clarifications.md")).unwrap();
    assert!(md.contains("##### R5.1: ") && !md.contains("_(not answered)_"), "{md}");
    // The front-matter was rewritten canonically, with the agent's description.
    let skill_md = std::fs::read_to_string(skill.join("SKILL.md")).unwrap();
    assert!(
        skill_md.starts_with("---\nname: sales-pipeline\ndescription: \"Applies the B2B sales rules"),
        "{skill_md}"
    );
    assert!(skill_md.contains("  skill-builder.type: \"domain\"\n"));
    let verify = wf(root, &["workflow", "verify", "sales-pipeline", "5"], &[]);
    assert_eq!(verify.result["ok"], true, "{}", verify.result);

    let conn = open_db(&root.join("data"));
    let artifacts: Vec<(i64, String)> = conn
        .prepare("SELECT step_id, relative_path FROM workflow_artifacts ORDER BY step_id, relative_path")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for expected in [
        (0, "context/clarifications.json"),
        (0, "context/clarifications.md"),
        (0, "context/research-plan.md"),
        (2, "context/refinements.json"),
        (4, "context/decisions.json"),
        (4, "context/decisions.md"),
        (5, "SKILL.md"),
        (5, "evals/evals.json"),
        (5, "references/edge-cases.md"),
    ] {
        assert!(
            artifacts.contains(&(expected.0, expected.1.to_string())),
            "no artifact row {expected:?}: {artifacts:?}"
        );
    }
    let runs: Vec<(String, Option<i64>, String)> = conn
        .prepare("SELECT kind, step_id, status FROM agent_runs WHERE skill_name = 'sales-pipeline' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected: Vec<(String, Option<i64>, String)> = [
        ("workflow_step", Some(0)),
        ("gate", Some(1)),
        ("workflow_step", Some(2)),
        ("gate", Some(3)),
        ("workflow_step", Some(4)),
        ("workflow_step", Some(5)),
        ("validate", None),
    ]
    .into_iter()
    .map(|(k, s)| (k.to_string(), s, "success".to_string()))
    .collect();
    assert_eq!(runs, expected);
    let open_sessions = scalar(&conn, "SELECT count(*) FROM workflow_sessions WHERE ended_at IS NULL");
    assert_eq!(open_sessions, 0, "every workflow session row is ended");

    let logs = tree(&root.join("data/agent-workspace/logs/sales-pipeline"));
    for label in ["step0-", "gate1-", "step2-", "gate2-", "step4-", "step5-", "validate-"] {
        assert!(logs.iter().any(|l| l.starts_with(label) && l.ends_with(".jsonl")), "no {label} transcript: {logs:?}");
    }
    let log = git_log(root);
    for message in [
        "sales-pipeline: step 0 (Research) completed",
        "sales-pipeline: answers updated",
        "sales-pipeline: step 2 (Detailed Research) completed",
        "sales-pipeline: step 4 (Confirm Decisions) completed",
        "sales-pipeline: step 5 (Generate Skill) completed",
    ] {
        assert!(log.iter().any(|l| l == message), "no commit {message:?}: {log:?}");
    }
    assert_git_sound(&root.join("skills"));
    // The agents got our prompts through the SDK options, and the workspace got the sources.
    let ws = root.join("data/agent-workspace/.claude");
    assert!(ws.join("schemas/clarifications.schema.json").is_file() && ws.join("agents/generate-skill.md").is_file());

    // The validated skill packages as a `.skill` for Claude Code, without the workflow's context.
    let dest = root.join("sales-pipeline.skill");
    let out = wf(root, &["workflow", "package", "sales-pipeline", "--dest", dest.to_str().unwrap()], &[]);
    assert!(out.success, "{}\n{}", out.result, out.stderr);
    assert_eq!(out.result["path"], dest.display().to_string());
    let archive = zip::ZipArchive::new(std::fs::File::open(&dest).unwrap()).unwrap();
    let names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(names.iter().any(|n| n == "sales-pipeline/SKILL.md"), "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("sales-pipeline/") && !n.contains("/context/")), "{names:?}");
}

fn run_step0(root: &Path, name: &str, fail: &str) -> Out {
    create(root, name);
    wf(root, &["workflow", "run", name, "0"], &[("SKILL_BUILDER_MOCK_FAIL", fail)])
}

fn step0(root: &Path, name: &str) -> (String, Option<String>, i64) {
    let conn = open_db(&root.join("data"));
    let (status, category): (String, Option<String>) = conn
        .query_row(
            "SELECT st.status, st.error_category FROM workflow_steps st JOIN workflow_runs w ON w.id = st.run_id
             JOIN skills s ON s.id = w.skill_id WHERE s.name = ?1 AND st.step_id = 0",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let runs: i64 = conn
        .query_row("SELECT count(*) FROM agent_runs WHERE skill_name = ?1 AND step_id = 0", [name], |r| r.get(0))
        .unwrap();
    (status, category, runs)
}

#[test]
fn mock_faults_end_in_the_statuses_the_spec_gives() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (i, fail) in ["crash_after:3", "api_error:429", "api_error:401", "api_error:500"].into_iter().enumerate() {
        let name = format!("fault-{i}");
        let out = run_step0(root, &name, fail);
        assert!(out.success, "{fail}: {}", out.stderr);
        let (status, category, runs) = step0(root, &name);
        assert_eq!(status, "error", "{fail}");
        assert!(category.is_some(), "{fail}: an error carries its category");
        assert_eq!(runs, 1, "{fail}: no repair turn for a failed run");
    }
    // invalid_output: the one repair turn fixes it.
    run_step0(root, "repaired", "invalid_output");
    assert_eq!(step0(root, "repaired"), ("completed".into(), None, 2));
    let verify = wf(root, &["workflow", "verify", "repaired", "0"], &[]);
    assert_eq!(verify.result["ok"], true);
    // Still broken after the repair turn: error, with the located problems.
    run_step0(root, "broken", "invalid_output:always");
    let (status, category, runs) = step0(root, "broken");
    assert_eq!((status.as_str(), category.as_deref(), runs), ("error", Some("invalid_output"), 2));
    // slow_ready: the handshake times out; a failed start leaves the status as it was.
    let out = run_step0(root, "slow", "slow_ready");
    assert!(!out.success, "a start that never became ready fails");
    assert_eq!(step0(root, "slow").0, "pending");
}

#[test]
fn start_checks_change_nothing_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    create(root, "checked");
    let skill = root.join("skills/checked");
    let out = wf(root, &["workflow", "run", "checked", "2"], &[]);
    assert_eq!(out.result["code"], "invalid_step_transition", "{}", out.result);
    let out = wf(root, &["workflow", "run", "checked", "1"], &[]);
    assert_eq!(out.result["code"], "invalid_input");
    std::fs::create_dir_all(skill.join("context")).unwrap();
    std::fs::write(skill.join("context/clarifications.json"), "{}").unwrap();
    let before = (tree(&skill), tree(&root.join("data/agent-workspace")));
    let out = wf(root, &["workflow", "run", "checked", "0"], &[]);
    assert_eq!(out.result["code"], "conflict", "{}", out.result);
    assert_eq!(out.result["details"]["reason"], "outputs_exist");
    assert_eq!((tree(&skill), tree(&root.join("data/agent-workspace"))), before);
    assert_eq!(statuses(root, "checked")[0], "pending");
}

#[test]
fn reset_from_step_2_removes_exactly_what_its_preview_listed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    create(root, "resettable");
    assert!(wf(root, &["workflow", "run-all", "resettable"], &[]).success);
    let skill = root.join("skills/resettable");
    let before = tree(&skill);
    let preview = wf(root, &["workflow", "reset", "resettable", "2", "--preview"], &[]).result;
    assert_eq!(tree(&skill), before, "a preview changes nothing");
    let listed: Vec<String> = preview["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["delete"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()))
        .collect();
    for rel in [
        "context/refinements.json",
        "context/decisions.json",
        "SKILL.md",
        "references/metrics.md",
        "evals/evals.json",
        "WS/answer-evaluation.json",
    ] {
        assert!(listed.iter().any(|l| l == rel), "{rel} not in the preview: {listed:?}");
    }
    assert!(!listed.iter().any(|l| l.contains("clarifications") || l.contains("research-plan")), "{listed:?}");
    let edit = &preview["steps"][0]["edit"][0];
    assert_eq!(edit["path"], "context/clarifications.json");

    let report = wf(root, &["workflow", "reset", "resettable", "2"], &[]);
    assert!(report.success, "{}", report.stderr);
    let deleted: Vec<String> =
        report.result["deleted"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
    assert_eq!(deleted.iter().collect::<std::collections::BTreeSet<_>>(), listed.iter().collect());
    let after = tree(&skill);
    for rel in &listed {
        assert!(!after.contains(rel), "{rel} survived the reset");
    }
    let kept: Vec<&String> =
        before.iter().filter(|p| !listed.contains(p) && !["references", "evals"].contains(&p.as_str())).collect();
    for rel in kept {
        assert!(after.contains(rel), "{rel} was deleted but not listed");
    }
    let clar: Value =
        serde_json::from_str(&std::fs::read_to_string(skill.join("context/clarifications.json")).unwrap()).unwrap();
    let questions =
        clar["sections"].as_array().unwrap().iter().flat_map(|s| s["questions"].as_array().unwrap().clone());
    for q in questions {
        assert!(q["refinements"].as_array().unwrap().is_empty());
        assert_ne!(q["answer"]["text"], "", "question answers are kept");
    }
    assert_eq!(statuses(root, "resettable"), ["completed", "completed", "pending", "pending", "pending", "pending"]);
    let sha = report.result["checkpointSha"].as_str().unwrap();
    for rel in listed.iter().filter(|p| !p.starts_with("WS/")) {
        let out = git_cli(&root.join("skills"), &["cat-file", "-e", &format!("{sha}:resettable/{rel}")]);
        assert!(out.status.success(), "the checkpoint does not hold {rel}");
    }
    let log = git_log(root);
    assert_eq!(log[0], "resettable: reset to step 2");
    assert!(
        log.contains(&"resettable: checkpoint before reset to step 2".to_string())
            || log.iter().any(|l| l.contains("validate"))
    );
    // The reset runs are kept, marked.
    let conn = open_db(&root.join("data"));
    assert!(scalar(&conn, "SELECT count(*) FROM agent_runs WHERE reset_marker IS NOT NULL AND step_id >= 2") >= 3);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM workflow_artifacts WHERE step_id >= 2"), 0);
    // Running step 2 again works from here.
    let again = wf(root, &["workflow", "run", "resettable", "2"], &[]);
    assert!(again.success, "{}", again.stderr);
}
