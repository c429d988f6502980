//! Workflow Execution types (backend.md §3.5, agents-and-workflow.md §5).

use serde::{Deserialize, Serialize};
use specta::Type;

use super::agents::AgentHandle;

/// A stored step status (§5.2); *disabled* is derived, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Pending,
    InProgress,
    WaitingForUser,
    Completed,
    Skipped,
    Error,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::InProgress => "in_progress",
            StepStatus::WaitingForUser => "waiting_for_user",
            StepStatus::Completed => "completed",
            StepStatus::Skipped => "skipped",
            StepStatus::Error => "error",
        }
    }

    pub fn parse(text: &str) -> StepStatus {
        match text {
            "in_progress" => StepStatus::InProgress,
            "waiting_for_user" => StepStatus::WaitingForUser,
            "completed" => StepStatus::Completed,
            "skipped" => StepStatus::Skipped,
            "error" => StepStatus::Error,
            _ => StepStatus::Pending,
        }
    }

    /// Completed or skipped: later steps may start.
    pub fn is_done(self) -> bool {
        matches!(self, StepStatus::Completed | StepStatus::Skipped)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StepState {
    pub step: u8,
    pub name: String,
    pub status: StepStatus,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub last_run_id: Option<String>,
    pub error_category: Option<String>,
    pub error_message: Option<String>,
    pub gate_decision: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowState {
    pub skill_name: String,
    /// `pending`, `in_progress` or `completed` (step 5 completed).
    pub status: String,
    pub steps: Vec<StepState>,
    /// The first step neither completed nor skipped; 6 when all are.
    pub current_step: u8,
    pub selected_step: Option<u8>,
    pub disabled: DisabledSteps,
    pub active_agent: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DisabledSteps {
    pub steps: Vec<u8>,
    pub validate_disabled: bool,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FileCheck {
    pub path: String,
    pub bytes: u32,
    pub exists: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StepVerification {
    /// 0–5, or 6 for Validate.
    pub step_id: u8,
    pub ok: bool,
    pub files: Vec<FileCheck>,
    pub missing: Vec<String>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResetEdit {
    pub path: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResetStepPlan {
    pub step: u8,
    pub name: String,
    /// Paths relative to the skill folder; `WS/` marks the workspace's skill folder.
    pub delete: Vec<String>,
    pub edit: Vec<ResetEdit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResetPreview {
    pub target: u8,
    pub checkpoint: bool,
    pub agents_to_stop: Vec<String>,
    pub steps: Vec<ResetStepPlan>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResetReport {
    pub checkpoint_sha: Option<String>,
    pub deleted: Vec<String>,
    pub edited: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GateStart {
    pub agent: Option<AgentHandle>,
    /// The evaluation, when no agent was needed (every answer empty).
    pub evaluation: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AutofillResult {
    pub filled: u32,
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AnswerInput {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub choice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedAnswers {
    pub revision: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ReviewCompleted {
    pub gate: Option<AgentHandle>,
    pub next: Option<AgentHandle>,
    /// The gate's evaluation when it needed no agent.
    pub evaluation: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecisionPatch {
    pub decision: Option<String>,
    pub status: Option<crate::workflow::artifacts::decisions::DecisionStatus>,
}

/// The user's choice at a gate (§5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum GateChoice {
    ResearchAnyway,
    Skip,
    LetMeAnswer,
    AutofillAndResearch,
    AutofillAndSkip,
    ContinueToDecisions,
    AutofillAndContinue,
    ContinueUnevaluated,
}

impl GateChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            GateChoice::ResearchAnyway => "research_anyway",
            GateChoice::Skip => "skip",
            GateChoice::LetMeAnswer => "let_me_answer",
            GateChoice::AutofillAndResearch => "autofill_and_research",
            GateChoice::AutofillAndSkip => "autofill_and_skip",
            GateChoice::ContinueToDecisions => "continue_to_decisions",
            GateChoice::AutofillAndContinue => "autofill_and_continue",
            GateChoice::ContinueUnevaluated => "continue_unevaluated",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GateApplied {
    pub filled: u32,
    pub started: Option<AgentHandle>,
}
