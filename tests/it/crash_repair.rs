//! Crashes leave nothing half-done (issue 8, item 2): the real CLI is killed with SIGKILL at each
//! named crash point of create, rename and delete (`SKILL_BUILDER_CRASH_AT`), then
//! `workspace reconcile --force` runs in a new process and the repair is checked in the
//! database, on disk, in git's HEAD tree and in `git status --porcelain`.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::*;

/// `skill-builder --data-dir <root>/data --skills-path <root>/skills --json <args>`, optionally
/// armed to die at `crash_at`.
fn cli(root: &Path, crash_at: Option<&str>, args: &[&str]) -> (std::process::ExitStatus, Option<Value>, String) {
    let mut command = sb(root);
    command.args(args);
    if let Some(point) = crash_at {
        command.env(skill_builder::crashpoint::CRASH_AT_VAR, point);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().rev().find(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap());
    (output.status, last, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Runs a command that must succeed; returns its result.
fn ok(root: &Path, args: &[&str]) -> Value {
    let (status, last, stderr) = cli(root, None, args);
    assert!(status.success(), "{args:?} failed: {last:?}\n{stderr}");
    last.unwrap_or(Value::Null)
}

/// Runs a command armed to die at `point` and checks that it did, by SIGKILL.
fn crash(root: &Path, point: &str, args: &[&str]) {
    let (status, last, stderr) = cli(root, Some(point), args);
    assert_eq!(status.signal(), Some(libc::SIGKILL), "{args:?} did not die at {point}: {last:?}\n{stderr}");
}

/// A fresh root with one skill, `name`, whose SKILL.md is committed.
fn root_with_skill(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
    ok(dir.path(), &["skills", "create", name]);
    let skill_md = format!("---\nname: {name}\ndescription: kept\n---\n# {name}\n");
    std::fs::write(dir.path().join("skills").join(name).join("SKILL.md"), skill_md).unwrap();
    ok(dir.path(), &["skills", "metadata", name, r#"{"domain":"Durability"}"#]);
    assert_eq!(head_files(dir.path()), [format!("{name}/SKILL.md")]);
    dir
}

fn reconcile(root: &Path) -> Value {
    ok(root, &["workspace", "reconcile", "--force"])
}

fn rows(root: &Path) -> Vec<String> {
    let conn = open_db(&root.join("data"));
    let mut stmt = conn.prepare("SELECT name FROM skills ORDER BY name").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn git(root: &Path, args: &[&str]) -> String {
    let output = Command::new("git").arg("-C").arg(root.join("skills")).args(args).output().unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Files of HEAD's tree, skipping the repository's own top-level files (`.gitignore`).
fn head_files(root: &Path) -> Vec<String> {
    git(root, &["ls-tree", "-r", "--name-only", "HEAD"])
        .lines()
        .filter(|l| l.contains('/'))
        .map(str::to_string)
        .collect()
}

fn assert_clean(root: &Path) {
    assert_eq!(git(root, &["status", "--porcelain"]), "", "git status is clean");
    let pending = root.join("data/pending");
    let left: Vec<_> = std::fs::read_dir(&pending).map(|d| d.filter_map(Result::ok).collect()).unwrap_or_default();
    assert!(left.is_empty(), "no pending record is left: {left:?}");
}

fn notes(report: &Value) -> String {
    report["notifications"].to_string()
}

#[test]
fn killed_between_a_creates_folders_and_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crash(root, "create:after_folders", &["skills", "create", "half-made"]);
    assert!(root.join("skills/half-made/context").is_dir());
    assert!(rows(root).is_empty());
    let (status, last, _) = cli(root, None, &["skills", "create", "half-made"]);
    assert!(!status.success() && last.unwrap()["code"] == "already_exists", "the leftover blocks the name");

    let report = reconcile(root);
    assert!(notes(&report).contains("half-made: removed the empty folders"), "{report}");
    assert!(!root.join("skills/half-made").exists(), "the app-made empty folders are gone");
    ok(root, &["skills", "create", "half-made"]);
    assert_eq!(rows(root), ["half-made"]);
    assert!(root.join("skills/half-made/references").is_dir());
    assert_clean(root);
}

#[test]
fn a_creates_leftover_that_the_user_filled_is_kept_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crash(root, "create:after_folders", &["skills", "create", "filled"]);
    std::fs::write(root.join("skills/filled/SKILL.md"), "---\nname: filled\n---\nmine\n").unwrap();
    let report = reconcile(root);
    assert_eq!(std::fs::read_to_string(root.join("skills/filled/SKILL.md")).unwrap(), "---\nname: filled\n---\nmine\n");
    let folders: Vec<&str> =
        report["discoveries"].as_array().unwrap().iter().map(|d| d["folder"].as_str().unwrap()).collect();
    assert_eq!(folders, ["filled"], "{report}");
}

#[test]
fn killed_after_a_creates_row_keeps_the_skill() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crash(root, "create:after_row", &["skills", "create", "made"]);
    reconcile(root);
    assert_eq!(rows(root), ["made"]);
    assert!(root.join("skills/made/context").is_dir() && root.join("skills/made/references").is_dir());
    assert_clean(root);
}

#[test]
fn killed_during_a_rename_before_its_row_moves_the_folder_back() {
    let dir = root_with_skill("before");
    let root = dir.path();
    crash(root, "rename:after_folders", &["skills", "rename", "before", "after"]);
    assert!(root.join("skills/after/SKILL.md").is_file() && !root.join("skills/before").exists());
    assert_eq!(rows(root), ["before"]);

    let report = reconcile(root);
    assert!(notes(&report).contains("undid a rename"), "{report}");
    assert!(report["orphans"].as_array().unwrap().is_empty() && report["discoveries"].as_array().unwrap().is_empty());
    assert!(root.join("skills/before/SKILL.md").is_file() && !root.join("skills/after").exists());
    assert_eq!(head_files(root), ["before/SKILL.md"]);
    assert_clean(root);
    ok(root, &["skills", "rename", "before", "after"]);
    assert_eq!(head_files(root), ["after/SKILL.md"]);
}

#[test]
fn killed_during_a_rename_before_its_commit_gets_the_commit() {
    let dir = root_with_skill("old-name");
    let root = dir.path();
    crash(root, "rename:after_row", &["skills", "rename", "old-name", "new-name"]);
    assert_eq!(rows(root), ["new-name"]);
    assert_eq!(head_files(root), ["old-name/SKILL.md"], "the crash left the old path in HEAD");

    let report = reconcile(root);
    assert!(notes(&report).contains("new-name: finished the rename from old-name"), "{report}");
    assert_eq!(head_files(root), ["new-name/SKILL.md"]);
    let message = git(root, &["log", "-1", "--format=%B"]);
    assert!(message.starts_with("new-name: renamed from old-name"), "{message}");
    assert!(message.contains("Skill-Builder-Renamed-From: old-name"), "{message}");
    let skill_md = std::fs::read_to_string(root.join("skills/new-name/SKILL.md")).unwrap();
    assert!(skill_md.contains("name: new-name"), "{skill_md}");
    assert_clean(root);
}

/// A killed delete is finished: row, folder and HEAD entry gone (`deleted` commit), the content
/// in the commit before it (the checkpoint).
fn assert_deleted(root: &Path, name: &str) {
    assert!(rows(root).is_empty());
    assert!(!root.join("skills").join(name).exists());
    assert!(head_files(root).is_empty(), "HEAD no longer holds {name}");
    assert!(git(root, &["log", "-1", "--format=%s"]).starts_with(&format!("{name}: deleted")));
    let kept = git(root, &["show", &format!("HEAD~1:{name}/SKILL.md")]);
    assert!(kept.contains("description: kept"));
    assert_clean(root);
}

#[test]
fn killed_after_a_deletes_checkpoint_the_delete_is_finished() {
    let dir = root_with_skill("doomed");
    let root = dir.path();
    crash(root, "remove:after_checkpoint", &["skills", "delete", "doomed"]);
    assert_eq!(rows(root), ["doomed"]);
    assert!(root.join("skills/doomed/SKILL.md").is_file());
    let report = reconcile(root);
    assert!(notes(&report).contains("doomed: finished a delete"), "{report}");
    assert_deleted(root, "doomed");
}

#[test]
fn killed_after_a_deletes_removal_the_row_goes_too() {
    let dir = root_with_skill("doomed");
    let root = dir.path();
    crash(root, "delete:after_folders", &["skills", "delete", "doomed"]);
    assert_eq!(rows(root), ["doomed"]);
    assert!(!root.join("skills/doomed").exists());
    let report = reconcile(root);
    assert!(report["orphans"].as_array().unwrap().is_empty(), "{report}");
    assert_deleted(root, "doomed");
}

#[test]
fn killed_after_a_deletes_row_gets_the_deleted_commit() {
    let dir = root_with_skill("doomed");
    let root = dir.path();
    crash(root, "delete:after_row", &["skills", "delete", "doomed"]);
    assert!(rows(root).is_empty());
    assert_eq!(head_files(root), ["doomed/SKILL.md"], "the crash left the folder in HEAD");
    reconcile(root);
    assert_deleted(root, "doomed");
}
