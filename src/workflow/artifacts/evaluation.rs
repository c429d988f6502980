//! `WS/{skill}/answer-evaluation.json`, the answer-evaluator gate's file (agents-and-workflow.md
//! §5.6, §5.9). The agent writes only the per-question verdicts; Rust merges the pre-classified
//! empty answers, recomputes the counts and the verdict, and rewrites the file canonically.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::load::{Artifact, Problems};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerEvaluation {
    /// Always `skill-builder/answer-evaluation`.
    pub schema: String,
    /// Always 1.
    pub version: u32,
    pub gate: GateName,
    /// Written by Rust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Written by Rust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluated_at: Option<String>,
    /// Written by Rust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Written by Rust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<Counts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<String>,
    pub per_question: Vec<PerQuestion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_verdict: Option<Verdict>,
    /// Written by Rust when the user decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<GateChoiceRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum GateName {
    Clarifications,
    Refinements,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Sufficient,
    Mixed,
    Insufficient,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum AnswerVerdict {
    Clear,
    NeedsRefinement,
    Vague,
    NotAnswered,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerQuestion {
    pub id: String,
    pub verdict: AnswerVerdict,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub total: u32,
    pub clear: u32,
    pub needs_refinement: u32,
    pub vague: u32,
    pub not_answered: u32,
    pub answered: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GateChoiceRecord {
    pub choice: String,
    pub at: String,
}

impl Artifact for AnswerEvaluation {
    const SCHEMA: &'static str = "skill-builder/answer-evaluation";

    fn schema_and_version(&self) -> (&str, u32) {
        (&self.schema, self.version)
    }

    fn check(&self, p: &mut Problems) {
        let mut seen = std::collections::BTreeSet::new();
        for (i, q) in self.per_question.iter().enumerate() {
            p.check(
                seen.insert(q.id.as_str()),
                format!("/per_question/{i}/id"),
                format!("each id once, \"{}\" repeats", q.id),
            );
        }
        if let Some(counts) = self.counts {
            p.check(counts == tally(&self.per_question), "/counts", "counts that match the per-question verdicts");
        }
    }
}

/// Counts derived from the verdicts (never trusted from the file).
pub fn tally(items: &[PerQuestion]) -> Counts {
    let mut c = Counts::default();
    for q in items {
        c.total += 1;
        match q.verdict {
            AnswerVerdict::Clear => c.clear += 1,
            AnswerVerdict::NeedsRefinement => c.needs_refinement += 1,
            AnswerVerdict::Vague => c.vague += 1,
            AnswerVerdict::NotAnswered => c.not_answered += 1,
        }
    }
    c.answered = c.clear + c.needs_refinement;
    c
}

/// §5.6: sufficient when nothing is empty or vague, insufficient when under a quarter is usable.
pub fn verdict_of(c: &Counts) -> Verdict {
    if c.not_answered + c.vague == 0 {
        Verdict::Sufficient
    } else if 4 * c.answered < c.total {
        Verdict::Insufficient
    } else {
        Verdict::Mixed
    }
}
