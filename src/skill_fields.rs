//! Pure validation of the user-editable skill fields (skill-format.md §1.5, backend.md §3.4).
//! No I/O, so every rule is unit-tested with plain strings.

use crate::protocol::AppError;
use crate::skill::frontmatter;

pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;
const MAX_DOMAIN_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 1024;
const MAX_INTAKE_CHARS: usize = 2000;
/// The intake form's fields; anything else is a client bug worth rejecting.
const INTAKE_KEYS: &[&str] = &["scope", "audience", "challenges", "unique_setup", "claude_mistakes", "context"];

/// Trims, lowercases, drops empties and duplicates, sorts; rejects commas and over-long tags.
pub fn normalize_tags(tags: &[String]) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() || out.contains(&tag) {
            continue;
        }
        if tag.contains(',') {
            return Err(AppError::invalid("tags", format!("'{tag}' contains a comma")));
        }
        if tag.chars().count() > MAX_TAG_CHARS {
            return Err(AppError::invalid("tags", format!("'{tag}' is longer than {MAX_TAG_CHARS} characters")));
        }
        out.push(tag);
    }
    if out.len() > MAX_TAGS {
        return Err(AppError::invalid("tags", format!("at most {MAX_TAGS} tags")));
    }
    out.sort();
    Ok(out)
}

/// One line of 1–100 characters.
pub fn domain(value: Option<&str>) -> Result<Option<String>, AppError> {
    one_line("domain", value, MAX_DOMAIN_CHARS)
}

pub fn description(value: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::invalid("description", format!("at most {MAX_DESCRIPTION_CHARS} characters")));
    }
    Ok(Some(text.to_string()))
}

/// A short single-line field; empty means unset.
pub fn one_line(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, AppError> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    if text.contains(['\n', '\r']) || text.chars().count() > max {
        return Err(AppError::invalid(field, format!("must be one line of at most {max} characters")));
    }
    Ok(Some(text.to_string()))
}

/// Intake answers: known keys, string values of at most 2,000 characters.
pub fn intake(map: &serde_json::Map<String, serde_json::Value>) -> Result<(), AppError> {
    for (key, value) in map {
        if !INTAKE_KEYS.contains(&key.as_str()) {
            return Err(AppError::invalid("intake", format!("unknown field '{key}'")));
        }
        match value.as_str() {
            Some(text) if text.chars().count() <= MAX_INTAKE_CHARS => {}
            Some(_) => {
                return Err(AppError::invalid("intake", format!("'{key}' is over {MAX_INTAKE_CHARS} characters")));
            }
            None => return Err(AppError::invalid("intake", format!("'{key}' must be text"))),
        }
    }
    Ok(())
}

/// Rewrites only the `name:` line of a SKILL.md front-matter, keeping every other byte; `None`
/// when the front-matter does not parse, has no `name`, or spreads it over several lines.
pub fn rewrite_frontmatter_name(text: &str, new_name: &str) -> Option<String> {
    let front = frontmatter::parse(text).ok()?;
    let entry = front.entry("name")?;
    let start = entry.key_at.offset;
    let end = text[start..].find(['\r', '\n']).map_or(text.len(), |i| start + i);
    // The value must end on the key's line: up to the next key only blank and comment lines.
    let next = front.fields.iter().map(|(_, e)| e.key_at.offset).find(|at| *at > start);
    let until = next.unwrap_or(front.split.yaml_offset + front.split.yaml.len());
    let rest = text.get(end..until.max(end))?;
    if !rest.lines().all(|line| matches!(line.trim().chars().next(), None | Some('#'))) {
        return None;
    }
    Some(format!("{}name: {new_name}{}", &text[..start], &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised() {
        let tags = normalize_tags(&[" Sales ".into(), "sales".into(), "".into(), "KPI".into()]).unwrap();
        assert_eq!(tags, ["kpi", "sales"]);
        assert!(normalize_tags(&["a,b".into()]).is_err());
        assert!(normalize_tags(&["x".repeat(41)]).is_err());
        assert!(normalize_tags(&(0..21).map(|i| format!("t{i}")).collect::<Vec<_>>()).is_err());
    }

    #[test]
    fn domain_is_one_short_line() {
        assert_eq!(domain(Some("  Sales analytics ")).unwrap().as_deref(), Some("Sales analytics"));
        assert_eq!(domain(Some("  ")).unwrap(), None);
        assert!(domain(Some("a\nb")).is_err());
        assert!(domain(Some(&"d".repeat(101))).is_err());
    }

    #[test]
    fn intake_accepts_known_text_fields_only() {
        let ok = serde_json::json!({ "scope": "KPIs", "audience": "analysts" });
        assert!(intake(ok.as_object().unwrap()).is_ok());
        let unknown = serde_json::json!({ "evil": "x" });
        assert!(intake(unknown.as_object().unwrap()).is_err());
        let number = serde_json::json!({ "scope": 3 });
        assert!(intake(number.as_object().unwrap()).is_err());
    }

    #[test]
    fn frontmatter_name_is_rewritten_in_place() {
        let text = "---\nname: old-name\ndescription: d\n---\n# Body\nname: stays\n";
        assert_eq!(
            rewrite_frontmatter_name(text, "new-name").unwrap(),
            "---\nname: new-name\ndescription: d\n---\n# Body\nname: stays\n"
        );
        assert_eq!(rewrite_frontmatter_name("# no frontmatter", "x"), None);
        assert_eq!(rewrite_frontmatter_name("---\ndescription: d\n---\n", "x"), None);
    }

    /// The old line scanner missed a BOM, matched `name:` in a block value, and rewrote files
    /// whose YAML no reader accepts.
    #[test]
    fn frontmatter_name_rewrite_uses_the_yaml_reader() {
        let cases = [
            (
                "\u{feff}---\r\nname: old\r\ndescription: d\r\n---\r\nbody",
                Some("\u{feff}---\r\nname: new\r\ndescription: d\r\n---\r\nbody"),
            ),
            ("---\nname: \"old\" # c\n# note\nx: 1\n---\n", Some("---\nname: new\n# note\nx: 1\n---\n")),
            ("---\ndescription: |\n  name: not-this\n---\n", None),
            ("---\nname: old\n  continued\n---\n", None),
            ("---\nname: a\ndescription: Use when: x\n---\n", None),
            ("---\nname: a\nname: b\n---\n", None),
        ];
        for (text, expected) in cases {
            assert_eq!(rewrite_frontmatter_name(text, "new").as_deref(), expected, "{text:?}");
        }
    }
}
