//! Reset plans (agents-and-workflow.md §5.11): which existing files a reset to step n deletes,
//! which it edits, grouped by the step that made them. The preview and the reset use the same
//! plan, so a reset removes exactly what its preview listed.

use std::path::Path;

use super::artifacts::clarifications::Clarifications;
use super::artifacts::evaluation::{AnswerEvaluation, GateName};
use super::artifacts::{parse, render, to_text};
use super::steps::STEPS;
use super::verify::{SkillDirs, read_text};
use crate::protocol::{AppError, ResetEdit, ResetStepPlan};

/// Paths in a plan that live in `WS/{skill}` rather than the skill folder.
pub const WS_PREFIX: &str = "WS/";
const EVALUATION: &str = "answer-evaluation.json";

/// The files (skill-relative, `WS/…` for the workspace) each step ≥ `target` would lose.
pub fn plan(dirs: &SkillDirs, target: u8) -> Result<Vec<ResetStepPlan>, AppError> {
    if target > 5 {
        return Err(AppError::invalid("step", "must be 0 to 5"));
    }
    let gate = gate_of(&dirs.workspace)?;
    let mut steps: Vec<ResetStepPlan> = (target..6)
        .map(|s| ResetStepPlan {
            step: s,
            name: STEPS[usize::from(s)].name.into(),
            delete: Vec::new(),
            edit: Vec::new(),
        })
        .collect();
    let mut add = |step: u8, rel: String| {
        if let Some(plan) = steps.iter_mut().find(|p| p.step == step) {
            plan.delete.push(rel);
        }
    };
    let existing = |rel: &str| dirs.skill.join(rel).is_file();
    if target == 0 {
        for rel in list_files(&dirs.skill, "context")? {
            add(0, rel);
        }
    } else {
        for (step, rel) in [
            (2, "context/refinements.json"),
            (4, "context/decisions.json"),
            (4, "context/decisions.md"),
            (5, "context/lint.json"),
            (5, "context/validation.json"),
            (5, "context/validation-report.md"),
        ] {
            if step >= target && existing(rel) {
                add(step, rel.into());
            }
        }
    }
    // The gate file belongs to the review it judged: gate 1's is step 2's input and survives a
    // reset to step 2; gate 2's goes with any reset up to step 3.
    match gate {
        Some(GateName::Clarifications) if target <= 1 => add(1, format!("{WS_PREFIX}{EVALUATION}")),
        Some(GateName::Refinements) if target <= 3 => add(3, format!("{WS_PREFIX}{EVALUATION}")),
        _ => {}
    }
    if existing("SKILL.md") {
        add(5, "SKILL.md".into());
    }
    for folder in ["references", "evals"] {
        for rel in list_files(&dirs.skill, folder)? {
            add(5, rel);
        }
    }
    if (1..=2).contains(&target)
        && let Some(edit) = refinement_edit(&dirs.skill)?
        && let Some(plan) = steps.iter_mut().find(|p| p.step == 2)
    {
        plan.edit.push(edit);
    }
    Ok(steps)
}

fn gate_of(workspace: &Path) -> Result<Option<GateName>, AppError> {
    let Some(text) = read_text(workspace, EVALUATION)? else { return Ok(None) };
    // An unreadable gate file is treated as gate 1's, so it is deleted by the earlier resets only.
    Ok(Some(parse::<AnswerEvaluation>(EVALUATION, &text).map(|e| e.gate).unwrap_or(GateName::Clarifications)))
}

fn refinement_edit(skill: &Path) -> Result<Option<ResetEdit>, AppError> {
    let Some(text) = read_text(skill, "context/clarifications.json")? else { return Ok(None) };
    let Ok(doc) = parse::<Clarifications>("context/clarifications.json", &text) else { return Ok(None) };
    let total = doc.refinement_count();
    if total == 0 {
        return Ok(None);
    }
    let mut answered = 0;
    doc.visit(&mut |_, a, is_r| answered += usize::from(is_r && !a.is_empty()));
    Ok(Some(ResetEdit {
        path: "context/clarifications.json".into(),
        summary: format!("remove {total} refinements ({answered} answered)"),
    }))
}

/// Files under `folder`, recursively, skill-relative and sorted.
fn list_files(root: &Path, folder: &str) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    let mut stack = vec![folder.to_string()];
    while let Some(rel) = stack.pop() {
        let path = root.join(&rel);
        let entries = match std::fs::read_dir(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(AppError::io(&path, e)),
            Ok(entries) => entries,
        };
        for entry in entries {
            let entry = entry.map_err(|e| AppError::io(&path, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = format!("{rel}/{name}");
            if entry.file_type().map_err(|e| AppError::io(&path, e))?.is_dir() {
                stack.push(child);
            } else {
                out.push(child);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Applies a plan: deletes its files, removes refinements from the clarifications (answers to
/// the questions kept) and drops folders the deletes emptied. Returns (deleted, edited).
pub fn apply(dirs: &SkillDirs, plan: &[ResetStepPlan]) -> Result<(Vec<String>, Vec<String>), AppError> {
    let mut deleted = Vec::new();
    for rel in plan.iter().flat_map(|p| &p.delete) {
        let path = match rel.strip_prefix(WS_PREFIX) {
            Some(ws) => dirs.workspace.join(ws),
            None => dirs.skill.join(rel),
        };
        match std::fs::remove_file(&path) {
            Ok(()) => deleted.push(rel.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(AppError::io(&path, e)),
        }
    }
    for folder in ["references", "evals", "context"] {
        remove_empty_dirs(&dirs.skill.join(folder));
    }
    let mut edited = Vec::new();
    for edit in plan.iter().flat_map(|p| &p.edit) {
        if edit.path == "context/clarifications.json"
            && let Some(text) = read_text(&dirs.skill, &edit.path)?
        {
            let mut doc = parse::<Clarifications>(&edit.path, &text).map_err(|e| AppError::MissingInput {
                what: e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            })?;
            for q in doc.sections.iter_mut().flat_map(|s| &mut s.questions) {
                q.refinements.clear();
            }
            write_clarifications(&dirs.skill, &doc)?;
            edited.push(edit.path.clone());
        }
    }
    Ok((deleted, edited))
}

/// Writes `clarifications.json` and its rendered view, each atomically.
pub fn write_clarifications(skill: &Path, doc: &Clarifications) -> Result<(), AppError> {
    crate::atomic::write_atomic(&skill.join("context/clarifications.json"), to_text(doc).as_bytes())?;
    crate::atomic::write_atomic(&skill.join("context/clarifications.md"), render::clarifications_md(doc).as_bytes())
}

fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_dirs(&entry.path());
            }
        }
    }
    // Fails (and keeps the folder) when something is left in it.
    let _ = std::fs::remove_dir(dir);
}
