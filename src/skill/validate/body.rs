//! Body and file rules (skill-format §1.6, §2.3): size budgets, links to bundled files (one
//! level deep, never leaving the skill), tables of contents, long lines, and the folder's
//! shape (non-standard entries, symlinks, case collisions, scripts, evals).

use std::collections::BTreeMap;

use super::Doc;
use super::out::{Out, Place};

const STANDARD: &[&str] = &["SKILL.md", "references", "scripts", "assets", "agents", "evals"];

pub(crate) fn check(doc: &Doc, out: &mut Out) {
    if doc.body.trim().is_empty() {
        out.add("SB201", &[]).file(doc.path);
    }
    let lines = doc.lines.count();
    if lines >= 500 {
        out.add("SB202", &[("n", &lines.to_string())]).file(doc.path);
    }
    let tokens = doc.body.chars().count() / 4;
    if tokens > 5000 {
        out.add("SB203", &[("n", &tokens.to_string())]).file(doc.path);
    }
    links(doc, out);
    for line in doc.body.lines() {
        let heading = line.trim_start_matches('#');
        if heading.len() < line.len() && heading.trim().to_lowercase().starts_with("when to use") {
            out.add("SB215", &[]).file(doc.path);
            break;
        }
    }
}

/// A local link target: `(line, target as written)`, outside fenced code.
pub(crate) fn local_links(text: &str, first_line: usize) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(close) = after.find(')') else { break };
            let target = after[..close].trim().trim_start_matches('<').trim_end_matches('>');
            let target = target.split_once(' ').map_or(target, |(t, _)| t);
            let target = target.split(['#', '?']).next().unwrap_or("");
            let remote = target.contains("://") || target.contains(':') && !target.contains('\\');
            if !target.is_empty() && !remote && !target.contains("{{") {
                found.push((first_line + i, target.replace("%20", " ")));
            }
            rest = &after[close..];
        }
    }
    found
}

/// Resolves `target` against folder `base` (`""` for the root); `None` when it leaves the
/// skill, is absolute or uses `\`.
pub(crate) fn resolve(base: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

fn links(doc: &Doc, out: &mut Out) {
    let mut linked = Vec::new();
    for (line, target) in local_links(doc.body, doc.body_line) {
        match resolve("", &target) {
            None => {
                out.add("SB206", &[("target", &target)]).file(doc.path).at(line, 1);
            }
            Some(path) if !doc.tree.exists(&path) => {
                out.add("SB205", &[("target", &target), ("line", &line.to_string())]).file(doc.path).at(line, 1);
            }
            Some(path) => linked.push(path),
        }
    }
    linked.sort();
    linked.dedup();
    for file in linked.iter().filter(|p| p.ends_with(".md")) {
        let Some(text) = doc.tree.text(file) else { continue };
        let base = file.rsplit_once('/').map_or("", |(dir, _)| dir);
        let onward = local_links(text, 1)
            .into_iter()
            .find(|(_, t)| resolve(base, t).is_some_and(|p| p != *file && p.ends_with(".md") && doc.tree.exists(&p)));
        if let Some((line, target)) = onward {
            out.add("SB207", &[("file", file), ("target", &target)]).file(file).at(line, 1);
        }
    }
}

/// Rules over every file of the folder, not only SKILL.md.
pub(crate) fn files(doc: &Doc, out: &mut Out) {
    let tree = doc.tree;
    for file in &tree.files {
        let Some(text) = tree.text(&file.path).filter(|_| file.path.ends_with(".md")) else { continue };
        let count = text.lines().count();
        if file.path != doc.path && count > 300 && !has_contents(text) {
            out.add("SB208", &[("file", &file.path), ("n", &count.to_string())]).file(&file.path);
        }
        if let Some(i) = text.lines().position(|l| l.chars().count() > 2000) {
            let line = (i + 1).to_string();
            out.add("SB209", &[("file", &file.path), ("line", &line)]).file(&file.path).at(i + 1, 2001);
        }
    }
    let mut top: Vec<&str> = tree.files.iter().map(|f| f.path.split('/').next().unwrap_or("")).collect();
    top.dedup();
    for name in top {
        let upper = name.to_ascii_uppercase();
        let license = upper.starts_with("LICENSE") || upper.starts_with("LICENCE");
        if !STANDARD.contains(&name) && !license && !name.eq_ignore_ascii_case("skill.md") {
            out.add("SB210", &[("path", name)]).file(name);
        }
    }
    for link in &tree.symlinks {
        out.add("SB211", &[("path", link)]).file(link);
    }
    if tree.is_dir("scripts") && doc.fields.get("compatibility").is_none() {
        out.add("SB212", &[]).file("scripts");
    }
    if tree.file("evals/evals.json").is_none() {
        out.add("SB213", &[]);
    }
    let mut folded: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let folders = tree.files.iter().flat_map(|f| f.path.match_indices('/').map(|(i, _)| &f.path[..i]));
    let mut all: Vec<&str> = tree.files.iter().map(|f| f.path.as_str()).chain(folders).collect();
    all.sort();
    all.dedup();
    for path in all {
        folded.entry(path.to_lowercase()).or_default().push(path);
    }
    for group in folded.values().filter(|g| g.len() > 1) {
        let list = group.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
        out.add("SB214", &[("list", &list)]).file(group[0]);
    }
}

/// A table of contents near the top: a "Contents" heading or several in-page links.
fn has_contents(text: &str) -> bool {
    let head: Vec<&str> = text.lines().take(60).collect();
    head.iter().any(|l| {
        let l = l.to_lowercase();
        l.starts_with('#') && (l.contains("contents") || l.contains("index"))
    }) || head.iter().filter(|l| l.contains("](#")).count() >= 3
}
