//! `verify_step_output` (agents-and-workflow.md §5.4): the one check of a step's files, used by
//! the completion hooks, the repair turn, reset previews and the CLI. It reads the JSON
//! artifacts, the research plan's front-matter and SKILL.md, never a rendered view.

use std::path::Path;

use super::artifacts::clarifications::Clarifications;
use super::artifacts::decisions::Decisions;
use super::artifacts::refinements::Refinements;
use super::artifacts::validation::{Evals, Validation, check_research_plan};
use super::artifacts::{Artifact, ArtifactError, Problems, parse};
use super::steps::{STEPS, VALIDATE};
use crate::protocol::validation::{Profile, Severity};
use crate::protocol::{AppError, FileCheck, StepVerification};

/// The most a verification reads of one file.
const MAX_READ: u64 = 5 * 1024 * 1024;

/// Where a skill's files are.
#[derive(Debug, Clone)]
pub struct SkillDirs {
    pub name: String,
    /// `SP/{skill}`
    pub skill: std::path::PathBuf,
    /// `WS/{skill}`
    pub workspace: std::path::PathBuf,
}

/// Reads a skill-relative text file; `None` when missing.
pub fn read_text(dir: &Path, rel: &str) -> Result<Option<String>, AppError> {
    let path = dir.join(rel);
    match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(AppError::io(&path, e)),
        Ok(meta) if meta.len() > MAX_READ => {
            return Err(AppError::TooLarge { what: rel.into(), limit: MAX_READ, actual: meta.len() });
        }
        Ok(_) => {}
    }
    std::fs::read_to_string(&path).map(Some).map_err(|e| AppError::io(&path, e))
}

/// Loads and checks one JSON artifact, appending its errors.
pub fn load<T: Artifact>(dir: &Path, rel: &str, errors: &mut Vec<String>) -> Result<Option<T>, AppError> {
    let Some(text) = read_text(dir, rel)? else {
        errors.push(format!("{rel}: missing"));
        return Ok(None);
    };
    Ok(parse::<T>(rel, &text).map_err(|e| errors.extend(e.iter().map(ArtifactError::to_string))).ok())
}

fn file_check(dir: &Path, rel: &str) -> FileCheck {
    let path = dir.join(rel.trim_end_matches('/'));
    let meta = std::fs::metadata(&path).ok();
    let bytes = meta.as_ref().filter(|m| m.is_file()).map_or(0, |m| u32::try_from(m.len()).unwrap_or(u32::MAX));
    FileCheck { path: rel.into(), bytes, exists: meta.is_some() }
}

/// Checks step `step` (0–5, or 6 for Validate).
pub fn verify_step_output(dirs: &SkillDirs, step: u8) -> Result<StepVerification, AppError> {
    let def = STEPS.get(usize::from(step)).ok_or_else(|| AppError::invalid("step", "must be 0 to 6"))?;
    let dir = dirs.skill.as_path();
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let files: Vec<FileCheck> = def.outputs.iter().chain(def.rendered).map(|rel| file_check(dir, rel)).collect();
    let missing: Vec<String> =
        def.outputs.iter().filter(|rel| !dir.join(rel.trim_end_matches('/')).exists()).map(|s| s.to_string()).collect();
    match step {
        0 => {
            match read_text(dir, "context/research-plan.md")? {
                Some(text) => {
                    let mut p = Problems::new("context/research-plan.md");
                    check_research_plan(&text, &mut p);
                    errors.extend(p.errors.iter().map(ArtifactError::to_string));
                }
                None => errors.push("context/research-plan.md: missing".into()),
            }
            load::<Clarifications>(dir, "context/clarifications.json", &mut errors)?;
        }
        1 | 3 => {
            load::<Clarifications>(dir, "context/clarifications.json", &mut errors)?;
        }
        2 => {
            let clar = load::<Clarifications>(dir, "context/clarifications.json", &mut errors)?;
            if let (Some(refs), Some(mut clar)) =
                (load::<Refinements>(dir, "context/refinements.json", &mut errors)?, clar)
                && let Err(e) = refs.merge_into("context/refinements.json", &mut clar)
            {
                errors.extend(e.iter().map(ArtifactError::to_string));
            }
        }
        4 => {
            let clar = load::<Clarifications>(dir, "context/clarifications.json", &mut errors)?;
            if let Some(decisions) = load::<Decisions>(dir, "context/decisions.json", &mut errors)?
                && let Some(clar) = clar
            {
                let mut p = Problems::new("context/decisions.json");
                decisions.check_sources(&clar.all_ids(), &mut p);
                errors.extend(p.errors.iter().map(ArtifactError::to_string));
                warnings.extend(uncovered_answers(&clar, &decisions));
            }
        }
        5 => verify_skill(dirs, &mut errors, &mut warnings)?,
        VALIDATE => {
            load::<Validation>(dir, "context/validation.json", &mut errors)?;
        }
        _ => {}
    }
    Ok(StepVerification { step_id: step, ok: errors.is_empty(), files, missing, errors, warnings })
}

