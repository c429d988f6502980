//! Validate's files (agents-and-workflow.md §5.9): `context/lint.json`, written by Rust from the
//! deterministic validator, and `context/validation.json`, the `validate-skill` agent's
//! judgement. Also the research plan's front-matter and `evals/evals.json`, the two non-JSON-
//! contract outputs that verification reads.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::load::{Artifact, Problems};
use crate::protocol::validation::Finding;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Validation {
    /// Always `skill-builder/validation`.
    pub schema: String,
    /// Always 1.
    pub version: u32,
    pub coverage: Vec<Coverage>,
    pub quality: Vec<Quality>,
    /// Five realistic prompts.
    pub test_prompts: Vec<TestPrompt>,
    #[serde(default)]
    pub companions: Vec<Companion>,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub decision_id: String,
    pub covered_in: Vec<CoveredIn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoveredIn {
    pub file: String,
    pub section: String,
}

/// Scores 1–5 per file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quality {
    pub file: String,
    pub actionability: u8,
    pub specificity: u8,
    pub domain_depth: u8,
    pub self_containment: u8,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestPrompt {
    pub prompt: String,
    pub category: String,
    pub result: PromptResult,
    pub evidence: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PromptResult {
    Pass,
    Partial,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Companion {
    pub name: String,
    pub slug: String,
    pub skill_type: String,
    pub reason: String,
    pub priority: CompanionPriority,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CompanionPriority {
    High,
    Medium,
    Low,
}

impl Artifact for Validation {
    const SCHEMA: &'static str = "skill-builder/validation";

    fn schema_and_version(&self) -> (&str, u32) {
        (&self.schema, self.version)
    }

    fn check(&self, p: &mut Problems) {
        for (i, q) in self.quality.iter().enumerate() {
            for (name, score) in [
                ("actionability", q.actionability),
                ("specificity", q.specificity),
                ("domain_depth", q.domain_depth),
                ("self_containment", q.self_containment),
            ] {
                p.check(
                    (1..=5).contains(&score),
                    format!("/quality/{i}/{name}"),
                    format!("a score of 1–5, got {score}"),
                );
            }
        }
        let n = self.test_prompts.len();
        p.check(n == 5, "/test_prompts", format!("5 test prompts, got {n}"));
        p.text(&self.summary, 4000, "/summary");
    }
}

/// `context/lint.json`: the validator's findings per profile, with their `SB` rule ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lint {
    pub schema: String,
    pub version: u32,
    pub profiles: std::collections::BTreeMap<String, Vec<Finding>>,
}

impl Artifact for Lint {
    const SCHEMA: &'static str = "skill-builder/lint";

    fn schema_and_version(&self) -> (&str, u32) {
        (&self.schema, self.version)
    }

    fn check(&self, _p: &mut Problems) {}
}

/// `evals/evals.json` (skill-format.md §1.1): runnable cases for the skill tester.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evals {
    pub skill_name: String,
    pub evals: Vec<EvalCase>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvalCase {
    pub id: u32,
    pub prompt: String,
    pub expected_output: String,
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default)]
    pub assertions: Vec<String>,
}

impl Artifact for Evals {
    // evals.json has no schema field of ours (its format is shared with other tools).
    const SCHEMA: &'static str = "";
    const VERSION: u32 = 0;

    fn schema_and_version(&self) -> (&str, u32) {
        ("", 0)
    }

    fn check(&self, p: &mut Problems) {
        for (i, case) in self.evals.iter().enumerate() {
            p.text(&case.prompt, 20_000, format!("/evals/{i}/prompt"));
        }
    }
}

/// Checks the research plan's front-matter (the only part of it that is machine-read).
pub fn check_research_plan(text: &str, p: &mut Problems) {
    let fm = match crate::skill::frontmatter::parse(text) {
        Ok(fm) => fm,
        Err(err) => return p.add("", format!("a front-matter block ({err})")),
    };
    p.check(fm.text("schema") == Some("skill-builder/research-plan"), "/schema", "\"skill-builder/research-plan\"");
    p.check(fm.get("version").and_then(|v| v.as_i64()) == Some(1), "/version", "1");
    let relevance = fm.text("topic_relevance");
    p.check(
        matches!(relevance, Some("relevant" | "not_relevant")),
        "/topic_relevance",
        "\"relevant\" or \"not_relevant\"",
    );
    for key in ["dimensions_evaluated", "dimensions_selected"] {
        p.check(fm.get(key).and_then(|v| v.as_i64()).is_some_and(|n| n >= 0), format!("/{key}"), "a count");
    }
}
