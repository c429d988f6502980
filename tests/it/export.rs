//! `export_skill` through `Backend` and the CLI (skill-format §1.4, §3.1, §3.3; backend.md
//! §10.5): every profile's keys, the files that never ship, archives that hash the same for the
//! same content, folder installs, the plugin version rule and exports refused by a finding.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use skill_builder::export::export_skill;
use skill_builder::protocol::validation::Profile;
use skill_builder::protocol::*;
use skill_builder::skill::frontmatter;

use crate::support::*;

const SKILL_MD: &str = "---\nname: demo\ndescription: Matches invoices. Use when reconciling.\nmodel: sonnet\ndisable-model-invocation: true\nhooks:\n  Stop: []\nlegacy: kept\nmetadata:\n  version: \"1.0.0\"\n  skill-builder.tags: \"finance,invoices\"\n---\n# Demo\n\nSee [a](references/a.md).\n";

/// A library skill `demo` with a SKILL.md, a reference, a script, builder context and evals.
async fn demo(env: &Env) -> PathBuf {
    create(&env.backend, "demo").await;
    let dir = env.skills().join("demo");
    for (path, text) in [
        ("SKILL.md", SKILL_MD),
        ("references/a.md", "# A\n"),
        ("scripts/run.sh", "#!/bin/sh\necho hi\n"),
        ("context/decisions.md", "private"),
        ("evals/evals.json", "[]"),
    ] {
        std::fs::create_dir_all(dir.join(path).parent().unwrap()).unwrap();
        std::fs::write(dir.join(path), text).unwrap();
    }
    set_mode(&dir.join("scripts/run.sh"), 0o755);
    dir
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn options(profile: Profile, container: ExportContainer) -> ExportOptions {
    ExportOptions { profile, container, ..ExportOptions::default() }
}

/// Every entry of a zip, name → bytes (folders with empty bytes).
fn entries(path: &str) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn text_of(entries: &[(String, Vec<u8>)], name: &str) -> String {
    let found = entries.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name} in {entries:?}"));
    String::from_utf8(found.1.clone()).unwrap()
}

fn keys(skill_md: &str) -> Vec<String> {
    frontmatter::parse(skill_md).unwrap().fields.keys().map(String::from).collect()
}

#[tokio::test]
async fn each_profile_lifts_or_drops_keys_and_never_ships_context() {
    let env = Env::start().await;
    demo(&env).await;
    let out = env.root().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for (profile, slug) in [
        (Profile::ClaudeCode, "claude-code"),
        (Profile::Spec, "spec"),
        (Profile::ClaudeAi, "claude-ai"),
        (Profile::Codex, "codex"),
        (Profile::Plugin, "plugin"),
    ] {
        let dest = out.join(format!("{slug}.zip"));
        let result = export_skill(&env.backend, "demo", Some(dest.clone()), options(profile, ExportContainer::Zip))
            .await
            .unwrap();
        assert_eq!(result.path, dest.display().to_string());
        let entries = entries(&result.path);
        let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        let root = if profile == Profile::Plugin { "demo/skills/demo/" } else { "demo/" };
        assert!(names.iter().all(|n| n.starts_with("demo/")), "{slug}: one top folder: {names:?}");
        assert!(!names.iter().any(|n| n.contains("context/") || n.contains("evals/")), "{slug}: {names:?}");
        assert!(names.contains(&format!("{root}references/a.md").as_str()), "{slug}: {names:?}");
        let skill_md = text_of(&entries, &format!("{root}SKILL.md"));
        match profile {
            Profile::ClaudeCode | Profile::Plugin => {
                assert_eq!(skill_md, SKILL_MD, "{slug}: untouched files keep their bytes");
                assert!(result.lifted.is_empty() && result.dropped.is_empty());
            }
            _ => {
                assert_eq!(keys(&skill_md), ["name", "description", "metadata"], "{slug}:\n{skill_md}");
                assert!(skill_md.contains("  claude-code.model: \"sonnet\"\n"), "{slug}:\n{skill_md}");
                assert!(skill_md.contains("  legacy: \"kept\"\n"), "{slug}:\n{skill_md}");
                assert_eq!(result.lifted, ["model", "disable-model-invocation", "legacy"], "{slug}");
                assert_eq!(result.dropped, ["hooks"], "{slug}");
            }
        }
        let openai = names.contains(&"demo/agents/openai.yaml");
        assert_eq!(openai, profile == Profile::Codex, "{slug}: {names:?}");
        if profile == Profile::Codex {
            assert_eq!(text_of(&entries, "demo/agents/openai.yaml"), "policy:\n  allow_implicit_invocation: false\n");
        }
        if profile == Profile::Plugin {
            let manifest: Value = serde_json::from_str(&text_of(&entries, "demo/.claude-plugin/plugin.json")).unwrap();
            assert_eq!(manifest["name"], "demo");
            assert_eq!(manifest["version"], "1.0.0");
            assert_eq!(manifest["keywords"], json!(["finance", "invoices"]));
            let market: Value =
                serde_json::from_str(&text_of(&entries, "demo/.claude-plugin/marketplace.json")).unwrap();
            assert_eq!(market["plugins"][0]["source"], "./");
            assert_eq!(result.plugin_version.as_deref(), Some("1.0.0"));
        }
    }
    // `.skill` and `.zip` differ only in their extension.
    let skill = export_skill(&env.backend, "demo", Some(out.clone()), ExportOptions::default()).await.unwrap();
    assert!(skill.path.ends_with("out/demo.skill"), "{}", skill.path);
    let zip = export_skill(
        &env.backend,
        "demo",
        Some(out.join("claude-code.zip")),
        options(Profile::ClaudeCode, ExportContainer::Zip),
    )
    .await
    .unwrap();
    assert_eq!(skill.sha256, zip.sha256);
    // Evals only when asked for.
    let with_evals = ExportOptions { include_evals: true, ..ExportOptions::default() };
    let result = export_skill(&env.backend, "demo", Some(out.join("evals.skill")), with_evals).await.unwrap();
    assert!(entries(&result.path).iter().any(|(n, _)| n == "demo/evals/evals.json"));
}

