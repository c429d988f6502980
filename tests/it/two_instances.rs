//! Two `skill-builder` processes writing into one skills folder at the same time (backend.md
//! §5.5, issue 8 item 1): every skill each of them made reaches git history, the work tree is
//! clean afterwards and the repository is sound (driven through the real CLI binary); instances
//! starting while another creates the repository wait for it; and a commit that cannot be made
//! is reported and made by the next reconciliation, deletions included.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use skill_builder::commands::{skills, workspace};
use skill_builder::protocol::SkillMetadataPatch;

use crate::support::*;

/// Skills each process creates, writes and changes.
const PER_PROCESS: usize = 100;

fn check(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs one CLI command, feeding `stdin` when given.
fn run(root: &Path, args: &[&str], stdin: Option<&str>) {
    let mut command = sb(root);
    command.args(args).stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = command.spawn().unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    check(&args.join(" "), &child.wait_with_output().unwrap());
}

/// The git CLI in the skills folder; its stdout.
fn git(skills: &Path, args: &[&str]) -> String {
    let output = Command::new("git").arg("-C").arg(skills).args(args).output().unwrap();
    check(&format!("git {}", args.join(" ")), &output);
    String::from_utf8_lossy(&output.stdout).to_string()
}

fn worker(root: PathBuf, prefix: &'static str) {
    for i in 0..PER_PROCESS {
        let name = format!("{prefix}-skill-{i:03}");
        run(&root, &["skills", "create", &name], None);
        let text = format!("---\nname: {name}\ndescription: written by process {prefix}\n---\n\n# {name}\n");
        run(&root, &["files", "write", &format!("{name}/SKILL.md")], Some(&text));
        let patch = format!(r#"{{"description": "changed by process {prefix}, round {i}"}}"#);
        run(&root, &["skills", "metadata", &name, &patch], None);
    }
}

#[test]
fn two_processes_writing_at_once_lose_no_commit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let skills = root.join("skills");
    std::fs::create_dir_all(&skills).unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    let started = Instant::now();
    let workers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|prefix| {
            let root = root.clone();
            std::thread::spawn(move || worker(root, prefix))
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    eprintln!("two processes x {PER_PROCESS} skills: {} ms", started.elapsed().as_millis());

    let expected: BTreeSet<String> =
        ["a", "b"].iter().flat_map(|p| (0..PER_PROCESS).map(move |i| format!("{p}-skill-{i:03}"))).collect();
    let in_head: BTreeSet<String> = git(&skills, &["ls-tree", "-r", "--name-only", "HEAD"])
        .lines()
        .filter_map(|path| path.strip_suffix("/SKILL.md"))
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = expected.difference(&in_head).collect();
    assert!(missing.is_empty(), "SKILL.md of {} skills is not in HEAD: {missing:?}", missing.len());
    let in_history: BTreeSet<String> = git(&skills, &["log", "--format=", "--name-only"])
        .lines()
        .filter_map(|path| path.split('/').next())
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = expected.difference(&in_history).collect();
    assert!(missing.is_empty(), "{} skills never reached git history: {missing:?}", missing.len());
    let status = git(&skills, &["status", "--porcelain"]);
    assert!(status.is_empty(), "the work tree is not clean:\n{status}");
    let fsck = Command::new("git").arg("-C").arg(&skills).args(["fsck", "--strict", "--no-dangling"]).output().unwrap();
    check("git fsck --strict", &fsck);
    let report = format!("{}{}", String::from_utf8_lossy(&fsck.stdout), String::from_utf8_lossy(&fsck.stderr));
    assert!(report.trim().is_empty(), "git fsck --strict reported:\n{report}");
}

#[test]
fn instances_starting_while_the_repository_is_created_wait_for_it_instead_of_turning_git_off() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let skills = root.join("skills");
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    // A library large enough that its first commit takes a moment.
    for s in 0..20 {
        let folder = skills.join(format!("existing-{s:02}/references"));
        std::fs::create_dir_all(&folder).unwrap();
        for f in 0..150 {
            std::fs::write(folder.join(format!("note-{f:03}.md")), format!("skill {s}, note {f}\n")).unwrap();
        }
    }
    let children: Vec<_> = (0..3)
        .map(|_| {
            let mut command = sb(root);
            command.args(["settings", "get"]).stdin(Stdio::null());
            command.spawn().unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        check("settings get", &output);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let view: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
        assert_eq!(view["gitStatus"]["state"], "ready", "git must not be off: {}", view["gitStatus"]);
    }
    assert_eq!(git(&skills, &["log", "--format=%s"]).trim(), "record existing skills", "one first commit");
    assert!(git(&skills, &["status", "--porcelain"]).is_empty());
    check("git fsck", &Command::new("git").arg("-C").arg(&skills).args(["fsck", "--strict"]).output().unwrap());
}

#[tokio::test]
async fn a_commit_that_cannot_be_made_is_reported_and_made_by_the_next_reconciliation() {
    let env = Env::start().await;
    let b = &env.backend;
    let skills_dir = env.skills();
    for name in ["kept", "gone"] {
        create(b, name).await;
        std::fs::write(skills_dir.join(format!("{name}/SKILL.md")), format!("{name} v1\n")).unwrap();
        let patch: SkillMetadataPatch = serde_json::from_value(serde_json::json!({ "domain": "v1" })).unwrap();
        skills::update_skill_metadata(b, name, patch).await.unwrap();
    }
    let head_before = git(&skills_dir, &["rev-parse", "HEAD"]);
    // Someone else's git holds the branch: our commits cannot move it.
    let ref_lock = skills_dir.join(".git/refs/heads/main.lock");
    std::fs::write(&ref_lock, "").unwrap();
    std::fs::write(skills_dir.join("kept/SKILL.md"), "kept v2\n").unwrap();
    let patch: SkillMetadataPatch = serde_json::from_value(serde_json::json!({ "domain": "v2" })).unwrap();
    skills::update_skill_metadata(b, "kept", patch).await.expect("the command itself succeeds");
    skills::delete_skill(b, "gone", true).await.expect("the delete falls back to the trash");
    assert_eq!(git(&skills_dir, &["rev-parse", "HEAD"]), head_before, "nothing could be committed");
    let notice = b.git().status().await.unwrap().notice.unwrap_or_default();
    assert!(notice.contains("kept") && notice.contains("gone"), "the notice names what is not committed: {notice}");

    std::fs::remove_file(&ref_lock).unwrap();
    let report = workspace::reconcile_startup(b, true).await.unwrap();
    assert!(report.orphans.is_empty(), "{report:?}");
    b.git().status().await.unwrap(); // queued behind pass 3's commit
    let tree = git(&skills_dir, &["ls-tree", "-r", "--name-only", "HEAD"]);
    assert!(tree.contains("kept/SKILL.md") && !tree.contains("gone/"), "HEAD holds both changes:\n{tree}");
    assert_eq!(git(&skills_dir, &["show", "HEAD:kept/SKILL.md"]), "kept v2\n");
    assert!(git(&skills_dir, &["status", "--porcelain"]).is_empty());
    assert!(!skills_dir.join(".git/skill-builder-pending").exists(), "nothing is pending any more");
    assert_eq!(b.git().status().await.unwrap().notice, None, "the notice went with the last pending change");
}
