//! Deleting never destroys what git cannot restore (issue 8, item 3): a skill folder holding a
//! nested repository, a file name that is not UTF-8 and a named pipe is checkpointed and then
//! moved to the trash whole, through `delete_skill` and through both resolutions that delete.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use skill_builder::commands::{skills, workspace};
use skill_builder::protocol::*;

use crate::support::*;

const FOREIGN_NAME: &[u8] = b"notes-\xe9t\xe9.txt";

/// Fills `dir` with what a checkpoint cannot hold, next to ordinary files.
fn fill_uncapturable(dir: &Path) {
    std::fs::create_dir_all(dir.join("tool")).unwrap();
    std::fs::write(dir.join("tool/run.sh"), "echo hi\n").unwrap();
    let init = Command::new("git").arg("init").arg("-q").arg(dir.join("tool")).status().unwrap();
    assert!(init.success());
    std::fs::write(dir.join(OsStr::from_bytes(FOREIGN_NAME)), "latin-1 named").unwrap();
    assert!(Command::new("mkfifo").arg(dir.join("pipe")).status().unwrap().success());
}

/// Everything is recoverable from `trash`: the nested repository, the odd name and the pipe.
fn assert_all_in(trash: &Path) {
    assert!(trash.join("tool/.git/HEAD").is_file(), "the nested repository is kept");
    assert_eq!(std::fs::read_to_string(trash.join("tool/run.sh")).unwrap(), "echo hi\n");
    assert_eq!(std::fs::read_to_string(trash.join(OsStr::from_bytes(FOREIGN_NAME))).unwrap(), "latin-1 named");
    assert!(std::fs::symlink_metadata(trash.join("pipe")).unwrap().file_type().is_fifo());
}

/// The trash folder of `folder` (`<folder>-<stamp>`).
fn trash_of(env: &Env, folder: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(env.data().join("trash"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    let prefix = format!("{folder}-");
    let mine: Vec<&PathBuf> =
        found.iter().filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&prefix)).collect();
    assert_eq!(mine.len(), 1, "one trash copy of {folder}: {found:?}");
    mine[0].clone()
}

/// History still holds what git can hold (the checkpoint, or an earlier commit when nothing
/// changed since), and HEAD no longer has the folder.
fn assert_checkpointed(env: &Env, folder: &str) {
    let repo = git2::Repository::open(env.skills()).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert!(head.tree().unwrap().get_path(Path::new(folder)).is_err(), "HEAD no longer has {folder}");
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let kept = Path::new(folder).join("tool/run.sh");
    let found =
        walk.map(|oid| repo.find_commit(oid.unwrap()).unwrap()).any(|c| c.tree().unwrap().get_path(&kept).is_ok());
    assert!(found, "a commit holds {}", kept.display());
}

#[tokio::test]
async fn deleting_a_skill_keeps_what_git_cannot_in_the_trash() {
    let env = Env::start().await;
    create(&env.backend, "odd").await;
    std::fs::write(env.skills().join("odd/SKILL.md"), "---\nname: odd\n---\n").unwrap();
    fill_uncapturable(&env.skills().join("odd"));

    let report = skills::delete_skill(&env.backend, "odd", true).await.unwrap();
    assert!(report.checkpoint_sha.is_some(), "git still checkpoints what it can");
    let trash = PathBuf::from(report.trash_path.expect("the folder goes to the trash"));
    assert_eq!(trash, trash_of(&env, "odd"));
    assert!(!env.skills().join("odd").exists());
    assert_all_in(&trash);
    assert_checkpointed(&env, "odd");
}

#[tokio::test]
async fn resolutions_that_delete_keep_what_git_cannot_in_the_trash() {
    let env = Env::start().await;
    let b = &env.backend;
    // An imported skill without SKILL.md is an orphan whose actions include delete_all.
    insert_imported_skill(&env.sql(), "lib-copy");
    fill_uncapturable(&env.skills().join("lib-copy"));
    // A folder no row claims is a discovery, which may be deleted.
    std::fs::create_dir_all(env.skills().join("found")).unwrap();
    std::fs::write(env.skills().join("found/SKILL.md"), "---\nname: found\n---\n").unwrap();
    fill_uncapturable(&env.skills().join("found"));
    workspace::reconcile_startup(b, true).await.unwrap();

    workspace::resolve_orphan(b, "lib-copy", OrphanAction::DeleteAll).await.unwrap();
    assert!(!env.skills().join("lib-copy").exists());
    assert_all_in(&trash_of(&env, "lib-copy"));
    assert_checkpointed(&env, "lib-copy");

    workspace::resolve_discovered(b, "found", DiscoveryAction::Delete, None).await.unwrap();
    assert!(!env.skills().join("found").exists());
    assert_all_in(&trash_of(&env, "found"));
    assert_checkpointed(&env, "found");
}
