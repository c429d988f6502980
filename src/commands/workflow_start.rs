//! Shared by the workflow commands: resolving a skill's folders, the preconditions of
//! backend.md §3.2 ([SKILL][SP][LOCK][IDLE]), the disabled steps (§5.8) and starting a step,
//! gate or Validate agent with its brief, prompt, tools and paths (§5.3 steps 2–4, §6).

use std::path::PathBuf;

use super::agent::{base_config, preflight};
use super::blocking;
use crate::Backend;
use crate::actors::db::StepUpdate;
use crate::actors::sidecar::AgentSpec;
use crate::actors::workflow::{Task, WatchEntry};
use crate::protocol::sidecar::{AgentKind, MockPaths};
use crate::protocol::*;
use crate::workflow::artifacts::clarifications::{Clarifications, ScopeRecommendation};
use crate::workflow::artifacts::decisions::Decisions;
use crate::workflow::artifacts::parse;
use crate::workflow::brief::{self, UserContext};
use crate::workflow::finish::SkillMeta;
use crate::workflow::steps::{GATE_AGENT, StepDef, VALIDATE};
use crate::workflow::verify::{SkillDirs, read_text};
use crate::workflow::{sources, steps};

/// Thinking budget of every workflow agent but the evaluator, when extended thinking is on (§6.3).
const THINKING_TOKENS: u32 = 16_000;

/// A Skill Builder skill with its folders: [SKILL] and [SP].
pub struct Resolved {
    pub name: SkillName,
    pub dirs: SkillDirs,
    pub summary: SkillSummary,
}

pub async fn resolve(backend: &Backend, skill: &str) -> Result<Resolved, AppError> {
    let name = SkillName::parse(skill)?;
    let summary = backend.db().get_skill(name.as_str()).await?;
    if summary.source != SkillSource::SkillBuilder {
        return Err(AppError::NotSupported(format!(
            "'{name}' was not built with Skill Builder, so it has no workflow"
        )));
    }
    let root = backend.skills_path().await?;
    let dirs = SkillDirs {
        name: name.to_string(),
        skill: root.join(name.as_str()),
        workspace: backend.paths().workspace.join(name.as_str()),
    };
    Ok(Resolved { name, dirs, summary })
}

/// [LOCK]: this instance holds the skill's lock.
pub async fn require_lock(backend: &Backend, name: &SkillName) -> Result<(), AppError> {
    let lock = backend.db().check_lock(name.as_str()).await?;
    if lock.state == LockState::Mine {
        return Ok(());
    }
    Err(match lock.holder {
        Some(holder) => AppError::SkillLocked { skill: name.to_string(), holder },
        None => AppError::LockRequired { skill: name.to_string() },
    })
}

/// [IDLE] for the workflow: no step, gate or Validate agent of the skill runs.
pub async fn require_idle(backend: &Backend, name: &SkillName) -> Result<(), AppError> {
    let active = backend.sidecars().list_active().await?;
    let busy = active
        .iter()
        .find(|a| a.skill_name.as_deref() == Some(name.as_str()) && a.kind.exclusivity_group() == "workflow");
    if let Some(agent) = busy {
        return Err(AppError::AgentBusy { agent_id: agent.agent_id.clone() });
    }
    if backend.workflow().watch().busy(name.as_str()) {
        return Err(AppError::AgentBusy { agent_id: "workflow".into() });
    }
    Ok(())
}

/// §5.8, from the JSON artifacts only.
pub fn disabled_steps(dirs: &SkillDirs) -> Result<DisabledSteps, AppError> {
    if let Some(text) = read_text(&dirs.skill, "context/clarifications.json")?
        && let Ok(doc) = parse::<Clarifications>("context/clarifications.json", &text)
        && doc.scope.recommendation != ScopeRecommendation::Ok
    {
        let reason = doc.scope.reason.unwrap_or_default();
        return Ok(DisabledSteps {
            steps: vec![2, 3, 4, 5],
            validate_disabled: true,
            reason: Some(format!(
                "Research found the scope too broad: {reason}. Reset to Research and narrow the skill, or create a narrower one."
            )),
        });
    }
    if let Some(text) = read_text(&dirs.skill, "context/decisions.json")?
        && let Ok(doc) = parse::<Decisions>("context/decisions.json", &text)
        && doc.contradictory_inputs
    {
        let pairs: Vec<String> = doc.contradictions.iter().map(|c| c.ids.join(" vs ")).collect();
        return Ok(DisabledSteps {
            steps: vec![5],
            validate_disabled: true,
            reason: Some(format!(
                "Decisions contain contradictions ({}). Reset to the second Review and revise those answers.",
                pairs.join(", ")
            )),
        });
    }
    Ok(DisabledSteps::default())
}

