//! A skill folder as the validator sees it: every path (relative, `/`-separated, sorted), each
//! file's size, the text of the files the rules read, and the symlinks (never followed). Read
//! from disk by [`read_dir`] or built in memory by an import preview.

use std::fs::{self, File};
use std::io::Read;
use std::path::Path;

use crate::protocol::AppError;

/// SKILL.md over this is `SB204` and is not read further.
pub const MAX_SKILL_MD_BYTES: u64 = 1024 * 1024;
/// Other text the rules read (references, `agents/openai.yaml`) is read up to this size.
pub const MAX_TEXT_BYTES: u64 = 10 * 1024 * 1024;
/// A walk stops after this many entries (import refuses more than 2,000 anyway).
pub const MAX_ENTRIES: usize = 20_000;

/// One regular file of a skill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeFile {
    /// Relative to the skill root, `/`-separated.
    pub path: String,
    pub size: u64,
    /// The bytes, when the rules read this file (see [`wants_content`]) and it is within limits;
    /// SKILL.md over 1 MiB holds only its first 1 MiB + 1 bytes.
    pub content: Option<Vec<u8>>,
}

/// A skill's files; `dir_name` is the folder's own name when it has one (`SB105`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkillTree {
    pub dir_name: Option<String>,
    pub files: Vec<TreeFile>,
    pub symlinks: Vec<String>,
}

impl SkillTree {
    /// Builds a tree from in-memory files (an archive or a download being previewed).
    pub fn from_memory(dir_name: Option<String>, files: Vec<(String, Vec<u8>)>) -> Self {
        let mut files: Vec<TreeFile> = files
            .into_iter()
            .map(|(path, bytes)| TreeFile { size: bytes.len() as u64, path, content: Some(bytes) })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        SkillTree { dir_name, files, symlinks: Vec::new() }
    }

    pub fn file(&self, path: &str) -> Option<&TreeFile> {
        self.files.binary_search_by(|f| f.path.as_str().cmp(path)).ok().map(|i| &self.files[i])
    }

    /// A file or folder at `path`.
    pub fn exists(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        self.file(path).is_some() || self.is_dir(path)
    }

    pub fn is_dir(&self, path: &str) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        self.files.iter().any(|f| f.path.starts_with(&prefix))
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        self.file(path).and_then(|f| f.content.as_deref()).and_then(|b| std::str::from_utf8(b).ok())
    }

    pub fn total_size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// Whether the rules read this file's text: the root SKILL.md in any case, Markdown files
/// (links, tables of contents, long lines) and the Codex metadata.
pub fn wants_content(path: &str) -> bool {
    path.eq_ignore_ascii_case("skill.md") || path.ends_with(".md") || path == "agents/openai.yaml"
}

/// Reads the folder `dir` without following any symlink. `.git` is not part of a skill.
pub fn read_dir(dir: &Path) -> Result<SkillTree, AppError> {
    let meta = fs::symlink_metadata(dir).map_err(|e| AppError::io(dir, e))?;
    if !meta.is_dir() {
        return Err(AppError::invalid("dir", format!("{} is not a folder", dir.display())));
    }
    let dir_name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut tree = SkillTree { dir_name, ..SkillTree::default() };
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    let mut seen = 0usize;
    while let Some((folder, prefix)) = pending.pop() {
        for entry in fs::read_dir(&folder).map_err(|e| AppError::io(&folder, e))? {
            let entry = entry.map_err(|e| AppError::io(&folder, e))?;
            seen += 1;
            if seen > MAX_ENTRIES {
                return Err(AppError::TooLarge {
                    what: "skill folder entries".into(),
                    limit: MAX_ENTRIES as u64,
                    actual: seen as u64,
                });
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{prefix}{name}");
            let kind = entry.file_type().map_err(|e| AppError::io(entry.path(), e))?;
            if kind.is_symlink() {
                tree.symlinks.push(rel);
            } else if kind.is_dir() {
                if !(prefix.is_empty() && name == ".git") {
                    pending.push((entry.path(), format!("{rel}/")));
                }
            } else if kind.is_file() {
                let size = entry.metadata().map_err(|e| AppError::io(entry.path(), e))?.len();
                let content = if wants_content(&rel) { Some(read_capped(&entry.path(), &rel)?) } else { None };
                tree.files.push(TreeFile { path: rel, size, content });
            }
        }
    }
    tree.files.sort_by(|a, b| a.path.cmp(&b.path));
    tree.symlinks.sort();
    Ok(tree)
}

/// Reads at most the cap (+1 byte for SKILL.md, so an oversized one is seen as such), counting
/// bytes as they come rather than trusting the size the folder reported.
fn read_capped(path: &Path, rel: &str) -> Result<Vec<u8>, AppError> {
    let cap = if rel.eq_ignore_ascii_case("skill.md") { MAX_SKILL_MD_BYTES + 1 } else { MAX_TEXT_BYTES };
    let file = File::open(path).map_err(|e| AppError::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(cap).read_to_end(&mut bytes).map_err(|e| AppError::io(path, e))?;
    Ok(bytes)
}
