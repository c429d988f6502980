//! The one place that turns user-supplied relative paths into real paths (backend.md §7.2).
//!
//! Every file command goes through [`validate_relative`] and [`check_managed`]. They reject, with `path_rejected` and a
//! stable reason: empty or over-long paths, NUL bytes, absolute paths (Unix, drive and UNC),
//! `.`/`..` components, backslashes, Windows-reserved names, and managed paths (`.git`, the
//! workspace's agent configuration). These checks are lexical, so hostile input never touches
//! the disk; `beneath.rs` then opens the path without following links.

use crate::protocol::{AppError, FileRoot};

/// Longest accepted relative path, in bytes.
const MAX_PATH_BYTES: usize = 1024;
/// Longest accepted path component, in bytes (the common file-system limit).
const MAX_COMPONENT_BYTES: usize = 255;

/// What the caller will do with the path: managed paths differ for reads and writes.
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

/// HFS+ ignores these code points in names, so `.g\u{200c}it` is `.git` on macOS (git's own
/// `is_hfs_dotgit` list).
fn is_hfs_ignorable(c: char) -> bool {
    matches!(c, '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{206a}'..='\u{206f}' | '\u{feff}')
}

/// Whether a path component names git's own folder on some file system: `.git` in any case,
/// with HFS+-ignorable code points, or its NTFS short name `git~1`.
pub fn is_git_name(component: &str) -> bool {
    let visible: String = component.chars().filter(|c| !is_hfs_ignorable(*c)).collect();
    visible.eq_ignore_ascii_case(".git") || visible.eq_ignore_ascii_case("git~1")
}

/// What the app deploys into `WS/.claude/` (backend.md §1.4): readable, and only `CLAUDE.md`
/// (whose `## Customization` zone is the user's) writable.
const DEPLOYED_CLAUDE: &[&str] = &["CLAUDE.md", ".skill-builder-manifest.json", "agents", "schemas", "skills"];

/// Rule 7 of backend.md §7.2 and the managed paths of §7.1, on a validated path's components.
///
/// - `.git` anywhere, in every root, for reads and writes: git's config and hooks make commands
///   run (`core.fsmonitor` runs on the next `git status`).
/// - In the workspace, agents load project settings (hooks), MCP servers and commands from
///   `.claude/` and the dot-files of their working folder; only what the app deploys there may
///   be read, and of that only `CLAUDE.md` written. Other top-level dot-entries are refused.
/// - `SP/<skill>/context/` changes only through `save_raw_file` and the workflow commands.
pub fn check_managed(root: FileRoot, parts: &[&str], access: Access) -> Result<(), AppError> {
    let managed = parts.iter().any(|p| is_git_name(p))
        || match root {
            FileRoot::Skills => access == Access::Write && parts.get(1) == Some(&"context"),
            FileRoot::Workspace => match parts {
                [first, rest @ ..] if first.eq_ignore_ascii_case(".claude") => {
                    let deployed = *first == ".claude" && rest.first().is_some_and(|n| DEPLOYED_CLAUDE.contains(n));
                    let writable = rest == ["CLAUDE.md"];
                    !deployed || (access == Access::Write && !writable)
                }
                [first, ..] => first.starts_with('.'),
                [] => false,
            },
            FileRoot::Temp => false,
        };
    if managed {
        return Err(rejected("managed_path", &parts.join("/")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(rel: &str) -> Result<Vec<&str>, &'static str> {
        validate_relative(rel).map_err(|e| match e {
            AppError::PathRejected { reason, .. } => reason,
            other => panic!("unexpected {other:?}"),
        })
    }

    fn managed(root: FileRoot, rel: &str, access: Access) -> bool {
        let parts = validate_relative(rel).unwrap();
        match check_managed(root, &parts, access) {
            Ok(()) => false,
            Err(AppError::PathRejected { reason: "managed_path", .. }) => true,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn hostile_inputs_are_rejected_with_their_reason() {
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
            assert_eq!(code(input), Err(*reason), "{input:?}");
        }
    }

    #[test]
    fn ordinary_paths_are_accepted() {
        for rel in
            ["skill/SKILL.md", "skill/references/a.md", "skill/new/deeper/file.md", "com10", "console.md", "a..b"]
        {
            assert!(code(rel).is_ok(), "{rel}");
        }
    }

    #[test]
    fn git_folders_are_managed_in_every_root_and_every_spelling() {
        for root in [FileRoot::Skills, FileRoot::Workspace, FileRoot::Temp] {
            for rel in [
                ".git/config",
                "s/.GIT/hooks/pre-commit",
                "s/.Git",
                "s/x/.gIt/HEAD",
                "s/git~1/config",
                "s/.g\u{200c}it/config",
            ] {
                assert!(managed(root, rel, Access::Write), "{root:?} {rel}");
                assert!(managed(root, rel, Access::Read), "{root:?} {rel}");
            }
            for rel in ["s/.gitignore", "s/.github/workflows/ci.yml", "s/git", "s/my.git"] {
                assert!(!managed(root, rel, Access::Write), "{root:?} {rel}");
            }
        }
    }

    #[test]
    fn the_workspace_agent_configuration_is_read_only_except_claude_md() {
        let ws = FileRoot::Workspace;
        for rel in [
            ".claude/settings.json",
            ".claude/settings.local.json",
            ".claude/commands/x.md",
            ".Claude/settings.json",
            ".mcp.json",
            ".claude",
        ] {
            assert!(managed(ws, rel, Access::Read), "{rel}");
            assert!(managed(ws, rel, Access::Write), "{rel}");
        }
        for rel in [
            ".claude/agents/research.md",
            ".claude/schemas/a.schema.json",
            ".claude/skills/x/SKILL.md",
            ".claude/.skill-builder-manifest.json",
        ] {
            assert!(!managed(ws, rel, Access::Read), "{rel}");
            assert!(managed(ws, rel, Access::Write), "{rel}");
        }
        assert!(!managed(ws, ".claude/CLAUDE.md", Access::Write));
        assert!(!managed(ws, "my-skill/user-context.md", Access::Write));
        assert!(!managed(ws, "logs/my-skill/run.jsonl", Access::Read));
        assert!(
            !managed(FileRoot::Skills, ".claude/settings.json", Access::Write),
            "only the workspace is the agents' project"
        );
    }

    #[test]
    fn skill_context_folders_are_read_only() {
        assert!(managed(FileRoot::Skills, "s/context/decisions.json", Access::Write));
        assert!(!managed(FileRoot::Skills, "s/context/decisions.json", Access::Read));
        assert!(!managed(FileRoot::Skills, "context/x.md", Access::Write), "a skill named context is fine");
    }
}
