//! The answer-evaluator gate's Rust side (agents-and-workflow.md §5.6) and autofill (§5.7):
//! empty answers are classified without the model, the agent's verdicts are merged, checked and
//! counted here, and the verdict is computed by rule, never taken from the model.

use super::artifacts::clarifications::{AnswerSource, Clarifications};
use super::artifacts::evaluation::{AnswerEvaluation, AnswerVerdict, GateName, PerQuestion, tally, verdict_of};
use super::artifacts::{Artifact, ArtifactError, Problems};

pub fn gate_name(gate: u8) -> GateName {
    if gate == 2 { GateName::Refinements } else { GateName::Clarifications }
}

/// `(id, answered)` of the items a gate judges, in document order: questions for gate 1,
/// refinements for gate 2.
pub fn in_scope(doc: &Clarifications, gate: GateName) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    doc.visit(&mut |id, answer, is_r| {
        if is_r == (gate == GateName::Refinements) {
            out.push((id.to_string(), !answer.is_empty()));
        }
    });
    out
}

/// The evaluation when no agent is needed: every answer in scope is empty.
pub fn all_empty(doc: &Clarifications, gate: GateName, now: &str) -> Option<AnswerEvaluation> {
    let scope = in_scope(doc, gate);
    if scope.iter().any(|(_, answered)| *answered) {
        return None;
    }
    aggregate(doc, gate, None, None, now).ok()
}

/// Merges the agent's verdicts (for the answered items) with the pre-classified empty ones,
/// checks that every item in scope appears once, and computes counts and verdict.
pub fn aggregate(
    doc: &Clarifications,
    gate: GateName,
    agent: Option<&AnswerEvaluation>,
    run_id: Option<String>,
    now: &str,
) -> Result<AnswerEvaluation, Vec<ArtifactError>> {
    let mut p = Problems::new("answer-evaluation.json");
    let mut per_question = Vec::new();
    for (id, answered) in in_scope(doc, gate) {
        if !answered {
            per_question.push(PerQuestion { id, verdict: AnswerVerdict::NotAnswered, note: "No answer given.".into() });
            continue;
        }
        match agent.and_then(|a| a.per_question.iter().find(|q| q.id == id)) {
            Some(q) if q.verdict != AnswerVerdict::NotAnswered => per_question.push(q.clone()),
            Some(_) => p.add("/per_question", format!("a verdict other than not_answered for the answered {id}")),
            None => p.add("/per_question", format!("a verdict for {id}")),
        }
    }
    if let Some(agent) = agent {
        p.check(agent.gate == gate, "/gate", format!("{gate:?}").to_lowercase());
        for (i, q) in agent.per_question.iter().enumerate() {
            let known = per_question.iter().any(|mine| mine.id == q.id);
            p.check(known, format!("/per_question/{i}/id"), format!("an answered id in scope, got \"{}\"", q.id));
        }
    }
    p.into_result()?;
    let counts = tally(&per_question);
    let verdict = verdict_of(&counts);
    if let Some(theirs) = agent.and_then(|a| a.agent_verdict).filter(|v| *v != verdict) {
        tracing::info!(target: "workflow::gate", ?theirs, ?verdict, "the evaluator's own verdict differs");
    }
    Ok(AnswerEvaluation {
        schema: AnswerEvaluation::SCHEMA.into(),
        version: 1,
        gate,
        verdict: Some(verdict),
        evaluated_at: Some(now.into()),
        run_id,
        counts: Some(counts),
        reasoning: agent.and_then(|a| a.reasoning.clone()),
        per_question,
        agent_verdict: agent.and_then(|a| a.agent_verdict),
        decision: None,
    })
}

/// Fills every empty answer (questions, or refinements) with its recommendation; returns the ids.
pub fn autofill(doc: &mut Clarifications, refinements: bool, now: &str) -> Vec<String> {
    let targets: Vec<String> =
        in_scope(doc, if refinements { GateName::Refinements } else { GateName::Clarifications })
            .into_iter()
            .filter(|(_, answered)| !answered)
            .map(|(id, _)| id)
            .collect();
    for id in &targets {
        if let Some((answer, rec, _)) = doc.item_mut(id) {
            answer.text = rec.text.clone();
            answer.choice = rec.choice.clone();
            answer.source = AnswerSource::Recommendation;
            answer.updated_at = Some(now.into());
        }
    }
    if !targets.is_empty() {
        doc.revision += 1;
    }
    targets
}
