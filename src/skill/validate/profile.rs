//! Target-profile rules (skill-format §1.4, §2.5): which keys each target keeps, lifts or
//! ignores, legacy top-level keys (`SB404`, with the fix that moves them into `metadata`),
//! unreachable skills, listing budgets, package size, the Codex policy and body
//! substitutions only Claude Code expands.

use super::Doc;
use super::out::{Out, Place, fix_diff, quoted};
use crate::protocol::validation::Profile;
use crate::skill::frontmatter::Value;

pub(crate) const SPEC_KEYS: &[&str] = &["name", "description", "license", "compatibility", "metadata", "allowed-tools"];
/// Claude Code keys the portable profiles lift into `metadata.claude-code.*`.
pub const CLAUDE_CODE_KEYS: &[&str] = &[
    "when_to_use",
    "argument-hint",
    "model",
    "effort",
    "context",
    "agent",
    "shell",
    "disallowed-tools",
    "disable-model-invocation",
    "user-invocable",
];
/// Claude Code keys the portable profiles drop.
pub(crate) const CLAUDE_CODE_ONLY: &[&str] = &["arguments", "hooks", "paths"];
/// Legacy top-level keys and where import moves them (`None`: dropped).
pub(crate) const LEGACY: &[(&str, Option<&str>)] = &[
    ("version", Some("version")),
    ("author", Some("author")),
    ("domain", Some("skill-builder.domain")),
    ("type", Some("skill-builder.type")),
    ("skill_type", Some("skill-builder.type")),
    ("tools", None),
    ("created", None),
    ("modified", None),
];
const PACKAGE_CAP: u64 = 8 * 1000 * 1000;

fn profile_name(profile: Profile) -> &'static str {
    match profile {
        Profile::Library => "library",
        Profile::Spec => "spec",
        Profile::ClaudeAi => "claude-ai",
        Profile::ClaudeCode => "claude-code",
        Profile::Codex => "codex",
        Profile::Plugin => "plugin",
    }
}

fn list(keys: &[&str]) -> String {
    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

pub(crate) fn check(doc: &Doc, out: &mut Out) {
    let profile = out.profile;
    let target = profile_name(profile);
    let keys: Vec<&str> = doc.fields.keys().filter(|k| !SPEC_KEYS.contains(k)).collect();
    let is_legacy = |k: &&str| LEGACY.iter().any(|(l, _)| l == k);
    let is_claude = |k: &&str| CLAUDE_CODE_KEYS.contains(k) || CLAUDE_CODE_ONLY.contains(k);
    let legacy: Vec<&str> = keys.iter().copied().filter(is_legacy).collect();
    if !legacy.is_empty() {
        legacy_fix(doc, &legacy, out);
    }
    match profile {
        Profile::Spec | Profile::ClaudeAi if !keys.is_empty() => {
            out.add("SB401", &[("keys", &list(&keys)), ("target", target)]).file(doc.path);
        }
        Profile::Codex => {
            let lifted: Vec<&str> = keys.iter().copied().filter(is_claude).collect();
            if !lifted.is_empty() {
                out.add("SB402", &[("keys", &list(&lifted)), ("targets", target)]).file(doc.path);
            }
            let other: Vec<&str> = keys.iter().copied().filter(|k| !is_claude(k) && !is_legacy(k)).collect();
            if !other.is_empty() {
                out.add("SB401", &[("keys", &list(&other)), ("target", target)]).file(doc.path);
            }
        }
        Profile::Library | Profile::ClaudeCode | Profile::Plugin => {
            let unknown: Vec<&str> = keys.iter().copied().filter(|k| !is_claude(k) && !is_legacy(k)).collect();
            if !unknown.is_empty() {
                out.add("SB403", &[("keys", &list(&unknown))]).file(doc.path);
            }
        }
        _ => {}
    }
    let flag = |key: &str| doc.fields.get(key).and_then(Value::as_bool);
    let hidden = flag("disable-model-invocation") == Some(true);
    if hidden && flag("user-invocable") == Some(false) {
        out.add("SB405", &[]).file(doc.path);
    }
    if matches!(profile, Profile::Library | Profile::ClaudeCode | Profile::Plugin) {
        let chars = |k: &str| doc.fields.get(k).and_then(Value::as_str).map_or(0, |t| t.trim().chars().count());
        let n = chars("description") + chars("when_to_use");
        if n > 1536 {
            out.add("SB406", &[("n", &n.to_string())]).file(doc.path);
        }
    }
    let size = doc.tree.total_size();
    if profile == Profile::ClaudeAi && size > PACKAGE_CAP {
        out.add("SB407", &[("size", &format!("{:.1} MB", size as f64 / 1e6))]);
    }
    codex_policy(doc, hidden, out);
    if !matches!(profile, Profile::Library | Profile::ClaudeCode | Profile::Plugin) {
        let used = substitutions(doc.body);
        if !used.is_empty() {
            out.add("SB410", &[("list", &list(&used)), ("target", target)]).file(doc.path);
        }
    }
}

/// `SB408`: `agents/openai.yaml` says the opposite of `disable-model-invocation`.
fn codex_policy(doc: &Doc, hidden: bool, out: &mut Out) {
    let path = "agents/openai.yaml";
    let Some(text) = doc.tree.text(path) else { return };
    let Ok(value) = serde_saphyr::from_str::<Value>(text) else { return };
    let allow = value
        .as_map()
        .and_then(|m| m.get("policy"))
        .and_then(Value::as_map)
        .and_then(|p| p.get("allow_implicit_invocation"))
        .and_then(Value::as_bool);
    if allow.is_some_and(|allow| allow == hidden) {
        out.add("SB408", &[]).file(path);
    }
}

/// Claude Code-only substitutions used in the body: `$ARGUMENTS`, `$0`…`$9`, `${CLAUDE_…}`,
/// and `` !`cmd` `` (shell output inlined).
fn substitutions(body: &str) -> Vec<&'static str> {
    let mut used = Vec::new();
    if body.contains("$ARGUMENTS") {
        used.push("$ARGUMENTS");
    }
    let bytes = body.as_bytes();
    // `$1` as an argument, not `$B$6` (a spreadsheet cell) or `$10.00` (a price).
    let positional = (0..bytes.len().saturating_sub(1)).any(|i| {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + 2);
        bytes[i] == b'$'
            && bytes[i + 1].is_ascii_digit()
            && before.is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'$')
            && after.is_none_or(|b| !b.is_ascii_alphanumeric() && !matches!(b, b'.' | b','))
    });
    if positional {
        used.push("$N");
    }
    if body.contains("${CLAUDE_") {
        used.push("${CLAUDE_*}");
    }
    if body.lines().any(|l| l.trim_start().starts_with("!`") || l.contains(" !`")) {
        used.push("!`cmd`");
    }
    used
}

