//! The skill tester (agents-and-workflow.md §7.2, backend.md §3.15): two folders per test, the
//! same task planned with and without the skill side by side, an evaluator comparing the plans,
//! and cleanup (also of folders older than a day, whenever a test is prepared).
//!
//! Test folders live in `<data dir>/cache/skill-tests/<testId>/`: the data dir stands in for
//! the app cache dir, as TMP does (ARCHITECTURE, deviations). `evals` (R3, R10) is in
//! `skill_test_evals.rs`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::blocking;
use super::briefs;
use super::skill_test_agents::{self as agents, Manifest, Role};
use crate::Backend;
use crate::protocol::*;

/// Test folders older than this are removed when another test is prepared (§7.2).
const LEFTOVER_AGE: Duration = Duration::from_secs(24 * 3600);
const MANIFEST: &str = "test.json";

pub fn tests_root(backend: &Backend) -> PathBuf {
    backend.paths().data_dir.join("cache").join("skill-tests")
}

/// Test ids are UUIDs: nothing else ever becomes part of a path that is deleted.
fn parse_test_id(test_id: &str) -> Result<String, AppError> {
    uuid::Uuid::parse_str(test_id)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| AppError::invalid("testId", "must be a UUID"))
}

/// The manifest of a prepared test; `None` for an unknown (or cleaned up) id.
pub async fn manifest(backend: &Backend, test_id: &str) -> Result<Option<Manifest>, AppError> {
    let file = tests_root(backend).join(parse_test_id(test_id)?).join(MANIFEST);
    blocking(move || match std::fs::read(&file) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AppError::io(&file, e)),
    })
    .await
}

async fn require(backend: &Backend, test_id: &str) -> Result<Manifest, AppError> {
    manifest(backend, test_id).await?.ok_or_else(|| AppError::NotFound { kind: "test", name: test_id.to_string() })
}

const HARNESS_WITH: &str = "# Test harness\n\nThis folder is a sandbox for planning one task. Nothing here is \
    real data and nothing you write is kept.\n";
const HARNESS_WITHOUT: &str = "# Test harness\n\nThis folder is a sandbox for planning one task. Nothing here is \
    real data and nothing you write is kept.\n";

#[tracing::instrument(skip_all, fields(skill = %skill_name), err)]
pub async fn prepare_skill_test(
    backend: &Backend,
    skill_name: &str,
    mode: Option<TestMode>,
) -> Result<PrepareResult, AppError> {
    let name = SkillName::parse(skill_name)?;
    backend.db().get_skill(name.as_str()).await?;
    let source = backend.skills_path().await?.join(name.as_str());
    let manifest = Manifest {
        test_id: uuid::Uuid::new_v4().to_string(),
        skill_name: name.to_string(),
        mode: mode.unwrap_or_default(),
        created_at: backend.clock().now_str(),
    };
    let root = tests_root(backend);
    blocking(move || {
        let skill_md = source.join("SKILL.md");
        let text = std::fs::read_to_string(&skill_md)
            .map_err(|_| AppError::NotFound { kind: "file", name: format!("{}/SKILL.md", manifest.skill_name) })?;
        remove_leftovers(&root);
        let dir = manifest.dir(&root);
        let (with, without) = (dir.join("with"), dir.join("without"));
        let mut with_harness = HARNESS_WITH.to_string();
        match manifest.mode {
            TestMode::Installed => {
                with_harness.push_str(&format!(
                    "\nThe skill `{0}` is installed at `.claude/skills/{0}/`. Read its SKILL.md when it applies to the task.\n",
                    manifest.skill_name
                ));
                copy_skill(&source, &with.join(".claude").join("skills").join(&manifest.skill_name))?;
            }
            TestMode::Embedded => {
                let body = crate::skill::frontmatter::split(&text).map(|s| s.body.to_string()).unwrap_or(text);
                with_harness.push_str(&format!("\n## Skill: {}\n\n{body}\n", manifest.skill_name));
                let references = source.join("references");
                if references.is_dir() {
                    copy_skill(&references, &with.join("references"))?;
                }
            }
        }
        write_harness(&with, &with_harness)?;
        write_harness(&without, HARNESS_WITHOUT)?;
        crate::atomic::write_atomic(&dir.join(MANIFEST), &serde_json::to_vec_pretty(&manifest)?)?;
        Ok(PrepareResult {
            test_id: manifest.test_id.clone(),
            with_dir: with.display().to_string(),
            without_dir: without.display().to_string(),
        })
    })
    .await
}

