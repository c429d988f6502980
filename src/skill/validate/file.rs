//! File-level and YAML rules (skill-format §2.1, §2.7): where SKILL.md is, its encoding and
//! line endings, the front-matter fences, and the reader's errors turned into rule ids.

use super::out::{Lines, Out, Place, fix_diff, fix_note, quoted};
use super::tree::{MAX_SKILL_MD_BYTES, SkillTree, TreeFile};
use super::yaml_lines;
use crate::skill::frontmatter::{self, Frontmatter, FrontmatterError, LineEndings, Value};

/// The root SKILL.md, or a wrongly cased one (`SB002`); `SB001` when there is neither.
pub(crate) fn locate<'t>(tree: &'t SkillTree, out: &mut Out) -> Option<&'t TreeFile> {
    if let Some(file) = tree.file("SKILL.md") {
        return Some(file);
    }
    let cased = tree.files.iter().find(|f| f.path.eq_ignore_ascii_case("skill.md"));
    match cased {
        Some(file) => {
            out.add("SB002", &[("file", &file.path)])
                .file(&file.path)
                .fix(fix_note(format!("Rename `{}` to `SKILL.md`", file.path)));
            Some(file)
        }
        None => {
            out.add("SB001", &[]);
            None
        }
    }
}

/// SKILL.md's text when it is small enough and UTF-8 (`SB204`, `SB003`).
pub(crate) fn decode<'t>(file: &'t TreeFile, out: &mut Out) -> Option<&'t str> {
    let bytes = file.content.as_deref()?;
    if file.size > MAX_SKILL_MD_BYTES || bytes.len() as u64 > MAX_SKILL_MD_BYTES {
        let size = format!("{:.1} MiB", file.size.max(bytes.len() as u64) as f64 / 1_048_576.0);
        out.add("SB204", &[("size", &size)]).file(&file.path);
        return None;
    }
    let wide = [
        (&[0x00, 0x00, 0xFE, 0xFF][..], "UTF-32 BE byte-order mark"),
        (&[0xFF, 0xFE, 0x00, 0x00][..], "UTF-32 LE byte-order mark"),
        (&[0xFE, 0xFF][..], "UTF-16 BE byte-order mark"),
        (&[0xFF, 0xFE][..], "UTF-16 LE byte-order mark"),
    ];
    if let Some((_, detail)) = wide.iter().find(|(bom, _)| bytes.starts_with(bom)) {
        out.add("SB003", &[("detail", detail)]).file(&file.path);
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(err) => {
            let detail = format!("invalid byte at offset {}", err.valid_up_to());
            let line = bytes[..err.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            out.add("SB003", &[("detail", &detail)]).file(&file.path).at(line, 1);
            None
        }
    }
}

/// The parsed front-matter of `text`, or `None` after reporting why there is none. Always
/// returns the body and its first line (the whole text without front-matter).
pub(crate) fn frontmatter<'a>(
    text: &'a str,
    path: &str,
    dir_name: Option<&str>,
    out: &mut Out,
) -> (Option<Frontmatter<'a>>, &'a str, usize) {
    let lines = Lines::new(text);
    if text.starts_with('\u{feff}') {
        out.add("SB004", &[]).file(path).at(1, 1).fix(fix_note("Remove the byte-order mark"));
    }
    if text.contains('\r') {
        let ending = frontmatter::split(text).map(|s| s.line_endings).unwrap_or(LineEndings::Mixed);
        if ending != LineEndings::Lf {
            out.add("SB005", &[]).file(path).fix(fix_note("Convert line endings to LF"));
        }
    }
    let split = match frontmatter::split(text) {
        Ok(split) => split,
        Err(err) => {
            fence_error(&err, &lines, path, dir_name, out);
            return (None, text, 1);
        }
    };
    let body_line = split.body_line;
    let scan = yaml_lines::scan(&lines, split.yaml_line, body_line - 1, path, out);
    match frontmatter::parse(text) {
        Ok(front) => {
            multi_line_values(&front, &lines, path, out);
            let body = front.body();
            (Some(front), body, body_line)
        }
        Err(err) => {
            yaml_error(&err, scan.explains_error, path, out);
            (None, split.body, body_line)
        }
    }
}