#[tokio::test]
async fn same_content_gives_the_same_sha256_whatever_the_mtimes() {
    let env = Env::start().await;
    let dir = demo(&env).await;
    let out = env.root().join("out");
    let export = |name: &str| {
        let dest = out.join(name);
        let backend = env.backend.clone();
        async move { export_skill(&backend, "demo", Some(dest), ExportOptions::default()).await.unwrap() }
    };
    let first = export("one.skill").await;
    let second = export("two.skill").await;
    assert_eq!(first.sha256, second.sha256);
    assert_eq!(std::fs::read(&first.path).unwrap(), std::fs::read(&second.path).unwrap());
    let on_disk = sha256_hex(&std::fs::read(&first.path).unwrap());
    assert_eq!(on_disk, first.sha256, "the reported hash is the file's");

    // New mtimes and a group-writable mode on a plain file change nothing.
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    for path in ["SKILL.md", "references/a.md", "scripts/run.sh"] {
        std::fs::File::options().write(true).open(dir.join(path)).unwrap().set_modified(old).unwrap();
    }
    set_mode(&dir.join("references/a.md"), 0o664);
    assert_eq!(export("three.skill").await.sha256, first.sha256);

    std::fs::write(dir.join("references/a.md"), "# A, edited\n").unwrap();
    assert_ne!(export("four.skill").await.sha256, first.sha256);
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn folder_install_writes_a_skills_folder_and_never_replaces_a_foreign_one() {
    let env = Env::start().await;
    demo(&env).await;
    let skills_dir = env.root().join("home/.agents/skills");
    let opts = options(Profile::Codex, ExportContainer::Folder);
    let result = export_skill(&env.backend, "demo", Some(skills_dir.clone()), opts.clone()).await.unwrap();
    let installed = skills_dir.join("demo");
    assert_eq!(result.path, installed.display().to_string());
    assert_eq!(
        keys(&std::fs::read_to_string(installed.join("SKILL.md")).unwrap()),
        ["name", "description", "metadata"]
    );
    assert!(installed.join("agents/openai.yaml").is_file() && !installed.join("context").exists());
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(installed.join("scripts/run.sh")).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o755, "the executable bit is kept");
    assert!(installed.join(skill_builder::export::INSTALL_MARKER).is_file());

    // Ours and unchanged: replaced. Someone else's: refused, untouched.
    export_skill(&env.backend, "demo", Some(skills_dir.clone()), opts.clone()).await.unwrap();
    std::fs::write(installed.join("notes.md"), "mine").unwrap();
    assert_eq!(
        code(export_skill(&env.backend, "demo", Some(skills_dir.clone()), opts.clone()).await),
        ErrorCode::Conflict
    );
    let foreign = env.root().join("home/.claude/skills");
    std::fs::create_dir_all(foreign.join("demo")).unwrap();
    std::fs::write(foreign.join("demo/SKILL.md"), "theirs").unwrap();
    let err = error(export_skill(&env.backend, "demo", Some(foreign.clone()), opts).await);
    assert_eq!(err.code(), ErrorCode::AlreadyExists);
    assert_eq!(std::fs::read_to_string(foreign.join("demo/SKILL.md")).unwrap(), "theirs");
    let leftovers: Vec<_> = std::fs::read_dir(&skills_dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, ["demo"], "no staging folder left behind");
}

