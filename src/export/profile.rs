//! Front-matter per target profile (skill-format §1.4, §2.5): `claude-code` and `plugin` emit
//! every key; `spec`, `claude-ai` and `codex` keep the six spec keys, lift Claude Code keys
//! into `metadata.claude-code.<key>` and other scalar keys into `metadata.<key>`, and drop what
//! cannot be lifted (`arguments`, `hooks`, `paths`, lists and mappings). Pure: text in, text out.

use super::emit::{self, Node};
use crate::protocol::validation::Profile;
use crate::skill::frontmatter::{self, FrontmatterError, Value};
use crate::skill::validate::CLAUDE_CODE_KEYS;

/// The spec keys, in the order they are written.
const SPEC_KEYS: [&str; 6] = ["name", "description", "license", "compatibility", "allowed-tools", "metadata"];
/// Claude Code keys with no portable form.
const CLAUDE_CODE_DROPPED: [&str; 3] = ["arguments", "hooks", "paths"];
/// The builder's own metadata keys (§1.5), removed by "strip builder metadata".
const BUILDER_PREFIX: &str = "skill-builder.";

/// What a profile made of a SKILL.md.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transformed {
    /// The new file, or `None` when it is exported byte for byte.
    pub text: Option<String>,
    /// Keys moved into `metadata`, and keys left out, in file order.
    pub lifted: Vec<String>,
    pub dropped: Vec<String>,
    /// `codex`: `disable-model-invocation: true` becomes `allow_implicit_invocation: false`.
    pub implicit_invocation_off: bool,
}

/// How one top-level key is treated by a profile.
#[derive(Debug, PartialEq)]
enum Fate {
    Keep,
    Lift(String),
    Drop,
}

fn fate(profile: Profile, key: &str, value: &Value, drop_non_portable: bool) -> Fate {
    let portable_only = matches!(profile, Profile::Spec | Profile::ClaudeAi | Profile::Codex);
    if !portable_only || SPEC_KEYS.contains(&key) {
        return Fate::Keep;
    }
    if drop_non_portable || CLAUDE_CODE_DROPPED.contains(&key) || lifted_text(value).is_none() {
        return Fate::Drop;
    }
    if CLAUDE_CODE_KEYS.contains(&key) { Fate::Lift(format!("claude-code.{key}")) } else { Fate::Lift(key.to_string()) }
}

/// A value as a metadata string: scalars by their text, a list of scalars space-joined (the
/// `*-tools` form); mappings and nested lists have no string form.
fn lifted_text(value: &Value) -> Option<String> {
    match value {
        Value::Null | Value::Map(_) => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(emit::float_text(*f)),
        Value::String(s) => Some(s.clone()),
        Value::List(items) => {
            let parts: Option<Vec<String>> =
                items.iter().map(|v| if v.as_list().is_some() { None } else { lifted_text(v) }).collect();
            parts.filter(|p| !p.is_empty()).map(|p| p.join(" "))
        }
    }
}

