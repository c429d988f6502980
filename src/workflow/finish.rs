//! What Rust does to a step's files around verification (agents-and-workflow.md §5.5): before
//! it, renumber step 0's questions and rewrite step 5's front-matter canonically; after it,
//! merge step 2's refinements and render the Markdown views. Blocking file work; callers run it
//! on the blocking pool.

use sha2::{Digest, Sha256};

use super::artifacts::clarifications::Clarifications;
use super::artifacts::decisions::Decisions;
use super::artifacts::refinements::Refinements;
use super::artifacts::validation::{Lint, Validation};
use super::artifacts::{parse, render, strip_wrapping, to_text};
use super::reset::write_clarifications;
use super::steps::{STEPS, VALIDATE};
use super::verify::{SkillDirs, read_text};
use crate::actors::db::ArtifactSnapshot;
use crate::atomic::write_atomic;
use crate::protocol::AppError;

/// What the generated front-matter says besides name and description (skill-format.md §1.5).
#[derive(Debug, Clone, Default)]
pub struct SkillMeta {
    pub skill_type: String,
    pub domain: Option<String>,
    pub tags: Vec<String>,
    pub version: Option<String>,
    pub author: Option<String>,
    pub argument_hint: Option<String>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
    pub model: Option<String>,
}

/// Before verification. `result_text` is the agent's final message.
pub fn prepare(dirs: &SkillDirs, step: u8, result_text: &str, meta: &SkillMeta) -> Result<(), AppError> {
    match step {
        0 => {
            let Some(text) = read_text(&dirs.skill, "context/clarifications.json")? else { return Ok(()) };
            // Shape only: the ids are what renumbering fixes; verification checks the rest.
            if let Ok(mut doc) = serde_json::from_str::<Clarifications>(strip_wrapping(&text)) {
                doc.renumber();
                write_atomic(&dirs.skill.join("context/clarifications.json"), to_text(&doc).as_bytes())?;
            }
            Ok(())
        }
        5 => rewrite_front_matter(dirs, result_text, meta),
        _ => Ok(()),
    }
}

/// After a passing verification: merges and renders. Returns a notice for the UI, if any.
pub fn publish(dirs: &SkillDirs, step: u8) -> Result<Option<String>, AppError> {
    let skill = dirs.skill.as_path();
    let invalid = |e: Vec<super::artifacts::ArtifactError>| AppError::MissingInput {
        what: e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
    };
    let load_clar = || -> Result<Clarifications, AppError> {
        let text = read_text(skill, "context/clarifications.json")?.unwrap_or_default();
        parse::<Clarifications>("context/clarifications.json", &text).map_err(invalid)
    };
    match step {
        0 => write_clarifications(skill, &load_clar()?)?,
        2 => {
            let text = read_text(skill, "context/refinements.json")?.unwrap_or_default();
            let refs = parse::<Refinements>("context/refinements.json", &text).map_err(invalid)?;
            let mut doc = load_clar()?;
            refs.merge_into("context/refinements.json", &mut doc).map_err(invalid)?;
            write_clarifications(skill, &doc)?;
            if refs.refinements.is_empty() {
                let reason = refs.none_needed_reason.unwrap_or_default();
                return Ok(Some(format!("Nothing to refine: {reason}")));
            }
        }
        4 => {
            let text = read_text(skill, "context/decisions.json")?.unwrap_or_default();
            let doc = parse::<Decisions>("context/decisions.json", &text).map_err(invalid)?;
            write_atomic(&skill.join("context/decisions.md"), render::decisions_md(&doc).as_bytes())?;
        }
        VALIDATE => {
            let text = read_text(skill, "context/validation.json")?.unwrap_or_default();
            let doc = parse::<Validation>("context/validation.json", &text).map_err(invalid)?;
            let lint = read_text(skill, "context/lint.json")?.and_then(|t| parse::<Lint>("context/lint.json", &t).ok());
            let md = render::validation_report_md(&doc, lint.as_ref());
            write_atomic(&skill.join("context/validation-report.md"), md.as_bytes())?;
        }
        _ => {}
    }
    Ok(None)
}

