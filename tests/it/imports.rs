//! The import pipeline's ways in from files (skill-format §3.2, backend.md §3.8, §10.2): uploads
//! of `.zip`, `.skill` and folders through the real CLI and through `Backend`, and a corpus of
//! hostile archives generated here, each refused with its rule id while the data folders stay
//! byte for byte as they were and no staging folder is left behind.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;
use skill_builder::commands::imports;
use skill_builder::protocol::*;
use zip::write::SimpleFileOptions;

use crate::support::*;

const SKILL_MD: &str =
    "---\nname: pdf-tools\ndescription: Fills PDF forms. Use when a form must be filled.\n---\n\n# PDF tools\n";

/// Writes a zip of `(name, bytes)` entries (names ending in `/` are folders).
fn zip_of(path: &Path, entries: &[(&str, &[u8])]) -> PathBuf {
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        if name.ends_with('/') {
            writer.add_directory(*name, SimpleFileOptions::default()).unwrap();
        } else {
            let mode = if name.ends_with(".sh") { 0o4755 } else { 0o644 };
            writer.start_file(*name, SimpleFileOptions::default().unix_permissions(mode)).unwrap();
            writer.write_all(bytes).unwrap();
        }
    }
    writer.finish().unwrap();
    path.to_path_buf()
}

/// Replaces every occurrence of `from` by `to` (same length) in the file.
fn patch_bytes(path: &Path, from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut bytes = std::fs::read(path).unwrap();
    let mut i = 0;
    let mut hits = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            hits += 1;
        }
        i += 1;
    }
    assert!(hits > 0, "nothing to patch");
    std::fs::write(path, bytes).unwrap();
}

/// Sets a 32-bit field of every local (`PK\3\4` + local_at) and central (`PK\1\2` + central_at)
/// header, e.g. sizes (22/24) or, for 16-bit flags, only the low half.
fn patch_headers(path: &Path, local_at: usize, central_at: usize, value: u32, width: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let sigs = [(b"PK\x03\x04", local_at), (b"PK\x01\x02", central_at)];
    for (sig, at) in sigs {
        let starts: Vec<usize> = bytes.windows(4).enumerate().filter(|(_, w)| w == sig).map(|(i, _)| i).collect();
        for start in starts {
            let field = &mut bytes[start + at..start + at + width];
            field.copy_from_slice(&value.to_le_bytes()[..width]);
        }
    }
    std::fs::write(path, bytes).unwrap();
}

