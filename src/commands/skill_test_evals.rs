//! With/without evals (skill-format.md R3) under hard cost caps (R10): every case of the
//! skill's `evals/evals.json` is planned N times with and N times without the skill, each
//! pair graded against the case's assertions; the report gives each arm's pass rate as
//! mean ± sd per case and flags assertions that pass in both arms (they do not show the
//! skill's effect).
//!
//! A trial (one case, one repetition: two plans and one grading) is the unit of progress. The
//! checkpoint `WS/<skill>/tests/<testId>-evals.json` is rewritten after every trial; a cap
//! stops before a trial that could cross it (forecast: the dearest trial so far) or when a
//! run hits the per-run cap, and `resume` continues from the checkpoint.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::blocking;
use super::briefs;
use super::skill_test::{manifest, tests_root};
use super::skill_test_agents::{self as agents, Manifest, Role};
use crate::Backend;
use crate::protocol::*;

/// At most this many runs per arm.
const MAX_RUNS: u32 = 20;

/// One case of `evals/evals.json` (skill-format.md §1.1).
#[derive(Debug, Clone)]
struct Case {
    id: String,
    prompt: String,
    assertions: Vec<String>,
}

/// One finished trial.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Trial {
    case_id: String,
    trial: u32,
    with: Vec<GradedAssertion>,
    without: Vec<GradedAssertion>,
    cost_usd: f64,
}

/// What is on disk between a stop and its resume.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Checkpoint {
    runs_per_arm: u32,
    spent_usd: f64,
    trials: Vec<Trial>,
}

fn parse_cases(text: &str) -> Result<Vec<Case>, AppError> {
    let doc: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| AppError::invalid("evals/evals.json", format!("is not JSON: {e}")))?;
    let Some(list) = doc["evals"].as_array() else {
        return Err(AppError::invalid("evals/evals.json", "has no `evals` list"));
    };
    let mut cases = Vec::new();
    for (i, case) in list.iter().enumerate() {
        let id = match &case["id"] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => (i + 1).to_string(),
        };
        let prompt = case["prompt"].as_str().unwrap_or_default().to_string();
        let assertions: Vec<String> = case["assertions"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if prompt.trim().is_empty() || assertions.is_empty() {
            return Err(AppError::invalid(
                format!("evals/evals.json: evals[{i}]"),
                "needs a prompt and at least one assertion",
            ));
        }
        cases.push(Case { id, prompt, assertions });
    }
    if cases.is_empty() {
        return Err(AppError::invalid("evals/evals.json", "lists no cases"));
    }
    Ok(cases)
}

fn checkpoint_file(backend: &Backend, manifest: &Manifest) -> PathBuf {
    backend.paths().workspace.join(&manifest.skill_name).join("tests").join(format!("{}-evals.json", manifest.test_id))
}

async fn write_checkpoint(file: PathBuf, checkpoint: &Checkpoint) -> Result<(), AppError> {
    let bytes = serde_json::to_vec_pretty(checkpoint)?;
    blocking(move || {
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
        }
        crate::atomic::write_atomic(&file, &bytes)
    })
    .await
}

