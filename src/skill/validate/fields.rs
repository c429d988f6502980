//! Field rules (skill-format §1.2, §1.5, §2.2): the six spec keys, builder metadata and the
//! value types of Claude Code keys. Fixes rewrite only the line the key is on.

use super::Doc;
use super::out::{Out, Place, fix_diff, fix_note, quoted};
use crate::skill::frontmatter::{Entry, Value};

const RESERVED_WORDS: &[&str] = &["anthropic", "claude"];
const SKILL_TYPES: &[&str] = &["domain", "platform", "source", "data-engineering"];

pub(crate) fn check(doc: &Doc, out: &mut Out) {
    name(doc, out);
    description(doc, out);
    optional_strings(doc, out);
    metadata(doc, out);
    allowed_tools(doc, out);
    claude_code_types(doc, out);
}

/// A fix that replaces the line of `entry` (or inserts after the opening fence) with `line`.
fn set_line(doc: &Doc, entry: Option<&Entry>, line: &str, summary: String) -> crate::protocol::validation::FixProposal {
    let new = match entry {
        Some(entry) => doc.lines.splice(entry.key_at.line, entry.key_at.line, line),
        None => doc.lines.splice(1, 1, &format!("{}\n{line}", doc.lines.get(1))),
    };
    fix_diff(summary, doc.path, doc.lines.text, &new)
}

/// The fix for a scalar YAML read as a non-string: quote the text as written.
fn quote_source(doc: &Doc, key: &str, entry: &Entry) -> crate::protocol::validation::FixProposal {
    let raw = doc.raw_value(entry);
    set_line(doc, Some(entry), &format!("{key}: {}", quoted(raw)), format!("Quote `{key}` as written"))
}

/// An unquoted date (`2025-01-01`): a string to this parser but a timestamp to YAML 1.1
/// readers (PyYAML, js-yaml), so it is reported like any other non-string scalar.
fn unquoted_date(doc: &Doc, entry: &Entry) -> bool {
    let raw = doc.raw_value(entry);
    let b = raw.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    matches!(entry.value, Value::String(_))
        && b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
}

/// The kind a scalar is read as when it is not a plain string: `None` for strings.
fn scalar_kind(doc: &Doc, entry: &Entry) -> Option<&'static str> {
    match entry.value {
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => Some(entry.value.kind().name()),
        _ if unquoted_date(doc, entry) => Some("date"),
        _ => None,
    }
}

/// Reports `rule` when YAML read `key` as something other than a string (with a quoting fix for
/// a scalar); returns whether it did, so the caller checks the text only of a real string.
fn wrong_type(doc: &Doc, out: &mut Out, key: &str, entry: Option<&Entry>, rule: &'static str) -> bool {
    let Some(entry) = entry else {
        return false;
    };
    let kind = match entry.value {
        Value::List(_) | Value::Map(_) => Some(entry.value.kind().name()),
        _ => scalar_kind(doc, entry),
    };
    let Some(kind) = kind else {
        return false;
    };
    let raw = doc.raw_value(entry);
    let f = out.add(rule, &[("raw", raw), ("type", kind)]).file(doc.path);
    f.at(entry.key_at.line, 1);
    if !matches!(entry.value, Value::List(_) | Value::Map(_)) {
        f.fix(quote_source(doc, key, entry));
    }
    true
}

fn name(doc: &Doc, out: &mut Out) {
    let entry = doc.fields.entry("name");
    let dir = doc.dir_name;
    if wrong_type(doc, out, "name", entry, "SB102") {
        return;
    }
    let text = match entry {
        Some(Entry { value: Value::String(text), .. }) if !text.trim().is_empty() => text.trim(),
        _ => {
            let f = out.add("SB101", &[("dir", dir.unwrap_or("?"))]).file(doc.path);
            f.at(entry.map_or(1, |e| e.key_at.line), 1);
            if let Some(dir) = dir {
                f.fix(set_line(doc, entry, &format!("name: {dir}"), format!("Set `name` to `{dir}`")));
            }
            return;
        }
    };
    let line = entry.map_or(1, |e| e.key_at.line);
    let len = text.chars().count();
    if len > 64 {
        out.add("SB103", &[("len", &len.to_string())]).file(doc.path).at(line, 1);
    }
    if !is_kebab(text) {
        let slug = slug(text);
        let f = out.add("SB104", &[("name", text), ("slug", &slug)]).file(doc.path).at(line, 1);
        if !slug.is_empty() {
            f.fix(set_line(doc, entry, &format!("name: {slug}"), format!("Rename to `{slug}`")));
        }
    }
    if let Some(dir) = dir.filter(|d| *d != text) {
        let f = out.add("SB105", &[("dir", dir), ("name", text)]).file(doc.path).at(line, 1);
        if is_kebab(text) {
            f.fix(fix_note(format!("Rename the folder `{dir}` to `{text}`")));
        }
    }
    if let Some(word) = RESERVED_WORDS.iter().find(|w| text.to_ascii_lowercase().contains(*w)) {
        out.add("SB106", &[("word", word)]).file(doc.path).at(line, 1);
    }
}

