//! The skill validator (skill-format §2): one entry for a folder on disk ([`validate_dir`]) and
//! one for files in memory ([`validate_tree`], for import previews), both checking a skill
//! against a target profile and returning findings with rule ids from `skill::rules`.
//!
//! Split by rule family: `file` (SB0xx: SKILL.md, encoding, fences, YAML errors) with
//! `yaml_lines` (line-level YAML pitfalls), `fields` (SB1xx), `body` (SB2xx), `profile`
//! (SB4xx); `manifest` checks plugin and marketplace manifests (SB5xx). Archive rules (SB3xx)
//! belong to import, the content scan (SB35x) to `skill::security`, library rules (SB6xx) to
//! the commands that know the library.

mod body;
mod fields;
mod file;
pub mod manifest;
mod out;
mod profile;
pub mod tree;
mod yaml_lines;

pub use profile::CLAUDE_CODE_KEYS;

use std::path::Path;

use crate::protocol::AppError;
use crate::protocol::validation::{Profile, ValidationReport};
use crate::skill::frontmatter::{Entry, Mapping};
pub use fields::{is_kebab, is_semver, slug};
use out::{Lines, Out};
pub use tree::{SkillTree, TreeFile};

/// Validates the skill folder `dir` against `profile`, reading only inside `dir` and following
/// no symlink. Blocking: callers on async workers use the blocking pool.
pub fn validate_dir(dir: &Path, profile: Profile) -> Result<ValidationReport, AppError> {
    let tree = tree::read_dir(dir)?;
    Ok(validate_tree(&tree, profile))
}

/// Validates a skill's files held in memory (pure).
pub fn validate_tree(tree: &SkillTree, profile: Profile) -> ValidationReport {
    let mut out = Out::new(profile);
    let empty = Mapping::default();
    let skill_md = file::locate(tree, &mut out);
    let Some(text) = skill_md.and_then(|f| file::decode(f, &mut out)) else {
        return ValidationReport { profile, findings: out.findings };
    };
    let path = skill_md.map_or("SKILL.md", |f| f.path.as_str());
    let dir_name = tree.dir_name.as_deref();
    let (front, body, body_line) = file::frontmatter(text, path, dir_name, &mut out);
    let doc = Doc {
        path,
        lines: Lines::new(text),
        body,
        body_line,
        tree,
        dir_name,
        fields: front.as_ref().map_or(&empty, |f| &f.fields),
    };
    if front.is_some() {
        fields::check(&doc, &mut out);
        profile::check(&doc, &mut out);
    }
    body::check(&doc, &mut out);
    body::files(&doc, &mut out);
    ValidationReport { profile, findings: out.findings }
}

/// What the rule families read: SKILL.md's text and parsed fields, and the folder.
pub(crate) struct Doc<'a> {
    /// SKILL.md's path in the folder (a wrongly cased one after `SB002`).
    pub path: &'a str,
    pub lines: Lines<'a>,
    pub body: &'a str,
    /// File line where the body starts.
    pub body_line: usize,
    pub tree: &'a SkillTree,
    pub dir_name: Option<&'a str>,
    /// The front-matter's top-level mapping (empty when there is none).
    pub fields: &'a Mapping,
}

impl<'a> Doc<'a> {
    /// A scalar value as written on its line, without a trailing comment (`1.0`, `yes`).
    pub fn raw_value(&self, entry: &Entry) -> &'a str {
        let text = self.lines.text;
        let rest = text.get(entry.value_at.offset..).unwrap_or("");
        let line = rest.split(['\n', '\r']).next().unwrap_or("");
        let line = line.split_once(" #").map_or(line, |(value, _)| value);
        line.trim()
    }
}

/// The body's first paragraph of prose (headings, code and front-matter skipped), as one
/// line of at most 1,024 characters: the fallback description Claude Code uses.
pub(crate) fn first_paragraph(text: &str) -> Option<String> {
    let body = crate::skill::frontmatter::split(text).map_or(text, |s| s.body);
    let mut words: Vec<&str> = Vec::new();
    let mut fenced = false;
    for line in body.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || trimmed.starts_with('#') || trimmed == "---" {
            continue;
        }
        if trimmed.is_empty() {
            if words.is_empty() {
                continue;
            }
            break;
        }
        words.extend(trimmed.split_whitespace());
    }
    let paragraph: String = words.join(" ").chars().take(1024).collect();
    (!paragraph.is_empty()).then_some(paragraph)
}

#[cfg(test)]
mod tests;
