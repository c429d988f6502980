//! Collecting findings while validating: a finding is made from its rule id (message and
//! severity from the catalogue), then placed in a file and line and given a fix. Fixes carry a
//! unified diff of the file they change, made from the whole text before and after.

use crate::protocol::validation::{Finding, FixProposal, Profile};
use crate::skill::rules;

/// The findings of one validation run, in the order they were found.
pub(crate) struct Out {
    pub profile: Profile,
    pub findings: Vec<Finding>,
}

impl Out {
    pub fn new(profile: Profile) -> Self {
        Out { profile, findings: Vec::new() }
    }

    /// Adds a finding of rule `id` and returns it for placing.
    pub fn add(&mut self, id: &str, args: &[(&str, &str)]) -> &mut Finding {
        self.findings.push(rules::finding(id, self.profile, args));
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }
}

/// Placing a finding: in which file, where, and how to repair it.
pub(crate) trait Place {
    fn file(&mut self, path: &str) -> &mut Self;
    fn at(&mut self, line: usize, col: usize) -> &mut Self;
    fn fix(&mut self, fix: FixProposal) -> &mut Self;
}

impl Place for Finding {
    fn file(&mut self, path: &str) -> &mut Self {
        self.path = Some(path.to_string());
        self
    }

    fn at(&mut self, line: usize, col: usize) -> &mut Self {
        self.line = u32::try_from(line).ok();
        self.col = u32::try_from(col).ok();
        self
    }

    fn fix(&mut self, fix: FixProposal) -> &mut Self {
        self.fix = Some(fix);
        self
    }
}

/// A fix that changes no file content (a rename), described in words.
pub(crate) fn fix_note(summary: impl Into<String>) -> FixProposal {
    FixProposal { summary: summary.into(), diff: None }
}

/// A fix that rewrites `path` from `old` to `new`, with its unified diff.
pub(crate) fn fix_diff(summary: impl Into<String>, path: &str, old: &str, new: &str) -> FixProposal {
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    FixProposal { summary: summary.into(), diff: Some(diff) }
}

/// A text as numbered lines (1-based), each with its line break, so a fix can swap lines and
/// keep the rest byte for byte.
pub(crate) struct Lines<'a> {
    pub text: &'a str,
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines { text, lines: text.split_inclusive(['\n']).collect() }
    }

    /// Line `n` without its line break; empty past the end.
    pub fn get(&self, n: usize) -> &'a str {
        let line = n.checked_sub(1).and_then(|i| self.lines.get(i)).copied().unwrap_or("");
        line.trim_end_matches(['\n', '\r'])
    }

    pub fn count(&self) -> usize {
        self.lines.len()
    }

    /// The text with lines `from..=to` replaced by `new` (one or more lines, no final break).
    pub fn splice(&self, from: usize, to: usize, new: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + new.len());
        for (i, line) in self.lines.iter().enumerate() {
            let n = i + 1;
            if n < from || n > to {
                out.push_str(line);
            } else if n == from {
                let ending = &line[line.trim_end_matches(['\n', '\r']).len()..];
                out.push_str(new);
                out.push_str(if ending.is_empty() && to < self.lines.len() { "\n" } else { ending });
            }
        }
        out
    }
}

/// A YAML double-quoted scalar for `text` (JSON string syntax is valid YAML).
pub(crate) fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.replace(['"', '\\'], "")))
}