/// `^[a-z0-9]+(-[a-z0-9]+)*$`, ASCII only (skill-format §1.2).
pub fn is_kebab(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// The nearest valid name: lowercase ASCII, runs of anything else become one hyphen, ≤ 64.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.chars().take(64).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn description(doc: &Doc, out: &mut Out) {
    let entry = doc.fields.entry("description");
    if wrong_type(doc, out, "description", entry, "SB108") {
        return;
    }
    let text = match entry {
        Some(Entry { value: Value::String(text), .. }) if !text.trim().is_empty() => text.trim(),
        _ => {
            let f = out.add("SB107", &[]).file(doc.path).at(entry.map_or(1, |e| e.key_at.line), 1);
            if let Some(paragraph) = super::first_paragraph(doc.body) {
                let line = format!("description: {}", quoted(&paragraph));
                f.fix(set_line(doc, entry, &line, "Use the first paragraph (review it)".into()));
            }
            return;
        }
    };
    let line = entry.map_or(1, |e| e.key_at.line);
    let len = text.chars().count();
    if len > 1024 {
        out.add("SB109", &[("len", &len.to_string())]).file(doc.path).at(line, 1);
    } else if len > 600 {
        out.add("SB112", &[]).file(doc.path).at(line, 1);
    }
    if text.contains(['<', '>']) {
        out.add("SB110", &[]).file(doc.path).at(line, 1);
    }
    let lower = text.to_lowercase();
    if !["when", "use for", "use this", "use it", "trigger", "whenever"].iter().any(|w| lower.contains(w)) {
        out.add("SB111", &[]).file(doc.path).at(line, 1);
    }
    let first = lower.split_whitespace().next().unwrap_or("");
    if ["i", "i'm", "i'll", "you", "you're", "we", "we'll", "let"].contains(&first) {
        out.add("SB113", &[]).file(doc.path).at(line, 1);
    }
}

fn optional_strings(doc: &Doc, out: &mut Out) {
    if let Some(entry) = doc.fields.entry("compatibility") {
        let len = entry.value.as_str().map(|t| t.trim().chars().count()).unwrap_or(0);
        if !(1..=500).contains(&len) {
            out.add("SB114", &[]).file(doc.path).at(entry.key_at.line, 1);
        }
    }
    if let Some(entry) = doc.fields.entry("license") {
        match entry.value.as_str().map(str::trim).filter(|t| !t.is_empty()) {
            None => {
                out.add("SB115", &[]).file(doc.path).at(entry.key_at.line, 1);
            }
            Some(text) => {
                for file in named_files(text).filter(|f| !doc.tree.exists(f)) {
                    out.add("SB116", &[("file", file)]).file(doc.path).at(entry.key_at.line, 1);
                }
            }
        }
    }
}

/// Words of a license note that name a bundled file (`LICENSE`, `LICENSE.txt`, `terms.md`).
fn named_files(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '`' | '"' | '\''))
        .map(|w| w.trim_end_matches(['.', ':']))
        .filter(|w| {
            let upper = w.to_ascii_uppercase();
            ["LICENSE", "LICENCE", "COPYING"].iter().any(|n| upper.starts_with(n))
                || [".txt", ".md"].iter().any(|ext| w.len() > ext.len() && w.to_ascii_lowercase().ends_with(ext))
        })
}