fn write_harness(folder: &Path, text: &str) -> Result<(), AppError> {
    let claude = folder.join(".claude");
    std::fs::create_dir_all(&claude).map_err(|e| AppError::io(&claude, e))?;
    crate::atomic::write_atomic(&claude.join("CLAUDE.md"), text.as_bytes())
}

/// Copies a skill folder without `context/`, links or special files.
fn copy_skill(from: &Path, to: &Path) -> Result<(), AppError> {
    std::fs::create_dir_all(to).map_err(|e| AppError::io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| AppError::io(from, e))? {
        let entry = entry.map_err(|e| AppError::io(from, e))?;
        let name = entry.file_name();
        let kind = entry.file_type().map_err(|e| AppError::io(entry.path(), e))?;
        if name == "context" || name.to_str().is_none_or(crate::paths::is_git_name) {
            continue;
        }
        if kind.is_dir() {
            copy_skill(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name)).map_err(|e| AppError::io(entry.path(), e))?;
        }
    }
    Ok(())
}

/// Removes test folders older than a day (a test left by a crash or a closed window).
fn remove_leftovers(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let is_test = name.to_str().is_some_and(|n| uuid::Uuid::parse_str(n).is_ok());
        let old = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
        if is_test
            && old.is_some_and(|age| age > LEFTOVER_AGE)
            && let Err(err) = std::fs::remove_dir_all(entry.path())
        {
            tracing::warn!(%err, folder = %entry.path().display(), "could not remove an old test folder");
        }
    }
}

/// [LOCK] and one test per skill: a running test agent of the skill refuses a new one.
async fn check_start(backend: &Backend, manifest: &Manifest) -> Result<(), AppError> {
    if super::locks::check_lock(backend, &manifest.skill_name).await?.state != LockState::Mine {
        return Err(AppError::LockRequired { skill: manifest.skill_name.clone() });
    }
    let active = backend.sidecars().list_active().await?;
    if let Some(agent) = active.iter().find(|a| is_test_agent(a, &manifest.skill_name)) {
        return Err(AppError::AgentBusy { agent_id: agent.agent_id.clone() });
    }
    Ok(())
}

fn is_test_agent(agent: &AgentInfo, skill: &str) -> bool {
    agent.skill_name.as_deref() == Some(skill) && agent.kind.exclusivity_group() == "test"
}

/// The task as both runners get it.
fn task_message(prompt: &str) -> String {
    format!("<task>\n{}\n</task>", briefs::tagged_text(prompt))
}

/// Starts both runners; the evaluation follows in the background and lands in
/// `WS/<skill>/tests/<testId>.json`.
#[tracing::instrument(skip_all, fields(test = %test_id), err)]
pub async fn start_skill_test(backend: &Backend, test_id: &str, prompt: &str) -> Result<SkillTestHandles, AppError> {
    let (handles, finish) = begin(backend, test_id, prompt).await?;
    tokio::spawn(async move {
        if let Err(err) = finish.await {
            tracing::warn!(%err, "the skill test did not finish");
        }
    });
    Ok(handles)
}

/// Runs a whole test (both plans, the evaluation, the saved result, cleanup) and returns it.
pub async fn run_skill_test(backend: &Backend, test_id: &str, prompt: &str) -> Result<SkillTestResult, AppError> {
    let (_, finish) = begin(backend, test_id, prompt).await?;
    finish.await
}

type Finish = std::pin::Pin<Box<dyn std::future::Future<Output = Result<SkillTestResult, AppError>> + Send>>;

