//! Plugin and marketplace manifests (skill-format §3.3, SB501–SB510), pure over the JSON
//! text, for marketplace import and plugin export. Findings are located in the manifest file.

use serde_json::{Map, Value};

use super::fields::{is_kebab, is_semver};
use super::out::{Out, Place};
use crate::protocol::validation::{Finding, Profile};

/// Marketplace names only `github.com/anthropics/*` may use (`SB503`).
pub const RESERVED_MARKETPLACES: &[&str] = &[
    "claude-code-marketplace",
    "claude-code-plugins",
    "claude-plugins-official",
    "anthropic-marketplace",
    "anthropic-plugins",
    "agent-skills",
    "anthropic-agent-skills",
    "life-sciences",
    "knowledge-work-plugins",
    "claude-for-legal",
    "claude-for-financial-services",
    "financial-services-plugins",
    "first-party-plugins",
    "claude-tag-plugins",
    "claude-community",
    "claude-plugins-community",
    "healthcare",
    "anthropic-plugin-directory",
    "claude-plugin-directory",
];
const MARKETPLACE_KEYS: &[&str] = &["$schema", "name", "owner", "metadata", "plugins", "description", "version"];
const ENTRY_KEYS: &[&str] = &[
    "name",
    "source",
    "displayName",
    "description",
    "version",
    "author",
    "homepage",
    "repository",
    "license",
    "keywords",
    "category",
    "tags",
    "metadata",
    "defaultEnabled",
    "strict",
    "skills",
    "commands",
    "agents",
    "hooks",
    "mcpServers",
    "lspServers",
];
const PLUGIN_KEYS: &[&str] = &[
    "$schema",
    "name",
    "version",
    "description",
    "author",
    "license",
    "keywords",
    "displayName",
    "homepage",
    "repository",
    "skills",
    "commands",
    "agents",
    "hooks",
    "mcpServers",
    "outputStyles",
    "lspServers",
    "userConfig",
    "dependencies",
];

fn object(text: &str, path: &str, out: &mut Out) -> Option<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Some(map),
        Ok(other) => {
            let detail = format!("a JSON {}", json_kind(&other));
            out.add("SB501", &[("file", path), ("detail", &detail)]).file(path);
            None
        }
        Err(err) => {
            let detail = err.to_string();
            out.add("SB501", &[("file", path), ("detail", &detail)]).file(path).at(err.line(), err.column());
            None
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn unknown_keys(map: &Map<String, Value>, known: &[&str], path: &str, out: &mut Out) {
    let keys: Vec<String> = map.keys().filter(|k| !known.contains(&k.as_str())).map(|k| format!("`{k}`")).collect();
    if !keys.is_empty() {
        out.add("SB510", &[("keys", &keys.join(", "))]).file(path);
    }
}

/// Checks `.claude-plugin/marketplace.json`; `from_anthropics` when it comes from
/// `github.com/anthropics/*`, the only place reserved names are allowed.
pub fn check_marketplace(text: &str, path: &str, from_anthropics: bool) -> Vec<Finding> {
    let mut out = Out::new(Profile::Library);
    let Some(map) = object(text, path, &mut out) else { return out.findings };
    let name = map.get("name").and_then(Value::as_str).unwrap_or("");
    if !is_kebab(name) {
        out.add("SB502", &[]).file(path);
    } else if RESERVED_MARKETPLACES.contains(&name) && !from_anthropics {
        out.add("SB503", &[("name", name)]).file(path);
    }
    let owner = map.get("owner").and_then(|o| o.get("name")).and_then(Value::as_str);
    if owner.is_none_or(|o| o.trim().is_empty()) {
        out.add("SB504", &[]).file(path);
    }
    unknown_keys(&map, MARKETPLACE_KEYS, path, &mut out);
    let plugins = map.get("plugins").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let mut seen: Vec<&str> = Vec::new();
    for (i, plugin) in plugins.iter().enumerate() {
        let name = plugin.get("name").and_then(Value::as_str).filter(|n| !n.is_empty());
        let source = plugin.get("source");
        let (Some(name), Some(source)) = (name, source) else {
            out.add("SB505", &[("i", &(i + 1).to_string()), ("name", "")]).file(path);
            continue;
        };
        if seen.contains(&name) {
            out.add("SB505", &[("i", &(i + 1).to_string()), ("name", name)]).file(path);
            continue;
        }
        seen.push(name);
        match source {
            Value::String(src) => {
                if super::body::resolve("", src).is_none() {
                    out.add("SB506", &[("name", name), ("src", src)]).file(path);
                }
            }
            Value::Object(obj) => {
                let kind = obj.get("source").and_then(Value::as_str).unwrap_or("");
                if !["github", "url", "git-subdir"].contains(&kind) {
                    out.add("SB507", &[("name", name), ("type", kind)]).file(path);
                }
            }
            other => {
                out.add("SB507", &[("name", name), ("type", json_kind(other))]).file(path);
            }
        }
        if let Some(version) = plugin.get("version").and_then(Value::as_str).filter(|v| !is_semver(v)) {
            out.add("SB509", &[("name", name), ("v", version)]).file(path);
        }
        if let Some(entry) = plugin.as_object() {
            unknown_keys(entry, ENTRY_KEYS, path, &mut out);
        }
    }
    out.findings
}

/// Checks a plugin's `.claude-plugin/plugin.json`.
pub fn check_plugin(text: &str, path: &str) -> Vec<Finding> {
    let mut out = Out::new(Profile::Plugin);
    let Some(map) = object(text, path, &mut out) else { return out.findings };
    let name = map.get("name").and_then(Value::as_str).unwrap_or("");
    let bad = |c: char| c.is_whitespace() || c.is_control() || crate::skill::security::is_invisible(c);
    if name.is_empty() || name.contains(bad) {
        out.add("SB508", &[]).file(path);
    }
    if let Some(version) = map.get("version").and_then(Value::as_str).filter(|v| !is_semver(v)) {
        out.add("SB509", &[("name", name), ("v", version)]).file(path);
    }
    unknown_keys(&map, PLUGIN_KEYS, path, &mut out);
    out.findings
}

#[cfg(test)]
#[path = "manifest_tests.rs"]
mod tests;
