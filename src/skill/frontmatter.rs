//! The one reader of a SKILL.md front-matter block (skill-format.md §1.3, §2.7). We find the
//! `---` fences ourselves and hand only the YAML between them to `serde-saphyr` (pure Rust, a
//! node/depth/alias budget), so the body is never parsed as YAML.
//!
//! - A UTF-8 BOM is skipped and reported; LF, CRLF and lone CR all end lines.
//! - Line 1 is `---` (trailing spaces allowed); the block ends at the next line that is exactly
//!   `---`. A `...` close, text before the opening fence and a missing close are distinct errors,
//!   and nothing is guessed.
//! - Empty front-matter is an empty mapping; a list or scalar is an error naming its kind.
//! - A repeated key is an error naming both lines. We ask the parser to pass repeats through
//!   (`DuplicateKeyPolicy::PassThrough`) and find them ourselves, because its own error names
//!   only the second line.
//! - `key: a: b` is invalid YAML (quote the value); every YAML error carries the file's
//!   1-based line and column.

pub use super::yaml::{Duplicate, Entry, Mapping, Position, Value, ValueKind};
use serde_saphyr::{DuplicateKeyPolicy, Options};
use std::fmt;

/// Front-matter over this size is refused before parsing (`SB017`).
pub const MAX_FRONTMATTER_BYTES: usize = 64 * 1024;

/// How the lines of a file end; anything but `Lf` is worth a warning (`SB005`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEndings {
    Lf,
    Crlf,
    Cr,
    Mixed,
}

/// The fences found in a file, before any YAML is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The text between the fences, with its original line endings.
    pub yaml: &'a str,
    /// File line (1-based) and byte offset where `yaml` starts.
    pub yaml_line: usize,
    pub yaml_offset: usize,
    /// Everything after the closing fence's line.
    pub body: &'a str,
    /// File line (1-based) and byte offset where `body` starts.
    pub body_line: usize,
    pub body_offset: usize,
    /// The file starts with a UTF-8 BOM (skipped).
    pub bom: bool,
    pub line_endings: LineEndings,
}

/// A parsed front-matter block and the body after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Frontmatter<'a> {
    pub split: Split<'a>,
    /// The top-level mapping, in source order, positions in file coordinates.
    pub fields: Mapping,
}

impl<'a> Frontmatter<'a> {
    pub fn body(&self) -> &'a str {
        self.split.body
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.fields.entry(key)
    }

    /// A string field, trimmed; `None` when absent, empty or not a string.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty())
    }
}

/// Why a file has no usable front-matter. Lines are 1-based file lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontmatterError {
    /// The file does not start with a `---` line, nor does one follow blank lines (`SB006`).
    Missing,
    /// The opening `---` is on this line, after blank lines (`SB007`).
    TextBeforeOpening { line: usize },
    /// No line after the opening fence is `---` (`SB008`).
    Unclosed,
    /// The block is closed by `...` on this line (`SB009`).
    ClosedWithDots { line: usize },
    /// Over [`MAX_FRONTMATTER_BYTES`] (`SB017`).
    TooLarge { bytes: usize },
    /// The parser's message, at the file position it points to (`SB010`; `SB017` for budgets).
    Yaml { line: usize, column: usize, message: String },
    /// A key appears twice in one mapping (`SB014`).
    DuplicateKey { key: String, first_line: usize, again_line: usize, column: usize },
    /// The YAML is a list or scalar, not a mapping (`SB015`).
    NotMapping { kind: ValueKind },
}

impl FrontmatterError {
    /// Where the problem is, when it has one place: (line, column).
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            FrontmatterError::TextBeforeOpening { line } | FrontmatterError::ClosedWithDots { line } => {
                Some((*line, 1))
            }
            FrontmatterError::Yaml { line, column, .. } => Some((*line, *column)),
            FrontmatterError::DuplicateKey { again_line, column, .. } => Some((*again_line, *column)),
            _ => None,
        }
    }
}

impl fmt::Display for FrontmatterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrontmatterError::Missing => f.write_str("no front-matter block"),
            FrontmatterError::TextBeforeOpening { line } => {
                write!(f, "front-matter must open on line 1, not line {line}")
            }
            FrontmatterError::Unclosed => f.write_str("front-matter opened on line 1 is never closed by ---"),
            FrontmatterError::ClosedWithDots { line } => {
                write!(f, "front-matter closed with ... on line {line}; use ---")
            }
            FrontmatterError::TooLarge { bytes } => {
                write!(f, "front-matter is {bytes} bytes; at most {MAX_FRONTMATTER_BYTES}")
            }
            FrontmatterError::Yaml { line, column, message } => write!(f, "invalid YAML at {line}:{column}: {message}"),
            FrontmatterError::DuplicateKey { key, first_line, again_line, .. } => {
                write!(f, "duplicate key '{key}' (lines {first_line} and {again_line})")
            }
            FrontmatterError::NotMapping { kind } => write!(f, "front-matter is a {}, not a mapping", kind.name()),
        }
    }
}

impl std::error::Error for FrontmatterError {}

