//! Builds what an export ships, before anything is written to its destination: the skill's
//! files (§3.1 exclusions), the profile's SKILL.md (§1.4) and, for `codex`, the
//! `agents/openai.yaml` policy; then the exact tree is validated with the profile and scanned by
//! the security gate in a private temp folder, so the checks see what the target will see.
//! Any error finding blocks the export (`invalid_skill`). Blocking.

use std::path::Path;

use super::files::{self, ExportFile};
use super::profile;
use crate::protocol::AppError;
use crate::protocol::validation::{Finding, Profile, Severity};
use crate::skill::frontmatter::FrontmatterError;

/// The skill part of an export, checked.
#[derive(Debug)]
pub struct Checked {
    pub files: Vec<ExportFile>,
    /// The original SKILL.md text, for the plugin manifests.
    pub original_skill_md: Option<String>,
    pub lifted: Vec<String>,
    pub dropped: Vec<String>,
    /// Warnings and notes (errors were turned into `invalid_skill`).
    pub findings: Vec<Finding>,
}

/// Options that shape the skill's files.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub profile: Profile,
    pub include_evals: bool,
    pub strip_builder_metadata: bool,
    pub drop_non_portable_keys: bool,
}

/// Reads `dir`, applies the profile, and validates and scans the result under `temp`.
pub fn build(dir: &Path, name: &str, shape: Shape, temp: &Path) -> Result<Checked, AppError> {
    let mut files = files::collect(dir, shape.include_evals)?;
    let mut own_findings = Vec::new();
    let mut out =
        Checked { files: Vec::new(), original_skill_md: None, lifted: vec![], dropped: vec![], findings: vec![] };
    if let Some(skill_md) = files.iter_mut().find(|f| f.path == "SKILL.md") {
        let text = String::from_utf8_lossy(&skill_md.bytes).into_owned();
        match profile::transform(&text, shape.profile, shape.strip_builder_metadata, shape.drop_non_portable_keys) {
            Ok(transformed) => {
                if let Some(new_text) = transformed.text {
                    skill_md.bytes = new_text.into_bytes();
                }
                out.lifted = transformed.lifted;
                out.dropped = transformed.dropped;
                if transformed.implicit_invocation_off {
                    set_openai_policy(&mut files);
                }
            }
            // Nothing can be transformed: the export must not ship keys the target refuses.
            Err(err) => own_findings.push(frontmatter_finding(&err)),
        }
        out.original_skill_md = Some(text);
    }
    let mut findings = check_staged(&files, name, shape.profile, temp)?;
    for finding in own_findings {
        if !findings.iter().any(|f| f.rule == finding.rule) {
            findings.push(finding);
        }
    }
    if findings.iter().any(|f| f.severity == Severity::Error) {
        findings.sort_by_key(|f| f.severity);
        return Err(AppError::InvalidSkill { findings });
    }
    out.files = files;
    out.findings = findings;
    Ok(out)
}

/// Writes or rewrites `agents/openai.yaml` with `allow_implicit_invocation: false`.
fn set_openai_policy(files: &mut Vec<ExportFile>) {
    const PATH: &str = "agents/openai.yaml";
    let existing = files.iter().position(|f| f.path == PATH);
    let text = existing.map(|i| String::from_utf8_lossy(&files[i].bytes).into_owned());
    let Some(new_text) = profile::openai_yaml(text.as_deref()) else { return };
    match existing {
        Some(i) => files[i].bytes = new_text.into_bytes(),
        None => {
            files.push(ExportFile { path: PATH.into(), bytes: new_text.into_bytes(), executable: false });
            files.sort_by(|a, b| a.path.cmp(&b.path));
        }
    }
}

/// Validates and scans the tree as it will ship, in a temp folder removed afterwards.
fn check_staged(files: &[ExportFile], name: &str, profile: Profile, temp: &Path) -> Result<Vec<Finding>, AppError> {
    std::fs::create_dir_all(temp).map_err(|e| AppError::io(temp, e))?;
    let staging = tempfile::Builder::new().prefix("export-").tempdir_in(temp).map_err(|e| AppError::io(temp, e))?;
    let dir = staging.path().join(name);
    files::write_tree(&dir, files)?;
    let mut findings = crate::skill::validate::validate_dir(&dir, profile)?.findings;
    findings.extend(crate::skill::security::scan_dir(&dir)?);
    Ok(findings)
}

/// The rule a front-matter error breaks (skill-format §2.1), for when the profile cannot be
/// applied. The validator reports the same rule; this one is kept only if it does not.
fn frontmatter_finding(err: &FrontmatterError) -> Finding {
    let rule = match err {
        FrontmatterError::Missing => "SB006",
        FrontmatterError::TextBeforeOpening { .. } => "SB007",
        FrontmatterError::Unclosed => "SB008",
        FrontmatterError::ClosedWithDots { .. } => "SB009",
        FrontmatterError::TooLarge { .. } => "SB017",
        FrontmatterError::Yaml { .. } => "SB010",
        FrontmatterError::DuplicateKey { .. } => "SB014",
        FrontmatterError::NotMapping { .. } => "SB015",
    };
    let (line, col) = err.position().map_or((None, None), |(l, c)| (u32::try_from(l).ok(), u32::try_from(c).ok()));
    Finding {
        rule: rule.into(),
        severity: Severity::Error,
        message: format!("SKILL.md: {err}"),
        path: Some("SKILL.md".into()),
        line,
        col,
        fix: None,
    }
}