fn metadata(doc: &Doc, out: &mut Out) {
    let Some(entry) = doc.fields.entry("metadata") else { return };
    let map = match &entry.value {
        Value::Map(map) => map,
        Value::Null => return,
        _ => {
            out.add("SB117", &[]).file(doc.path).at(entry.key_at.line, 1);
            return;
        }
    };
    for (key, item) in map.iter() {
        let full = format!("metadata.{key}");
        match &item.value {
            Value::String(_) if !unquoted_date(doc, item) => {}
            Value::List(_) | Value::Map(_) => {
                out.add("SB119", &[("key", key)]).file(doc.path).at(item.key_at.line, item.key_at.column);
            }
            other => {
                let raw = doc.raw_value(item);
                let indent = " ".repeat(item.key_at.column.saturating_sub(1));
                let line = format!("{indent}{key}: {}", quoted(raw));
                let new = doc.lines.splice(item.key_at.line, item.key_at.line, &line);
                let fix = fix_diff(format!("Quote `{full}` as written"), doc.path, doc.lines.text, &new);
                let kind = if unquoted_date(doc, item) { "date" } else { other.kind().name() };
                out.add("SB118", &[("key", key), ("raw", raw), ("type", kind)])
                    .file(doc.path)
                    .at(item.key_at.line, item.key_at.column)
                    .fix(fix);
            }
        }
    }
    let text = |key: &str| map.entry(key).and_then(|e| e.value.as_str().map(|t| (e, t.trim())));
    if let Some((e, version)) = text("version").filter(|(_, v)| !is_semver(v)) {
        out.add("SB130", &[("v", version)]).file(doc.path).at(e.key_at.line, e.key_at.column);
    }
    if let Some((e, kind)) = text("skill-builder.type").filter(|(_, t)| !SKILL_TYPES.contains(t)) {
        out.add("SB131", &[("v", kind)]).file(doc.path).at(e.key_at.line, e.key_at.column);
    }
    if let Some((e, tags)) = text("skill-builder.tags") {
        let mut normal: Vec<String> =
            tags.split(',').map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect();
        normal.sort();
        normal.dedup();
        let joined = normal.join(",");
        if joined != tags {
            let detail = format!("\"{tags}\" → \"{joined}\"");
            out.add("SB132", &[("detail", &detail)]).file(doc.path).at(e.key_at.line, e.key_at.column);
        }
    }
}

/// SemVer 2.0: `MAJOR.MINOR.PATCH`, no leading zeros, optional `-pre` and `+build`.
pub fn is_semver(text: &str) -> bool {
    let (core, build) = text.split_once('+').unwrap_or((text, ""));
    let (core, pre) = core.split_once('-').map_or((core, None), |(c, p)| (c, Some(p)));
    let numbers: Vec<&str> = core.split('.').collect();
    let number =
        |n: &&str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n.len() == 1 || !n.starts_with('0'));
    let ident = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    };
    numbers.len() == 3 && numbers.iter().all(number) && pre.is_none_or(ident) && (build.is_empty() || ident(build))
}

fn allowed_tools(doc: &Doc, out: &mut Out) {
    let Some(entry) = doc.fields.entry("allowed-tools") else { return };
    match &entry.value {
        Value::String(text) if text.contains(',') => {
            let spaced = text.split(',').map(str::trim).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ");
            let fix = set_line(
                doc,
                Some(entry),
                &format!("allowed-tools: {}", quoted(&spaced)),
                "Separate with spaces".into(),
            );
            out.add("SB121", &[]).file(doc.path).at(entry.key_at.line, 1).fix(fix);
        }
        Value::String(_) => {}
        Value::List(items) if items.iter().all(|i| matches!(i, Value::String(_))) => {}
        _ => {
            out.add("SB120", &[]).file(doc.path).at(entry.key_at.line, 1);
        }
    }
}

/// `SB140`: Claude Code keys whose value has the wrong type for Claude Code to read it.
fn claude_code_types(doc: &Doc, out: &mut Out) {
    type Check = fn(&Value) -> bool;
    let expected: &[(&str, Check, &str)] = &[
        ("disable-model-invocation", |v| matches!(v, Value::Bool(_)), "true or false"),
        ("user-invocable", |v| matches!(v, Value::Bool(_)), "true or false"),
        ("when_to_use", |v| matches!(v, Value::String(_)), "a string"),
        ("argument-hint", |v| matches!(v, Value::String(_)), "a string"),
        ("model", |v| matches!(v, Value::String(_)), "a model name"),
        ("agent", |v| matches!(v, Value::String(_)), "an agent name"),
        (
            "effort",
            |v| v.as_str().is_some_and(|s| ["low", "medium", "high", "max"].contains(&s)),
            "low, medium, high or max",
        ),
        ("context", |v| v.as_str() == Some("fork"), "fork"),
        ("shell", |v| v.as_str().is_some_and(|s| ["bash", "powershell"].contains(&s)), "bash or powershell"),
        ("disallowed-tools", |v| matches!(v, Value::String(_) | Value::List(_)), "a string or a list"),
        ("paths", |v| matches!(v, Value::String(_) | Value::List(_)), "a string or a list"),
        ("hooks", |v| matches!(v, Value::Map(_)), "a mapping"),
    ];
    for (key, ok, wanted) in expected {
        let Some(entry) = doc.fields.entry(key) else { continue };
        if !ok(&entry.value) {
            let raw = doc.raw_value(entry);
            out.add("SB140", &[("key", key), ("raw", raw), ("expected", wanted)])
                .file(doc.path)
                .at(entry.key_at.line, 1);
        }
    }
}
