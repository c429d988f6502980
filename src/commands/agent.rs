//! Agent Lifecycle commands: start the agents the UI may start, stop and list them.
//!
//! Preflight happens here, before any process exists: Node, the sidecar bundle, Claude Code
//! and the API key are resolved, and each missing piece is a runtime error code with a fix.

use std::path::PathBuf;

use crate::Backend;
use crate::actors::sidecar::{AgentSpec, LaunchSpec, transcript};
use crate::protocol::models::{mock_model, resolve_model};
use crate::protocol::sidecar::kinds::PermissionMode;
use crate::protocol::sidecar::{AgentKind, MockConfig, SidecarConfig};
use crate::protocol::*;
use crate::resources;
use crate::secrets::{SecretKey, Sensitive};

/// The longest feedback text an agent is given.
const MAX_FEEDBACK_CHARS: usize = 65_536;
/// The transcript folder of agents that work on no skill (agents-and-workflow.md §3).
const UNASSIGNED: &str = "_unassigned";

/// Everything a start needs besides the agent's own config.
pub struct Runtime {
    pub launch: LaunchSpec,
    pub mock: bool,
    pub limit: u32,
    pub claude_code: Option<PathBuf>,
}

fn runtime_error(code: ErrorCode, message: &str) -> AppError {
    AppError::Runtime { code, message: message.into(), reason: None, stderr_tail: Vec::new() }
}

/// Mock agents run when asked for (setting or `SKILL_BUILDER_MOCK_AGENTS=1`), and when no API
/// key is stored, so every screen works before the user has a key.
pub async fn preflight(backend: &Backend, cwd: PathBuf) -> Result<Runtime, AppError> {
    let settings = backend.db().settings().await?;
    let api_key: Option<Sensitive<String>> = backend.secrets().get(SecretKey::AnthropicApiKey).await?;
    let mock = settings.agent_backend == AgentBackend::Mock
        || std::env::var("SKILL_BUILDER_MOCK_AGENTS").is_ok_and(|v| v == "1")
        || api_key.is_none();
    let node = super::node::check_node().await;
    let node_path = match (&node.path, node.meets_minimum, node.available) {
        (Some(path), true, _) => PathBuf::from(path),
        (Some(_), false, true) => {
            return Err(runtime_error(ErrorCode::NodeIncompatible, "The installed Node.js is too old or too new"));
        }
        _ => return Err(runtime_error(ErrorCode::NodeMissing, "Node.js was not found")),
    };
    let bundle = resources::sidecar_bundle()
        .ok_or_else(|| runtime_error(ErrorCode::RuntimeMissing, "The agent runtime (agent-runner.mjs) is missing"))?;
    let claude_code = settings.claude_code_path.clone().map(PathBuf::from).or_else(resources::claude_code_binary);
    let claude_config_dir = backend.paths().data_dir.join("claude-config");
    let (binary, config_dir) = (claude_code.clone(), claude_config_dir.clone());
    let claude_code_found = super::blocking(move || {
        // Made by the first agent; later starts only look.
        if !config_dir.is_dir() {
            std::fs::create_dir_all(&config_dir).map_err(|e| AppError::io(&config_dir, e))?;
        }
        Ok(binary.as_ref().is_some_and(|p| p.is_file()))
    })
    .await?;
    if !mock && !claude_code_found {
        return Err(runtime_error(ErrorCode::ClaudeCodeMissing, "The Claude Code binary is missing"));
    }
    Ok(Runtime {
        launch: LaunchSpec {
            node: node_path,
            bundle,
            cwd,
            api_key: if mock { None } else { api_key },
            claude_config_dir,
            mock,
        },
        mock,
        limit: settings.max_parallel_agents,
        claude_code,
    })
}

/// The config every agent shares; callers fill in kind, prompt, tools and paths.
pub fn base_config(
    runtime: &Runtime,
    kind: AgentKind,
    label: &str,
    prompt: String,
    model_alias: &str,
) -> SidecarConfig {
    SidecarConfig {
        agent_kind: kind,
        label: label.into(),
        prompt,
        system_prompt_append: None,
        agent_name: None,
        model: if runtime.mock { mock_model(model_alias) } else { resolve_model(model_alias) },
        cwd: runtime.launch.cwd.display().to_string(),
        tools: Vec::new(),
        allowed_tools: Vec::new(),
        readable_roots: vec![runtime.launch.cwd.display().to_string()],
        writable_paths: Vec::new(),
        max_turns: 3,
        max_thinking_tokens: None,
        betas: None,
        permission_mode: PermissionMode::Default,
        path_to_claude_code_executable: if runtime.mock {
            None
        } else {
            runtime.claude_code.as_ref().map(|p| p.display().to_string())
        },
        // No filesystem settings: the workspace's `.claude/settings*.json` are user-writable and
        // their hooks would run commands around the tool policy (the sidecar enforces `[]` too).
        setting_sources: Vec::new(),
        include_partial_messages: true,
        persist_session: None,
        resume_sdk_session_id: None,
        max_budget_usd: None,
        extra_env: None,
        mock: runtime.mock.then(MockConfig::default),
    }
}

