//! Workflow step detection from the files of a skill folder (backend.md §4.3). Pure: the caller
//! reads the few files that matter into [`SkillFiles`]; this module judges them, so every rule is
//! unit-tested with plain strings.
//!
//! The artifact types of agents-and-workflow.md §5.9 are not built yet, so a JSON artifact counts
//! as valid when it loads tolerantly (BOM and a surrounding code fence removed), is an object
//! whose `schema` names the artifact and whose `version` is a positive integer, and has the list
//! its step is judged by: ≥1 question in `clarifications.json` unless the scope recommendation is
//! not `ok`, a `refinements` list (empty when `none_needed_reason` is set), ≥1 decision unless it
//! is the scope stub. The research plan needs a front-matter block (whose `schema`, when given,
//! names the plan); SKILL.md needs front-matter with a `name`, a non-empty `description`, and a
//! body. Rendered Markdown views are never read.

mod json;

use crate::skill::frontmatter::{self, Frontmatter, FrontmatterError, Value};
use crate::skill::shallow;
use json::Lite;
use serde::{Deserialize, Serialize};

pub const RESEARCH_PLAN: &str = "context/research-plan.md";
pub const CLARIFICATIONS: &str = "context/clarifications.json";
pub const REFINEMENTS: &str = "context/refinements.json";
pub const DECISIONS: &str = "context/decisions.json";
pub const SKILL_MD: &str = "SKILL.md";

/// The files detection reads, in the order of [`SkillFiles::texts`].
pub const DETECTED_FILES: [&str; 5] = [RESEARCH_PLAN, CLARIFICATIONS, REFINEMENTS, DECISIONS, SKILL_MD];

/// One file as the reader found it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FileText {
    #[default]
    Absent,
    Text(String),
    /// Present but not readable as UTF-8 text (the reason is reported).
    Unreadable(String),
}

/// What detection looks at in one skill folder.
#[derive(Debug, Clone, Default)]
pub struct SkillFiles {
    /// In the order of [`DETECTED_FILES`].
    pub texts: [FileText; 5],
    /// `references/` or `evals/` holds at least one file.
    pub has_generated_files: bool,
}

/// How far a step's outputs are on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Presence {
    Absent,
    /// Some output is present, or present but invalid.
    Partial,
    Complete,
}

/// A reason a file does not count as a valid output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// The state a step should have according to the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepTarget {
    Completed,
    Skipped,
    Open,
}

/// The verdict for one folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detection {
    /// Step 0: research plan and clarifications.
    pub research: Presence,
    /// Step 2: refinements.
    pub refinements: Presence,
    /// Step 4: decisions.
    pub decisions: Presence,
    /// Step 5: SKILL.md (and references/evals).
    pub skill: Presence,
    pub frontmatter_name: Option<String>,
    pub frontmatter_description: Option<String>,
    /// Which of [`DETECTED_FILES`] exist.
    pub present: [bool; 5],
    pub problems: Vec<Problem>,
}

/// The outputs of a detectable step.
pub fn files_of_step(step: u8) -> &'static [&'static str] {
    match step {
        0 => &[RESEARCH_PLAN, CLARIFICATIONS],
        2 => &[REFINEMENTS],
        4 => &[DECISIONS],
        5 => &[SKILL_MD],
        _ => &[],
    }
}

impl Detection {
    /// The highest complete step among 0, 4 and 5 whose lower ones of these are complete.
    pub fn furthest(&self) -> Option<u8> {
        if self.research != Presence::Complete {
            return None;
        }
        if self.decisions != Presence::Complete {
            return Some(0);
        }
        Some(if self.skill == Presence::Complete { 5 } else { 4 })
    }

    /// The status each of the six steps should have: steps 1 and 3 are implied by a later
    /// complete step; without valid refinements, steps 2 and 3 are skipped once step 4 is complete.
    pub fn targets(&self) -> [StepTarget; 6] {
        use StepTarget::*;
        let mut out = [Open; 6];
        let Some(furthest) = self.furthest() else { return out };
        let refined = self.refinements == Presence::Complete;
        out[0] = Completed;
        if refined {
            out[1] = Completed;
            out[2] = Completed;
        }
        if furthest >= 4 {
            out[1] = Completed;
            out[2] = if refined { Completed } else { Skipped };
            out[3] = if refined { Completed } else { Skipped };
            out[4] = Completed;
        }
        if furthest == 5 {
            out[5] = Completed;
        }
        out
    }