/// The step's text outputs (≤ 5 MB each) for `workflow_artifacts`.
pub fn snapshot(dirs: &SkillDirs, step: u8) -> Result<Vec<ArtifactSnapshot>, AppError> {
    let def = &STEPS[usize::from(step)];
    let mut rels: Vec<String> = Vec::new();
    for rel in def.outputs.iter().chain(def.rendered) {
        match rel.strip_suffix('/') {
            Some(folder) => {
                if let Ok(entries) = std::fs::read_dir(dirs.skill.join(folder)) {
                    let mut names: Vec<String> = entries
                        .flatten()
                        .filter_map(|e| e.file_name().to_str().map(|n| format!("{folder}/{n}")))
                        .collect();
                    names.sort();
                    rels.extend(names);
                }
            }
            None => rels.push(rel.to_string()),
        }
    }
    let mut out = Vec::new();
    for rel in rels {
        if let Ok(Some(content)) = read_text(&dirs.skill, &rel) {
            let sha256 = hex::encode(Sha256::digest(content.as_bytes()));
            out.push(ArtifactSnapshot { path: rel, content, sha256 });
        }
    }
    Ok(out)
}

/// One YAML double-quoted scalar on one line (JSON strings are valid YAML double-quoted scalars).
fn quoted(value: &str) -> String {
    let flat = value.split_whitespace().collect::<Vec<_>>().join(" ");
    serde_json::to_string(&flat).unwrap_or_else(|_| "\"\"".into())
}

/// Rewrites SKILL.md's front-matter with the canonical key order of skill-format.md §1.3.
fn rewrite_front_matter(dirs: &SkillDirs, result_text: &str, meta: &SkillMeta) -> Result<(), AppError> {
    let Some(text) = read_text(&dirs.skill, "SKILL.md")? else { return Ok(()) };
    let Ok(fm) = crate::skill::frontmatter::parse(&text) else { return Ok(()) };
    let clean = |s: &str| s.replace(['<', '>'], "").split_whitespace().collect::<Vec<_>>().join(" ");
    let from_agent = clean(result_text.trim());
    let description = if (1..=1024).contains(&from_agent.chars().count()) {
        from_agent
    } else {
        clean(fm.text("description").unwrap_or_default())
    };
    let mut out = format!("---\nname: {}\ndescription: {}\n", dirs.name, quoted(&description));
    if let Some(hint) = &meta.argument_hint {
        out.push_str(&format!("argument-hint: {}\n", quoted(hint)));
    }
    if let Some(model) = &meta.model {
        out.push_str(&format!("model: {}\n", quoted(model)));
    }
    if let Some(v) = meta.disable_model_invocation {
        out.push_str(&format!("disable-model-invocation: {v}\n"));
    }
    if let Some(v) = meta.user_invocable {
        out.push_str(&format!("user-invocable: {v}\n"));
    }
    out.push_str("metadata:\n");
    out.push_str(&format!("  version: {}\n", quoted(meta.version.as_deref().unwrap_or("1.0.0"))));
    if let Some(author) = &meta.author {
        out.push_str(&format!("  author: {}\n", quoted(author)));
    }
    out.push_str(&format!("  skill-builder.type: {}\n", quoted(&meta.skill_type)));
    if let Some(domain) = &meta.domain {
        out.push_str(&format!("  skill-builder.domain: {}\n", quoted(domain)));
    }
    if !meta.tags.is_empty() {
        out.push_str(&format!("  skill-builder.tags: {}\n", quoted(&meta.tags.join(","))));
    }
    out.push_str("---\n");
    out.push_str(fm.body());
    write_atomic(&dirs.skill.join("SKILL.md"), out.as_bytes())
}