fn fence_error(err: &FrontmatterError, lines: &Lines, path: &str, dir_name: Option<&str>, out: &mut Out) {
    match err {
        FrontmatterError::Missing => {
            let name = dir_name.unwrap_or("skill-name");
            let description = super::first_paragraph(lines.text).unwrap_or_default();
            let head = format!("---\nname: {name}\ndescription: {}\n---\n", quoted(&description));
            let new = format!("{head}{}", lines.text.trim_start_matches('\u{feff}'));
            let fix = fix_diff("Add front-matter from the folder name and first paragraph", path, lines.text, &new);
            out.add("SB006", &[]).file(path).at(1, 1).fix(fix);
        }
        FrontmatterError::TextBeforeOpening { line } => {
            let new = lines.splice(1, *line, "---");
            let fix = fix_diff("Remove the lines before `---`", path, lines.text, &new);
            out.add("SB007", &[]).file(path).at(*line, 1).fix(fix);
        }
        FrontmatterError::Unclosed => {
            out.add("SB008", &[]).file(path).at(1, 1);
        }
        FrontmatterError::ClosedWithDots { line } => {
            let new = lines.splice(*line, *line, "---");
            let fix = fix_diff("Close the front-matter with `---`", path, lines.text, &new);
            out.add("SB009", &[("line", &line.to_string())]).file(path).at(*line, 1).fix(fix);
        }
        other => yaml_error(other, false, path, out),
    }
}

fn yaml_error(err: &FrontmatterError, explained: bool, path: &str, out: &mut Out) {
    match err {
        FrontmatterError::TooLarge { .. } => {
            out.add("SB017", &[]).file(path);
        }
        FrontmatterError::Yaml { line, column, message } => {
            let lower = message.to_ascii_lowercase();
            if ["budget", "alias", "depth", "too many", "exceed"].iter().any(|w| lower.contains(w)) {
                out.add("SB017", &[]).file(path).at(*line, *column);
            } else if !explained {
                let (l, c) = (line.to_string(), column.to_string());
                let args = [("line", l.as_str()), ("col", c.as_str()), ("parser message", message.as_str())];
                out.add("SB010", &args).file(path).at(*line, *column);
            }
        }
        FrontmatterError::DuplicateKey { key, first_line, again_line, column } => {
            let (a, b) = (first_line.to_string(), again_line.to_string());
            out.add("SB014", &[("key", key), ("a", &a), ("b", &b)])
                .file(path)
                .at(*again_line, *column)
                .fix(fix_note(format!("Keep one `{key}` line: {a} or {b}")));
        }
        FrontmatterError::NotMapping { kind } => {
            out.add("SB015", &[("kind", kind.name())]).file(path).at(2, 1);
        }
        _ => {}
    }
}

/// `SB019`: a top-level string written over several lines (a block scalar or a wrapped plain
/// value); the fix writes it on one line, as the builder's emitter will.
fn multi_line_values(front: &Frontmatter, lines: &Lines, path: &str, out: &mut Out) {
    let close = front.split.body_line - 1;
    for (key, entry) in front.fields.iter() {
        let Value::String(value) = &entry.value else { continue };
        let first = entry.key_at.line;
        let head = lines.get(first);
        let after = head.split_once(':').map_or("", |(_, v)| v.trim());
        let block = after.starts_with('|') || after.starts_with('>');
        let mut last = first;
        while last + 1 < close {
            let next = lines.get(last + 1);
            if next.trim().is_empty() || next.starts_with([' ', '\t']) {
                last += 1;
            } else {
                break;
            }
        }
        while last > first && lines.get(last).trim().is_empty() {
            last -= 1;
        }
        if block || last > first {
            let flat = value.split_whitespace().collect::<Vec<_>>().join(" ");
            let new = lines.splice(first, last, &format!("{key}: {}", quoted(&flat)));
            let fix = fix_diff(format!("Write `{key}` on one line"), path, lines.text, &new);
            out.add("SB019", &[("key", key)]).file(path).at(first, 1).fix(fix);
        }
    }
}
