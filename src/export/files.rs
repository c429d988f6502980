//! What an export ships from a skill folder (skill-format §3.1): every regular file except the
//! builder's process artifacts (`context/`), `.git/`, `.skill-builder/`, caches, OS junk,
//! archives and, unless asked for, `evals/`. Symlinks and special files are never followed or
//! packaged (the validator reports them, `SB211`). Blocking: run on the blocking pool.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::protocol::AppError;

/// Per-file and total caps: an export that import would refuse is no use (§3.2 limits).
const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
const MAX_TOTAL_BYTES: u64 = 50 * 1024 * 1024;
const MAX_FILES: usize = 1_000;

/// Folders left out wherever they are.
const SKIPPED_DIRS: [&str; 4] = [".git", ".skill-builder", "__pycache__", "node_modules"];
/// Files left out wherever they are.
const SKIPPED_FILES: [&str; 2] = [".DS_Store", "Thumbs.db"];
const SKIPPED_SUFFIXES: [&str; 2] = [".pyc", ".skill"];

/// One file of the export, its path relative to the skill root with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub path: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
}

/// Reads the files of `dir` that the export ships, sorted by path.
pub fn collect(dir: &Path, include_evals: bool) -> Result<Vec<ExportFile>, AppError> {
    let mut files = Vec::new();
    let mut total = 0u64;
    walk(dir, "", include_evals, &mut files, &mut total)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn walk(
    dir: &Path,
    prefix: &str,
    include_evals: bool,
    files: &mut Vec<ExportFile>,
    total: &mut u64,
) -> Result<(), AppError> {
    let entries = std::fs::read_dir(dir).map_err(|e| AppError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| AppError::io(dir, e))?;
        let path = entry.path();
        let name = entry
            .file_name()
            .into_string()
            .map_err(|_| AppError::PathRejected { reason: "not_utf8", path: path.display().to_string() })?;
        let rel = format!("{prefix}{name}");
        // Not followed: a link's type is its own.
        let meta = std::fs::symlink_metadata(&path).map_err(|e| AppError::io(&path, e))?;
        if meta.is_dir() {
            let top_excluded = prefix.is_empty() && (name == "context" || (name == "evals" && !include_evals));
            if !top_excluded && !SKIPPED_DIRS.contains(&name.as_str()) {
                walk(&path, &format!("{rel}/"), include_evals, files, total)?;
            }
            continue;
        }
        if !meta.is_file()
            || SKIPPED_FILES.contains(&name.as_str())
            || SKIPPED_SUFFIXES.iter().any(|s| name.ends_with(s))
        {
            continue;
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(AppError::TooLarge { what: rel, limit: MAX_FILE_BYTES, actual: meta.len() });
        }
        *total += meta.len();
        if *total > MAX_TOTAL_BYTES {
            return Err(AppError::TooLarge { what: "export".into(), limit: MAX_TOTAL_BYTES, actual: *total });
        }
        if files.len() >= MAX_FILES {
            return Err(AppError::TooLarge {
                what: "files".into(),
                limit: MAX_FILES as u64,
                actual: files.len() as u64 + 1,
            });
        }
        let bytes = std::fs::read(&path).map_err(|e| AppError::io(&path, e))?;
        files.push(ExportFile { path: rel, bytes, executable: is_executable(&meta) });
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(meta: &std::fs::Metadata) -> bool {
    std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &std::fs::Metadata) -> bool {
    false
}

/// SHA-256 of the sorted `(path, bytes)` pairs: the content identity used by the plugin version
/// rule (`SB409`) and reported for a folder install. Lengths are framed, so no two different
/// trees hash alike by shifting bytes between a path and its content.
pub fn content_hash(files: &[ExportFile]) -> String {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update((file.path.len() as u64).to_le_bytes());
        hasher.update(file.path.as_bytes());
        hasher.update([u8::from(file.executable)]);
        hasher.update((file.bytes.len() as u64).to_le_bytes());
        hasher.update(&file.bytes);
    }
    hex::encode(hasher.finalize())
}

/// Writes `files` under `root` (created, 0755 folders), keeping the executable bit.
pub fn write_tree(root: &Path, files: &[ExportFile]) -> Result<(), AppError> {
    std::fs::create_dir_all(root).map_err(|e| AppError::io(root, e))?;
    for file in files {
        let path = root.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
        }
        std::fs::write(&path, &file.bytes).map_err(|e| AppError::io(&path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = if file.executable { 0o755 } else { 0o644 };
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
                .map_err(|e| AppError::io(&path, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_builder_artifacts_junk_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in [
            "SKILL.md",
            "references/a.md",
            "context/decisions.md",
            "evals/evals.json",
            ".git/HEAD",
            "scripts/__pycache__/x.pyc",
            "scripts/run.py",
            "scripts/old.pyc",
            ".DS_Store",
            "assets/Thumbs.db",
            "old.skill",
            "docs/context/kept.md",
        ] {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, path).unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", root.join("references/link.md")).unwrap();
        let paths = |files: Vec<ExportFile>| files.into_iter().map(|f| f.path).collect::<Vec<_>>();
        assert_eq!(
            paths(collect(root, false).unwrap()),
            ["SKILL.md", "docs/context/kept.md", "references/a.md", "scripts/run.py"]
        );
        assert!(paths(collect(root, true).unwrap()).contains(&"evals/evals.json".to_string()));
    }
}
