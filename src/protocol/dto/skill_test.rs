//! Skill tester DTOs (agents-and-workflow.md §7.2, skill-format.md R3 and R10).

use serde::{Deserialize, Serialize};
use specta::Type;

use super::agents::AgentHandle;

/// How the skill reaches the "with" agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TestMode {
    /// Copied to `with/.claude/skills/<skill>/`; the agent may invoke it with `Skill`.
    #[default]
    Installed,
    /// The SKILL.md body sits in the harness itself, so the content is tested even when the
    /// description would not trigger.
    Embedded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PrepareResult {
    pub test_id: String,
    pub with_dir: String,
    pub without_dir: String,
}

/// The two agents `start_skill_test` started side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillTestHandles {
    pub with: AgentHandle,
    pub without: AgentHandle,
}

/// One dimension of the evaluator's comparison of plan A (with) and plan B (without).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TestComparison {
    pub dimension: String,
    /// `a_better`, `b_better` or `similar`.
    pub direction: String,
    pub note: String,
}

/// A finished single-prompt test, saved to `WS/<skill>/tests/<testId>.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillTestResult {
    pub test_id: String,
    pub skill_name: String,
    pub prompt: String,
    pub mode: TestMode,
    /// `done`, or `error` when both agents failed.
    pub phase: String,
    pub with_text: String,
    pub without_text: String,
    pub comparisons: Vec<TestComparison>,
    pub recommendations: Vec<String>,
    pub skill_invoked: Option<bool>,
    pub cost_usd: f64,
}

/// Hard cost caps of an eval run (R10); `None` is no cap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CostCaps {
    pub per_run_usd: Option<f64>,
    pub per_skill_usd: Option<f64>,
}

/// One graded assertion of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GradedAssertion {
    pub text: String,
    pub passed: bool,
    pub evidence: String,
}

/// Pass rates of one arm over its runs of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ArmStats {
    pub runs: u32,
    /// Each run's share of passed assertions.
    pub pass_rates: Vec<f64>,
    pub mean: f64,
    /// Sample standard deviation (n − 1); 0 for a single run.
    pub sd: f64,
}

/// One assertion across all runs of both arms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AssertionStats {
    pub text: String,
    pub with_pass_rate: f64,
    pub without_pass_rate: f64,
    /// Passed in every run of both arms: it does not tell the skill's effect (R3).
    pub passes_in_both: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EvalCaseReport {
    pub case_id: String,
    pub prompt: String,
    pub with: ArmStats,
    pub without: ArmStats,
    pub assertions: Vec<AssertionStats>,
}

/// The report of `run_skill_evals`: complete, or stopped at a resumable checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EvalReport {
    pub test_id: String,
    pub skill_name: String,
    pub runs_per_arm: u32,
    /// `complete`, `stopped_budget` (resume continues) or `error`.
    pub status: String,
    pub stop_reason: Option<String>,
    pub caps: CostCaps,
    pub spent_usd: f64,
    pub trials_done: u32,
    pub trials_total: u32,
    pub cases: Vec<EvalCaseReport>,
}
