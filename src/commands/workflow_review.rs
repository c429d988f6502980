//! The human side of the workflow (agents-and-workflow.md §5.5–5.7): saving answers, autofill,
//! completing a review, the answer-evaluator gate and its decision, decision edits, and
//! Validate.

use super::blocking;
use super::locks::with_edit_lock;
use super::workflow::{require_earlier_done, require_enabled};
use super::workflow_start::{Resolved, disabled_steps, require_idle, require_lock, resolve, start};
use crate::Backend;
use crate::actors::db::StepUpdate;
use crate::actors::git::CommitRequest;
use crate::actors::workflow::Task;
use crate::events::AppEvent;
use crate::protocol::validation::Profile;
use crate::protocol::*;
use crate::workflow::artifacts::clarifications::{AnswerSource, Clarifications};
use crate::workflow::artifacts::decisions::{Decision, Decisions};
use crate::workflow::artifacts::evaluation::{AnswerEvaluation, GateChoiceRecord};
use crate::workflow::artifacts::validation::Lint;
use crate::workflow::artifacts::{Artifact, parse, render, to_text};
use crate::workflow::gate;
use crate::workflow::reset::write_clarifications;
use crate::workflow::verify::{SkillDirs, read_text};

fn load_clarifications(dirs: &SkillDirs) -> Result<Clarifications, AppError> {
    let text = read_text(&dirs.skill, "context/clarifications.json")?
        .ok_or_else(|| AppError::MissingInput { what: "context/clarifications.json is missing".into() })?;
    parse::<Clarifications>("context/clarifications.json", &text)
        .map_err(|e| AppError::MissingInput { what: e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ") })
}

async fn commit(backend: &Backend, name: &SkillName, summary: String, event: &str) -> Option<String> {
    let names = [name.to_string()];
    backend.git().auto_commit(CommitRequest::auto(&names, summary, event)).await
}

/// `save_clarification_answers`: a stale revision is refused, nothing is lost.
pub async fn save_clarification_answers(
    backend: &Backend,
    skill: &str,
    revision: u32,
    answers: Vec<AnswerInput>,
) -> Result<SavedAnswers, AppError> {
    let r = resolve(backend, skill).await?;
    require_idle(backend, &r.name).await?;
    let now = backend.clock().now_str();
    let dirs = r.dirs.clone();
    with_edit_lock(backend, &r.name, async move {
        blocking(move || {
            let mut doc = load_clarifications(&dirs)?;
            if doc.revision != u64::from(revision) {
                return Err(AppError::Conflict {
                    reason: "stale_revision",
                    message: format!("The answers changed meanwhile (revision {}); reload and re-apply", doc.revision),
                });
            }
            for a in &answers {
                let (answer, _, choices) =
                    doc.item_mut(&a.id).ok_or_else(|| AppError::invalid("answers", format!("no question {}", a.id)))?;
                if let Some(key) = &a.choice
                    && !choices.iter().any(|c| &c.key == key)
                {
                    return Err(AppError::invalid("answers", format!("{} has no choice {key}", a.id)));
                }
                if a.text.chars().count() > 2000 {
                    return Err(AppError::invalid(
                        "answers",
                        format!("the answer to {} is over 2000 characters", a.id),
                    ));
                }
                answer.text = a.text.clone();
                answer.choice = a.choice.clone();
                answer.source = AnswerSource::User;
                answer.updated_at = Some(now.clone());
            }
            doc.revision += 1;
            write_clarifications(&dirs.skill, &doc)?;
            Ok(SavedAnswers { revision: u32::try_from(doc.revision).unwrap_or(u32::MAX) })
        })
        .await
    })
    .await
}

async fn autofill(backend: &Backend, skill: &str, refinements: bool) -> Result<AutofillResult, AppError> {
    let r = resolve(backend, skill).await?;
    require_idle(backend, &r.name).await?;
    let now = backend.clock().now_str();
    let dirs = r.dirs.clone();
    let result = with_edit_lock(backend, &r.name, async move {
        blocking(move || {
            let mut doc = load_clarifications(&dirs)?;
            let ids = gate::autofill(&mut doc, refinements, &now);
            if !ids.is_empty() {
                write_clarifications(&dirs.skill, &doc)?;
            }
            Ok(AutofillResult { filled: u32::try_from(ids.len()).unwrap_or(u32::MAX), ids })
        })
        .await
    })
    .await?;
    Ok(result)
}

pub async fn autofill_clarifications(backend: &Backend, skill: &str) -> Result<AutofillResult, AppError> {
    autofill(backend, skill, false).await
}

pub async fn autofill_refinements(backend: &Backend, skill: &str) -> Result<AutofillResult, AppError> {
    autofill(backend, skill, true).await
}

fn review_step(gate: u8) -> Result<u8, AppError> {
    match gate {
        1 => Ok(1),
        2 => Ok(3),
        _ => Err(AppError::invalid("gate", "must be 1 or 2")),
    }
}

/// `run_answer_evaluator`: empty answers are classified here; the agent runs only when some
/// answer is left for it.
pub async fn run_answer_evaluator(backend: &Backend, skill: &str, gate_no: u8) -> Result<GateStart, AppError> {
    let step = review_step(gate_no)?;
    let r = resolve(backend, skill).await?;
    require_lock(backend, &r.name).await?;
    let row = backend.db().workflow(r.name.as_str()).await?;
    let statuses = row.statuses();
    if statuses[usize::from(step)] != StepStatus::WaitingForUser {
        return Err(AppError::InvalidStepTransition {
            message: format!("Gate {gate_no} runs only while step {} waits for answers", step + 1),
            statuses: statuses.iter().map(|s| s.as_str().to_string()).collect(),
        });
    }
    require_idle(backend, &r.name).await?;
    let now = backend.clock().now_str();
    let dirs = r.dirs.clone();
    let evaluation = blocking(move || {
        let doc = load_clarifications(&dirs)?;
        let file = dirs.workspace.join("answer-evaluation.json");
        // A stale evaluation must never pass for this run's.
        let _ = std::fs::remove_file(&file);
        let Some(evaluation) = gate::all_empty(&doc, gate::gate_name(gate_no), &now) else { return Ok(None) };
        std::fs::create_dir_all(&dirs.workspace).map_err(|e| AppError::io(&dirs.workspace, e))?;
        crate::atomic::write_atomic(&file, to_text(&evaluation).as_bytes())?;
        Ok(Some(serde_json::to_value(&evaluation).map_err(|e| AppError::Internal(e.to_string()))?))
    })
    .await?;
    if let Some(evaluation) = evaluation {
        backend.emit(AppEvent::GateResult {
            skill_name: r.name.to_string(),
            gate: gate_no,
            evaluation: Some(evaluation.clone()),
            error: None,
        });
        return Ok(GateStart { agent: None, evaluation: Some(evaluation) });
    }
    let handle = start(backend, &r, Task::Gate(gate_no)).await?;
    Ok(GateStart { agent: Some(handle), evaluation: None })
}

/// `complete_review_step`: commit the answers, then the gate, or (no gate applies) complete the
/// review and start the next agent step.
pub async fn complete_review_step(backend: &Backend, skill: &str, step: u8) -> Result<ReviewCompleted, AppError> {
    let gate_no = match step {
        1 => 1,
        3 => 2,
        _ => return Err(AppError::invalid("step", "must be a review step: 1 or 3")),
    };
    let r = resolve(backend, skill).await?;
    require_lock(backend, &r.name).await?;
    let row = backend.db().workflow(r.name.as_str()).await?;
    let statuses = row.statuses();
    require_earlier_done(step, &statuses)?;
    if statuses[usize::from(step)] != StepStatus::WaitingForUser {
        return Err(AppError::InvalidStepTransition {
            message: format!("Step {} is not waiting for answers", step + 1),
            statuses: statuses.iter().map(|s| s.as_str().to_string()).collect(),
        });
    }
    require_idle(backend, &r.name).await?;
    let dirs = r.dirs.clone();
    let (doc, disabled) = blocking(move || Ok((load_clarifications(&dirs)?, disabled_steps(&dirs)?))).await?;
    commit(backend, &r.name, format!("{}: answers updated", r.name), "answers").await;
    let gate_applies = match gate_no {
        1 => !disabled.steps.contains(&2),
        _ => doc.refinement_count() > 0 && !disabled.steps.contains(&4),
    };
    if gate_applies {
        let started = run_answer_evaluator(backend, skill, gate_no).await?;
        return Ok(ReviewCompleted { gate: started.agent, next: None, evaluation: started.evaluation });
    }
    let update = StepUpdate { step, status: StepStatus::Completed, run_id: None, error: None };
    backend.db().set_step_statuses(r.name.as_str(), vec![update]).await?;
    let next_step = step + 1;
    let next = if disabled.steps.contains(&next_step) {
        None
    } else {
        Some(super::workflow::run_workflow_step(backend, skill, next_step).await?)
    };
    Ok(ReviewCompleted { gate: None, next, evaluation: None })
}

/// The seed's `log_gate_decision`: records `{gate, verdict, choice, at}` on the review step.
pub async fn log_gate_decision(
    backend: &Backend,
    skill: &str,
    gate_no: u8,
    verdict: &str,
    decision: &str,
) -> Result<(), AppError> {
    let step = review_step(gate_no)?;
    if !matches!(verdict, "sufficient" | "mixed" | "insufficient") {
        return Err(AppError::invalid("verdict", "must be sufficient, mixed or insufficient"));
    }
    let name = SkillName::parse(skill)?;
    let at = backend.clock().now_str();
    let json = serde_json::json!({ "gate": gate_no, "verdict": verdict, "choice": decision, "at": at }).to_string();
    tracing::info!(target: "workflow::gate", skill = %name, gate_no, verdict, decision, "gate decision");
    backend.db().record_gate_decision(name.as_str(), step, json).await
}

fn allowed(gate_no: u8, choice: GateChoice) -> bool {
    use GateChoice as G;
    match gate_no {
        1 => matches!(
            choice,
            G::ResearchAnyway
                | G::Skip
                | G::LetMeAnswer
                | G::AutofillAndResearch
                | G::AutofillAndSkip
                | G::ContinueUnevaluated
        ),
        _ => {
            matches!(choice, G::ContinueToDecisions | G::LetMeAnswer | G::AutofillAndContinue | G::ContinueUnevaluated)
        }
    }
}

/// `apply_gate_decision`: record, autofill if chosen, set the statuses, start the next step.
pub async fn apply_gate_decision(
    backend: &Backend,
    skill: &str,
    gate_no: u8,
    choice: GateChoice,
) -> Result<GateApplied, AppError> {
    use GateChoice as G;
    let step = review_step(gate_no)?;
    if !allowed(gate_no, choice) {
        return Err(AppError::invalid("decision", format!("{} is not a choice of gate {gate_no}", choice.as_str())));
    }
    let r: Resolved = resolve(backend, skill).await?;
    require_lock(backend, &r.name).await?;
    let row = backend.db().workflow(r.name.as_str()).await?;
    let statuses = row.statuses();
    if statuses[usize::from(step)] != StepStatus::WaitingForUser {
        return Err(AppError::InvalidStepTransition {
            message: format!("Step {} is not waiting at gate {gate_no}", step + 1),
            statuses: statuses.iter().map(|s| s.as_str().to_string()).collect(),
        });
    }
    require_idle(backend, &r.name).await?;
    let at = backend.clock().now_str();
    let dirs = r.dirs.clone();
    let (verdict, record_at) = (choice.as_str().to_string(), at.clone());
    let verdict_seen = blocking(move || {
        let file = dirs.workspace.join("answer-evaluation.json");
        let Some(text) = read_text(&dirs.workspace, "answer-evaluation.json")? else { return Ok(None) };
        let Ok(mut eval) = parse::<AnswerEvaluation>("answer-evaluation.json", &text) else { return Ok(None) };
        eval.decision = Some(GateChoiceRecord { choice: verdict, at: record_at });
        crate::atomic::write_atomic(&file, to_text(&eval).as_bytes())?;
        Ok(eval.verdict)
    })
    .await?;
    let verdict = verdict_seen.map_or("unevaluated".to_string(), |v| format!("{v:?}").to_lowercase());
    let json =
        serde_json::json!({ "gate": gate_no, "verdict": verdict, "choice": choice.as_str(), "at": at }).to_string();
    tracing::info!(target: "workflow::gate", skill = %r.name, gate_no, choice = choice.as_str(), "gate decision");
    backend.db().record_gate_decision(r.name.as_str(), step, json).await?;
    if choice == G::LetMeAnswer {
        return Ok(GateApplied { filled: 0, started: None });
    }
    let mut filled = 0;
    if matches!(choice, G::AutofillAndResearch | G::AutofillAndSkip | G::AutofillAndContinue) {
        let result = autofill(backend, skill, gate_no == 2).await?;
        filled = result.filled;
        if filled > 0 {
            commit(backend, &r.name, format!("{}: auto-filled {filled} answers", r.name), "autofill").await;
        }
    }
    let done = |step: u8, status: StepStatus| StepUpdate { step, status, run_id: None, error: None };
    let mut updates = vec![done(step, StepStatus::Completed)];
    let next = if matches!(choice, G::Skip | G::AutofillAndSkip) {
        updates.push(done(2, StepStatus::Skipped));
        updates.push(done(3, StepStatus::Skipped));
        4
    } else if gate_no == 1 {
        2
    } else {
        4
    };
    backend.db().set_step_statuses(r.name.as_str(), updates).await?;
    backend.emit(AppEvent::WorkflowChanged { skill_name: r.name.to_string(), step: Some(step), notice: None });
    let started = Some(super::workflow::run_workflow_step(backend, skill, next).await?);
    Ok(GateApplied { filled, started })
}

/// `update_decision`: before step 5 only; marks the decision as the user's.
pub async fn update_decision(
    backend: &Backend,
    skill: &str,
    id: &str,
    patch: DecisionPatch,
) -> Result<Decision, AppError> {
    let r = resolve(backend, skill).await?;
    let row = backend.db().workflow(r.name.as_str()).await?;
    if matches!(row.steps.get(5).map(|s| s.status), Some(StepStatus::Completed | StepStatus::InProgress)) {
        return Err(AppError::InvalidStepTransition {
            message: "Decisions can be edited only before the skill is generated".into(),
            statuses: row.statuses().iter().map(|s| s.as_str().to_string()).collect(),
        });
    }
    if patch.decision.as_deref().is_some_and(|d| d.trim().is_empty() || d.chars().count() > 2000) {
        return Err(AppError::invalid("decision", "must be 1 to 2000 characters"));
    }
    let (dirs, id) = (r.dirs.clone(), id.to_string());
    with_edit_lock(backend, &r.name, async move {
        blocking(move || {
            let text = read_text(&dirs.skill, "context/decisions.json")?
                .ok_or_else(|| AppError::MissingInput { what: "context/decisions.json is missing".into() })?;
            let mut doc = parse::<Decisions>("context/decisions.json", &text).map_err(|e| AppError::MissingInput {
                what: e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            })?;
            let d = doc
                .decisions
                .iter_mut()
                .find(|d| d.id == id)
                .ok_or_else(|| AppError::NotFound { kind: "decision", name: id.clone() })?;
            if let Some(text) = patch.decision {
                d.decision = text;
            }
            if let Some(status) = patch.status {
                d.status = status;
            }
            d.edited_by_user = true;
            let updated = d.clone();
            crate::atomic::write_atomic(&dirs.skill.join("context/decisions.json"), to_text(&doc).as_bytes())?;
            crate::atomic::write_atomic(
                &dirs.skill.join("context/decisions.md"),
                render::decisions_md(&doc).as_bytes(),
            )?;
            Ok(updated)
        })
        .await
    })
    .await
}

const EXPORT_PROFILES: [Profile; 6] =
    [Profile::Library, Profile::Spec, Profile::ClaudeAi, Profile::ClaudeCode, Profile::Codex, Profile::Plugin];

/// `validate_skill`: checkpoint, lint into `context/lint.json`, then the `validate-skill` agent.
pub async fn validate_skill(backend: &Backend, skill: &str) -> Result<AgentHandle, AppError> {
    let r = resolve(backend, skill).await?;
    require_lock(backend, &r.name).await?;
    let dirs = r.dirs.clone();
    let (has_skill, disabled) =
        blocking(move || Ok((dirs.skill.join("SKILL.md").is_file(), disabled_steps(&dirs)?))).await?;
    if !has_skill {
        return Err(AppError::MissingInput { what: "SKILL.md is missing; generate the skill first".into() });
    }
    if disabled.validate_disabled {
        require_enabled(5, &disabled)?;
    }
    require_idle(backend, &r.name).await?;
    backend.git().checkpoint(r.name.as_str(), "validate").await?;
    let dirs = r.dirs.clone();
    blocking(move || {
        for rel in ["context/lint.json", "context/validation.json", "context/validation-report.md"] {
            let _ = std::fs::remove_file(dirs.skill.join(rel));
        }
        let mut profiles = std::collections::BTreeMap::new();
        for profile in EXPORT_PROFILES {
            let report = crate::skill::validate::validate_dir(&dirs.skill, profile)?;
            let key =
                serde_json::to_value(profile).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            profiles.insert(key, report.findings);
        }
        let lint = Lint { schema: Lint::SCHEMA.into(), version: 1, profiles };
        std::fs::create_dir_all(dirs.skill.join("context")).map_err(|e| AppError::io(&dirs.skill, e))?;
        crate::atomic::write_atomic(&dirs.skill.join("context/lint.json"), to_text(&lint).as_bytes())
    })
    .await?;
    start(backend, &r, Task::Validate).await
}