/// The step's outputs that exist (a folder counts when it holds anything).
pub fn existing_outputs(dirs: &SkillDirs, def: &StepDef) -> Vec<String> {
    def.outputs
        .iter()
        .chain(def.rendered)
        .filter(|rel| {
            let path = dirs.skill.join(rel.trim_end_matches('/'));
            if rel.ends_with('/') {
                std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_some())
            } else {
                path.exists()
            }
        })
        .map(|s| s.to_string())
        .collect()
}

fn meta_of(summary: &SkillSummary, row: &crate::actors::db::WorkflowRow, author: Option<String>) -> SkillMeta {
    SkillMeta {
        skill_type: summary.skill_type.clone(),
        domain: summary.domain.clone(),
        tags: summary.tags.clone(),
        version: row.version.clone(),
        author: row.author_login.clone().or(author),
        argument_hint: row.argument_hint.clone(),
        user_invocable: row.user_invocable,
        disable_model_invocation: row.disable_model_invocation,
        model: row.model.clone(),
    }
}

fn mock_env(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.is_empty())
}

/// Starts the agent of `task`. A step is `in_progress` before the agent starts (its result may
/// come at once) and goes back to what it was when the start fails.
pub async fn start(backend: &Backend, r: &Resolved, task: Task) -> Result<AgentHandle, AppError> {
    let (def, kind, label, agent_name): (&StepDef, AgentKind, String, &str) = match task {
        Task::Step(s) => {
            let def = steps::agent_step(s)?;
            (def, AgentKind::WorkflowStep, format!("step{s}"), def.agent.unwrap_or_default())
        }
        Task::Gate(g) => (steps::step(1)?, AgentKind::Gate, format!("gate{g}"), GATE_AGENT),
        Task::Validate => (steps::validate_def(), AgentKind::Validate, "validate".into(), "validate-skill"),
    };
    let settings = backend.db().settings().await?;
    let row = backend.db().workflow(r.name.as_str()).await?;
    let workspace = backend.paths().workspace.clone();
    let runtime = preflight(backend, workspace.clone()).await?;
    let context = UserContext::new(
        settings.industry.as_deref(),
        settings.function_role.as_deref(),
        row.intake_json.as_deref().and_then(|j| serde_json::from_str(j).ok()).as_ref(),
    );
    let claude_dir = workspace.join(".claude");
    let (dirs, ctx_md, agent) = (r.dirs.clone(), context.markdown(), agent_name.to_string());
    let make_folders = matches!(task, Task::Step(5));
    let system_prompt = blocking(move || {
        for dir in [dirs.skill.join("context"), dirs.workspace.clone()] {
            std::fs::create_dir_all(&dir).map_err(|e| AppError::io(&dir, e))?;
        }
        if make_folders {
            for folder in ["references", "evals"] {
                let dir = dirs.skill.join(folder);
                std::fs::create_dir_all(&dir).map_err(|e| AppError::io(&dir, e))?;
            }
        }
        sources::deploy(&claude_dir, false)?;
        let file = dirs.workspace.join("user-context.md");
        match ctx_md {
            Some(text) => crate::atomic::write_atomic(&file, text.as_bytes())?,
            None => {
                let _ = std::fs::remove_file(&file);
            }
        }
        sources::system_prompt(&claude_dir, &agent)
    })
    .await?;

    let step_no = match task {
        Task::Step(s) => s,
        Task::Gate(g) => g,
        Task::Validate => VALIDATE,
    };
    let skill_dir = r.dirs.skill.display().to_string();
    let ws_dir = r.dirs.workspace.display().to_string();
    let inputs: Vec<String> = def.inputs.iter().map(|i| i.replace("{workspace_dir}", &ws_dir)).collect();
    let (outputs, schema): (Vec<String>, Option<&str>) = match task {
        Task::Gate(_) => (vec![format!("{ws_dir}/answer-evaluation.json")], Some("answer-evaluation.schema.json")),
        _ => (def.outputs.iter().map(|s| s.to_string()).collect(), def.schema),
    };
    let mut fields: Vec<(&str, String)> = vec![
        ("agent", agent_name.to_string()),
        ("step", step_no.to_string()),
        ("skill_name", r.name.to_string()),
        ("skill_type", r.summary.skill_type.clone()),
        ("domain", r.summary.domain.clone().unwrap_or_default()),
        ("description", r.summary.description.clone().unwrap_or_default()),
        ("context_dir", format!("{skill_dir}/context")),
        ("skill_dir", skill_dir.clone()),
        ("workspace_dir", ws_dir.clone()),
        ("today", backend.clock().now().format("%Y-%m-%d").to_string()),
        ("max_research_dimensions", settings.max_dimensions.to_string()),
        ("inputs", inputs.join(", ")),
        ("outputs", outputs.join(", ")),
    ];
    if let Task::Gate(g) = task {
        fields.push(("gate", if g == 2 { "refinements".into() } else { "clarifications".into() }));
    }
    if let Some(schema) = schema {
        fields.push(("schemas", claude_dir_schema(&workspace, schema)));
    }
    let task_text = match task {
        Task::Step(s) => {
            format!("Run step {s} as described in your instructions. Write only the files listed under outputs.")
        }
        Task::Gate(_) => "Evaluate the answers in scope. Write only the file listed under outputs.".into(),
        Task::Validate => "Validate the skill. Write only the file listed under outputs.".into(),
    };
    let prompt = brief::build(&fields, &context, &[], &task_text);

    let model_alias = if kind == AgentKind::Gate { "haiku" } else { settings.preferred_model.as_str() };
    let mut config = base_config(&runtime, kind, &label, prompt, model_alias);
    config.agent_name = None;
    config.system_prompt_append = Some(system_prompt);
    config.tools = def.tools.iter().map(|t| t.to_string()).collect();
    if kind == AgentKind::Gate {
        config.tools = vec!["Read".into(), "Write".into()];
    }
    config.max_turns = if kind == AgentKind::Gate { 20 } else { def.max_turns };
    config.readable_roots = vec![
        format!("{skill_dir}/"),
        format!("{ws_dir}/"),
        format!("{}/.claude/skills/", workspace.display()),
        format!("{}/.claude/schemas/", workspace.display()),
    ];
    config.writable_paths =
        outputs.iter().map(|o| if o.starts_with('/') { o.clone() } else { format!("{skill_dir}/{o}") }).collect();
    if settings.extended_thinking && kind != AgentKind::Gate {
        config.max_thinking_tokens = Some(THINKING_TOKENS);
    }
    if let Some(mock) = config.mock.as_mut() {
        mock.paths = serde_json::to_value(MockPaths {
            skill_dir: Some(skill_dir.clone()),
            context_dir: Some(format!("{skill_dir}/context")),
            workspace_dir: Some(ws_dir.clone()),
        })
        .ok();
        mock.delay_ms = mock_env("SKILL_BUILDER_MOCK_DELAY_MS").and_then(|v| v.parse().ok());
        mock.fail = mock_env("SKILL_BUILDER_MOCK_FAIL")
            .filter(|f| mock_fault_applies(f, &label))
            .map(|f| f.split('@').next().unwrap_or_default().to_string());
    }

    let session = backend.db().create_session(r.name.as_str(), SessionKind::Workflow).await?;
    let agent_id = format!("ag-{}", uuid::Uuid::now_v7());
    let author = settings.github_user_login.clone();
    backend.workflow().watch().add(
        &agent_id,
        WatchEntry {
            task,
            dirs: r.dirs.clone(),
            meta: meta_of(&r.summary, &row, author),
            session_id: Some(session.session_id.clone()),
            repaired: false,
        },
    );
    let before = match task {
        Task::Step(s) => {
            let prev = row.steps.get(usize::from(s)).cloned();
            let update = StepUpdate { step: s, status: StepStatus::InProgress, run_id: None, error: None };
            backend.db().set_step_statuses(r.name.as_str(), vec![update]).await?;
            prev
        }
        _ => None,
    };
    let spec = AgentSpec {
        agent_id: agent_id.clone(),
        kind,
        skill: Some(r.name.to_string()),
        step: match task {
            Task::Step(s) => Some(s),
            Task::Gate(g) => Some(if g == 2 { 3 } else { 1 }),
            Task::Validate => None,
        },
        workflow_session_id: Some(session.session_id.clone()),
        config,
        api_key: runtime.launch.api_key.clone(),
        transcript_dir: Some(workspace.join("logs").join(r.name.as_str())),
        cwd: workspace,
        claude_config_dir: runtime.launch.claude_config_dir.clone(),
        mock: runtime.mock,
    };
    let limit = runtime.limit;
    match backend.sidecars().start_agent(spec, runtime.launch, limit).await {
        // The hook records the run id with the step's outcome (the result may already be in).
        Ok(handle) => Ok(handle),
        Err(err) => {
            backend.workflow().watch().remove(&agent_id);
            let _ = backend.db().end_session(&session.session_id).await;
            if let (Task::Step(s), Some(prev)) = (task, before) {
                let error = prev.error_category.zip(prev.error_message);
                let update = StepUpdate { step: s, status: prev.status, run_id: None, error };
                let _ = backend.db().set_step_statuses(r.name.as_str(), vec![update]).await;
            }
            Err(err)
        }
    }
}

fn claude_dir_schema(workspace: &std::path::Path, schema: &str) -> String {
    let path: PathBuf = workspace.join(".claude/schemas").join(schema);
    path.display().to_string()
}

/// `SKILL_BUILDER_MOCK_FAIL` may name one agent: `invalid_output@step0` applies to step 0 only.
fn mock_fault_applies(fail: &str, label: &str) -> bool {
    match fail.split_once('@') {
        Some((_, target)) => target == label,
        None => true,
    }
}