/// Finds the fences and reads the YAML between them.
pub fn parse(text: &str) -> Result<Frontmatter<'_>, FrontmatterError> {
    let split = split(text)?;
    if split.yaml.len() > MAX_FRONTMATTER_BYTES {
        return Err(FrontmatterError::TooLarge { bytes: split.yaml.len() });
    }
    let fields = read_yaml(split.yaml, split.yaml_line, split.yaml_offset)?;
    Ok(Frontmatter { split, fields })
}

/// Finds the opening and closing fences without reading the YAML.
pub fn split(text: &str) -> Result<Split<'_>, FrontmatterError> {
    let bom = text.starts_with('\u{feff}');
    let start = if bom { '\u{feff}'.len_utf8() } else { 0 };
    let line_endings = line_endings(text);
    let mut lines = Lines { text, at: start, number: 0 };
    let Some(first) = lines.next() else { return Err(FrontmatterError::Missing) };
    if !is_opening(first.text) {
        if first.text.trim().is_empty() {
            let opening = lines.by_ref().find(|l| !l.text.trim().is_empty());
            if let Some(line) = opening.filter(|l| is_opening(l.text)) {
                return Err(FrontmatterError::TextBeforeOpening { line: line.number });
            }
        }
        return Err(FrontmatterError::Missing);
    }
    let yaml_offset = first.next;
    let mut dots = None;
    for line in lines {
        if line.text == "---" {
            return Ok(Split {
                yaml: &text[yaml_offset..line.start],
                yaml_line: 2,
                yaml_offset,
                body: &text[line.next..],
                body_line: line.number + 1,
                body_offset: line.next,
                bom,
                line_endings,
            });
        }
        if line.text == "..." && dots.is_none() {
            dots = Some(line.number);
        }
    }
    Err(dots.map_or(FrontmatterError::Unclosed, |line| FrontmatterError::ClosedWithDots { line }))
}

fn is_opening(line: &str) -> bool {
    line.trim_end_matches([' ', '\t']) == "---"
}

/// The parser's options, shared with the shallow pass (`super::shallow`) so both read a block
/// alike: repeated keys are passed through and found by the reader.
pub(crate) fn yaml_options() -> Options {
    let mut options = Options::default();
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    options
}

fn read_yaml(yaml: &str, line: usize, offset: usize) -> Result<Mapping, FrontmatterError> {
    let value = match serde_saphyr::from_str_with_options::<Option<Value>>(yaml, yaml_options()) {
        Ok(value) => value.unwrap_or(Value::Null),
        Err(err) => {
            let (at_line, column) =
                err.location().map_or((0, 0), |at| (usize::try_from(at.line()).unwrap_or(0), at.column()));
            let message = without_yaml_position(&err.without_snippet().to_string()).to_string();
            return Err(FrontmatterError::Yaml {
                line: if at_line == 0 { line } else { at_line + line - 1 },
                column: usize::try_from(column).unwrap_or(0).max(1),
                message,
            });
        }
    };
    let mut fields = match value {
        Value::Map(map) => map,
        Value::Null => Mapping::default(),
        other => return Err(FrontmatterError::NotMapping { kind: other.kind() }),
    };
    fields.shift(line, offset);
    if let Some(dup) = fields.first_duplicate() {
        return Err(FrontmatterError::DuplicateKey {
            key: dup.key.clone(),
            first_line: dup.first.line,
            again_line: dup.again.line,
            column: dup.again.column,
        });
    }
    Ok(fields)
}

/// The scanner ends some messages with its own position (" at line 1, column 7"), counted in
/// the YAML rather than the file; the caller reports the file position instead.
fn without_yaml_position(message: &str) -> &str {
    let Some(at) = message.rfind(" at line ") else { return message };
    let tail = &message[at + " at line ".len()..];
    let (line, column) = tail.split_once(", column ").unwrap_or(("", ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(line) && digits(column) { &message[..at] } else { message }
}

/// One line of the file: its text without the line break, where it starts, and where the
/// next one starts.
struct Line<'a> {
    text: &'a str,
    number: usize,
    start: usize,
    next: usize,
}

struct Lines<'a> {
    text: &'a str,
    at: usize,
    number: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let rest = self.text.get(self.at..).filter(|r| !r.is_empty())?;
        let start = self.at;
        self.number += 1;
        let (len, brk) = match rest.find(['\n', '\r']) {
            None => (rest.len(), 0),
            Some(i) if rest[i..].starts_with("\r\n") => (i, 2),
            Some(i) => (i, 1),
        };
        self.at = start + len + brk;
        Some(Line { text: &rest[..len], number: self.number, start, next: self.at })
    }
}

fn line_endings(text: &str) -> LineEndings {
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count() - crlf;
    let cr = text.matches('\r').count() - crlf;
    match (lf > 0, crlf > 0, cr > 0) {
        (_, false, false) => LineEndings::Lf,
        (false, true, false) => LineEndings::Crlf,
        (false, false, true) => LineEndings::Cr,
        _ => LineEndings::Mixed,
    }
}

#[cfg(test)]
#[path = "frontmatter_tests.rs"]
mod tests;
