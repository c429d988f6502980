//! The one place that turns user-supplied relative paths into real paths (backend.md §7.2).
//!
//! Every file command goes through [`resolve_under`]. It rejects, with `path_rejected` and a
//! stable reason: empty or over-long paths, NUL bytes, absolute paths (Unix, drive and UNC),
//! `.`/`..` components, backslashes, Windows-reserved names, and anything that leaves the root
//! through a symlink. Checks are lexical first, so hostile input never touches the disk.

use std::path::{Component, Path, PathBuf};

use crate::protocol::AppError;

/// Longest accepted relative path, in bytes.
const MAX_PATH_BYTES: usize = 1024;
/// Longest accepted path component, in bytes (the common file-system limit).
const MAX_COMPONENT_BYTES: usize = 255;

/// What the caller will do with the path; writes may not replace a symlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

fn rejected(reason: &'static str, path: &str) -> AppError {
    AppError::PathRejected { reason, path: path.chars().take(200).collect::<String>().replace('\0', "\\0") }
}

/// Windows device names are reserved in every folder, with or without an extension.
pub(crate) fn is_reserved_windows_name(component: &str) -> bool {
    let stem = component.split('.').next().unwrap_or(component).to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0')
}

/// The lexical checks (rules 1–4): returns the components of a clean relative path.
pub fn validate_relative(rel: &str) -> Result<Vec<&str>, AppError> {
    if rel.is_empty() {
        return Err(rejected("empty", rel));
    }
    if rel.contains('\0') {
        return Err(rejected("nul_byte", rel));
    }
    if rel.len() > MAX_PATH_BYTES {
        return Err(rejected("too_long", rel));
    }
    let bytes = rel.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if rel.starts_with('/') || rel.starts_with('\\') || drive {
        return Err(rejected("absolute", rel));
    }
    if rel.contains('\\') {
        return Err(rejected("invalid_component", rel));
    }
    let components: Vec<&str> = rel.trim_end_matches('/').split('/').collect();
    for component in &components {
        if component.len() > MAX_COMPONENT_BYTES {
            return Err(rejected("too_long", rel));
        }
        if component.is_empty()
            || *component == "."
            || *component == ".."
            || component.ends_with('.')
            || component.ends_with(' ')
            || component.contains(':')
            || is_reserved_windows_name(component)
        {
            return Err(rejected("invalid_component", rel));
        }
    }
    Ok(components)
}

/// A single file name (no folders), e.g. for attachments.
pub fn validate_file_name(name: &str) -> Result<&str, AppError> {
    match validate_relative(name)?.as_slice() {
        [single] => Ok(single),
        _ => Err(rejected("invalid_component", name)),
    }
}

