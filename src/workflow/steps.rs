//! The step table (agents-and-workflow.md §5.1, §6.3): names, agents, outputs, tools and limits.

use crate::protocol::AppError;

/// Validate is an action after step 5, not a step row; it uses this id where a step id is needed.
pub const VALIDATE: u8 = 6;

pub struct StepDef {
    pub id: u8,
    pub name: &'static str,
    /// The agent (file stem under `agent-sources/agents/`), `None` for the human reviews.
    pub agent: Option<&'static str>,
    /// Skill-relative outputs the agent writes (a trailing `/` is a folder).
    pub outputs: &'static [&'static str],
    /// Skill-relative files Rust renders after the agent (part of the step's output).
    pub rendered: &'static [&'static str],
    /// The run brief's `inputs:` line.
    pub inputs: &'static [&'static str],
    /// The schema file the agent writes against.
    pub schema: Option<&'static str>,
    pub tools: &'static [&'static str],
    pub max_turns: u32,
}

const RESEARCH_TOOLS: &[&str] = &["Read", "Write", "Glob", "Grep", "Skill", "Agent"];

pub const STEPS: [StepDef; 7] = [
    StepDef {
        id: 0,
        name: "Research",
        agent: Some("research-orchestrator"),
        outputs: &["context/research-plan.md", "context/clarifications.json"],
        rendered: &["context/clarifications.md"],
        inputs: &[],
        schema: Some("clarifications.schema.json"),
        tools: RESEARCH_TOOLS,
        max_turns: 50,
    },
    StepDef {
        id: 1,
        name: "Review",
        agent: None,
        outputs: &[],
        rendered: &[],
        inputs: &["context/clarifications.json"],
        schema: None,
        tools: &[],
        max_turns: 0,
    },
    StepDef {
        id: 2,
        name: "Detailed Research",
        agent: Some("detailed-research"),
        outputs: &["context/refinements.json"],
        rendered: &[],
        inputs: &["context/clarifications.json", "{workspace_dir}/answer-evaluation.json"],
        schema: Some("refinements.schema.json"),
        tools: RESEARCH_TOOLS,
        max_turns: 50,
    },
    StepDef {
        id: 3,
        name: "Review",
        agent: None,
        outputs: &[],
        rendered: &[],
        inputs: &["context/clarifications.json"],
        schema: None,
        tools: &[],
        max_turns: 0,
    },
    StepDef {
        id: 4,
        name: "Confirm Decisions",
        agent: Some("confirm-decisions"),
        outputs: &["context/decisions.json"],
        rendered: &["context/decisions.md"],
        inputs: &["context/clarifications.json", "context/research-plan.md"],
        schema: Some("decisions.schema.json"),
        tools: &["Read", "Write", "Glob", "Grep"],
        max_turns: 100,
    },
    StepDef {
        id: 5,
        name: "Generate Skill",
        agent: Some("generate-skill"),
        outputs: &["SKILL.md", "references/", "evals/"],
        rendered: &[],
        inputs: &["context/decisions.json", "context/clarifications.json"],
        schema: Some("evals.schema.json"),
        tools: &["Read", "Write", "Edit", "Glob", "Grep", "Skill", "Agent"],
        max_turns: 120,
    },
    StepDef {
        id: VALIDATE,
        name: "Validate",
        agent: Some("validate-skill"),
        outputs: &["context/validation.json"],
        rendered: &["context/validation-report.md"],
        inputs: &["SKILL.md", "context/decisions.json", "context/lint.json"],
        schema: Some("validation.schema.json"),
        tools: RESEARCH_TOOLS,
        max_turns: 60,
    },
];

/// The gate's agent (§5.6).
pub const GATE_AGENT: &str = "answer-evaluator";

pub fn step(id: u8) -> Result<&'static StepDef, AppError> {
    STEPS.get(usize::from(id)).filter(|s| s.id != VALIDATE).ok_or_else(|| AppError::invalid("step", "must be 0 to 5"))
}

/// Steps an agent runs (0, 2, 4, 5).
pub fn agent_step(id: u8) -> Result<&'static StepDef, AppError> {
    step(id).and_then(|s| {
        if s.agent.is_some() { Ok(s) } else { Err(AppError::invalid("step", "must be an agent step: 0, 2, 4 or 5")) }
    })
}

pub fn validate_def() -> &'static StepDef {
    &STEPS[usize::from(VALIDATE)]
}