#[tokio::test]
async fn an_export_blocked_by_an_error_finding_writes_nothing() {
    let env = Env::start().await;
    let dir = demo(&env).await;
    let out = env.root().join("out");
    // No SKILL.md (SB001) for every profile; a front-matter that never closes (SB008).
    std::fs::rename(dir.join("SKILL.md"), dir.join("skill.md.bak")).unwrap();
    let err = error(export_skill(&env.backend, "demo", Some(out.join("x.skill")), ExportOptions::default()).await);
    assert_eq!(err.code(), ErrorCode::InvalidSkill);
    assert_eq!(wire(err)["details"]["findings"][0]["rule"], "SB001");
    std::fs::write(dir.join("SKILL.md"), "---\nname: demo\ndescription: never closed\n").unwrap();
    let err = error(
        export_skill(&env.backend, "demo", Some(out.join("y.zip")), options(Profile::Spec, ExportContainer::Zip)).await,
    );
    let findings = wire(err)["details"]["findings"].clone();
    assert!(findings.as_array().unwrap().iter().any(|f| f["rule"] == "SB008"), "{findings}");
    let folder = options(Profile::ClaudeAi, ExportContainer::Folder);
    assert_eq!(
        code(export_skill(&env.backend, "demo", Some(out.join("skills")), folder).await),
        ErrorCode::InvalidSkill
    );

    assert!(!out.exists(), "nothing written at the destination");
    let temp: Vec<_> = std::fs::read_dir(env.data().join("tmp")).unwrap().collect();
    assert!(temp.is_empty(), "no staging left in the temp folder: {temp:?}");
}

#[tokio::test]
async fn plugin_version_is_bumped_when_the_content_changes() {
    let env = Env::start().await;
    let dir = demo(&env).await;
    let out = env.root().join("out");
    let plugin =
        |bump: bool| ExportOptions { profile: Profile::Plugin, bump_version: bump, ..ExportOptions::default() };
    let first = export_skill(&env.backend, "demo", Some(out.clone()), plugin(true)).await.unwrap();
    assert_eq!((first.plugin_version.as_deref(), first.bumped_from.as_deref()), (Some("1.0.0"), None));
    let again = export_skill(&env.backend, "demo", Some(out.clone()), plugin(false)).await.unwrap();
    assert_eq!(again.plugin_version.as_deref(), Some("1.0.0"), "same content, same version");
    assert_eq!(again.sha256, first.sha256);

    std::fs::write(dir.join("references/a.md"), "# A, changed\n").unwrap();
    let err = error(export_skill(&env.backend, "demo", Some(out.clone()), plugin(false)).await);
    assert_eq!(wire(err)["details"]["findings"][0]["rule"], "SB409");
    let bumped = export_skill(&env.backend, "demo", Some(out.clone()), plugin(true)).await.unwrap();
    assert_eq!((bumped.plugin_version.as_deref(), bumped.bumped_from.as_deref()), (Some("1.0.1"), Some("1.0.0")));
    let manifest: Value =
        serde_json::from_str(&text_of(&entries(&bumped.path), "demo/.claude-plugin/plugin.json")).unwrap();
    assert_eq!(manifest["version"], "1.0.1");
    // The bumped version is remembered, across restarts too.
    let mut env = env;
    env.restart().await;
    let same = export_skill(&env.backend, "demo", Some(out), plugin(false)).await.unwrap();
    assert_eq!(same.plugin_version.as_deref(), Some("1.0.1"));
}

#[tokio::test]
async fn destinations_inside_the_skills_folder_or_through_a_symlink_are_refused() {
    let env = Env::start().await;
    demo(&env).await;
    let inside = env.skills().join("demo.skill");
    let err = error(export_skill(&env.backend, "demo", Some(inside.clone()), ExportOptions::default()).await);
    assert_eq!(err.code(), ErrorCode::PathRejected);
    assert!(!inside.exists());
    let link = env.root().join("link.skill");
    std::os::unix::fs::symlink(env.root().join("target.skill"), &link).unwrap();
    assert_eq!(
        code(export_skill(&env.backend, "demo", Some(link), ExportOptions::default()).await),
        ErrorCode::PathRejected
    );
    assert!(!env.root().join("target.skill").exists());
    assert_eq!(code(export_skill(&env.backend, "nope", None, ExportOptions::default()).await), ErrorCode::NotFound);
    let library = ExportOptions { profile: Profile::Library, ..ExportOptions::default() };
    assert_eq!(code(export_skill(&env.backend, "demo", None, library).await), ErrorCode::InvalidInput);
}

#[test]
fn cli_exports_a_codex_zip() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let created = sb(root).args(["skills", "create", "demo"]).output().unwrap();
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    std::fs::write(root.join("skills/demo/SKILL.md"), SKILL_MD).unwrap();
    std::fs::create_dir_all(root.join("skills/demo/references")).unwrap();
    std::fs::write(root.join("skills/demo/references/a.md"), "# A\n").unwrap();
    let dest = root.join("demo-codex.zip");
    let output = sb(root)
        .args(["skill", "export", "demo", "--profile", "codex", "--container", "zip", "--dest"])
        .arg(&dest)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["path"], dest.display().to_string());
    assert_eq!(result["lifted"], json!(["model", "disable-model-invocation", "legacy"]));
    assert!(entries(dest.to_str().unwrap()).iter().any(|(n, _)| n == "demo/agents/openai.yaml"));
    let bad = sb(root).args(["skill", "export", "demo", "--profile", "nope"]).output().unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&bad.stdout).unwrap()["code"], "invalid_input");
}