/// Runs (or, with `resume`, continues) the evals of a prepared test.
#[tracing::instrument(skip_all, fields(test = %test_id, runs), err)]
pub async fn run_skill_evals(
    backend: &Backend,
    test_id: &str,
    runs: u32,
    caps: CostCaps,
    resume: bool,
) -> Result<EvalReport, AppError> {
    if !(1..=MAX_RUNS).contains(&runs) {
        return Err(AppError::invalid("runs", "must be 1 to 20"));
    }
    if [caps.per_run_usd, caps.per_skill_usd].iter().flatten().any(|c| !c.is_finite() || *c <= 0.0) {
        return Err(AppError::invalid("caps", "must be positive amounts in USD"));
    }
    let manifest =
        manifest(backend, test_id).await?.ok_or_else(|| AppError::NotFound { kind: "test", name: test_id.into() })?;
    if super::locks::check_lock(backend, &manifest.skill_name).await?.state != LockState::Mine {
        return Err(AppError::LockRequired { skill: manifest.skill_name.clone() });
    }
    let evals = backend.skills_path().await?.join(&manifest.skill_name).join("evals").join("evals.json");
    let file = checkpoint_file(backend, &manifest);
    let (evals_path, cp_path) = (evals.clone(), file.clone());
    let (text, saved) = blocking(move || {
        let text = std::fs::read_to_string(&evals_path)
            .map_err(|_| AppError::NotFound { kind: "file", name: "evals/evals.json".into() })?;
        let saved = match std::fs::read(&cp_path) {
            Ok(bytes) => Some(serde_json::from_slice::<Checkpoint>(&bytes)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(AppError::io(&cp_path, e)),
        };
        Ok((text, saved))
    })
    .await?;
    let cases = parse_cases(&text)?;
    let mut checkpoint = match (saved, resume) {
        (Some(saved), true) => Checkpoint { runs_per_arm: runs.max(saved.runs_per_arm), ..saved },
        (None, true) => return Err(AppError::NotFound { kind: "eval checkpoint", name: manifest.test_id.clone() }),
        (Some(saved), false) if !saved.trials.is_empty() => {
            return Err(AppError::Conflict {
                reason: "evals_in_progress",
                message: "This test has a stopped eval run; continue it with resume".into(),
            });
        }
        _ => Checkpoint { runs_per_arm: runs, spent_usd: 0.0, trials: Vec::new() },
    };
    let folder = manifest.dir(&tests_root(backend));
    let mut stop: Option<(String, String)> = None;
    'trials: for trial in 1..=checkpoint.runs_per_arm {
        for case in &cases {
            if checkpoint.trials.iter().any(|t| t.case_id == case.id && t.trial == trial) {
                continue;
            }
            let forecast = checkpoint.trials.iter().map(|t| t.cost_usd).fold(0.0, f64::max);
            if let Some(cap) = caps.per_skill_usd
                && checkpoint.spent_usd + forecast > cap
            {
                let reason = format!("the next trial could pass the cap of ${cap} for this skill");
                stop = Some(("stopped_budget".into(), reason));
                break 'trials;
            }
            match run_trial(backend, &manifest, &folder, case, trial, caps.per_run_usd).await? {
                TrialEnd::Done(done) => {
                    checkpoint.spent_usd += done.cost_usd;
                    checkpoint.trials.push(done);
                    write_checkpoint(file.clone(), &checkpoint).await?;
                }
                TrialEnd::Stopped { status, reason, cost_usd } => {
                    checkpoint.spent_usd += cost_usd;
                    write_checkpoint(file.clone(), &checkpoint).await?;
                    stop = Some((status, reason));
                    break 'trials;
                }
            }
        }
    }
    Ok(report(&manifest, &cases, &checkpoint, caps, stop))
}

enum TrialEnd {
    Done(Trial),
    Stopped { status: String, reason: String, cost_usd: f64 },
}

async fn run_trial(
    backend: &Backend,
    manifest: &Manifest,
    folder: &std::path::Path,
    case: &Case,
    trial: u32,
    per_run: Option<f64>,
) -> Result<TrialEnd, AppError> {
    let task = format!("<task>\n{}\n</task>", briefs::tagged_text(&case.prompt));
    let (with_dir, without_dir) = (folder.join("with"), folder.join("without"));
    let ((_, with), (_, without)) = tokio::try_join!(
        agents::run(backend, manifest, Role::With, &with_dir, task.clone(), per_run),
        agents::run(backend, manifest, Role::Without, &without_dir, task.clone(), per_run),
    )?;
    let mut cost = with.cost_usd + without.cost_usd;
    let failed = |end: &super::run_wait::RunEnd| (!end.completed()).then(|| end.status.clone().unwrap_or_default());
    if let Some(status) = failed(&with).or_else(|| failed(&without)) {
        return Ok(stopped(status, case, trial, per_run, cost));
    }
    let eval_case = json!({ "case": case.id, "trial": trial, "assertions": case.assertions });
    let message = format!(
        "{task}\n<eval-case>{}</eval-case>\n<plan-a>\n{}\n</plan-a>\n<plan-b>\n{}\n</plan-b>",
        briefs::tagged_text(&eval_case.to_string()),
        briefs::tagged_text(&with.text),
        briefs::tagged_text(&without.text)
    );
    let (_, grade) = agents::run(backend, manifest, Role::Eval, &folder.join("without"), message, per_run).await?;
    cost += grade.cost_usd;
    if !grade.completed() {
        return Ok(stopped(grade.status.unwrap_or_default(), case, trial, per_run, cost));
    }
    let parsed = agents::json_object(&grade.text);
    let arm = |key: &str| -> Option<Vec<GradedAssertion>> {
        let list: Vec<GradedAssertion> = serde_json::from_value(parsed.as_ref()?[key].clone()).ok()?;
        (list.len() == case.assertions.len()).then_some(list)
    };
    match (arm("a"), arm("b")) {
        (Some(with), Some(without)) => {
            Ok(TrialEnd::Done(Trial { case_id: case.id.clone(), trial, with, without, cost_usd: cost }))
        }
        _ => Ok(TrialEnd::Stopped {
            status: "error".into(),
            reason: format!("the grader's answer for case {} (trial {trial}) was not the expected JSON", case.id),
            cost_usd: cost,
        }),
    }
}