/// Every path below `root` with its kind, mode and bytes; the database and logs excluded.
fn snapshot(root: &Path) -> BTreeMap<String, (String, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, (String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(root).unwrap().display().to_string();
            if rel.starts_with("data/skill-builder.db") || rel.starts_with("data/logs") {
                continue;
            }
            let meta = entry.path().symlink_metadata().unwrap();
            let mode = std::os::unix::fs::PermissionsExt::mode(&meta.permissions());
            if meta.is_dir() {
                out.insert(rel, (format!("dir {mode:o}"), Vec::new()));
                walk(&entry.path(), root, out);
            } else {
                out.insert(rel, (format!("file {mode:o}"), std::fs::read(entry.path()).unwrap_or_default()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[tokio::test]
async fn hostile_archives_are_refused_and_change_nothing() {
    let env = Env::start().await;
    let inbox = tempfile::tempdir().unwrap();
    let at = |name: &str| inbox.path().join(name);
    let ok_md = SKILL_MD.as_bytes();
    let zeros = vec![0u8; 20 * 1024 * 1024];
    let many: Vec<(String, Vec<u8>)> = (0..10_001).map(|i| (format!("s/f{i}.md"), Vec::new())).collect();
    let many_refs: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();

    let mut cases: Vec<(&str, PathBuf, &[&str])> = vec![
        ("zip-slip", zip_of(&at("slip.zip"), &[("s/SKILL.md", ok_md), ("../evil.md", b"x")]), &["SB309"]),
        ("nested slip", zip_of(&at("slip2.zip"), &[("s/SKILL.md", ok_md), ("s/../../evil.md", b"x")]), &["SB309"]),
        ("absolute", zip_of(&at("abs.zip"), &[("s/SKILL.md", ok_md), ("/tmp/evil.md", b"x")]), &["SB307"]),
        ("drive letter", zip_of(&at("drive.zip"), &[("s/SKILL.md", ok_md), ("C:\\evil.md", b"x")]), &["SB308"]),
        ("device name", zip_of(&at("dev.zip"), &[("s/SKILL.md", ok_md), ("s/CON.md", b"x")]), &["SB311"]),
        ("case collision", zip_of(&at("case.zip"), &[("s/SKILL.md", ok_md), ("s/skill.md", b"x")]), &["SB312"]),
        ("bomb", zip_of(&at("bomb.zip"), &[("s/SKILL.md", ok_md), ("s/zeros.bin", &zeros)]), &["SB306", "SB304"]),
        ("10k entries", zip_of(&at("many.zip"), &many_refs), &["SB303"]),
        ("no skill", zip_of(&at("none.zip"), &[("s/README.md", b"x")]), &["SB315"]),
        (
            "two skills in a .skill",
            zip_of(&at("two.skill"), &[("a/SKILL.md", ok_md), ("b/SKILL.md", ok_md)]),
            &["SB316"],
        ),
    ];
    // Names that differ only after patching: exact duplicates and invalid UTF-8.
    let dup = zip_of(&at("dup.zip"), &[("s/SKILL.md", ok_md), ("s/aaaa.md", b"1"), ("s/bbbb.md", b"2")]);
    patch_bytes(&dup, b"s/bbbb.md", b"s/aaaa.md");
    cases.push(("duplicate names", dup, &["SB312"]));
    let utf8 = zip_of(&at("utf8.zip"), &[("s/SKILL.md", ok_md), ("s/x_y.md", b"1")]);
    patch_bytes(&utf8, b"s/x_y.md", b"s/x\xffy.md");
    cases.push(("invalid UTF-8 name", utf8, &["SB311"]));
    // Declared sizes that lie: 300 KiB of zeros declared as 10 bytes.
    let liar = zip_of(&at("liar.zip"), &[("s/SKILL.md", ok_md), ("s/zeros.bin", &zeros[..300 * 1024])]);
    let original = std::fs::read(&liar).unwrap();
    patch_headers(&liar, 22, 24, 10, 4);
    assert_ne!(original, std::fs::read(&liar).unwrap());
    cases.push(("lying sizes", liar, &["SB306", "SB302"]));
    // The encryption flag (general purpose bit 0).
    let locked = zip_of(&at("locked.zip"), &[("s/SKILL.md", ok_md)]);
    patch_headers(&locked, 6, 8, 1, 1);
    cases.push(("encrypted", locked, &["SB314", "SB302"]));
    // A linked SKILL.md: the link is skipped, so there is no skill.
    let link = at("link.zip");
    {
        let mut writer = zip::ZipWriter::new(std::fs::File::create(&link).unwrap());
        writer.add_symlink("s/SKILL.md", "/etc/passwd", SimpleFileOptions::default()).unwrap();
        writer.finish().unwrap();
    }
    cases.push(("symlinked SKILL.md", link, &["SB315"]));
    std::fs::write(at("garbage.zip"), b"not a zip at all").unwrap();
    cases.push(("not a zip", at("garbage.zip"), &["SB302"]));

    let before = snapshot(env.root());
    for (label, file, expected) in cases {
        let err = error(imports::upload_skill(&env.backend, file, UploadOptions::default()).await);
        let wire = wire(err);
        assert_eq!(wire["code"], "invalid_archive", "{label}: {wire}");
        let got: Vec<String> = wire["details"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().into())
            .collect();
        assert!(expected.iter().any(|r| got.contains(&r.to_string())), "{label}: expected {expected:?}, got {wire}");
        assert_eq!(snapshot(env.root()), before, "{label} changed the data folders");
    }
    assert_eq!(scalar(&env.sql(), "SELECT count(*) FROM workspace_skills"), 0);

    // Several skills in a .zip are not hostile: the error names them for a picker.
    let two = zip_of(&at("two.zip"), &[("a/SKILL.md", ok_md), ("b/SKILL.md", ok_md)]);
    let wire = wire(error(imports::upload_skill(&env.backend, two, UploadOptions::default()).await));
    assert_eq!(wire["details"]["skills"], serde_json::json!(["a", "b"]));
    assert_eq!(snapshot(env.root()), before);
}

#[tokio::test]
async fn links_are_skipped_modes_are_cleared_and_a_folder_imports_too() {
    let env = Env::start().await;
    let inbox = tempfile::tempdir().unwrap();
    let file = inbox.path().join("mixed.zip");
    {
        let mut writer = zip::ZipWriter::new(std::fs::File::create(&file).unwrap());
        let opts = SimpleFileOptions::default();
        writer.start_file("Folder Name/SKILL.md", opts.unix_permissions(0o666)).unwrap();
        writer.write_all(SKILL_MD.as_bytes()).unwrap();
        writer.start_file("Folder Name/scripts/run.sh", opts.unix_permissions(0o4777)).unwrap();
        writer.write_all(b"#!/bin/sh\necho hi\n").unwrap();
        writer.add_symlink("Folder Name/passwd", "/etc/passwd", opts).unwrap();
        writer.start_file("__MACOSX/._SKILL.md", opts).unwrap();
        writer.finish().unwrap();
    }
    let preview = imports::preview_upload(&env.backend, file.clone(), None).await.unwrap();
    let rules: Vec<&str> = preview.findings.iter().map(|f| f.rule.as_str()).collect();
    for rule in ["SB313", "SB319", "SB321", "SB318"] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
    assert!(preview.importable && preview.conflict.is_none(), "{preview:?}");
    let skill = imports::upload_skill(&env.backend, file, UploadOptions::default()).await.unwrap();
    assert_eq!(skill.name, "pdf-tools");
    let dir = env.workspace().join(".claude/skills/pdf-tools");
    let mode = |p: &Path| std::os::unix::fs::PermissionsExt::mode(&p.metadata().unwrap().permissions()) & 0o7777;
    assert_eq!(mode(&dir.join("scripts/run.sh")), 0o755);
    assert_eq!(mode(&dir.join("SKILL.md")) & 0o022, 0);
    assert!(dir.join("passwd").symlink_metadata().is_err(), "a link was created");
    let leftovers: Vec<_> = std::fs::read_dir(env.workspace().join(".claude/skills"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, ["pdf-tools"]);

    // A folder goes through the same checks; its link is skipped too.
    let folder = inbox.path().join("notes-skill");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("SKILL.md"), SKILL_MD.replace("pdf-tools", "notes-skill")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", folder.join("secret")).unwrap();
    let skill = imports::upload_skill(&env.backend, folder, UploadOptions::default()).await.unwrap();
    assert_eq!(skill.name, "notes-skill");
    assert!(env.workspace().join(".claude/skills/notes-skill/SKILL.md").is_file());
    assert!(env.workspace().join(".claude/skills/notes-skill/secret").symlink_metadata().is_err());
}

#[test]
fn upload_list_toggle_show_and_delete_through_the_cli() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    let file = zip_of(
        &root.join("pdf.skill"),
        &[("pdf-tools/SKILL.md", SKILL_MD.as_bytes()), ("pdf-tools/references/a.md", b"# A\n")],
    );
    let run = |args: &[&str]| {
        let out = sb(root).args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let value: Value = serde_json::from_str(text.lines().last().unwrap_or("null")).unwrap_or(Value::Null);
        (out.status.success(), value, String::from_utf8_lossy(&out.stderr).to_string())
    };
    let path = file.display().to_string();
    let (ok, skill, stderr) = run(&["imported", "upload", &path]);
    assert!(ok, "{skill} {stderr}");
    assert_eq!(skill["name"], "pdf-tools");
    assert_eq!(skill["origin"], "upload");
    assert_eq!(skill["uploadFileName"], "pdf.skill");
    let ws = root.join("data/agent-workspace/.claude/skills");
    assert_eq!(std::fs::read_to_string(ws.join("pdf-tools/SKILL.md")).unwrap(), SKILL_MD);

    let (ok, err, _) = run(&["imported", "upload", &path]);
    assert!(!ok);
    assert_eq!(err["code"], "already_exists");
    let (_, preview, _) = run(&["imported", "upload", &path, "--preview"]);
    assert_eq!(preview["conflict"]["renameTo"], "pdf-tools-2");
    let (ok, renamed, _) = run(&["imported", "upload", &path, "--on-conflict", "rename"]);
    assert!(ok && renamed["name"] == "pdf-tools-2", "{renamed}");
    let (ok, skipped, _) = run(&["imported", "upload", &path, "--on-conflict", "skip"]);
    assert!(ok && skipped["name"] == "pdf-tools");

    let (_, list, _) = run(&["imported", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["description"], "Fills PDF forms. Use when a form must be filled.");
    let (ok, _, stderr) = run(&["imported", "toggle", "pdf-tools", "--active", "false"]);
    assert!(ok, "{stderr}");
    assert!(ws.join(".inactive/pdf-tools/SKILL.md").is_file() && !ws.join("pdf-tools").exists());
    let (_, shown, _) = run(&["imported", "show", "pdf-tools"]);
    assert_eq!(shown["frontmatter"]["name"], "pdf-tools");
    assert_eq!(shown["markdown"], SKILL_MD);
    let (ok, _, _) = run(&["imported", "toggle", "pdf-tools", "--active", "true"]);
    assert!(ok && ws.join("pdf-tools/SKILL.md").is_file());
    let (ok, _, _) = run(&["imported", "delete", "pdf-tools-2"]);
    assert!(ok && !ws.join("pdf-tools-2").exists());
    let (ok, err, _) = run(&["imported", "delete", "pdf-tools-2"]);
    assert!(!ok && err["code"] == "not_found");
    let (ok, err, _) = run(&["imported", "upload", "relative.zip"]);
    assert!(!ok && err["code"] == "io", "{err}");
}
