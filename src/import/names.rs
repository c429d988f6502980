//! Entry names checked as strings, identically on every OS, before anything is written
//! (skill-format §3.2 step 2, `SB307`–`SB312`, `SB322`). `zip`'s `enclosed_name()` silently
//! rewrites hostile names (`/etc/x` → `etc/x`, `a/../b` → `b`), so it is never the first guard.

use std::collections::HashMap;

use crate::paths::{is_git_name, is_reserved_windows_name};
use crate::skill::limits;

use super::finding::{archive_error, block};
use crate::protocol::AppError;
use crate::protocol::validation::Finding;

/// A checked relative path: `/`-separated, no empty, `.` or `..` components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPath {
    pub parts: Vec<String>,
    /// The raw name used `\` separators (`SB322`).
    pub had_backslashes: bool,
}

impl EntryPath {
    pub fn as_string(&self) -> String {
        self.parts.join("/")
    }
}

/// What an entry name is, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    Path(EntryPath),
    /// OS junk or version-control data, skipped and listed (`SB319`).
    Ignored(String),
}

/// Checks one raw entry name. A name ending in `/` is a folder; the caller knows that.
/// A refused name is `invalid_archive` with its rule's finding.
pub fn check(raw: &[u8]) -> Result<Checked, AppError> {
    check_name(raw).map_err(|f| archive_error(*f))
}

fn check_name(raw: &[u8]) -> Result<Checked, Box<Finding>> {
    let Ok(text) = std::str::from_utf8(raw) else {
        let shown = String::from_utf8_lossy(raw).into_owned();
        return Err(blk("SB311", format!("`{shown}` is not valid UTF-8."), &shown));
    };
    let shown = text.to_string();
    let bytes = text.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if drive || text.starts_with("\\\\") || text.starts_with("//") {
        return Err(blk("SB308", format!("`{shown}` has a drive letter or UNC prefix."), &shown));
    }
    if text.starts_with('/') || text.starts_with('\\') {
        return Err(blk("SB307", format!("`{shown}` is absolute."), &shown));
    }
    let had_backslashes = text.contains('\\');
    let normalized = text.replace('\\', "/");
    let mut parts = Vec::new();
    for part in normalized.split('/') {
        match part {
            "" | "." => continue,
            ".." => return Err(blk("SB309", format!("`{shown}` has a `..` component."), &shown)),
            _ => {}
        }
        if part.len() > limits::NAME_BYTES {
            return Err(too_deep(&shown));
        }
        let bad_char = part.chars().any(|c| c.is_control() || "<>:\"|?*".contains(c));
        if bad_char || part.ends_with('.') || part.ends_with(' ') || is_reserved_windows_name(part) {
            return Err(blk(
                "SB311",
                format!("`{shown}`: control char, `<>:\"|?*`, trailing dot/space or Windows device name."),
                &shown,
            ));
        }
        parts.push(part.to_string());
    }
    if parts.is_empty() {
        return Ok(Checked::Ignored(shown));
    }
    if normalized.len() > limits::PATH_BYTES || parts.len() > limits::DEPTH + 1 {
        return Err(too_deep(&shown));
    }
    if is_junk(&parts) {
        return Ok(Checked::Ignored(shown));
    }
    Ok(Checked::Path(EntryPath { parts, had_backslashes }))
}

fn too_deep(shown: &str) -> Box<Finding> {
    blk("SB310", format!("`{shown}` too deep or too long (8 folders, 240 bytes, 255 per name)."), shown)
}

/// A blocking finding, boxed: it travels in `Err`s.
fn blk(rule: &str, message: String, path: &str) -> Box<Finding> {
    Box::new(block(rule, message, path))
}

/// OS junk and version-control data: never part of a skill.
fn is_junk(parts: &[String]) -> bool {
    parts.iter().any(|p| p == "__MACOSX" || is_git_name(p))
        || parts.last().is_some_and(|name| name == ".DS_Store" || name == "Thumbs.db" || name.starts_with("._"))
}

/// Finds names that collide after normalisation (case folding, as case-insensitive file systems
/// compare them) and files that clash with folders (`SB312`).
#[derive(Debug, Default)]
pub struct Collisions {
    /// Folded path → (its original spelling, is a folder).
    seen: HashMap<String, (String, bool)>,
}