fn stopped(status: String, case: &Case, trial: u32, per_run: Option<f64>, cost_usd: f64) -> TrialEnd {
    if status == "budget_exceeded" {
        let cap = per_run.map(|c| format!(" of ${c}")).unwrap_or_default();
        let reason = format!("a run of case {} (trial {trial}) reached the per-run cap{cap}", case.id);
        return TrialEnd::Stopped { status: "stopped_budget".into(), reason, cost_usd };
    }
    let reason = format!(
        "a run of case {} (trial {trial}) ended as {}",
        case.id,
        if status.is_empty() { "failed" } else { &status }
    );
    TrialEnd::Stopped { status: "error".into(), reason, cost_usd }
}

/// Mean and sample standard deviation.
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

fn arm_stats(trials: &[&Trial], pick: fn(&Trial) -> &Vec<GradedAssertion>) -> ArmStats {
    let pass_rates: Vec<f64> = trials
        .iter()
        .map(|t| {
            let list = pick(t);
            list.iter().filter(|a| a.passed).count() as f64 / list.len().max(1) as f64
        })
        .collect();
    let (mean, sd) = mean_sd(&pass_rates);
    ArmStats { runs: u32::try_from(pass_rates.len()).unwrap_or(u32::MAX), pass_rates, mean, sd }
}

fn report(
    manifest: &Manifest,
    cases: &[Case],
    checkpoint: &Checkpoint,
    caps: CostCaps,
    stop: Option<(String, String)>,
) -> EvalReport {
    let case_reports = cases
        .iter()
        .map(|case| {
            let trials: Vec<&Trial> = checkpoint.trials.iter().filter(|t| t.case_id == case.id).collect();
            let rate = |pick: fn(&Trial) -> &Vec<GradedAssertion>, i: usize| {
                let passed = trials.iter().filter(|t| pick(t).get(i).is_some_and(|a| a.passed)).count();
                passed as f64 / trials.len().max(1) as f64
            };
            let assertions = case
                .assertions
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let (with_rate, without_rate) = (rate(|t| &t.with, i), rate(|t| &t.without, i));
                    AssertionStats {
                        text: text.clone(),
                        with_pass_rate: with_rate,
                        without_pass_rate: without_rate,
                        passes_in_both: !trials.is_empty() && with_rate == 1.0 && without_rate == 1.0,
                    }
                })
                .collect();
            EvalCaseReport {
                case_id: case.id.clone(),
                prompt: case.prompt.clone(),
                with: arm_stats(&trials, |t| &t.with),
                without: arm_stats(&trials, |t| &t.without),
                assertions,
            }
        })
        .collect();
    let (status, stop_reason) = stop.map_or(("complete".to_string(), None), |(s, r)| (s, Some(r)));
    EvalReport {
        test_id: manifest.test_id.clone(),
        skill_name: manifest.skill_name.clone(),
        runs_per_arm: checkpoint.runs_per_arm,
        status,
        stop_reason,
        caps,
        spent_usd: (checkpoint.spent_usd * 1e6).round() / 1e6,
        trials_done: u32::try_from(checkpoint.trials.len()).unwrap_or(u32::MAX),
        trials_total: checkpoint.runs_per_arm * u32::try_from(cases.len()).unwrap_or(u32::MAX),
        cases: case_reports,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_sample_sd() {
        let (mean, sd) = mean_sd(&[1.0, 0.5, 1.0]);
        assert!((mean - 0.8333).abs() < 1e-3 && (sd - 0.2887).abs() < 1e-3, "{mean} {sd}");
        assert_eq!(mean_sd(&[0.5]), (0.5, 0.0));
    }

    #[test]
    fn cases_need_a_prompt_and_assertions() {
        let ok =
            r#"{"evals":[{"id":1,"prompt":"p","assertions":["a"]},{"id":"x","prompt":"q","assertions":["b","c"]}]}"#;
        let cases = parse_cases(ok).unwrap();
        assert_eq!((cases[0].id.as_str(), cases[1].assertions.len()), ("1", 2));
        let err = parse_cases(r#"{"evals":[{"id":1,"prompt":"p","assertions":[]}]}"#).unwrap_err();
        assert!(err.to_string().contains("evals[0]"), "{err}");
    }
}
