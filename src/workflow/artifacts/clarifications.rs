//! `context/clarifications.json`: the one source of truth for questions and answers
//! (agents-and-workflow.md §5.9). Step 0 writes it, the reviews answer it, step 2's refinements
//! are merged into it by Rust.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::load::{Artifact, Problems};

pub const MAX_QUESTIONS: usize = 80;
pub const MAX_REFINEMENTS: usize = 5;
pub const MAX_SUB_REFINEMENTS: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clarifications {
    /// Always `skill-builder/clarifications`.
    pub schema: String,
    /// Always 1.
    pub version: u32,
    pub skill: String,
    /// Bumped by every save of answers; a save naming an older revision is refused.
    pub revision: u64,
    pub scope: Scope,
    #[serde(default)]
    pub duplicates_removed: u32,
    pub sections: Vec<Section>,
    #[serde(default)]
    pub needs_clarification: Vec<NeedsClarification>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    pub recommendation: ScopeRecommendation,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub suggested_action: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeRecommendation {
    Ok,
    TooBroad,
    NotRelevant,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Required,
    Optional,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// `Q1`, `Q2`, … in document order.
    pub id: String,
    pub title: String,
    pub priority: Priority,
    pub text: String,
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub consolidated_from: Vec<String>,
    pub recommendation: Recommendation,
    #[serde(default)]
    pub answer: Answer,
    #[serde(default)]
    pub refinements: Vec<Refinement>,
}

/// A follow-up question under a question (`R1.1`) or under a refinement (`R1.1a`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Refinement {
    pub id: String,
    pub title: String,
    pub rationale: String,
    pub choices: Vec<Choice>,
    pub recommendation: Recommendation,
    #[serde(default)]
    pub answer: Answer,
    #[serde(default)]
    pub refinements: Vec<Refinement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// `A`, `B`, … in order.
    pub key: String,
    pub text: String,
    /// The free-text choice; at most one, and last.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub other: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// A choice key, or null.
    pub choice: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub text: String,
    pub choice: Option<String>,
    pub source: AnswerSource,
    pub updated_at: Option<String>,
}

