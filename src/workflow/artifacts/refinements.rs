//! `context/refinements.json`, step 2's only output (agents-and-workflow.md §5.9). Rust checks
//! the parents and ids and merges it into `clarifications.json`; the agent never rewrites that
//! file, so it cannot clobber answers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::clarifications::{Answer, Choice, Clarifications, Recommendation, Refinement, check_choices, child_id};
use super::load::{Artifact, Problems};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Refinements {
    /// Always `skill-builder/refinements`.
    pub schema: String,
    /// Always 1.
    pub version: u32,
    /// Why nothing needs refining; requires an empty list.
    pub none_needed_reason: Option<String>,
    pub refinements: Vec<ProposedRefinement>,
}

/// A refinement as the agent proposes it: no `answer` (Rust initialises it). Top-level entries
/// name their `parent` question; nested ones (`R1.1a`) do not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposedRefinement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub id: String,
    pub title: String,
    pub rationale: String,
    pub choices: Vec<Choice>,
    pub recommendation: Recommendation,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refinements: Vec<ProposedRefinement>,
}

impl Artifact for Refinements {
    const SCHEMA: &'static str = "skill-builder/refinements";

    fn schema_and_version(&self) -> (&str, u32) {
        (&self.schema, self.version)
    }

    fn check(&self, p: &mut Problems) {
        if self.none_needed_reason.is_some() {
            p.check(self.refinements.is_empty(), "/refinements", "an empty list when none_needed_reason is set");
        }
        let mut per_parent: std::collections::BTreeMap<&str, usize> = Default::default();
        for (i, r) in self.refinements.iter().enumerate() {
            let at = format!("/refinements/{i}");
            let Some(parent) = r.parent.as_deref() else {
                p.add(format!("{at}/parent"), "the id of the question this refines");
                continue;
            };
            p.check(is_question_id(parent), format!("{at}/parent"), format!("a question id (Q…), got \"{parent}\""));
            let index = per_parent.entry(parent).or_default();
            check_one(p, r, &child_id(parent, *index), &at, 0);
            *index += 1;
        }
    }
}

fn is_question_id(id: &str) -> bool {
    id.strip_prefix('Q').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn check_one(p: &mut Problems, r: &ProposedRefinement, want: &str, at: &str, depth: usize) {
    p.check(r.id == want, format!("{at}/id"), format!("\"{want}\", got \"{}\"", r.id));
    p.text(&r.title, 120, format!("{at}/title"));
    p.text(&r.rationale, 2000, format!("{at}/rationale"));
    check_choices(p, &r.choices, &r.recommendation, at);
    if depth > 0 {
        p.check(r.parent.is_none(), format!("{at}/parent"), "no parent on a sub-refinement");
    }
    let limit = if depth == 0 { 3 } else { 0 };
    p.check(r.refinements.len() <= limit, format!("{at}/refinements"), format!("at most {limit} sub-refinements"));
    for (i, sub) in r.refinements.iter().enumerate() {
        check_one(p, sub, &child_id(&r.id, i), &format!("{at}/refinements/{i}"), depth + 1);
    }
}

impl Refinements {
    /// Replaces every earlier refinement of `doc` with these, under their parents. Fails with
    /// located errors when a parent does not exist or a question would exceed its limit.
    pub fn merge_into(&self, file: &str, doc: &mut Clarifications) -> Result<(), Vec<super::ArtifactError>> {
        let mut p = Problems::new(file);
        for (i, r) in self.refinements.iter().enumerate() {
            let parent = r.parent.as_deref().unwrap_or_default();
            let exists = doc.sections.iter().flat_map(|s| &s.questions).any(|q| q.id == parent);
            p.check(
                exists,
                format!("/refinements/{i}/parent"),
                format!("an existing question, \"{parent}\" is not one"),
            );
        }
        p.into_result()?;
        for q in doc.sections.iter_mut().flat_map(|s| &mut s.questions) {
            q.refinements = self.refinements.iter().filter(|r| r.parent.as_deref() == Some(&q.id)).map(adopt).collect();
        }
        super::load::parse::<Clarifications>("context/clarifications.json", &super::load::to_text(doc)).map(|_| ())
    }
}

fn adopt(r: &ProposedRefinement) -> Refinement {
    Refinement {
        id: r.id.clone(),
        title: r.title.clone(),
        rationale: r.rationale.clone(),
        choices: r.choices.clone(),
        recommendation: r.recommendation.clone(),
        answer: Answer::default(),
        refinements: r.refinements.iter().map(adopt).collect(),
    }
}
