//! The tester's agents (agents-and-workflow.md §7.2): the plan runners with and without the
//! skill, and the evaluator that compares or grades their plans, plus reading its JSON.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::agent::{base_config, preflight};
use super::briefs;
use super::run_wait::{RunEnd, wait_run};
use crate::Backend;
use crate::actors::sidecar::AgentSpec;
use crate::protocol::sidecar::{AgentKind, MockPaths};
use crate::protocol::*;

/// The test agents' deadline (§1.10), with a margin for the start.
pub const TEST_RUN_LIMIT: Duration = Duration::from_secs(11 * 60);

/// What `prepare_skill_test` recorded next to the two folders.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub test_id: String,
    pub skill_name: String,
    pub mode: TestMode,
    pub created_at: String,
}

impl Manifest {
    pub fn dir(&self, root: &Path) -> PathBuf {
        root.join(&self.test_id)
    }
}

/// Which agent to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    With,
    Without,
    Eval,
}

impl Role {
    fn kind(self) -> AgentKind {
        match self {
            Role::With => AgentKind::TestWith,
            Role::Without => AgentKind::TestWithout,
            Role::Eval => AgentKind::TestEval,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Role::With => "test-with",
            Role::Without => "test-without",
            Role::Eval => "test-eval",
        }
    }
}

/// The harness a folder was prepared with; our agents load no settings files, so it travels
/// in the prompt instead of being read from `.claude/CLAUDE.md` by the SDK.
fn harness(folder: &Path) -> String {
    std::fs::read_to_string(folder.join(".claude").join("CLAUDE.md")).unwrap_or_default()
}

/// Starts one test agent in `folder` with `message` (user text already inside its tags).
pub async fn start(
    backend: &Backend,
    manifest: &Manifest,
    role: Role,
    folder: &Path,
    message: String,
    max_budget_usd: Option<f64>,
) -> Result<AgentHandle, AppError> {
    let runtime = preflight(backend, folder.to_path_buf()).await?;
    let settings = backend.db().settings().await?;
    let dir = folder.to_path_buf();
    let context = super::blocking(move || Ok(harness(&dir))).await?;
    let prompt = match role {
        Role::Eval => format!("{}\n{message}", briefs::instructions(briefs::TEST_EVALUATOR)),
        Role::With | Role::Without => format!(
            "{}\n<harness>\n{}\n</harness>\n{message}",
            briefs::instructions(briefs::TEST_RUNNER),
            briefs::tagged_text(&context)
        ),
    };
    let mut config = base_config(&runtime, role.kind(), role.label(), prompt, &settings.preferred_model);
    let skill_copy = folder.join(".claude").join("skills").join(&manifest.skill_name);
    match role {
        Role::Eval => config.max_turns = 2,
        Role::With | Role::Without => {
            config.tools = ["Read", "Glob", "Grep"].map(String::from).to_vec();
            if role == Role::With && manifest.mode == TestMode::Installed {
                config.tools.push("Skill".into());
            }
            config.max_turns = 15;
        }
    }
    config.max_budget_usd = max_budget_usd;
    if let Some(mock) = config.mock.as_mut() {
        let skill_dir = if manifest.mode == TestMode::Installed { skill_copy } else { folder.to_path_buf() };
        let paths = MockPaths {
            skill_dir: Some(skill_dir.display().to_string()),
            context_dir: None,
            workspace_dir: Some(folder.display().to_string()),
        };
        mock.paths = Some(serde_json::to_value(paths)?);
    }
    briefs::apply_mock_knobs(&mut config);
    let workspace = &backend.paths().workspace;
    let spec = AgentSpec {
        agent_id: format!("ag-{}", uuid::Uuid::now_v7()),
        kind: role.kind(),
        skill: Some(manifest.skill_name.clone()),
        step: None,
        workflow_session_id: None,
        config,
        api_key: runtime.launch.api_key.clone(),
        transcript_dir: Some(workspace.join("logs").join(&manifest.skill_name)),
        cwd: folder.to_path_buf(),
        claude_config_dir: runtime.launch.claude_config_dir.clone(),
        mock: runtime.mock,
    };
    let limit = runtime.limit;
    backend.sidecars().start_agent(spec, runtime.launch, limit).await
}

/// Starts `role` and waits for its run to end.
pub async fn run(
    backend: &Backend,
    manifest: &Manifest,
    role: Role,
    folder: &Path,
    message: String,
    max_budget_usd: Option<f64>,
) -> Result<(AgentHandle, RunEnd), AppError> {
    let handle = start(backend, manifest, role, folder, message, max_budget_usd).await?;
    let end = wait_run(backend, &handle, TEST_RUN_LIMIT).await?;
    Ok((handle, end))
}

/// Whether the "with" agent reached for the installed skill (the `Skill` tool, or a read of
/// its files), from the items this process saw.
pub fn skill_invoked(backend: &Backend, handle: &AgentHandle, skill: &str) -> bool {
    let needle = format!(".claude/skills/{skill}/");
    backend.run_logs().snapshot(&handle.agent_id).is_ok_and(|snap| {
        snap.runs.iter().flat_map(|r| &r.messages).flat_map(|m| &m.items).any(|item| {
            item["kind"] == "tool_use"
                && (item["name"] == "Skill" || item["input"]["file_path"].as_str().is_some_and(|p| p.contains(&needle)))
        })
    })
}

/// The first JSON object in an agent's answer: plain, fenced, or inside prose.
pub fn json_object(text: &str) -> Option<Value> {
    let trimmed = text.trim().trim_start_matches('\u{feff}');
    if let Ok(value @ Value::Object(_)) = serde_json::from_str(trimmed) {
        return Some(value);
    }
    let (start, end) = (trimmed.find('{')?, trimmed.rfind('}')?);
    match serde_json::from_str(trimmed.get(start..=end)?) {
        Ok(value @ Value::Object(_)) => Some(value),
        _ => None,
    }
}

/// The evaluator's comparison, or, when its JSON does not parse, its `↑ ↓ →` or `-` bullets
/// as recommendations.
pub fn comparison(text: &str) -> (Vec<TestComparison>, Vec<String>) {
    if let Some(doc) = json_object(text) {
        let comparisons = serde_json::from_value(doc["comparisons"].clone()).unwrap_or_default();
        let recommendations = serde_json::from_value(doc["recommendations"].clone()).unwrap_or_default();
        return (comparisons, recommendations);
    }
    let bullets = text
        .lines()
        .map(str::trim)
        .filter_map(|l| ["↑", "↓", "→", "-"].iter().find_map(|b| l.strip_prefix(b)))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    (Vec::new(), bullets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluator_json_is_found_fenced_or_falls_back_to_bullets() {
        let fenced = "```json\n{\"comparisons\":[{\"dimension\":\"d\",\"direction\":\"a_better\",\"note\":\"n\"}],\"recommendations\":[\"r\"]}\n```";
        let (comparisons, recommendations) = comparison(fenced);
        assert_eq!((comparisons.len(), recommendations), (1, vec!["r".to_string()]));
        let (comparisons, recommendations) = comparison("Plan A wins.\n↑ correctness\n→ clarity");
        assert!(comparisons.is_empty());
        assert_eq!(recommendations, ["correctness", "clarity"]);
    }
}