impl Answer {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.choice.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSource {
    #[default]
    None,
    User,
    Recommendation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedsClarification {
    pub kind: ClarificationKind,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClarificationKind {
    Contradiction,
    CriticalGap,
}

impl Artifact for Clarifications {
    const SCHEMA: &'static str = "skill-builder/clarifications";

    fn schema_and_version(&self) -> (&str, u32) {
        (&self.schema, self.version)
    }

    fn check(&self, p: &mut Problems) {
        if self.scope.recommendation != ScopeRecommendation::Ok {
            let has_reason = self.scope.reason.as_deref().is_some_and(|r| !r.trim().is_empty());
            p.check(has_reason, "/scope/reason", "a reason when the scope is not ok");
        }
        let mut n = 0;
        for (s, section) in self.sections.iter().enumerate() {
            p.text(&section.title, 120, format!("/sections/{s}/title"));
            for (q, question) in section.questions.iter().enumerate() {
                n += 1;
                let at = format!("/sections/{s}/questions/{q}");
                let want = format!("Q{n}");
                p.check(
                    question.id == want,
                    format!("{at}/id"),
                    format!("\"{want}\" (ids run Q1…Qn in document order), got \"{}\"", question.id),
                );
                p.text(&question.title, 120, format!("{at}/title"));
                p.text(&question.text, 2000, format!("{at}/text"));
                check_choices(p, &question.choices, &question.recommendation, &at);
                check_answer(p, &question.answer, &question.choices, &at);
                p.check(
                    question.refinements.len() <= MAX_REFINEMENTS,
                    format!("{at}/refinements"),
                    format!("at most {MAX_REFINEMENTS} refinements, got {}", question.refinements.len()),
                );
                check_refinements(p, &question.refinements, &question.id, &format!("{at}/refinements"), 0);
            }
        }
        p.check(n <= MAX_QUESTIONS, "/sections", format!("at most {MAX_QUESTIONS} questions, got {n}"));
        let ok = self.scope.recommendation == ScopeRecommendation::Ok;
        p.check(!ok || n >= 1, "/sections", "at least 1 question when the scope is ok");
        let ids = self.all_ids();
        for (i, item) in self.needs_clarification.iter().enumerate() {
            for (j, id) in item.ids.iter().enumerate() {
                p.check(
                    ids.contains(id),
                    format!("/needs_clarification/{i}/ids/{j}"),
                    format!("an existing id, got \"{id}\""),
                );
            }
        }
    }
}

/// The refinement ids under `parent`: `R{n}.{m}` under `Q{n}`, `R{n}.{m}{a..}` under `R{n}.{m}`.
pub fn child_id(parent: &str, index: usize) -> String {
    match parent.strip_prefix('Q') {
        Some(n) => format!("R{n}.{}", index + 1),
        None => format!("{parent}{}", char::from(b'a' + u8::try_from(index % 26).unwrap_or(0))),
    }
}

fn check_refinements(p: &mut Problems, items: &[Refinement], parent: &str, at: &str, depth: usize) {
    for (i, r) in items.iter().enumerate() {
        let here = format!("{at}/{i}");
        let want = child_id(parent, i);
        p.check(
            r.id == want,
            format!("{here}/id"),
            format!("\"{want}\" (follows its parent {parent}), got \"{}\"", r.id),
        );
        p.text(&r.title, 120, format!("{here}/title"));
        p.text(&r.rationale, 2000, format!("{here}/rationale"));
        check_choices(p, &r.choices, &r.recommendation, &here);
        check_answer(p, &r.answer, &r.choices, &here);
        if depth == 0 {
            p.check(
                r.refinements.len() <= MAX_SUB_REFINEMENTS,
                format!("{here}/refinements"),
                format!("at most {MAX_SUB_REFINEMENTS} sub-refinements, got {}", r.refinements.len()),
            );
            check_refinements(p, &r.refinements, &r.id, &format!("{here}/refinements"), 1);
        } else {
            p.check(r.refinements.is_empty(), format!("{here}/refinements"), "no refinements below a sub-refinement");
        }
    }
}

/// 2–5 choices keyed `A…` in order, at most one `other` (last), texts 1–300; a recommendation
/// naming an existing key (or none) with text 1–1000.
pub fn check_choices(p: &mut Problems, choices: &[Choice], rec: &Recommendation, at: &str) {
    let n = choices.len();
    p.check((2..=5).contains(&n), format!("{at}/choices"), format!("2–5 choices, got {n}"));
    for (i, choice) in choices.iter().enumerate() {
        let key = char::from(b'A' + u8::try_from(i).unwrap_or(25).min(25)).to_string();
        p.check(choice.key == key, format!("{at}/choices/{i}/key"), format!("\"{key}\", got \"{}\"", choice.key));
        p.text(&choice.text, 300, format!("{at}/choices/{i}/text"));
        p.check(!choice.other || i + 1 == n, format!("{at}/choices/{i}/other"), "only the last choice may be `other`");
    }
    if let Some(key) = &rec.choice {
        p.check(
            choices.iter().any(|c| &c.key == key),
            format!("{at}/recommendation/choice"),
            format!("a choice key, got \"{key}\""),
        );
    }
    p.text(&rec.text, 1000, format!("{at}/recommendation/text"));
}

fn check_answer(p: &mut Problems, answer: &Answer, choices: &[Choice], at: &str) {
    if let Some(key) = &answer.choice {
        p.check(
            choices.iter().any(|c| &c.key == key),
            format!("{at}/answer/choice"),
            format!("a choice key, got \"{key}\""),
        );
    }
}

impl Clarifications {
    /// Every question and refinement id, in document order.
    pub fn all_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        self.visit(&mut |id, _, _| ids.push(id.to_string()));
        ids
    }

    /// Calls `f(id, answer, is_refinement)` for every item in document order.
    pub fn visit(&self, f: &mut dyn FnMut(&str, &Answer, bool)) {
        fn walk(items: &[Refinement], f: &mut dyn FnMut(&str, &Answer, bool)) {
            for r in items {
                f(&r.id, &r.answer, true);
                walk(&r.refinements, f);
            }
        }
        for q in self.sections.iter().flat_map(|s| &s.questions) {
            f(&q.id, &q.answer, false);
            walk(&q.refinements, f);
        }
    }

    /// The answer and recommendation of one item, mutable.
    pub fn item_mut(&mut self, id: &str) -> Option<(&mut Answer, &Recommendation, &[Choice])> {
        fn find<'a>(
            items: &'a mut [Refinement],
            id: &str,
        ) -> Option<(&'a mut Answer, &'a Recommendation, &'a [Choice])> {
            for r in items {
                if r.id == id {
                    return Some((&mut r.answer, &r.recommendation, &r.choices));
                }
                if let Some(found) = find(&mut r.refinements, id) {
                    return Some(found);
                }
            }
            None
        }
        for q in self.sections.iter_mut().flat_map(|s| &mut s.questions) {
            if q.id == id {
                return Some((&mut q.answer, &q.recommendation, &q.choices));
            }
            if let Some(found) = find(&mut q.refinements, id) {
                return Some(found);
            }
        }
        None
    }

    /// Renumbers the questions `Q1…Qn` in document order and their refinements after them
    /// (safe right after step 0, when no answers exist yet).
    pub fn renumber(&mut self) {
        fn sub(items: &mut [Refinement], parent: &str) {
            for (i, r) in items.iter_mut().enumerate() {
                r.id = child_id(parent, i);
                let id = r.id.clone();
                sub(&mut r.refinements, &id);
            }
        }
        let mut n = 0;
        for q in self.sections.iter_mut().flat_map(|s| &mut s.questions) {
            n += 1;
            q.id = format!("Q{n}");
            sub(&mut q.refinements, &q.id.clone());
        }
    }

    pub fn refinement_count(&self) -> usize {
        let mut n = 0;
        self.visit(&mut |_, _, is_r| n += usize::from(is_r));
        n
    }
}