/// Applies `profile` to the SKILL.md `text`.
pub fn transform(
    text: &str,
    profile: Profile,
    strip_builder_metadata: bool,
    drop_non_portable: bool,
) -> Result<Transformed, FrontmatterError> {
    let parsed = frontmatter::parse(text)?;
    let mut out = Transformed {
        implicit_invocation_off: profile == Profile::Codex
            && parsed.get("disable-model-invocation").and_then(Value::as_bool) == Some(true),
        ..Transformed::default()
    };
    let mut spec: Vec<(String, Node<'_>)> = Vec::new();
    let mut others: Vec<(String, Node<'_>)> = Vec::new();
    let mut lifts: Vec<(String, String, String)> = Vec::new();
    let mut metadata: Option<&Value> = None;
    for (key, entry) in parsed.fields.iter() {
        match fate(profile, key, &entry.value, drop_non_portable) {
            Fate::Keep if key == "metadata" => metadata = Some(&entry.value),
            Fate::Keep if SPEC_KEYS.contains(&key) => spec.push((key.to_string(), Node::Yaml(&entry.value))),
            Fate::Keep => others.push((key.to_string(), Node::Yaml(&entry.value))),
            Fate::Lift(to) => lifts.push((key.to_string(), to, lifted_text(&entry.value).unwrap_or_default())),
            Fate::Drop => out.dropped.push(key.to_string()),
        }
    }
    spec.sort_by_key(|(k, _)| SPEC_KEYS.iter().position(|s| s == k));
    // Claude Code keys before unknown ones, each group in file order.
    others.sort_by_key(|(k, _)| !CLAUDE_CODE_KEYS.contains(&k.as_str()) && !CLAUDE_CODE_DROPPED.contains(&k.as_str()));

    let mut stripped = false;
    let meta_node = match metadata {
        Some(Value::Map(map)) => {
            let mut items: Vec<(String, Node<'_>)> = Vec::new();
            for (k, e) in map.iter() {
                if strip_builder_metadata && k.starts_with(BUILDER_PREFIX) {
                    stripped = true;
                } else {
                    items.push((k.to_string(), Node::Yaml(&e.value)));
                }
            }
            Some(items)
        }
        None => Some(Vec::new()),
        // Not a mapping (`SB117`): kept as written, and nothing can be lifted into it.
        Some(_) => None,
    };
    let meta_node = match meta_node {
        Some(mut items) => {
            for (key, to, value) in lifts {
                if items.iter().any(|(k, _)| *k == to) {
                    out.dropped.push(key);
                } else {
                    items.push((to, Node::Text(value)));
                    out.lifted.push(key);
                }
            }
            (!items.is_empty()).then_some(Node::Map(items))
        }
        None => {
            out.dropped.extend(lifts.into_iter().map(|(key, _, _)| key));
            metadata.map(Node::Yaml)
        }
    };
    if out.lifted.is_empty() && out.dropped.is_empty() && !stripped {
        return Ok(out);
    }
    let mut entries = spec;
    entries.extend(others);
    if let Some(node) = meta_node {
        entries.push(("metadata".into(), node));
    }
    out.text = Some(format!("---\n{}---\n{}", emit::mapping(&entries), parsed.body()));
    Ok(out)
}

/// `agents/openai.yaml` with `policy.allow_implicit_invocation: false` (Codex's form of
/// `disable-model-invocation: true`), built from the skill's file when it has one. `None` when
/// the file already says so, or does not parse (the validator reports it; it ships unchanged).
pub fn openai_yaml(existing: Option<&str>) -> Option<String> {
    let off = ("allow_implicit_invocation".to_string(), Node::Bool(false));
    let Some(text) = existing else {
        return Some(emit::mapping(&[("policy".into(), Node::Map(vec![off]))]));
    };
    let wrapped = format!("---\n{}\n---\n", text.trim_end());
    let parsed = frontmatter::parse(&wrapped).ok()?;
    let mut entries: Vec<(String, Node<'_>)> = Vec::new();
    let mut has_policy = false;
    for (key, entry) in parsed.fields.iter() {
        if key != "policy" {
            entries.push((key.to_string(), Node::Yaml(&entry.value)));
            continue;
        }
        has_policy = true;
        let Value::Map(policy) = &entry.value else { return None };
        if policy.get("allow_implicit_invocation").is_some() {
            // Set either way already; a contradiction is the validator's `SB408`.
            return None;
        }
        let mut items: Vec<(String, Node<'_>)> =
            policy.iter().map(|(k, e)| (k.to_string(), Node::Yaml(&e.value))).collect();
        items.push(off.clone());
        entries.push((key.to_string(), Node::Map(items)));
    }
    if !has_policy {
        entries.push(("policy".into(), Node::Map(vec![off])));
    }
    Some(emit::mapping(&entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SKILL: &str = "---\nname: demo\ndescription: Does things. Use when testing.\nmodel: sonnet\ndisable-model-invocation: true\nhooks:\n  Stop: []\nfoo: bar\nmetadata:\n  version: \"1.0.0\"\n  skill-builder.type: \"domain\"\n---\n# Body\n\nText.\n";

    fn meta(text: &str) -> Vec<(String, String)> {
        let parsed = frontmatter::parse(text).unwrap();
        let map = parsed.get("metadata").and_then(Value::as_map).unwrap();
        map.iter().map(|(k, e)| (k.to_string(), e.value.as_str().unwrap().to_string())).collect()
    }

    #[test]
    fn claude_code_keeps_the_bytes() {
        for profile in [Profile::ClaudeCode, Profile::Plugin] {
            let out = transform(SKILL, profile, false, false).unwrap();
            assert_eq!(out, Transformed::default(), "{profile:?}");
        }
    }

    #[test]
    fn portable_profiles_lift_and_drop() {
        for profile in [Profile::Spec, Profile::ClaudeAi, Profile::Codex] {
            let out = transform(SKILL, profile, false, false).unwrap();
            let text = out.text.unwrap();
            let parsed = frontmatter::parse(&text).unwrap();
            let keys: Vec<&str> = parsed.fields.keys().collect();
            assert_eq!(keys, ["name", "description", "metadata"], "{profile:?}:\n{text}");
            assert_eq!(out.lifted, ["model", "disable-model-invocation", "foo"]);
            assert_eq!(out.dropped, ["hooks"]);
            assert_eq!(
                meta(&text),
                [
                    ("version".to_string(), "1.0.0".to_string()),
                    ("skill-builder.type".into(), "domain".into()),
                    ("claude-code.model".into(), "sonnet".into()),
                    ("claude-code.disable-model-invocation".into(), "true".into()),
                    ("foo".into(), "bar".into()),
                ]
            );
            assert!(text.ends_with("---\n# Body\n\nText.\n"), "the body is kept: {text}");
            assert_eq!(out.implicit_invocation_off, profile == Profile::Codex);
        }
    }

    #[test]
    fn drop_option_and_builder_metadata_strip() {
        let out = transform(SKILL, Profile::Spec, true, true).unwrap();
        assert!(out.lifted.is_empty());
        assert_eq!(out.dropped, ["model", "disable-model-invocation", "hooks", "foo"]);
        assert_eq!(meta(&out.text.unwrap()), [("version".to_string(), "1.0.0".to_string())]);
        let stripped = transform(SKILL, Profile::ClaudeCode, true, false).unwrap().text.unwrap();
        let parsed = frontmatter::parse(&stripped).unwrap();
        assert_eq!(
            parsed.fields.keys().collect::<Vec<_>>(),
            ["name", "description", "model", "disable-model-invocation", "hooks", "foo", "metadata"]
        );
        assert_eq!(parsed.get("hooks"), frontmatter::parse(SKILL).unwrap().get("hooks"));
    }

    #[test]
    fn openai_yaml_gets_the_policy() {
        let fresh = openai_yaml(None).unwrap();
        assert_eq!(fresh, "policy:\n  allow_implicit_invocation: false\n");
        let merged = openai_yaml(Some("interface:\n  display_name: Demo\npolicy:\n  other: 1\n")).unwrap();
        assert_eq!(
            merged,
            "interface:\n  display_name: Demo\npolicy:\n  other: 1\n  allow_implicit_invocation: false\n"
        );
        assert_eq!(openai_yaml(Some("policy:\n  allow_implicit_invocation: true\n")), None);
    }
}
