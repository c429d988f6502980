//! File I/O DTOs. Every path is relative to one of the allowed roots and validated by `paths.rs`.

use serde::{Deserialize, Serialize};
use specta::Type;

/// The folders file commands may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FileRoot {
    /// The skills folder (`skills_path`).
    Skills,
    /// The agents' workspace in the app data dir.
    Workspace,
    /// The app's temp folder (attachments).
    Temp,
}

/// A file named by root and relative path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FileRef {
    pub root: FileRoot,
    pub path: String,
}

/// A text file's content with the hash that `write_file` can check against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TextFile {
    pub content: String,
    pub sha256: String,
    pub size_bytes: u32,
    pub modified_at: Option<String>,
}

/// One entry of a skill folder listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FileEntry {
    pub relative_path: String,
    pub is_directory: bool,
    pub is_symlink: bool,
    #[specta(type = f64)]
    pub size_bytes: u64,
    pub modified_at: Option<String>,
}

/// `list_skill_files`: at most 10,000 entries, `truncated` beyond.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SkillFileListing {
    pub entries: Vec<FileEntry>,
    pub truncated: bool,
}
