//! The warm `refine` agent behind a session: one agent id per session, respawned with the SDK
//! session id after an idle stop, a crash or a restart, so the conversation continues.

use std::path::Path;
use std::time::Duration;

use super::agent::{base_config, preflight};
use super::briefs;
use crate::Backend;
use crate::actors::db::RefineSessionRow;
use crate::actors::sidecar::AgentSpec;
use crate::protocol::sidecar::{AgentKind, MockPaths};
use crate::protocol::*;

/// Turns one session may take in total (agents-and-workflow.md §6.3).
const SESSION_TURNS: u32 = 400;
/// How long a stopping agent may take before its successor starts.
const STOPPING_WAIT: Duration = Duration::from_secs(8);

/// The session's agent id: the same across turns and respawns, also in another process.
pub fn agent_id_of(session_id: &str) -> String {
    format!("ag-{}", session_id.strip_prefix("ses-").unwrap_or(session_id))
}

/// The `<skill-builder-turn>` message of one request.
pub fn turn_message(text: &str, command: RefineCommand, targets: &[String]) -> String {
    let targets = briefs::value(&targets.join(","));
    format!(
        "<skill-builder-turn command=\"{}\" targets=\"{targets}\">{}</skill-builder-turn>",
        command.as_str(),
        briefs::tagged_text(text)
    )
}

/// Sends `message` to the session's live agent, or starts one (resuming the SDK session when
/// there is one to resume).
pub async fn deliver(
    backend: &Backend,
    row: &RefineSessionRow,
    skill_dir: &Path,
    message: String,
) -> Result<AgentHandle, AppError> {
    let agent_id = agent_id_of(&row.session_id);
    let deadline = tokio::time::Instant::now() + STOPPING_WAIT;
    loop {
        let alive = backend.sidecars().list_active().await?.iter().any(|a| a.agent_id == agent_id);
        if !alive {
            return spawn(backend, row, skill_dir, message).await;
        }
        match backend.sidecars().send(&agent_id, &message).await {
            // Stopping (idle timeout) or gone meanwhile: wait for it to go, then start anew.
            Err(AppError::NotSupported(_) | AppError::NotFound { .. } | AppError::Unavailable { .. })
                if tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => return other,
        }
    }
}

async fn spawn(
    backend: &Backend,
    row: &RefineSessionRow,
    skill_dir: &Path,
    message: String,
) -> Result<AgentHandle, AppError> {
    let workspace = backend.paths().workspace.clone();
    let runtime = preflight(backend, workspace.clone()).await?;
    let settings = backend.db().settings().await?;
    let skill = row.skill_name.as_str();
    let context_dir = skill_dir.join("context");
    let prompt = match row.sdk_session_id {
        Some(_) => message,
        None => {
            let brief = briefs::run_block(&[
                ("agent", "refine-skill".into()),
                ("skill_name", skill.into()),
                ("skill_dir", skill_dir.display().to_string()),
                ("context_dir", context_dir.display().to_string()),
                ("workspace_dir", workspace.join(skill).display().to_string()),
                ("today", backend.clock().now().format("%Y-%m-%d").to_string()),
                ("outputs", "SKILL.md, references/, evals/ (context/validation.json under validate)".into()),
            ]);
            format!("{}\n{brief}\n{message}", briefs::instructions(briefs::REFINE_SKILL))
        }
    };
    let mut config = base_config(&runtime, AgentKind::Refine, "refine", prompt, &settings.preferred_model);
    config.tools = ["Read", "Write", "Edit", "Glob", "Grep"].map(String::from).to_vec();
    config.readable_roots = vec![skill_dir.display().to_string(), workspace.display().to_string()];
    let dir = |name: &str| format!("{}/", skill_dir.join(name).display());
    config.writable_paths = vec![
        skill_dir.join("SKILL.md").display().to_string(),
        dir("references"),
        dir("evals"),
        context_dir.join("validation.json").display().to_string(),
    ];
    config.max_turns = SESSION_TURNS;
    config.persist_session = Some(true);
    config.resume_sdk_session_id = row.sdk_session_id.clone();
    if let Some(mock) = config.mock.as_mut() {
        mock.scenario = Some("refine".into());
        let paths = MockPaths {
            skill_dir: Some(skill_dir.display().to_string()),
            context_dir: Some(context_dir.display().to_string()),
            workspace_dir: Some(workspace.join(skill).display().to_string()),
        };
        mock.paths = Some(serde_json::to_value(paths)?);
    }
    briefs::apply_mock_knobs(&mut config);
    let spec = AgentSpec {
        agent_id: agent_id_of(&row.session_id),
        kind: AgentKind::Refine,
        skill: Some(skill.to_string()),
        step: None,
        workflow_session_id: Some(row.session_id.clone()),
        config,
        api_key: runtime.launch.api_key.clone(),
        transcript_dir: Some(workspace.join("logs").join(skill)),
        cwd: workspace,
        claude_config_dir: runtime.launch.claude_config_dir.clone(),
        mock: runtime.mock,
    };
    let limit = runtime.limit;
    backend.sidecars().start_agent(spec, runtime.launch, limit).await
}