async fn begin(backend: &Backend, test_id: &str, prompt: &str) -> Result<(SkillTestHandles, Finish), AppError> {
    if prompt.trim().is_empty() {
        return Err(AppError::invalid("prompt", "must not be empty"));
    }
    let manifest = require(backend, test_id).await?;
    check_start(backend, &manifest).await?;
    let dir = manifest.dir(&tests_root(backend));
    let message = task_message(prompt);
    let (with_dir, without_dir) = (dir.join("with"), dir.join("without"));
    let (with, without) = tokio::try_join!(
        agents::start(backend, &manifest, Role::With, &with_dir, message.clone(), None),
        agents::start(backend, &manifest, Role::Without, &without_dir, message, None),
    )?;
    let handles = SkillTestHandles { with, without };
    let (b, h, p) = (backend.clone(), handles.clone(), prompt.to_string());
    let finish: Finish = Box::pin(async move { finish(&b, &manifest, &h, &p).await });
    Ok((handles, finish))
}

async fn finish(
    backend: &Backend,
    manifest: &Manifest,
    handles: &SkillTestHandles,
    prompt: &str,
) -> Result<SkillTestResult, AppError> {
    let limit = agents::TEST_RUN_LIMIT;
    let (with, without) = tokio::try_join!(
        super::run_wait::wait_run(backend, &handles.with, limit),
        super::run_wait::wait_run(backend, &handles.without, limit),
    )?;
    let mut result = SkillTestResult {
        test_id: manifest.test_id.clone(),
        skill_name: manifest.skill_name.clone(),
        prompt: prompt.to_string(),
        mode: manifest.mode,
        phase: "done".into(),
        with_text: with.text.clone(),
        without_text: without.text.clone(),
        comparisons: Vec::new(),
        recommendations: Vec::new(),
        skill_invoked: (manifest.mode == TestMode::Installed)
            .then(|| agents::skill_invoked(backend, &handles.with, &manifest.skill_name)),
        cost_usd: with.cost_usd + without.cost_usd,
    };
    if !with.completed() && !without.completed() {
        result.phase = "error".into();
    } else {
        let message = format!(
            "{}\n<plan-a>\n{}\n</plan-a>\n<plan-b>\n{}\n</plan-b>",
            task_message(prompt),
            briefs::tagged_text(&with.text),
            briefs::tagged_text(&without.text)
        );
        let folder = manifest.dir(&tests_root(backend)).join("without");
        let (_, eval) = agents::run(backend, manifest, Role::Eval, &folder, message, None).await?;
        (result.comparisons, result.recommendations) = agents::comparison(&eval.text);
        result.cost_usd += eval.cost_usd;
    }
    save_result(backend, &result).await?;
    cleanup_skill_test(backend, &manifest.test_id).await?;
    Ok(result)
}

async fn save_result(backend: &Backend, result: &SkillTestResult) -> Result<(), AppError> {
    let folder = backend.paths().workspace.join(&result.skill_name).join("tests");
    let file = folder.join(format!("{}.json", result.test_id));
    let bytes = serde_json::to_vec_pretty(result)?;
    blocking(move || {
        std::fs::create_dir_all(&folder).map_err(|e| AppError::io(&folder, e))?;
        crate::atomic::write_atomic(&file, &bytes)
    })
    .await
}

/// Cancels, then ends, the test's agents (the skill's test agents: one test per skill).
pub async fn stop_skill_test(backend: &Backend, test_id: &str) -> Result<StopReport, AppError> {
    let Some(manifest) = manifest(backend, test_id).await? else { return Ok(StopReport::default()) };
    let ids = backend
        .sidecars()
        .list_active()
        .await?
        .into_iter()
        .filter(|a| is_test_agent(a, &manifest.skill_name))
        .map(|a| a.agent_id)
        .collect();
    backend.sidecars().stop_agents(ids).await
}

/// Stops the test's agents and removes its folder; an unknown id is not an error.
pub async fn cleanup_skill_test(backend: &Backend, test_id: &str) -> Result<(), AppError> {
    let id = parse_test_id(test_id)?;
    stop_skill_test(backend, &id).await?;
    let dir = tests_root(backend).join(id);
    blocking(move || match std::fs::remove_dir_all(&dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AppError::io(&dir, e)),
    })
    .await
}