fn uncovered_answers(clar: &Clarifications, decisions: &Decisions) -> Vec<String> {
    let covered: std::collections::BTreeSet<&str> =
        decisions.decisions.iter().flat_map(|d| d.sources.iter().map(String::as_str)).collect();
    let mut out = Vec::new();
    clar.visit(&mut |id, answer, _| {
        if !answer.is_empty() && !covered.contains(id) {
            out.push(format!("{id} is answered but no decision covers it"));
        }
    });
    out
}

/// Step 5: the library profile's errors, plus the body and the references (§5.5).
fn verify_skill(dirs: &SkillDirs, errors: &mut Vec<String>, warnings: &mut Vec<String>) -> Result<(), AppError> {
    let dir = dirs.skill.as_path();
    let report = crate::skill::validate::validate_dir(dir, Profile::Library)?;
    for f in &report.findings {
        let line =
            format!("{} {}{}", f.rule, f.path.as_deref().map(|p| format!("{p}: ")).unwrap_or_default(), f.message);
        if f.severity == Severity::Error { errors.push(line) } else { warnings.push(line) }
    }
    let Some(text) = read_text(dir, "SKILL.md")? else { return Ok(()) };
    match crate::skill::frontmatter::parse(&text) {
        Err(err) => errors.push(format!("SKILL.md: front-matter: {err}")),
        Ok(fm) => {
            if fm.text("name") != Some(dirs.name.as_str()) {
                errors.push(format!("SB105 SKILL.md: name must equal the folder name \"{}\"", dirs.name));
            }
            let n = fm.text("description").map_or(0, |d| d.trim().chars().count());
            if n == 0 {
                errors.push("SB107 SKILL.md: the description is empty".into());
            } else if n > 1024 {
                errors.push(format!("SB109 SKILL.md: the description has {n} characters; the limit is 1024"));
            }
            let body = fm.body();
            if body.trim().is_empty() {
                errors.push("SKILL.md: the body is empty".into());
            }
            let lines = body.lines().count();
            if lines > 500 {
                warnings.push(format!("SB202 SKILL.md: the body has {lines} lines; keep it under 500"));
            }
            reference_warnings(dir, body, warnings);
        }
    }
    match read_text(dir, "evals/evals.json")? {
        None => warnings.push("SB213 no evals/evals.json".into()),
        Some(text) => match parse::<Evals>("evals/evals.json", &text) {
            Ok(evals) if evals.evals.len() < 3 => {
                warnings.push(format!("evals/evals.json has {} cases; write at least 3", evals.evals.len()))
            }
            Ok(_) => {}
            Err(e) => warnings.extend(e.iter().map(ArtifactError::to_string)),
        },
    }
    Ok(())
}

/// Warns about references nothing links to and links to references that do not exist.
fn reference_warnings(dir: &Path, body: &str, warnings: &mut Vec<String>) {
    let mut present = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("references")) {
        for entry in entries.flatten() {
            if let Some(name) = entry.file_name().to_str() {
                present.push(format!("references/{name}"));
            }
        }
    }
    present.sort();
    for rel in &present {
        if !body.contains(rel.as_str()) {
            warnings.push(format!("{rel} is not linked from SKILL.md"));
        }
    }
    for (i, _) in body.match_indices("references/") {
        let rest = &body[i..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | ']' | '`' | '"' | '\'' | ','))
            .unwrap_or(rest.len());
        let link = rest[..end].trim_end_matches(['.', ':', ';']);
        if link.ends_with(".md") && !present.iter().any(|p| p == link) {
            warnings.push(format!("SKILL.md links to {link}, which does not exist"));
        }
    }
}
