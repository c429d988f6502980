//! Rules read from the front-matter's lines before (and whether or not) the YAML parses
//! (skill-format §2.7): a plain value holding `: ` (`SB011`, invalid YAML that users mean as
//! text) or ` #` (`SB012`, silently cut), tab indentation (`SB013`), anchors, aliases, merge
//! keys and tags (`SB016`) and comments (`SB018`). Quoted, block and flow values are left to
//! the parser.

use super::out::{Lines, Out, Place, fix_diff, quoted};

/// What the line scan found that explains a YAML error, so `SB010` is not reported on top.
pub(crate) struct Scan {
    pub explains_error: bool,
}

/// Scans file lines `first..last` (the YAML between the fences).
pub(crate) fn scan(lines: &Lines, first: usize, last: usize, path: &str, out: &mut Out) -> Scan {
    let mut explains_error = false;
    let mut comment_seen = false;
    let mut special_seen = false;
    // Inside a `|` or `>` block: the indentation of the key that opened it.
    let mut block: Option<usize> = None;
    for n in first..last {
        let line = lines.get(n);
        let content = line.trim_start_matches([' ', '\t']);
        let indent = &line[..line.len() - content.len()];
        if content.is_empty() {
            continue;
        }
        match block {
            Some(open) if indent.len() > open => continue,
            _ => block = None,
        }
        if indent.contains('\t') {
            let new = lines.splice(n, n, &format!("{}{content}", indent.replace('\t', "  ")));
            let fix = fix_diff("Indent with spaces", path, lines.text, &new);
            out.add("SB013", &[("line", &n.to_string())]).file(path).at(n, 1).fix(fix);
            explains_error = true;
        }
        if content.starts_with('#') {
            if !comment_seen {
                out.add("SB018", &[]).file(path).at(n, indent.chars().count() + 1);
                comment_seen = true;
            }
            continue;
        }
        let item = content.strip_prefix("- ").map(str::trim_start);
        let Some((key, value_col, value)) = key_value(item.unwrap_or(content)) else {
            if !special_seen && item.is_some_and(|i| i.starts_with(['&', '*', '!'])) {
                out.add("SB016", &[("line", &n.to_string())]).file(path).at(n, 1);
                special_seen = true;
            }
            continue;
        };
        let col = line.len() - item.unwrap_or(content).len() + value_col;
        if !special_seen && (key == "<<" || value.starts_with(['&', '*', '!'])) {
            out.add("SB016", &[("line", &n.to_string())]).file(path).at(n, col + 1);
            special_seen = true;
        }
        if value.starts_with(['|', '>']) {
            block = Some(indent.len());
        }
        if value.is_empty() || value.starts_with(['"', '\'', '|', '>', '[', '{', '&', '*', '!']) {
            continue;
        }
        let fixed = || {
            let new = lines.splice(n, n, &format!("{}{}", &line[..col], quoted(value)));
            fix_diff(format!("Quote the `{key}` value"), path, lines.text, &new)
        };
        if let Some(at) = value.find(": ") {
            out.add("SB011", &[("line", &n.to_string()), ("key", key)]).file(path).at(n, col + at + 1).fix(fixed());
            explains_error = true;
        } else if let Some(at) = value.find(" #") {
            let cut = value[..at].trim_end();
            out.add("SB012", &[("line", &n.to_string()), ("key", key), ("value", cut)])
                .file(path)
                .at(n, col + at + 2)
                .fix(fixed());
        }
    }
    Scan { explains_error }
}

/// `key: value` with a plain key: the key, the byte column where the value starts (0-based,
/// within `text`) and the value up to the line end.
fn key_value(text: &str) -> Option<(&str, usize, &str)> {
    if text.starts_with(['"', '\'', '-', '?', '[', '{', '#']) {
        return None;
    }
    let colon = text.find(": ").or_else(|| text.strip_suffix(':').map(str::len))?;
    let key = &text[..colon];
    if key.is_empty() || key.contains([' ', '\t', '#']) && key != "<<" {
        return None;
    }
    let rest = &text[colon + 1..];
    let value = rest.trim_start_matches([' ', '\t']);
    Some((key, text.len() - value.len(), value))
}
