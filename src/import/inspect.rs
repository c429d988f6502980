//! Step 4 and 5 of the import pipeline (skill-format §3.2): validate the staged skill (the
//! `library` profile plus the content scan), read the fields the registries store from its
//! front-matter (§1.4–§1.5, legacy top-level keys included), and decide its name.

use std::path::Path;

use super::finding::{blocks, note};
use super::stage::{Located, content_sha256};
use crate::protocol::validation::{Finding, FixProposal, Profile, Severity};
use crate::protocol::{AppError, SkillName};
use crate::skill::frontmatter::{self, Value};
use crate::skill::{security, validate};

/// What the registries need to know about a staged skill.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspected {
    /// The name the skill is stored under; empty when neither `name` nor the folder is usable.
    pub name: String,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub skill_type: Option<String>,
    pub version: Option<String>,
    pub model: Option<String>,
    pub argument_hint: Option<String>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
    pub findings: Vec<Finding>,
    pub fixes: Vec<FixProposal>,
    pub content_sha256: String,
}

impl Inspected {
    pub fn importable(&self) -> bool {
        !self.name.is_empty() && !self.findings.iter().any(blocks)
    }

    /// The error that stops the import, if any.
    pub fn refusal(&self) -> Option<AppError> {
        if self.importable() {
            return None;
        }
        Some(super::finding::blocked(self.findings.clone()))
    }
}

/// Inspects the located skill; `earlier` are the findings of staging (archive notes).
pub fn inspect(located: &Located, earlier: Vec<Finding>) -> Result<Inspected, AppError> {
    let dir = &located.dir;
    let mut out = Inspected { content_sha256: content_sha256(dir)?, ..Default::default() };
    out.findings = earlier;
    out.findings.extend(located.findings.iter().cloned());
    let report = validate::validate_dir(dir, Profile::Library)?;
    let validator_blocked = report.findings.iter().any(blocks);
    out.findings.extend(report.findings);
    out.findings.extend(security::scan_dir(dir)?);
    let text = read_skill_md(dir)?;
    let parsed = match &text {
        Some(text) => match frontmatter::parse(text) {
            Ok(fm) => Some(fm),
            Err(err) => {
                if !validator_blocked {
                    let (line, col) = err.position().unwrap_or((1, 1));
                    let mut finding =
                        note("SB010", Severity::Error, format!("SKILL.md front-matter: {err}"), Some("SKILL.md"));
                    finding.line = u32::try_from(line).ok();
                    finding.col = u32::try_from(col).ok();
                    out.findings.push(finding);
                }
                None
            }
        },
        None => None,
    };
    let field = |key: &str| parsed.as_ref().and_then(|fm| fm.text(key)).map(String::from);
    let meta = |key: &str| {
        parsed
            .as_ref()
            .and_then(|fm| fm.get("metadata"))
            .and_then(Value::as_map)
            .and_then(|m| m.get(key))
            .and_then(scalar)
    };
    let flag = |key: &str| parsed.as_ref().and_then(|fm| fm.get(key)).and_then(Value::as_bool);
    out.description = field("description");
    out.domain = meta("skill-builder.domain").or_else(|| field("domain"));
    out.skill_type = meta("skill-builder.type").or_else(|| field("type")).or_else(|| field("skill_type"));
    out.version = meta("version").or_else(|| parsed.as_ref().and_then(|fm| fm.get("version")).and_then(scalar));
    out.model = field("model");
    out.argument_hint = field("argument-hint");
    out.user_invocable = flag("user-invocable");
    out.disable_model_invocation = flag("disable-model-invocation");
    decide_name(&mut out, field("name"), located.top.as_deref());
    Ok(out)
}

/// The front-matter `name` when it is a valid skill name, else the folder's (`SB101`/`SB104`
/// fix); a top folder that differs from `name` is renamed (`SB318`).
fn decide_name(out: &mut Inspected, declared: Option<String>, top: Option<&str>) {
    let folder = top.and_then(|t| SkillName::parse(t).ok());
    match (declared.as_deref().and_then(|n| SkillName::parse(n).ok()), folder) {
        (Some(name), _) => {
            if let Some(top) = top.filter(|t| *t != name.as_str()) {
                let summary = format!("Top folder `{top}` renamed to `{name}`.");
                let mut finding = note("SB318", Severity::Warning, summary.clone(), Some(top));
                finding.fix = Some(FixProposal { summary: summary.clone(), diff: None });
                out.fixes.push(FixProposal { summary, diff: None });
                out.findings.push(finding);
            }
            out.name = name.to_string();
        }
        (None, Some(folder)) => {
            let summary = format!("Use the folder name `{folder}` as `name`.");
            let shown = declared.unwrap_or_default();
            let message = format!("`name` \"{shown}\" is missing or invalid: only a–z, 0–9, single inner hyphens.");
            let mut finding = note("SB104", Severity::Error, message, Some("SKILL.md"));
            finding.fix = Some(FixProposal { summary: summary.clone(), diff: None });
            out.fixes.push(FixProposal { summary, diff: None });
            out.findings.push(finding);
            out.name = folder.to_string();
        }
        (None, None) => {
            let message = "`name` is missing or invalid and no folder name can stand in for it.".to_string();
            out.findings.push(note("SB104", Severity::Error, message, Some("SKILL.md")));
        }
    }
    for finding in &out.findings {
        if let Some(fix) = &finding.fix
            && !out.fixes.contains(fix)
        {
            out.fixes.push(fix.clone());
        }
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

fn read_skill_md(dir: &Path) -> Result<Option<String>, AppError> {
    let path = dir.join("SKILL.md");
    match std::fs::read(&path) {
        Ok(bytes) => Ok(String::from_utf8(bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(AppError::io(&path, e)),
    }
}