    /// Presence of a detectable step's outputs; other steps report `Absent`.
    pub fn presence(&self, step: u8) -> Presence {
        match step {
            0 => self.research,
            2 => self.refinements,
            4 => self.decisions,
            5 => self.skill,
            _ => Presence::Absent,
        }
    }

    /// Any workflow artifact (not SKILL.md) is present.
    pub fn has_artifacts(&self) -> bool {
        [self.research, self.refinements, self.decisions].iter().any(|p| *p != Presence::Absent)
    }

    /// Outputs of `step` that are absent or invalid.
    pub fn missing_of_step(&self, step: u8) -> Vec<String> {
        files_of_step(step)
            .iter()
            .filter(|file| {
                let exists = DETECTED_FILES.iter().position(|f| f == *file).is_some_and(|i| self.present[i]);
                !exists || self.problems.iter().any(|p| p.path == **file)
            })
            .map(|f| f.to_string())
            .collect()
    }
}

/// Judges one folder's files.
pub fn detect(files: &SkillFiles) -> Detection {
    let mut problems = Vec::new();
    let [plan, clarifications, refinements, decisions, skill_md] = &files.texts;
    let plan_ok = judge(plan, RESEARCH_PLAN, &mut problems, check_research_plan);
    let clar_ok = judge(clarifications, CLARIFICATIONS, &mut problems, check_clarifications);
    let research = presence(&[plan, clarifications], plan_ok && clar_ok);
    let refinements = presence(&[refinements], judge(refinements, REFINEMENTS, &mut problems, check_refinements));
    let decisions = presence(&[decisions], judge(decisions, DECISIONS, &mut problems, check_decisions));
    // SKILL.md's front-matter is read once: for its verdict and for the name and description.
    let (skill_verdict, frontmatter_name, frontmatter_description) = match skill_md {
        FileText::Text(text) => read_skill_md(text),
        _ => (Err("no front-matter block".into()), None, None),
    };
    let skill_ok = judge(skill_md, SKILL_MD, &mut problems, |_| skill_verdict);
    let skill = match (skill_md, skill_ok) {
        (_, true) => Presence::Complete,
        (FileText::Absent, _) if !files.has_generated_files => Presence::Absent,
        _ => Presence::Partial,
    };
    let present = std::array::from_fn(|i| files.texts[i] != FileText::Absent);
    Detection { research, refinements, decisions, skill, frontmatter_name, frontmatter_description, present, problems }
}

fn presence(files: &[&FileText], valid: bool) -> Presence {
    if valid {
        Presence::Complete
    } else if files.iter().all(|f| **f == FileText::Absent) {
        Presence::Absent
    } else {
        Presence::Partial
    }
}

/// Applies `check` to a present file and records why it fails; an absent file is not valid.
fn judge(
    file: &FileText,
    path: &str,
    problems: &mut Vec<Problem>,
    check: impl FnOnce(&str) -> Result<(), String>,
) -> bool {
    let outcome = match file {
        FileText::Absent => return false,
        FileText::Unreadable(why) => Err(why.clone()),
        FileText::Text(text) => check(text),
    };
    match outcome {
        Ok(()) => true,
        Err(message) => {
            problems.push(Problem { path: path.to_string(), message });
            false
        }
    }
}

/// The JSON text of an artifact: a BOM and a surrounding code fence are removed first.
fn json_body(text: &str) -> &str {
    let mut body = text.trim_start_matches('\u{feff}').trim();
    if let Some(rest) = body.strip_prefix("```") {
        let after_tag = rest.find('\n').map_or("", |i| &rest[i + 1..]);
        body = after_tag.trim_end().strip_suffix("```").unwrap_or(after_tag).trim();
    }
    body
}

/// Tolerant JSON loading of an object, keeping `depth` levels (see [`Lite::parse`]).
fn load_object(text: &str, depth: usize) -> Result<Lite<'_>, String> {
    match Lite::parse(json_body(text), depth) {
        Ok(doc @ Lite::Object(_)) => Ok(doc),
        Ok(_) => Err("not a JSON object".into()),
        Err(err) => Err(format!("not valid JSON ({err})")),
    }
}

fn versioned<'t>(text: &'t str, schema: &str, depth: usize) -> Result<Lite<'t>, String> {
    let doc = load_object(text, depth)?;
    match doc.get("schema").and_then(|s| s.as_str()) {
        Some(found) if found == schema => {}
        Some(found) => return Err(format!("schema is '{found}', expected '{schema}'")),
        None => return Err(format!("no \"schema\": \"{schema}\" field")),
    }
    if doc.get("version").and_then(|v| v.as_u64()).is_none_or(|v| v < 1) {
        return Err("\"version\" must be a positive integer".into());
    }
    Ok(doc)
}

