//! The first commit of a folder that already holds a library (backend.md §6.2): written as
//! compressed packs that the git command-line tool accepts (`fsck --full --strict`,
//! `verify-pack`, a clean `status`), and crash-safe: the real CLI killed at each point of the
//! first commit leaves a folder whose next start records every skill, with nothing half-made.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;

use skill_builder::{Backend, Config};

use crate::support::*;

/// Writes `count` skill folders (about 4 KB each, similar across skills as real ones are).
fn seed(skills: &Path, count: usize) -> u64 {
    let mut bytes = 0;
    for i in 0..count {
        let name = format!("skill-{i:05}");
        let files = [
            (
                "SKILL.md",
                format!("---\nname: {name}\ndescription: Area {}\n---\n{}", i % 37, "Use the rules.\n".repeat(40)),
            ),
            ("references/guide.md", format!("# Guide for {name}\n\n{}", "A line of guidance.\n".repeat(50))),
            (
                "context/decisions.json",
                format!(r#"{{"decisions":[{{"id":"D1","decision":"Use rule {i} for {name}"}}]}}"#),
            ),
            ("evals/empty.json", String::new()),
        ];
        for (rel, text) in files {
            let path = skills.join(&name).join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            bytes += text.len() as u64;
        }
    }
    bytes
}

/// Top-level names in HEAD's tree.
fn head_names(skills: &Path) -> BTreeSet<String> {
    let repo = git2::Repository::open(skills).unwrap();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    tree.iter().map(|e| e.name().unwrap().to_string()).collect()
}

fn expected_names(count: usize) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = (0..count).map(|i| format!("skill-{i:05}")).collect();
    names.insert(".gitignore".into());
    names
}

#[tokio::test]
async fn the_initial_commit_of_1000_skills_is_compressed_and_passes_git_fsck_verify_pack_and_status() {
    let dir = tempfile::tempdir().unwrap();
    let skills = dir.path().join("skills");
    let content = seed(&skills, 1_000);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::os::unix::fs::symlink("SKILL.md", skills.join("skill-00001/link.md")).unwrap();
        let script = skills.join("skill-00002/scripts/run.sh");
        std::fs::create_dir_all(script.parent().unwrap()).unwrap();
        std::fs::write(&script, "#!/bin/sh\necho hi\n").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(skills.join("skill-00003/notes.tmp"), "ignored by the managed block").unwrap();
    std::fs::write(skills.join("README.md"), "a top-level file\n").unwrap();

    let backend = Backend::start(Config::for_test(dir.path())).await.unwrap();
    let status = backend.git().status().await.unwrap();
    assert!(status.reason.is_none(), "git is ready: {status:?}");
    backend.shutdown().await.unwrap();

    let mut expected = expected_names(1_000);
    expected.insert("README.md".into());
    assert_eq!(head_names(&skills), expected);
    assert_git_sound(&skills);
    let fsck = git_cli(&skills, &["fsck", "--full", "--strict"]);
    let said = String::from_utf8_lossy(&fsck.stdout).to_string() + &String::from_utf8_lossy(&fsck.stderr);
    assert!(fsck.status.success() && !said.contains("dangling"), "no object outside the commit: {said}");
    let log = git_cli(&skills, &["log", "--format=%s"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout), "record existing skills\n");
    let ignored = git_cli(&skills, &["ls-files", "skill-00003/notes.tmp"]);
    assert!(ignored.stdout.is_empty(), "an ignored file stays out of the commit");

    let mut packed = 0;
    let mut loose = 0;
    for entry in walk(&skills.join(".git/objects")) {
        if entry.extension().is_some_and(|e| e == "pack") {
            packed += std::fs::metadata(&entry).unwrap().len();
        } else if !entry.to_string_lossy().contains("/pack/") {
            loose += 1;
        }
    }
    assert!(
        packed * 4 < content,
        "the packs are compressed: {packed} bytes of pack for {content} bytes of files (stored blocks were bigger)"
    );
    assert!(loose <= 4, "only the root tree and the commit (and top-level files) are loose: {loose}");
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { out.push(path) }
        }
    }
    out
}

/// `skill-builder --json skills list` on `root`, with `crash_at` armed when given.
fn cli_list(root: &Path, crash_at: Option<&str>) -> std::process::Output {
    let mut command = sb(root);
    command.args(["skills", "list"]).stdout(Stdio::null());
    if let Some(point) = crash_at {
        command.env(skill_builder::crashpoint::CRASH_AT_VAR, point);
    }
    command.output().unwrap()
}

#[cfg(unix)]
#[test]
fn killed_during_the_first_commit_the_next_start_records_every_skill_and_leaves_nothing_half_made() {
    use std::os::unix::process::ExitStatusExt;
    const SKILLS: usize = 1_000;
    for point in ["git:initial:objects-written", "git:initial:committed", "git:initial:installing"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("tmp")).unwrap();
        let skills = root.join("skills");
        seed(&skills, SKILLS);

        let crashed = cli_list(root, Some(point));
        assert_eq!(
            crashed.status.signal(),
            Some(libc::SIGKILL),
            "the CLI dies at {point}: {:?}\n{}",
            crashed.status,
            String::from_utf8_lossy(&crashed.stderr)
        );

        let again = cli_list(root, None);
        assert!(again.status.success(), "the next start works: {}", String::from_utf8_lossy(&again.stderr));
        assert_eq!(head_names(&skills), expected_names(SKILLS), "every skill is in HEAD after a crash at {point}");
        assert_git_sound(&skills);
        let mut on_disk: BTreeSet<String> = std::fs::read_dir(&skills)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(on_disk.remove(".git"));
        assert_eq!(on_disk, expected_names(SKILLS), "nothing half-made is left beside the skills after {point}");
    }
}
