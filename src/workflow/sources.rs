//! `agent-sources/` (agents-and-workflow.md §6.1): our prompts, helper skills, workspace rules
//! and schemas, embedded in the binary and deployed to `WS/.claude/` whenever their content hash
//! differs from the deployed one. The user's `## Customization` zone of CLAUDE.md survives.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::protocol::AppError;

/// `(path under agent-sources, content)`.
const SOURCES: &[(&str, &str)] = &[
    ("workspace/CLAUDE.md", include_str!("../../agent-sources/workspace/CLAUDE.md")),
    ("agents/research-orchestrator.md", include_str!("../../agent-sources/agents/research-orchestrator.md")),
    ("agents/detailed-research.md", include_str!("../../agent-sources/agents/detailed-research.md")),
    ("agents/confirm-decisions.md", include_str!("../../agent-sources/agents/confirm-decisions.md")),
    ("agents/generate-skill.md", include_str!("../../agent-sources/agents/generate-skill.md")),
    ("agents/validate-skill.md", include_str!("../../agent-sources/agents/validate-skill.md")),
    ("agents/answer-evaluator.md", include_str!("../../agent-sources/agents/answer-evaluator.md")),
    ("skills/research/SKILL.md", include_str!("../../agent-sources/skills/research/SKILL.md")),
    ("skills/skill-authoring/SKILL.md", include_str!("../../agent-sources/skills/skill-authoring/SKILL.md")),
    ("skills/validate-skill/SKILL.md", include_str!("../../agent-sources/skills/validate-skill/SKILL.md")),
    ("schemas/clarifications.schema.json", include_str!("../../agent-sources/schemas/clarifications.schema.json")),
    ("schemas/refinements.schema.json", include_str!("../../agent-sources/schemas/refinements.schema.json")),
    ("schemas/decisions.schema.json", include_str!("../../agent-sources/schemas/decisions.schema.json")),
    (
        "schemas/answer-evaluation.schema.json",
        include_str!("../../agent-sources/schemas/answer-evaluation.schema.json"),
    ),
    ("schemas/validation.schema.json", include_str!("../../agent-sources/schemas/validation.schema.json")),
    ("schemas/evals.schema.json", include_str!("../../agent-sources/schemas/evals.schema.json")),
];

const HASH_FILE: &str = ".agent-sources.sha256";
const CUSTOMIZATION: &str = "## Customization";

/// The content hash of everything embedded.
pub fn content_hash() -> String {
    let mut h = Sha256::new();
    for (path, text) in SOURCES {
        h.update(path.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// Where a source lands under `WS/.claude/`.
fn target(path: &str) -> String {
    match path.strip_prefix("workspace/") {
        Some(rest) => rest.to_string(),
        None => path.to_string(),
    }
}

/// Deploys to `claude_dir` (`WS/.claude`) unless the deployed hash matches (or `force`).
/// Returns whether anything was written.
pub fn deploy(claude_dir: &Path, force: bool) -> Result<bool, AppError> {
    let hash = content_hash();
    let stamp = claude_dir.join(HASH_FILE);
    if !force && std::fs::read_to_string(&stamp).is_ok_and(|h| h.trim() == hash) {
        return Ok(false);
    }
    for (path, text) in SOURCES {
        let dest = claude_dir.join(target(path));
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
        }
        let content = if *path == "workspace/CLAUDE.md" { keep_customization(&dest, text) } else { text.to_string() };
        crate::atomic::write_atomic(&dest, content.as_bytes())?;
    }
    crate::atomic::write_atomic(&stamp, hash.as_bytes())?;
    Ok(true)
}

/// Our base text followed by the user's customization zone from the deployed file. A file
/// without our heading is the user's own: it is kept whole inside the zone, never dropped.
fn keep_customization(dest: &Path, base: &str) -> String {
    let Ok(current) = std::fs::read_to_string(dest) else { return base.to_string() };
    let Some(mine) = base.find(CUSTOMIZATION) else { return base.to_string() };
    match current.find(CUSTOMIZATION) {
        Some(theirs) => format!("{}{}", &base[..mine], &current[theirs..]),
        None if current.trim().is_empty() || current == base => base.to_string(),
        None => format!("{base}\n{}\n", current.trim_end()),
    }
}

/// An agent's prompt body (front-matter removed).
pub fn agent_prompt(name: &str) -> Option<&'static str> {
    let path = format!("agents/{name}.md");
    let text = SOURCES.iter().find(|(p, _)| *p == path)?.1;
    let body = text.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---\n")).map_or(text, |(_, body)| body);
    Some(body.trim_start())
}

/// The system-prompt addition of a workflow agent: the deployed workspace rules (with the user's
/// customization) and the agent's prompt, since agents load no CLAUDE.md themselves.
pub fn system_prompt(claude_dir: &Path, agent: &str) -> Result<String, AppError> {
    let path = claude_dir.join("CLAUDE.md");
    let rules = std::fs::read_to_string(&path).map_err(|e| AppError::io(&path, e))?;
    let prompt = agent_prompt(agent).ok_or_else(|| AppError::Internal(format!("no prompt for agent {agent}")))?;
    let skills = claude_dir.join("skills");
    Ok(format!(
        "{rules}\n\n---\n\n{prompt}\n\nHelper skills are files you Read: {}/<name>/SKILL.md. JSON Schemas: {}/.\n",
        skills.display(),
        claude_dir.join("schemas").display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_is_sound_and_agent_names_match_their_files() {
        for (path, text) in SOURCES {
            assert!(!text.contains("Bash") && !text.contains("mkdir"), "{path} mentions a shell");
            if let Some(stem) = path.strip_prefix("agents/").and_then(|p| p.strip_suffix(".md")) {
                assert!(text.starts_with(&format!("---\nname: {stem}\n")), "{path}: name must equal the file stem");
            }
        }
        for step in crate::workflow::steps::STEPS.iter() {
            let Some(agent) = step.agent else { continue };
            let prompt = agent_prompt(agent).unwrap();
            for out in step.outputs {
                assert!(prompt.contains(out.trim_end_matches('/')), "{agent} does not name {out}");
            }
            if let Some(schema) = step.schema {
                assert!(prompt.contains(schema), "{agent} does not name {schema}");
                assert!(SOURCES.iter().any(|(p, _)| p.ends_with(schema)));
            }
        }
    }

    #[test]
    fn deploys_once_per_hash_and_keeps_the_customization_zone() {
        let dir = tempfile::tempdir().unwrap();
        assert!(deploy(dir.path(), false).unwrap());
        assert!(!deploy(dir.path(), false).unwrap());
        let claude = dir.path().join("CLAUDE.md");
        let mut text = std::fs::read_to_string(&claude).unwrap();
        text.push_str("\nAlways say hello.\n");
        std::fs::write(&claude, text).unwrap();
        std::fs::write(dir.path().join(HASH_FILE), "old").unwrap();
        assert!(deploy(dir.path(), false).unwrap());
        assert!(std::fs::read_to_string(&claude).unwrap().ends_with("Always say hello.\n"));
        assert!(dir.path().join("schemas/decisions.schema.json").is_file());
        assert!(system_prompt(dir.path(), "generate-skill").unwrap().contains("# Generate the skill"));
    }
}