fn new_agent_id() -> String {
    format!("ag-{}", uuid::Uuid::now_v7())
}

/// The brief of a feedback agent: draft an issue as JSON from the user's words.
fn feedback_prompt(text: &str) -> String {
    format!(
        "Turn the user's feedback about Skill Builder into a GitHub issue draft.\n\
         Answer with one JSON object and nothing else: {{\"title\": string (at most 80 characters), \
         \"body\": string (Markdown: what happened, what was expected, steps if given), \
         \"labels\": array of \"bug\" | \"enhancement\" | \"question\"}}.\n\
         Keep the user's meaning; do not invent details.\n\n<user-feedback>\n{text}\n</user-feedback>"
    )
}

/// Starts an agent the UI may start directly (today: the feedback drafter).
#[tracing::instrument(skip_all, err)]
pub async fn start_agent(backend: &Backend, request: StartAgentRequest) -> Result<AgentHandle, AppError> {
    match request {
        StartAgentRequest::Feedback { text } => {
            let text = text.trim();
            if text.is_empty() || text.chars().count() > MAX_FEEDBACK_CHARS {
                return Err(AppError::invalid("text", "must be 1 to 65,536 characters"));
            }
            let workspace = backend.paths().workspace.clone();
            let runtime = preflight(backend, workspace.clone()).await?;
            let mut config = base_config(&runtime, AgentKind::Feedback, "feedback", feedback_prompt(text), "haiku");
            if let Some(mock) = config.mock.as_mut() {
                mock.scenario = Some("feedback".into());
            }
            let spec = AgentSpec {
                agent_id: new_agent_id(),
                kind: AgentKind::Feedback,
                skill: None,
                step: None,
                workflow_session_id: None,
                config,
                api_key: runtime.launch.api_key.clone(),
                transcript_dir: Some(workspace.join("logs").join(UNASSIGNED)),
                cwd: workspace,
                claude_config_dir: runtime.launch.claude_config_dir.clone(),
                mock: runtime.mock,
            };
            let limit = runtime.limit;
            backend.sidecars().start_agent(spec, runtime.launch, limit).await
        }
    }
}

/// Whether any agent of this instance is alive.
pub async fn has_running_agents(backend: &Backend) -> Result<bool, AppError> {
    Ok(!backend.sidecars().list_active().await?.is_empty())
}

pub async fn list_active_agents(backend: &Backend) -> Result<Vec<AgentInfo>, AppError> {
    backend.sidecars().list_active().await
}

/// The Stop button: interrupts one run; an unknown or finished run is not an error.
/// What a reloaded window needs to redraw one agent: its runs and their latest messages.
pub fn get_agent_snapshot(backend: &Backend, agent_id: &str) -> Result<AgentSnapshot, AppError> {
    backend.run_logs().snapshot(agent_id)
}

/// A page of a finished run's messages, read from its transcript ("View run log", and runs from
/// before a restart).
pub async fn get_run_transcript(backend: &Backend, run_id: &str, page: u32) -> Result<RunTranscriptPage, AppError> {
    let run = backend.db().run(run_id).await?;
    let folder = run.skill_name.as_deref().unwrap_or(UNASSIGNED);
    let dir = backend.paths().workspace.join("logs").join(folder);
    let run_id = run_id.to_string();
    tokio::task::spawn_blocking(move || transcript::read_run(&dir, &run.agent_id, &run_id, page))
        .await
        .map_err(|e| AppError::Internal(format!("transcript reader: {e}")))?
}

pub async fn cancel_agent_run(backend: &Backend, run_id: &str) -> Result<(), AppError> {
    backend.sidecars().cancel(run_id).await
}

/// Stops every agent of one skill (before reset, delete, rename, restore).
pub async fn cleanup_skill_sidecar(backend: &Backend, skill_name: &str) -> Result<StopReport, AppError> {
    let name = SkillName::parse(skill_name)?;
    backend.sidecars().stop_skill(name.as_str()).await
}

/// Stops every agent and the backend's actors; safe to call twice.
pub async fn graceful_shutdown(backend: &Backend) -> Result<StopReport, AppError> {
    let report = backend.sidecars().list_active().await.map(|a| a.len()).unwrap_or(0);
    backend.shutdown().await?;
    Ok(StopReport { stopped: u32::try_from(report).unwrap_or(u32::MAX), forced: 0 })
}
