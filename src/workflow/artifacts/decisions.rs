//! `context/decisions.json`, step 4's output (agents-and-workflow.md §5.9): every answer turned
//! into an explicit decision. `decisions.md` is rendered from it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::load::{Artifact, Problems};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    /// Always `skill-builder/decisions`.
    pub schema: String,
    /// Always 1.
    pub version: u32,
    /// 1 on the first run, +1 per re-run.
    pub round: u32,
    /// True only for the stub written when research found the scope unusable (no decisions).
    #[serde(default)]
    pub scope_recommendation: bool,
    /// True only when two answers cannot both hold; then `contradictions` lists them.
    #[serde(default)]
    pub contradictory_inputs: bool,
    #[serde(default)]
    pub contradictions: Vec<Contradiction>,
    pub decisions: Vec<Decision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contradiction {
    pub ids: Vec<String>,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `D1`, `D2`, … in order.
    pub id: String,
    pub title: String,
    /// Question and refinement ids this decision answers.
    pub sources: Vec<String>,
    pub question: String,
    pub decision: String,
    pub implication: String,
    pub status: DecisionStatus,
    #[serde(default)]
    pub edited_by_user: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    Resolved,
    ConflictResolved,
    NeedsReview,
}

impl DecisionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionStatus::Resolved => "resolved",
            DecisionStatus::ConflictResolved => "conflict_resolved",
            DecisionStatus::NeedsReview => "needs_review",
        }
    }
}

impl Artifact for Decisions {
    const SCHEMA: &'static str = "skill-builder/decisions";

    fn schema_and_version(&self) -> (&str, u32) {
        (&self.schema, self.version)
    }

    fn check(&self, p: &mut Problems) {
        p.check(self.round >= 1, "/round", "1 or more");
        if self.contradictory_inputs {
            p.check(
                !self.contradictions.is_empty(),
                "/contradictions",
                "at least 1 entry when contradictory_inputs is true",
            );
        }
        for (i, c) in self.contradictions.iter().enumerate() {
            p.check(c.ids.len() >= 2, format!("/contradictions/{i}/ids"), "the 2 or more ids that conflict");
            p.text(&c.explanation, 2000, format!("/contradictions/{i}/explanation"));
        }
        if self.scope_recommendation {
            p.check(self.decisions.is_empty(), "/decisions", "no decisions in the scope stub");
        } else {
            p.check(!self.decisions.is_empty(), "/decisions", "at least 1 decision");
        }
        for (i, d) in self.decisions.iter().enumerate() {
            let at = format!("/decisions/{i}");
            let want = format!("D{}", i + 1);
            p.check(d.id == want, format!("{at}/id"), format!("\"{want}\", got \"{}\"", d.id));
            p.text(&d.title, 120, format!("{at}/title"));
            p.check(!d.sources.is_empty(), format!("{at}/sources"), "at least 1 question or refinement id");
            for (j, s) in d.sources.iter().enumerate() {
                let ok = (s.starts_with('Q') || s.starts_with('R')) && s.len() > 1;
                p.check(ok, format!("{at}/sources/{j}"), format!("a Q or R id, got \"{s}\""));
            }
            p.text(&d.question, 2000, format!("{at}/question"));
            p.text(&d.decision, 2000, format!("{at}/decision"));
            p.text(&d.implication, 2000, format!("{at}/implication"));
        }
    }
}

impl Decisions {
    /// Checks that every source names an item of the clarifications (a cross-file rule).
    pub fn check_sources(&self, known: &[String], p: &mut Problems) {
        for (i, d) in self.decisions.iter().enumerate() {
            for (j, s) in d.sources.iter().enumerate() {
                p.check(
                    known.contains(s),
                    format!("/decisions/{i}/sources/{j}"),
                    format!("an existing Q/R id, got \"{s}\""),
                );
            }
        }
    }
}