impl Collisions {
    /// Records `path` (a folder when `dir`) and its parent folders.
    pub fn add(&mut self, path: &EntryPath, dir: bool) -> Result<(), AppError> {
        self.add_path(path, dir).map_err(|f| archive_error(*f))
    }

    fn add_path(&mut self, path: &EntryPath, dir: bool) -> Result<(), Box<Finding>> {
        let mut prefix = String::new();
        for (i, part) in path.parts.iter().enumerate() {
            if i > 0 {
                prefix.push('/');
            }
            prefix.push_str(part);
            let is_dir = dir || i + 1 < path.parts.len();
            let key = fold(&prefix);
            match self.seen.get(&key) {
                // A folder named twice (explicitly, or as a parent) is the same folder.
                Some((original, true)) if is_dir && *original == prefix => {}
                Some((original, _)) => {
                    return Err(blk(
                        "SB312",
                        format!("`{original}` and `{prefix}` collide after normalization, or file/folder clash."),
                        &prefix,
                    ));
                }
                None => {
                    self.seen.insert(key, (prefix.clone(), is_dir));
                }
            }
        }
        Ok(())
    }
}

/// Lower-cased, as macOS and Windows compare names by default.
fn fold(path: &str) -> String {
    path.chars().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(raw: &str) -> String {
        match check_name(raw.as_bytes()) {
            Err(f) => f.rule,
            Ok(Checked::Path(_)) => "ok".into(),
            Ok(Checked::Ignored(_)) => "ignored".into(),
        }
    }

    #[test]
    fn hostile_names_get_their_rule() {
        assert_eq!(rule("/etc/passwd"), "SB307");
        assert_eq!(rule("\\x"), "SB307");
        assert_eq!(rule("C:\\x"), "SB308");
        assert_eq!(rule("c:x"), "SB308");
        assert_eq!(rule("\\\\server\\share\\x"), "SB308");
        assert_eq!(rule("\\\\?\\C:\\x"), "SB308");
        assert_eq!(rule("a/../../b"), "SB309");
        assert_eq!(rule("..\\b"), "SB309");
        assert_eq!(rule("a/CON.txt"), "SB311");
        assert_eq!(rule("a/b:c"), "SB311");
        assert_eq!(rule("a/b\u{7}"), "SB311");
        assert_eq!(rule("a/trailing. "), "SB311");
        assert_eq!(rule(&"a/".repeat(10)), "SB310");
        assert_eq!(rule(&"x".repeat(256)), "SB310");
        assert_eq!(rule(&format!("{}/f", "d".repeat(240))), "SB310");
        assert_eq!(check_name(b"a/\xff").unwrap_err().rule, "SB311");
        assert_eq!(rule("__MACOSX/a/._SKILL.md"), "ignored");
        assert_eq!(rule("skill/.git/config"), "ignored");
        assert_eq!(rule("skill/SKILL.md"), "ok");
        assert_eq!(rule("./skill/./SKILL.md"), "ok");
    }

    #[test]
    fn backslashes_become_separators() {
        let Ok(Checked::Path(p)) = check(b"skill\\references\\a.md") else { panic!() };
        assert_eq!(p.as_string(), "skill/references/a.md");
        assert!(p.had_backslashes);
    }

    #[test]
    fn case_collisions_and_file_folder_clashes_are_found() {
        let path = |s: &str| EntryPath { parts: s.split('/').map(String::from).collect(), had_backslashes: false };
        let mut c = Collisions::default();
        c.add(&path("s/SKILL.md"), false).unwrap();
        c.add(&path("s/refs"), true).unwrap();
        c.add(&path("s/refs/a.md"), false).unwrap();
        assert_eq!(c.add_path(&path("s/skill.md"), false).unwrap_err().rule, "SB312");
        assert_eq!(c.add_path(&path("s/refs/a.md/x"), false).unwrap_err().rule, "SB312");
        assert_eq!(c.add_path(&path("s/SKILL.md"), false).unwrap_err().rule, "SB312");
    }
}
