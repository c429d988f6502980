//! The catalogue table against the catalogue text, and every id the code names against the table.

use super::*;
use std::path::{Path, PathBuf};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `(id, sev, import, message)` of every row of the catalogue's tables, unescaped.
fn catalogue_rows(markdown: &str) -> Vec<(String, String, String, String)> {
    let mut rows = Vec::new();
    for line in markdown.lines() {
        let Some(inner) = line.strip_prefix("| SB").and_then(|l| l.strip_suffix(" |")) else { continue };
        let cells: Vec<&str> = inner.splitn(4, " | ").collect();
        assert_eq!(cells.len(), 4, "malformed catalogue row: {line}");
        rows.push((
            format!("SB{}", cells[0]),
            cells[1].to_string(),
            cells[2].to_string(),
            cells[3].replace("\\|", "|"),
        ));
    }
    rows
}

fn sev_text(sev: Sev) -> &'static str {
    match sev {
        Sev::Error => "E",
        Sev::Strict => "E*",
        Sev::Warning => "W",
        Sev::Info => "I",
    }
}

fn import_text(import: Imp) -> &'static str {
    match import {
        Imp::Block => "block",
        Imp::Fix => "fix",
        Imp::Optional => "opt",
        Imp::Keep => "keep",
    }
}

#[test]
fn table_is_sorted_and_unique() {
    for pair in RULES.windows(2) {
        assert!(pair[0].id < pair[1].id, "{} then {}", pair[0].id, pair[1].id);
    }
    assert!(RULES.iter().all(|r| r.id.len() == 5 && r.id.starts_with("SB")));
}

#[test]
fn table_equals_the_catalogue() {
    let text = std::fs::read_to_string(manifest_dir().join("docs/skill-rules.md")).unwrap();
    let rows = catalogue_rows(&text);
    let table: Vec<(String, String, String, String)> = RULES
        .iter()
        .map(|r| (r.id.to_string(), sev_text(r.sev).into(), import_text(r.import).into(), r.message.to_string()))
        .collect();
    for (row, entry) in rows.iter().zip(&table) {
        assert_eq!(row, entry, "catalogue row and RULES differ");
    }
    assert_eq!(rows.len(), table.len(), "catalogue has {} rules, RULES {}", rows.len(), table.len());
}

/// The spec, when this checkout sits beside it (`…/shared/spec/skill-format.md`).
fn spec_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SKILL_FORMAT_SPEC") {
        return Some(PathBuf::from(path));
    }
    manifest_dir().ancestors().map(|dir| dir.join("shared/spec/skill-format.md")).find(|p| p.is_file())
}

#[test]
fn catalogue_copy_equals_the_spec_section() {
    let Some(spec) = spec_file() else {
        eprintln!("skill-format.md not found beside the checkout; the copy is checked where it is");
        return;
    };
    let spec = std::fs::read_to_string(spec).unwrap();
    let start = spec.find("## 2. Validation rule catalogue").unwrap();
    let end = spec.find("## 3. Packaging").unwrap();
    let section = spec[start..end].trim_end().trim_end_matches("---").trim_end();
    let copy = std::fs::read_to_string(manifest_dir().join("docs/skill-rules.md")).unwrap();
    let copy = &copy[copy.find("## 2.").unwrap()..];
    assert_eq!(copy.trim_end(), section, "docs/skill-rules.md is not the spec's §2; copy it again");
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `"SBnnn"` literal in the sources names a rule of the table.
#[test]
fn code_emits_only_catalogued_ids() {
    let mut files = Vec::new();
    rust_files(&manifest_dir().join("src"), &mut files);
    let mut unknown = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let bytes = text.as_bytes();
        for (at, _) in text.match_indices("\"SB") {
            let id = &bytes[at + 1..(at + 6).min(bytes.len())];
            let closed = bytes.get(at + 6) == Some(&b'"');
            if closed && id[2..].iter().all(u8::is_ascii_digit) {
                let id = std::str::from_utf8(id).unwrap();
                if rule_by_id(id).is_none() {
                    unknown.push(format!("{}: {id}", file.display()));
                }
            }
        }
    }
    assert!(unknown.is_empty(), "ids not in RULES:\n{}", unknown.join("\n"));
}

#[test]
fn strict_rules_are_errors_only_in_strict_profiles() {
    let sb106 = rule_by_id("SB106").unwrap();
    assert_eq!(sb106.severity(Profile::Spec), Severity::Error);
    assert_eq!(sb106.severity(Profile::ClaudeAi), Severity::Error);
    assert_eq!(sb106.severity(Profile::Library), Severity::Warning);
    assert_eq!(sb106.severity(Profile::ClaudeCode), Severity::Warning);
    assert_eq!(rule_by_id("SB104").unwrap().severity(Profile::Codex), Severity::Error);
    assert_eq!(sb106.info().error_in, vec![Profile::Spec, Profile::ClaudeAi]);
}

#[test]
fn render_fills_known_placeholders_and_keeps_unknown_ones() {
    assert_eq!(render("`{file}`:{line}: x {y}", &[("file", "a.md"), ("line", "3")]), "`a.md`:3: x {y}");
    assert_eq!(render("{", &[]), "{");
    let f = finding("SB103", Profile::Library, &[("len", "70")]);
    assert_eq!((f.rule.as_str(), f.message.as_str()), ("SB103", "`name` has 70 chars; max 64."));
    assert_eq!(finding(&format!("SB{}", 999), Profile::Library, &[]).severity, Severity::Error);
}
