//! The canonical YAML emitter for exported front-matter and `agents/openai.yaml`
//! (skill-format §1.3 "Writing"): two-space block style, LF, strings on one line, double quotes
//! wherever a plain scalar would be cut, re-typed or misread, `metadata` values always quoted.
//! Only files the export changes are emitted; untouched files keep their bytes.

use crate::skill::frontmatter::Value;

/// A node to emit: a value read from the file, a new string, or a mapping we assembled.
#[derive(Debug, Clone)]
pub enum Node<'a> {
    Yaml(&'a Value),
    Text(String),
    Bool(bool),
    Map(Vec<(String, Node<'a>)>),
}

/// Emits a top-level mapping; `quoted_maps` names keys whose scalar values are always quoted
/// (`metadata`).
pub fn mapping(entries: &[(String, Node<'_>)]) -> String {
    let mut out = String::new();
    for (key, node) in entries {
        entry(&mut out, 0, key, node, key == "metadata");
    }
    out
}

fn entry(out: &mut String, indent: usize, key: &str, node: &Node<'_>, quote_all: bool) {
    let pad = " ".repeat(indent);
    let key = plain_or_quoted(key, false);
    match node {
        Node::Map(items) if !items.is_empty() => {
            out.push_str(&format!("{pad}{key}:\n"));
            for (k, v) in items {
                entry(out, indent + 2, k, v, quote_all);
            }
        }
        Node::Yaml(Value::Map(map)) if !map.is_empty() => {
            out.push_str(&format!("{pad}{key}:\n"));
            for (k, e) in map.iter() {
                entry(out, indent + 2, k, &Node::Yaml(&e.value), quote_all);
            }
        }
        Node::Yaml(Value::List(items)) if !items.is_empty() => {
            out.push_str(&format!("{pad}{key}:\n"));
            for item in items {
                list_item(out, indent + 2, item);
            }
        }
        other => out.push_str(&format!("{pad}{key}: {}\n", scalar(other, quote_all))),
    }
}

/// One `- ` item; a mapping or list item puts its first line after the dash.
fn list_item(out: &mut String, indent: usize, value: &Value) {
    let pad = " ".repeat(indent);
    let mut nested = String::new();
    match value {
        Value::Map(map) if !map.is_empty() => {
            for (k, e) in map.iter() {
                entry(&mut nested, indent + 2, k, &Node::Yaml(&e.value), false);
            }
        }
        Value::List(items) if !items.is_empty() => {
            for item in items {
                list_item(&mut nested, indent + 2, item);
            }
        }
        scalar_value => {
            out.push_str(&format!("{pad}- {}\n", scalar(&Node::Yaml(scalar_value), false)));
            return;
        }
    }
    // The nested block starts with `indent + 2` spaces; the dash takes the last two of them.
    out.push_str(&pad);
    out.push_str("- ");
    out.push_str(&nested[indent + 2..]);
}

fn scalar(node: &Node<'_>, quote_all: bool) -> String {
    match node {
        Node::Text(text) => plain_or_quoted(text, quote_all),
        Node::Bool(b) => b.to_string(),
        Node::Map(_) => "{}".into(),
        Node::Yaml(value) => match value {
            Value::Null => "null".into(),
            Value::Bool(b) if quote_all => quoted(&b.to_string()),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) if quote_all => quoted(&i.to_string()),
            Value::Int(i) => i.to_string(),
            Value::Float(f) if quote_all => quoted(&float_text(*f)),
            Value::Float(f) => float_text(*f),
            Value::String(s) => plain_or_quoted(s, quote_all),
            Value::List(_) => "[]".into(),
            Value::Map(_) => "{}".into(),
        },
    }
}

/// A float's text that reads back as the same float (`1.0`, not `1`).
pub fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 { format!("{f:.1}") } else { format!("{f}") }
}

/// Strings are one line: a folded or wrapped value is flattened (several consumers read only
/// its first line).
fn one_line(text: &str) -> String {
    if !text.contains(['\n', '\r']) {
        return text.to_string();
    }
    text.split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

fn plain_or_quoted(text: &str, quote: bool) -> String {
    let text = one_line(text);
    if quote || needs_quotes(&text) { quoted(&text) } else { text }
}

fn needs_quotes(text: &str) -> bool {
    let Some(first) = text.chars().next() else { return true };
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || text.starts_with(char::is_whitespace) {
        return true;
    }
    if text.ends_with(char::is_whitespace) || text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return true;
    }
    if text.chars().any(|c| c.is_control()) {
        return true;
    }
    reads_as_non_string(text)
}

/// Would a plain scalar with this text be read as something other than a string?
fn reads_as_non_string(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~") {
        return true;
    }
    if lower.trim_start_matches(['+', '-']).starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return text.parse::<f64>().is_ok()
            || lower.starts_with("0x")
            || lower.starts_with("0o")
            || text.chars().all(|c| c.is_ascii_digit() || "-:.+_ tTzZ".contains(c));
    }
    matches!(lower.trim_start_matches(['+', '-']), ".inf" | ".nan")
}

fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skill::frontmatter;

    fn round_trip(entries: &[(String, Node<'_>)]) -> String {
        let yaml = mapping(entries);
        let doc = format!("---\n{yaml}---\n");
        assert!(frontmatter::parse(&doc).is_ok(), "emitted YAML must parse:\n{yaml}");
        yaml
    }

    #[test]
    fn quotes_what_a_plain_scalar_would_misread() {
        let entries: Vec<(String, Node<'_>)> = [
            ("a", "plain words"),
            ("b", "yes"),
            ("c", "1.0"),
            ("d", "key: value"),
            ("e", "cut # here"),
            ("f", "- dash"),
            ("g", "2025-01-01"),
            ("h", "say \"hi\"\\"),
            ("i", "folded\nline"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Node::Text(v.to_string())))
        .collect();
        let yaml = round_trip(&entries);
        let doc = format!("---\n{yaml}---\n");
        let parsed = frontmatter::parse(&doc).unwrap();
        for (key, node) in &entries {
            let Node::Text(text) = node else { unreachable!() };
            assert_eq!(parsed.get(key).and_then(Value::as_str), Some(one_line(text).as_str()), "{key} in\n{yaml}");
        }
        assert!(yaml.contains("a: plain words\n") && yaml.contains("i: folded line\n"), "{yaml}");
    }

    #[test]
    fn nested_values_and_metadata_round_trip() {
        let src = "---\nhooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks:\n        - type: command\n          command: echo hi\nallowed-tools:\n  - Read\n  - Bash(git:*)\nmetadata:\n  version: 1.0\n  n: 3\n---\nbody\n";
        let parsed = frontmatter::parse(src).unwrap();
        let entries: Vec<(String, Node<'_>)> =
            parsed.fields.iter().map(|(k, e)| (k.to_string(), Node::Yaml(&e.value))).collect();
        let yaml = round_trip(&entries);
        let again = format!("---\n{yaml}---\n");
        let reparsed = frontmatter::parse(&again).unwrap();
        assert_eq!(reparsed.get("hooks"), parsed.get("hooks"), "{yaml}");
        assert_eq!(reparsed.get("allowed-tools"), parsed.get("allowed-tools"));
        let metadata = reparsed.get("metadata").and_then(Value::as_map).unwrap();
        assert_eq!(metadata.get("version").and_then(Value::as_str), Some("1.0"), "metadata values are quoted strings");
        assert_eq!(metadata.get("n").and_then(Value::as_str), Some("3"));
    }
}
