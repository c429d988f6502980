//! Export, then import (issue 11, "Must show"): a library skill exported with each profile and
//! brought back through `upload_skill` arrives unchanged: the same files with the same bytes
//! and executable bits as the export, which are the library's files minus those that never
//! ship (`context/`, `evals/`), with SKILL.md's keys lifted into `metadata` as skill-format
//! §3.1 documents for the profiles that lift. The `claude-ai` export also passes `skills-ref`
//! when it is installed.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use skill_builder::commands::imports;
use skill_builder::export::export_skill;
use skill_builder::protocol::validation::Profile;
use skill_builder::protocol::*;
use skill_builder::skill::frontmatter;

use crate::support::*;

const SKILL_MD: &str = "---\nname: demo\ndescription: Matches invoices. Use when reconciling.\nmodel: sonnet\nlicense: MIT\nmetadata:\n  version: \"1.0.0\"\n---\n# Demo\n\nSee [a](references/a.md) and run `scripts/run.sh`.\n";

/// Path → (bytes, executable).
type Files = BTreeMap<String, (Vec<u8>, bool)>;

/// The library files of `demo`; `context/` and `evals/` never ship.
fn library_files() -> Vec<(&'static str, Vec<u8>, u32)> {
    let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    vec![
        ("SKILL.md", SKILL_MD.as_bytes().to_vec(), 0o644),
        ("references/a.md", "# A\n\nDetails.\n".into(), 0o644),
        ("references/deep/b.md", "# B\n".into(), 0o644),
        ("scripts/run.sh", "#!/bin/sh\necho hi\n".into(), 0o755),
        ("assets/table.bin", binary, 0o644),
        ("context/decisions.md", "private".into(), 0o644),
        ("evals/evals.json", "[]".into(), 0o644),
    ]
}

fn shipped(path: &str) -> bool {
    !path.starts_with("context/") && !path.starts_with("evals/")
}

/// Every file under `dir`, relative paths.
fn files_of(dir: &Path) -> Files {
    fn walk(dir: &Path, prefix: &str, out: &mut Files) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry.file_type().unwrap();
            assert!(!kind.is_symlink(), "{name} is a symlink");
            if kind.is_dir() {
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                let exec = entry.metadata().unwrap().permissions().mode() & 0o111 != 0;
                out.insert(name, (std::fs::read(entry.path()).unwrap(), exec));
            }
        }
    }
    let mut out = Files::new();
    walk(dir, "", &mut out);
    out
}

/// Every file of a zip below `root` (folders skipped), with the owner-execute bit.
fn zip_files(path: &str, root: &str) -> Files {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Files::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        if entry.is_dir() {
            continue;
        }
        let Some(rel) = name.strip_prefix(root) else { continue };
        let exec = entry.unix_mode().is_some_and(|m| m & 0o100 != 0);
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.insert(rel.to_string(), (bytes, exec));
    }
    out
}

/// Unpacks `files` into `dir` (for the plugin's skill folder and for skills-ref).
fn unpack(files: &Files, dir: &Path) {
    for (path, (bytes, exec)) in files {
        let dest = dir.join(path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(&dest, bytes).unwrap();
        let mode = if *exec { 0o755 } else { 0o644 };
        std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// skills-ref as tests/it/skill_validate.rs finds it.
fn skills_ref() -> Option<PathBuf> {
    [
        std::env::var_os("SKILLS_REF").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/skills-ref-venv/bin/agentskills")),
        Some(PathBuf::from("agentskills")),
    ]
    .into_iter()
    .flatten()
    .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
}

#[tokio::test]
async fn every_profile_exported_comes_back_unchanged_through_upload() {
    let env = Env::start().await;
    create(&env.backend, "demo").await;
    let dir = env.skills().join("demo");
    for (path, bytes, mode) in library_files() {
        std::fs::create_dir_all(dir.join(path).parent().unwrap()).unwrap();
        std::fs::write(dir.join(path), bytes).unwrap();
        std::fs::set_permissions(dir.join(path), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let library: Files = files_of(&dir).into_iter().filter(|(p, _)| shipped(p)).collect();
    let out = env.root().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let body = frontmatter::parse(SKILL_MD).unwrap();
    for (profile, slug) in [
        (Profile::ClaudeCode, "claude-code"),
        (Profile::Spec, "spec"),
        (Profile::ClaudeAi, "claude-ai"),
        (Profile::Codex, "codex"),
        (Profile::Plugin, "plugin"),
    ] {
        let dest = out.join(format!("{slug}.zip"));
        let options = ExportOptions { profile, container: ExportContainer::Zip, ..ExportOptions::default() };
        let result = export_skill(&env.backend, "demo", Some(dest.clone()), options).await.unwrap();
        let root = if profile == Profile::Plugin { "demo/skills/demo/" } else { "demo/" };
        let exported = zip_files(&result.path, root);

        // The export is the library's shipped files (no `agents/openai.yaml` for codex: the
        // skill allows implicit invocation), SKILL.md's keys aside.
        let paths = |f: &Files| f.keys().cloned().collect::<Vec<_>>();
        assert_eq!(paths(&exported), paths(&library), "{slug}");
        for (path, file) in library.iter().filter(|(p, _)| *p != "SKILL.md") {
            assert_eq!(&exported[path], file, "{slug}: {path} keeps its bytes and mode");
        }
        let skill_md = String::from_utf8(exported["SKILL.md"].0.clone()).unwrap();
        let parsed = frontmatter::parse(&skill_md).unwrap();
        assert_eq!(parsed.body(), body.body(), "{slug}: the body is never touched");
        if matches!(profile, Profile::ClaudeCode | Profile::Plugin) {
            assert_eq!(skill_md, SKILL_MD, "{slug}");
        } else {
            assert_eq!(result.lifted, ["model"], "{slug}: only the documented lifting");
            assert!(skill_md.contains("  claude-code.model: \"sonnet\"\n"), "{slug}:\n{skill_md}");
        }

        // Re-import: the plugin's skill folder (an upload takes one skill, not a plugin), else the archive.
        let upload = if profile == Profile::Plugin {
            let folder = env.root().join("plugin-skill").join("demo");
            unpack(&exported, &folder);
            folder
        } else {
            PathBuf::from(&result.path)
        };
        let options = UploadOptions { on_conflict: Some(ConflictChoice::Replace), ..UploadOptions::default() };
        let skill = imports::upload_skill(&env.backend, upload, options).await.unwrap();
        assert_eq!(skill.name, "demo", "{slug}");
        let imported = files_of(&imports::workspace_skills_dir(&env.backend).join("demo"));
        assert_eq!(imported.keys().collect::<Vec<_>>(), exported.keys().collect::<Vec<_>>(), "{slug}");
        for (path, file) in &exported {
            assert_eq!(&imported[path], file, "{slug}: {path} imported unchanged");
        }

        if profile == Profile::ClaudeAi {
            match skills_ref() {
                Some(reference) => {
                    let folder = env.root().join("claude-ai").join("demo");
                    unpack(&exported, &folder);
                    let run = Command::new(reference).arg("validate").arg(&folder).output().unwrap();
                    assert!(run.status.success(), "skills-ref: {}", String::from_utf8_lossy(&run.stderr));
                }
                None => eprintln!("SKIPPED: skills-ref is not installed (make skills-ref)"),
            }
        }
    }
}