/// Resolves `rel` under `root`, which must exist. The result is inside the canonical root even
/// after following every symlink of existing ancestors; for writes, the final component must
/// not be a symlink either (the caller then creates or replaces a regular file).
pub fn resolve_under(root: &Path, rel: &str, access: Access) -> Result<PathBuf, AppError> {
    let components = validate_relative(rel)?;
    let canonical_root = root.canonicalize().map_err(|e| AppError::io(root, e))?;
    let mut target = canonical_root.clone();
    target.extend(&components);

    // Rule 5: the deepest existing ancestor, with its symlinks resolved, stays inside the root.
    let mut existing = target.as_path();
    let mut missing_tail = 0usize;
    loop {
        match std::fs::symlink_metadata(existing) {
            Ok(_) => break,
            Err(_) => match existing.parent() {
                Some(parent) => {
                    existing = parent;
                    missing_tail += 1;
                }
                None => return Err(rejected("symlink_escape", rel)),
            },
        }
    }
    let is_final_existing = missing_tail == 0;
    if is_final_existing && access == Access::Write {
        let meta = std::fs::symlink_metadata(existing).map_err(|e| AppError::io(existing, e))?;
        if meta.file_type().is_symlink() {
            return Err(rejected("symlink_escape", rel));
        }
    }
    let resolved = existing.canonicalize().map_err(|e| match e.kind() {
        // A dangling symlink: it points somewhere that does not exist, which we never follow.
        std::io::ErrorKind::NotFound => rejected("symlink_escape", rel),
        _ => AppError::io(existing, e),
    })?;
    if !resolved.starts_with(&canonical_root) {
        return Err(rejected("symlink_escape", rel));
    }
    let mut result = resolved;
    let tail: Vec<Component<'_>> = target.components().collect();
    for component in &tail[tail.len() - missing_tail..] {
        result.push(component.as_os_str());
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(rel: &str, root: &Path, access: Access) -> Result<PathBuf, &'static str> {
        resolve_under(root, rel, access).map_err(|e| match e {
            AppError::PathRejected { reason, .. } => reason,
            other => panic!("unexpected {other:?}"),
        })
    }

    #[test]
    fn hostile_inputs_are_rejected_with_their_reason() {
        let dir = tempfile::tempdir().unwrap();
        let long_component = "a".repeat(256);
        let long_path = "a/".repeat(600);
        let cases: &[(&str, &str)] = &[
            ("", "empty"),
            ("a\0b", "nul_byte"),
            ("/etc/passwd", "absolute"),
            ("\\windows\\system32", "absolute"),
            ("C:\\x", "absolute"),
            ("c:x", "absolute"),
            ("\\\\server\\share", "absolute"),
            ("..", "invalid_component"),
            ("../x", "invalid_component"),
            ("a/../../x", "invalid_component"),
            ("a/./b", "invalid_component"),
            ("./a", "invalid_component"),
            ("a\\..\\b", "invalid_component"),
            ("a//b", "invalid_component"),
            ("CON", "invalid_component"),
            ("dir/nul.txt", "invalid_component"),
            ("com1", "invalid_component"),
            ("LPT9.log", "invalid_component"),
            ("trailing.", "invalid_component"),
            ("trailing ", "invalid_component"),
            ("ab:c", "invalid_component"),
            (&long_component, "too_long"),
            (&long_path, "too_long"),
        ];
        for (input, reason) in cases {
            assert_eq!(code(input, dir.path(), Access::Read), Err(*reason), "{input:?}");
        }
    }

    #[test]
    fn ordinary_paths_resolve_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("skill/references")).unwrap();
        let root = dir.path().canonicalize().unwrap();
        for rel in
            ["skill/SKILL.md", "skill/references/a.md", "skill/new/deeper/file.md", "com10", "console.md", "a..b"]
        {
            let path = code(rel, dir.path(), Access::Write).unwrap();
            assert!(path.starts_with(&root), "{rel} -> {path:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_cannot_escape() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        symlink(outside.path(), dir.path().join("out")).unwrap();
        symlink(outside.path().join("secret.txt"), dir.path().join("link.txt")).unwrap();
        symlink(dir.path().join("missing"), dir.path().join("dangling")).unwrap();
        std::fs::write(dir.path().join("inside.txt"), "x").unwrap();
        symlink(dir.path().join("inside.txt"), dir.path().join("inner-link.txt")).unwrap();

        assert_eq!(code("out/secret.txt", dir.path(), Access::Read), Err("symlink_escape"));
        assert_eq!(code("out/new.txt", dir.path(), Access::Write), Err("symlink_escape"));
        assert_eq!(code("link.txt", dir.path(), Access::Read), Err("symlink_escape"));
        assert_eq!(code("dangling", dir.path(), Access::Read), Err("symlink_escape"));
        assert_eq!(code("dangling/x", dir.path(), Access::Write), Err("symlink_escape"));
        // A link that stays inside may be read, but never written through.
        assert!(code("inner-link.txt", dir.path(), Access::Read).is_ok());
        assert_eq!(code("inner-link.txt", dir.path(), Access::Write), Err("symlink_escape"));
    }
}
