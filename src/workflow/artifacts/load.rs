//! Tolerant loading and located errors for the JSON artifacts (agents-and-workflow.md §5.9).
//!
//! Agents sometimes wrap JSON in a Markdown fence or start it with a BOM; both are stripped
//! before parsing. Nothing else is forgiven: trailing commas, unknown fields and wrong types are
//! errors, and every error names the file, the JSON pointer and what was expected, so the repair
//! turn can tell the agent exactly what to fix.

use serde::de::DeserializeOwned;

/// One problem in one artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactError {
    /// Path relative to the skill (or workspace) folder, e.g. `context/clarifications.json`.
    pub file: String,
    /// JSON pointer of the offending value (`""` for the whole document).
    pub pointer: String,
    pub expected: String,
}

impl std::fmt::Display for ArtifactError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "{}: {pointer}: {}", self.file, self.expected)
    }
}

/// Collects the errors of one document while its checks walk it.
#[derive(Debug)]
pub struct Problems {
    file: String,
    pub errors: Vec<ArtifactError>,
}

impl Problems {
    pub fn new(file: &str) -> Self {
        Problems { file: file.into(), errors: Vec::new() }
    }

    pub fn add(&mut self, pointer: impl Into<String>, expected: impl Into<String>) {
        self.errors.push(ArtifactError { file: self.file.clone(), pointer: pointer.into(), expected: expected.into() });
    }

    /// Adds `expected` at `pointer` unless `ok`.
    pub fn check(&mut self, ok: bool, pointer: impl Into<String>, expected: impl Into<String>) {
        if !ok {
            self.add(pointer, expected);
        }
    }

    /// A string of 1..=max characters.
    pub fn text(&mut self, value: &str, max: usize, pointer: impl Into<String>) {
        let n = value.trim().chars().count();
        self.check(n >= 1 && value.chars().count() <= max, pointer, format!("text of 1–{max} characters, got {n}"));
    }

    pub fn into_result(self) -> Result<(), Vec<ArtifactError>> {
        if self.errors.is_empty() { Ok(()) } else { Err(self.errors) }
    }
}

/// A document type with a `schema` name, a version and checks beyond its shape.
pub trait Artifact: DeserializeOwned + serde::Serialize {
    const SCHEMA: &'static str;
    const VERSION: u32 = 1;
    fn schema_and_version(&self) -> (&str, u32);
    /// The rules serde cannot express (id order, limits, cross references).
    fn check(&self, problems: &mut Problems);
}

/// Removes a UTF-8 BOM and a surrounding Markdown fence (```` ```json … ``` ````).
pub fn strip_wrapping(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim();
    let Some(rest) = text.strip_prefix("```") else { return text };
    let Some(body) = rest.strip_suffix("```") else { return text };
    // The info string (`json`) ends at the first newline.
    match body.split_once('\n') {
        Some((info, inner)) if !info.contains('{') && !info.contains('[') => inner.trim(),
        _ => body.trim(),
    }
}

/// Parses and checks one artifact; the error list is never empty on failure.
pub fn parse<T: Artifact>(file: &str, text: &str) -> Result<T, Vec<ArtifactError>> {
    let body = strip_wrapping(text);
    let mut problems = Problems::new(file);
    let mut de = serde_json::Deserializer::from_str(body);
    let parsed = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let pointer = pointer_of(err.path());
        (pointer, err.into_inner())
    });
    let value: T = match parsed.and_then(|v| de.end().map(|()| v).map_err(|e| (String::new(), e))) {
        Ok(v) => v,
        Err((pointer, inner)) => {
            let expected = if inner.is_syntax() || inner.is_eof() {
                format!("valid JSON ({inner})")
            } else {
                strip_position(&inner.to_string())
            };
            problems.add(pointer, expected);
            return Err(problems.errors);
        }
    };
    let (schema, version) = value.schema_and_version();
    problems.check(schema == T::SCHEMA, "/schema", format!("\"{}\", got \"{schema}\"", T::SCHEMA));
    problems.check(version == T::VERSION, "/version", format!("{}, got {version}", T::VERSION));
    value.check(&mut problems);
    problems.into_result().map(|()| value)
}

/// The canonical file form: pretty JSON with a final newline.
pub fn to_text<T: serde::Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => out.push_str(variant),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

/// serde_json appends " at line L column C", which means nothing once the pointer is known.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_fences_only() {
        assert_eq!(strip_wrapping("\u{feff}{\"a\":1}"), "{\"a\":1}");
        assert_eq!(strip_wrapping("```json\n{\"a\":1}\n```\n"), "{\"a\":1}");
        assert_eq!(strip_wrapping("```\n{}\n```"), "{}");
        assert_eq!(strip_wrapping("  {}  "), "{}");
        assert_eq!(strip_wrapping("```{}"), "```{}");
    }
}