/// `SB404` with the fix that moves legacy keys into `metadata` (or drops them).
fn legacy_fix(doc: &Doc, legacy: &[&str], out: &mut Out) {
    let lines = &doc.lines;
    let close = doc.body_line - 1;
    let mut moved = Vec::new();
    let mut drop = Vec::new();
    for key in legacy {
        let Some(entry) = doc.fields.entry(key) else { continue };
        let first = entry.key_at.line;
        let mut last = first;
        while last + 1 < close && lines.get(last + 1).starts_with([' ', '\t']) {
            last += 1;
        }
        drop.push((first, last));
        let target = LEGACY.iter().find(|(k, _)| k == key).and_then(|(_, t)| *t);
        let value = match &entry.value {
            Value::String(text) => Some(text.trim().to_string()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(doc.raw_value(entry).to_string()),
            _ => None,
        };
        let taken =
            |target: &str| doc.fields.get("metadata").and_then(Value::as_map).is_some_and(|m| m.get(target).is_some());
        if let (Some(target), Some(value)) = (target, value)
            && !taken(target)
        {
            moved.push(format!("  {target}: {}", quoted(&value)));
        }
    }
    let metadata = doc.fields.entry("metadata").filter(|e| matches!(e.value, Value::Map(_) | Value::Null));
    let mut new = String::new();
    for n in 1..=lines.count() {
        if drop.iter().any(|(a, b)| (*a..=*b).contains(&n)) {
            continue;
        }
        if n == close && metadata.is_none() && !moved.is_empty() {
            new.push_str("metadata:\n");
            moved.iter().for_each(|m| new.push_str(&format!("{m}\n")));
        }
        new.push_str(lines.get(n));
        new.push('\n');
        if metadata.is_some_and(|e| e.key_at.line == n) {
            moved.iter().for_each(|m| new.push_str(&format!("{m}\n")));
        }
    }
    if !lines.text.ends_with('\n') {
        new.pop();
    }
    let fix = fix_diff("Move legacy keys into `metadata`", doc.path, lines.text, &new);
    out.add("SB404", &[("keys", &list(legacy))]).file(doc.path).fix(fix);
}