/// The length of the list `key`.
fn list_len(doc: &Lite<'_>, key: &str) -> Result<usize, String> {
    doc.get(key).and_then(Lite::array_len).ok_or_else(|| format!("\"{key}\" must be a list"))
}

fn check_clarifications(text: &str) -> Result<(), String> {
    // Down to each section's `questions`, which are only counted.
    let doc = versioned(text, "skill-builder/clarifications", 3)?;
    list_len(&doc, "sections")?;
    let sections = doc.get("sections").and_then(Lite::items).unwrap_or_default();
    let questions: usize = sections.iter().map(|s| s.get("questions").and_then(Lite::array_len).unwrap_or(0)).sum();
    let scope_ok =
        doc.get("scope").and_then(|s| s.get("recommendation")).and_then(|r| r.as_str()).is_none_or(|r| r == "ok");
    if questions == 0 && scope_ok {
        return Err("no questions, and the scope recommendation is ok".into());
    }
    Ok(())
}

fn check_refinements(text: &str) -> Result<(), String> {
    let doc = versioned(text, "skill-builder/refinements", 1)?;
    let listed = list_len(&doc, "refinements")?;
    if doc.get("none_needed_reason").is_some_and(|r| !r.is_null()) && listed > 0 {
        return Err("\"none_needed_reason\" is set but refinements are listed".into());
    }
    Ok(())
}

fn check_decisions(text: &str) -> Result<(), String> {
    let doc = versioned(text, "skill-builder/decisions", 1)?;
    let listed = list_len(&doc, "decisions")?;
    let stub = doc.get("scope_recommendation").and_then(|s| s.as_bool()).unwrap_or(false);
    if listed == 0 && !stub {
        return Err("no decisions".into());
    }
    Ok(())
}

fn check_research_plan(text: &str) -> Result<(), String> {
    const PLAN: &str = "skill-builder/research-plan";
    if let Some(found) = shallow::peek(text, &["schema"]) {
        return match found.values[0].as_deref() {
            None | Some(PLAN) => Ok(()),
            Some(schema) => Err(format!("schema is '{schema}'")),
        };
    }
    let front = frontmatter::parse(text).map_err(|e| e.to_string())?;
    match front.get("schema") {
        None => Ok(()),
        Some(schema) if schema.as_str() == Some(PLAN) => Ok(()),
        Some(Value::String(schema)) => Err(format!("schema is '{schema}'")),
        Some(other) => Err(format!("schema is a {}, not a string", other.kind().name())),
    }
}

/// SKILL.md's verdict, and the name and description its front-matter gives (trimmed, when not
/// empty). The shallow pass answers for a plain block; anything else goes to the full reader.
fn read_skill_md(text: &str) -> (Result<(), String>, Option<String>, Option<String>) {
    if let Some(found) = shallow::peek(text, &["name", "description"]) {
        let [name, description] =
            [0, 1].map(|i| found.values[i].as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string));
        let verdict = if name.is_none() {
            Err("front-matter has no name".to_string())
        } else if description.is_none() {
            Err("front-matter has no description".to_string())
        } else if found.body.trim().is_empty() {
            Err("the body is empty".to_string())
        } else {
            Ok(())
        };
        return (verdict, name, description);
    }
    let parsed = frontmatter::parse(text);
    let verdict = check_skill_md(&parsed);
    let front = parsed.ok();
    let field = |key| front.as_ref().and_then(|f| f.text(key)).map(str::to_string);
    (verdict, field("name"), field("description"))
}

fn check_skill_md(parsed: &Result<Frontmatter<'_>, FrontmatterError>) -> Result<(), String> {
    let front = parsed.as_ref().map_err(|e| e.to_string())?;
    for key in ["name", "description"] {
        match front.get(key) {
            Some(value) if value.as_str().is_some_and(|v| !v.trim().is_empty()) => {}
            Some(value) if !matches!(value, Value::Null | Value::String(_)) => {
                return Err(format!("front-matter {key} is a {}, not a string", value.kind().name()));
            }
            _ => return Err(format!("front-matter has no {key}")),
        }
    }
    if front.body().trim().is_empty() {
        return Err("the body is empty".into());
    }
    Ok(())
}

#[cfg(test)]
#[path = "detect_tests.rs"]
mod tests;
