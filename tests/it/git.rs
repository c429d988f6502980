//! The skills folder as a git repository (backend.md §6), on real repositories in temp dirs with
//! fixed commit dates: every auto-commit point, history/diff/restore, restore refused while the
//! skill is busy, dirty trees, detached HEAD and merges, a vanished repository, a corrupt index,
//! a folder inside another repository, and deletes that checkpoint before removing.

use std::path::Path;
use std::sync::Arc;

use git2::Repository;
use skill_builder::clock::ManualClock;
use skill_builder::commands::{git, skills};
use skill_builder::protocol::*;

use crate::support::*;

/// 2026-01-01T00:00:00Z.
pub const T0: i64 = 1_767_225_600_000;

/// A backend whose clock only moves when the test says so.
pub async fn clocked() -> (Env, Arc<ManualClock>) {
    let clock = ManualClock::at_millis(T0);
    let shared = clock.clone();
    (Env::start_with(move |c| c.with_clock(shared)).await, clock)
}

pub fn repo(env: &Env) -> Repository {
    Repository::open(env.skills()).unwrap()
}

/// (summary, full message) of HEAD's commits, newest first.
pub fn log(env: &Env) -> Vec<(String, String)> {
    let repo = repo(env);
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    walk.map(|oid| {
        let commit = repo.find_commit(oid.unwrap()).unwrap();
        (commit.summary().unwrap().unwrap().to_string(), commit.message().unwrap().to_string())
    })
    .collect()
}

fn head_sha(env: &Env) -> String {
    repo(env).head().unwrap().peel_to_commit().unwrap().id().to_string()
}

/// The blob at `path` in `sha`'s tree, as text.
fn file_at(env: &Env, sha: &str, path: &str) -> Option<String> {
    let repo = repo(env);
    let tree = repo.revparse_single(sha).unwrap().peel_to_commit().unwrap().tree().unwrap();
    let entry = tree.get_path(Path::new(path)).ok()?;
    let blob = repo.find_blob(entry.id()).unwrap();
    Some(String::from_utf8(blob.content().to_vec()).unwrap())
}

fn write(env: &Env, rel: &str, text: &str) {
    let path = env.skills().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Edits a file and records it through a metadata change (an auto-commit point).
async fn edit_and_record(env: &Env, clock: &ManualClock, rel: &str, text: &str) -> String {
    write(env, rel, text);
    clock.advance_millis(60_000);
    let skill = rel.split('/').next().unwrap();
    let patch: SkillMetadataPatch =
        serde_json::from_value(serde_json::json!({ "domain": text.lines().next() })).unwrap();
    skills::update_skill_metadata(&env.backend, skill, patch).await.unwrap();
    head_sha(env)
}

#[tokio::test]
async fn every_auto_commit_point_records_its_event_with_a_fixed_date_and_one_author() {
    let (env, clock) = clocked().await;
    let b = &env.backend;
    create(b, "alpha").await;
    let first = log(&env);
    assert_eq!(first.len(), 1, "opening the new folder records it once: {first:?}");
    assert_eq!(first[0].0, "Initial commit", "the test skills folder exists, empty, when git opens it");
    assert!(env.skills().join(".gitignore").is_file());
    assert!(std::fs::read_to_string(env.skills().join(".gitignore")).unwrap().contains("# >>> skill-builder"));

    create(b, "gamma").await;
    assert_eq!(log(&env).len(), 1, "an empty new skill has nothing to commit");

    let sha = edit_and_record(&env, &clock, "alpha/SKILL.md", "Alpha v1").await;
    let (summary, message) = &log(&env)[0];
    assert_eq!(summary, "alpha: metadata updated");
    assert!(message.contains("Skill-Builder-Event: metadata"), "{message}");
    assert_eq!(file_at(&env, &sha, "alpha/SKILL.md").as_deref(), Some("Alpha v1"));
    let repository = repo(&env);
    let commit = repository.find_commit(git2::Oid::from_str(&sha).unwrap()).unwrap();
    assert_eq!(commit.time().seconds(), (T0 + 60_000) / 1000, "commit dates come from the injected clock");

    write(&env, "alpha/context/decisions.json", "{}");
    let step = b.git().commit_workflow_step("alpha", 4, "Confirm Decisions").await;
    assert!(step.is_some());
    assert_eq!(log(&env)[0].0, "alpha: step 4 (Confirm Decisions) completed");

    skills::rename_skill(b, "alpha", "beta").await.unwrap();
    let (summary, message) = &log(&env)[0];
    assert_eq!(summary, "beta: renamed from alpha");
    assert!(message.contains("Skill-Builder-Renamed-From: alpha"), "{message}");
    let head = head_sha(&env);
    assert!(file_at(&env, &head, "beta/SKILL.md").is_some() && file_at(&env, &head, "alpha/SKILL.md").is_none());

    write(&env, "beta/notes.md", "uncommitted notes");
    let report = skills::delete_skill(b, "beta", true).await.unwrap();
    let checkpoint = report.checkpoint_sha.clone().expect("a checkpoint commit");
    assert_eq!(report.trash_path, None, "git kept the content; no trash copy");
    assert_eq!(file_at(&env, &checkpoint, "beta/notes.md").as_deref(), Some("uncommitted notes"));
    assert!(!env.skills().join("beta").exists());
    let summaries: Vec<String> = log(&env).into_iter().map(|(s, _)| s).collect();
    assert_eq!(summaries[..2], ["beta: deleted".to_string(), "beta: checkpoint before delete".to_string()]);

    let repo = repo(&env);
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let authors: std::collections::BTreeSet<(String, String)> = walk
        .map(|oid| {
            let c = repo.find_commit(oid.unwrap()).unwrap();
            (c.author().email().unwrap().to_string(), c.committer().email().unwrap().to_string())
        })
        .collect();
    assert_eq!(authors.len(), 1, "one stable identity: {authors:?}");
}

#[tokio::test]
async fn history_diff_and_restore_round_trip() {
    let (env, clock) = clocked().await;
    let b = &env.backend;
    create(b, "sales").await;
    create(b, "other").await;
    let v1 = edit_and_record(&env, &clock, "sales/SKILL.md", "line one\nline two\n").await;
    edit_and_record(&env, &clock, "other/SKILL.md", "unrelated").await;
    write(&env, "sales/references/a.md", "ref");
    let v2 = edit_and_record(&env, &clock, "sales/SKILL.md", "line one\nline 2\nline three\n").await;

    let history = git::get_skill_history(b, "sales", None, None).await.unwrap();
    let shas: Vec<&str> = history.iter().map(|c| c.sha.as_str()).collect();
    assert_eq!(shas[..2], [v2.as_str(), v1.as_str()], "newest first, other skills' commits left out");
    assert_eq!(history[0].event.as_deref(), Some("metadata"));
    assert_eq!(history[0].short_sha, v2[..8]);
    assert!(history[0].timestamp.starts_with("2026-01-01T00:0"), "{}", history[0].timestamp);
    let page = git::get_skill_history(b, "sales", Some(1), Some(v2.clone())).await.unwrap();
    assert_eq!(page.iter().map(|c| c.sha.as_str()).collect::<Vec<_>>(), [v1.as_str()]);
    assert_eq!(code(git::get_skill_history(b, "sales", Some(0), None).await), ErrorCode::InvalidInput);
    assert_eq!(code(git::get_skill_history(b, "nope", None, None).await), ErrorCode::NotFound);

    let diff = git::get_skill_diff(b, "sales", &v1, Some(v2.clone())).await.unwrap();
    let paths: Vec<(&str, FileChangeKind)> = diff.files.iter().map(|f| (f.path.as_str(), f.status)).collect();
    assert_eq!(paths, [("SKILL.md", FileChangeKind::Modified), ("references/a.md", FileChangeKind::Added)]);
    let skill_md = &diff.files[0];
    assert_eq!((skill_md.additions, skill_md.deletions), (2, 1));
    let patch = skill_md.patch.as_deref().unwrap();
    assert!(patch.contains("-line two") && patch.contains("+line 2") && patch.contains("a/SKILL.md"), "{patch}");
    assert_eq!(skill_md.old_content.as_deref(), Some("line one\nline two\n"));
    assert_eq!(diff.stats, DiffStats { files_changed: 2, additions: 3, deletions: 1 });

    write(&env, "sales/draft.md", "untracked draft");
    let to_disk = git::get_skill_diff(b, "sales", &v2, None).await.unwrap();
    assert_eq!(to_disk.files.len(), 1);
    assert_eq!((to_disk.files[0].path.as_str(), to_disk.files[0].status), ("draft.md", FileChangeKind::Added));
    assert!(to_disk.files[0].patch.as_deref().unwrap().contains("b/draft.md"));
    assert_eq!(code(git::get_skill_diff(b, "sales", "zz", None).await), ErrorCode::InvalidInput);
    assert_eq!(code(git::get_skill_diff(b, "sales", "deadbeef", None).await), ErrorCode::NotFound);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        write(&env, "sales/run.sh", "#!/bin/sh\n");
        std::fs::set_permissions(env.skills().join("sales/run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    clock.advance_millis(60_000);
    let restored = git::restore_skill_version(b, "sales", &v1[..10]).await.unwrap();
    assert_eq!(restored.restored_from, v1);
    let checkpoint = restored.checkpoint_sha.clone().unwrap();
    assert_eq!(file_at(&env, &checkpoint, "sales/draft.md").as_deref(), Some("untracked draft"), "checkpoint first");
    assert_eq!(std::fs::read_to_string(env.skills().join("sales/SKILL.md")).unwrap(), "line one\nline two\n");
    assert!(!env.skills().join("sales/draft.md").exists() && !env.skills().join("sales/references/a.md").exists());
    assert_eq!(std::fs::read_to_string(env.skills().join("other/SKILL.md")).unwrap(), "unrelated");
    let summaries: Vec<String> = log(&env).into_iter().take(2).map(|(s, _)| s).collect();
    assert_eq!(summaries, [format!("sales: restored to {}", &v1[..8]), "sales: checkpoint before restore".to_string()]);
    assert_eq!(restored.commit_sha.as_deref(), Some(head_sha(&env).as_str()));

    // Restoring the checkpoint undoes the restore, file modes included.
    git::restore_skill_version(b, "sales", &checkpoint).await.unwrap();
    assert_eq!(std::fs::read_to_string(env.skills().join("sales/draft.md")).unwrap(), "untracked draft");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.skills().join("sales/run.sh")).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "the executable bit came back");
    }
    let repository = repo(&env);
    let statuses = repository.statuses(None).unwrap();
    assert!(statuses.iter().all(|s| !s.path().unwrap().starts_with("sales/")), "index and tree agree after restore");
    assert_eq!(code(git::restore_skill_version(b, "other", &v1).await), ErrorCode::NotFound, "v1 has no other/ yet");
}

#[tokio::test]
async fn history_follows_a_rename() {
    let (env, clock) = clocked().await;
    let b = &env.backend;
    create(b, "old-name").await;
    let before = edit_and_record(&env, &clock, "old-name/SKILL.md", "before rename").await;
    skills::rename_skill(b, "old-name", "new-name").await.unwrap();
    let history = git::get_skill_history(b, "new-name", None, None).await.unwrap();
    assert_eq!(history[0].summary, "new-name: renamed from old-name");
    assert_eq!(history[0].event.as_deref(), Some("renamed"));
    assert!(history.iter().any(|c| c.sha == before), "older commits are matched on the old name");
}

#[tokio::test]
async fn restore_is_refused_while_another_window_holds_the_skill_or_it_is_busy() {
    let (env, clock) = clocked().await;
    let b = &env.backend;
    create(b, "busy").await;
    let v1 = edit_and_record(&env, &clock, "busy/SKILL.md", "v1").await;
    edit_and_record(&env, &clock, "busy/SKILL.md", "v2").await;

    let mut holder = lock_holder(env.root(), "busy");
    let err = error(git::restore_skill_version(b, "busy", &v1).await);
    assert_eq!(err.code(), ErrorCode::SkillLocked, "{err}");
    assert!(wire(err)["message"].as_str().unwrap().contains("another Skill Builder window"));
    holder.close_stdin();
    assert!(holder.wait(std::time::Duration::from_secs(10)).success());
    assert_eq!(std::fs::read_to_string(env.skills().join("busy/SKILL.md")).unwrap(), "v2", "nothing was touched");

    // A run of ours is running.
    let conn = env.sql();
    conn.execute(
        "INSERT INTO agent_runs (run_id, agent_id, skill_id, skill_name, kind, instance_id, model, status, started_at)
         VALUES ('run-x', 'ag-x', (SELECT id FROM skills WHERE name = 'busy'), 'busy', 'refine', ?1, 'm', 'running', 't')",
        [&b.instance().instance_id],
    )
    .unwrap();
    assert_eq!(code(git::restore_skill_version(b, "busy", &v1).await), ErrorCode::AgentBusy);
    conn.execute("UPDATE agent_runs SET status = 'cancelled' WHERE run_id = 'run-x'", []).unwrap();
    conn.execute(
        "INSERT INTO workflow_sessions (session_id, kind, skill_id, skill_name, instance_id, pid, started_at)
         VALUES ('ses-r', 'refine', (SELECT id FROM skills WHERE name = 'busy'), 'busy', ?1, 1, 't')",
        [&b.instance().instance_id],
    )
    .unwrap();
    let err = error(git::restore_skill_version(b, "busy", &v1).await);
    assert_eq!(wire(err)["details"]["reason"], "refine_unsaved");
    conn.execute("UPDATE workflow_sessions SET ended_at = 't', end_reason = 'closed'", []).unwrap();
    git::restore_skill_version(b, "busy", &v1).await.unwrap();
    assert_eq!(std::fs::read_to_string(env.skills().join("busy/SKILL.md")).unwrap(), "v1");
}

#[tokio::test]
async fn auto_commits_leave_unrelated_and_staged_changes_alone() {
    let (env, clock) = clocked().await;
    let b = &env.backend;
    create(b, "mine").await;
    create(b, "theirs").await;
    edit_and_record(&env, &clock, "theirs/SKILL.md", "committed").await;
    write(&env, "theirs/SKILL.md", "user edit, not staged");
    write(&env, "loose.txt", "user staged this");
    let repo = repo(&env);
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("loose.txt")).unwrap();
    index.write().unwrap();

    let sha = edit_and_record(&env, &clock, "mine/SKILL.md", "ours").await;
    assert_eq!(file_at(&env, &sha, "theirs/SKILL.md").as_deref(), Some("committed"));
    assert_eq!(file_at(&env, &sha, "loose.txt"), None, "the user's staged file is not swept in");
    let statuses = repo.statuses(None).unwrap();
    let status = |p: &str| statuses.iter().find(|s| s.path().ok() == Some(p)).map(|s| s.status());
    assert_eq!(status("loose.txt"), Some(git2::Status::INDEX_NEW), "still staged");
    assert_eq!(status("theirs/SKILL.md"), Some(git2::Status::WT_MODIFIED), "still modified");
    assert_eq!(status("mine/SKILL.md"), None, "ours is clean in index and tree");
}

#[tokio::test]
async fn detached_head_and_merges_skip_auto_commits_refuse_restore_and_keep_history() {
    let (env, clock) = clocked().await;
    let b = &env.backend;
    create(b, "skill").await;
    let v1 = edit_and_record(&env, &clock, "skill/SKILL.md", "v1").await;
    let repo = repo(&env);
    repo.set_head_detached(git2::Oid::from_str(&v1).unwrap()).unwrap();

    let before = log(&env).len();
    edit_and_record(&env, &clock, "skill/SKILL.md", "v2 while detached").await;
    assert_eq!(log(&env).len(), before, "no commit on a detached HEAD");
    assert_eq!(std::fs::read_to_string(env.skills().join("skill/SKILL.md")).unwrap(), "v2 while detached");
    let status = b.git().status().await.unwrap();
    assert_eq!(status.repo_state.as_deref(), Some("detached_head"));
    assert!(status.notice.unwrap().contains("detached"));
    let err = error(git::restore_skill_version(b, "skill", &v1).await);
    assert_eq!(wire(err)["details"]["reason"], "repo_state");
    assert_eq!(git::get_skill_history(b, "skill", None, None).await.unwrap()[0].sha, v1, "history still works");
    let view = skill_builder::commands::settings::get_settings(b).await.unwrap();
    assert_eq!(view.git_status.unwrap().repo_state.as_deref(), Some("detached_head"));

    repo.set_head("refs/heads/main").unwrap();
    std::fs::write(repo.path().join("MERGE_HEAD"), format!("{v1}\n")).unwrap();
    let report = skills::delete_skill(b, "skill", true).await.unwrap();
    assert!(report.checkpoint_sha.is_none(), "no checkpoint during a merge");
    let trash = std::path::PathBuf::from(report.trash_path.expect("the trash copy instead"));
    assert_eq!(std::fs::read_to_string(trash.join("SKILL.md")).unwrap(), "v2 while detached");
}

#[tokio::test]
async fn a_vanished_repository_is_recreated_and_a_corrupt_index_is_rebuilt() {
    let (env, clock) = clocked().await;
    let b = &env.backend;
    create(b, "keep").await;
    edit_and_record(&env, &clock, "keep/SKILL.md", "v1").await;

    std::fs::write(env.skills().join(".git/index"), b"DIRC garbage that is no index").unwrap();
    let sha = edit_and_record(&env, &clock, "keep/SKILL.md", "v2").await;
    assert_eq!(file_at(&env, &sha, "keep/SKILL.md").as_deref(), Some("v2"));
    let kept: Vec<_> = std::fs::read_dir(env.skills().join(".git"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("index.corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1, "the unreadable index is kept aside");
    assert!(
        repo(&env)
            .statuses(None)
            .unwrap()
            .iter()
            .collect::<Vec<_>>()
            .iter()
            .all(|s| !s.path().unwrap().starts_with("keep/"))
    );

    std::fs::remove_dir_all(env.skills().join(".git")).unwrap();
    let sha = edit_and_record(&env, &clock, "keep/SKILL.md", "v3").await;
    let summaries: Vec<String> = log(&env).into_iter().map(|(s, _)| s).collect();
    assert_eq!(summaries, ["record existing skills"], "a fresh repository records the folder as it is");
    assert_eq!(file_at(&env, &sha, "keep/SKILL.md").as_deref(), Some("v3"));
    let packs = std::fs::read_dir(env.skills().join(".git/objects/pack")).unwrap().count();
    assert_eq!(packs, 2, "the skill folders were written as one pack and its index");
    let repository = repo(&env);
    let statuses = repository.statuses(None).unwrap();
    assert_eq!(statuses.len(), 0, "the first commit's index carries stat data: nothing shows as changed");
    assert_git_sound(&env.skills());
}

#[tokio::test]
async fn a_skills_folder_inside_another_repository_disables_git_and_deletes_use_the_trash() {
    let dir = tempfile::tempdir().unwrap();
    Repository::init(dir.path()).unwrap();
    let skills_dir = dir.path().join("nested/skills");
    std::fs::create_dir_all(&skills_dir).unwrap();
    let env = Env::start_with(|c| c.with_skills_path(&skills_dir)).await;
    let b = &env.backend;
    skills::create_skill(b, CreateSkillRequest { name: "inner".into(), ..CreateSkillRequest::default() })
        .await
        .unwrap();
    std::fs::write(skills_dir.join("inner/SKILL.md"), "x").unwrap();
    let status = b.git().status().await.unwrap();
    assert_eq!((status.state, status.reason), (GitReadiness::Disabled, Some(GitDisabledReason::InsideOtherRepo)));
    assert!(!skills_dir.join(".git").exists());
    assert_eq!(error(git::get_skill_history(b, "inner", None, None).await).code(), ErrorCode::GitFailed);
    let report = skills::delete_skill(b, "inner", true).await.unwrap();
    assert!(report.checkpoint_sha.is_none());
    assert!(std::path::PathBuf::from(report.trash_path.unwrap()).join("SKILL.md").is_file());
}

#[tokio::test]
async fn ignored_files_go_to_the_trash_with_the_checkpoint() {
    let (env, _clock) = clocked().await;
    let b = &env.backend;
    create(b, "junk").await;
    write(&env, "junk/SKILL.md", "kept in git");
    write(&env, "junk/scratch.tmp", "ignored by the managed block");
    let report = skills::delete_skill(b, "junk", true).await.unwrap();
    let checkpoint = report.checkpoint_sha.unwrap();
    assert_eq!(file_at(&env, &checkpoint, "junk/SKILL.md").as_deref(), Some("kept in git"));
    assert_eq!(file_at(&env, &checkpoint, "junk/scratch.tmp"), None);
    let trash = std::path::PathBuf::from(report.trash_path.expect("ignored files need the trash copy"));
    assert!(trash.join("scratch.tmp").is_file());
}

// --- Changing the skills folder (backend.md §6.6) ---------------------------------------------

/// Every file under `dir` (`.git` included) with its content, for before/after comparisons.
fn tree_snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().to_string();
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.insert(rel, std::fs::read(entry.path()).unwrap());
            } else {
                out.insert(rel, b"<special>".to_vec());
            }
        }
    }
    out
}

/// A backend that follows the `skills_path` setting (no `--skills-path`), adopted at `lib-a`
/// with two skills committed there.
async fn on_setting() -> (Env, std::path::PathBuf) {
    let env = Env::start_with(|c| skill_builder::Config { skills_path_override: None, ..c }).await;
    let lib_a = env.root().join("lib-a");
    let patch =
        serde_json::from_value(serde_json::json!({ "skillsPath": { "path": lib_a, "mode": "adopt" } })).unwrap();
    let view = skill_builder::commands::settings::save_settings(&env.backend, patch).await.unwrap();
    assert_eq!(view.skills_path_migration.unwrap().mode, SkillsPathMode::Adopt);
    for name in ["skill-a", "skill-b"] {
        create(&env.backend, name).await;
        std::fs::write(lib_a.join(name).join("SKILL.md"), format!("{name} body")).unwrap();
        let patch: SkillMetadataPatch = serde_json::from_value(serde_json::json!({ "domain": "d" })).unwrap();
        skills::update_skill_metadata(&env.backend, name, patch).await.unwrap();
    }
    (env, lib_a)
}

fn path_patch(path: &Path, mode: &str) -> SettingsPatch {
    serde_json::from_value(serde_json::json!({ "skillsPath": { "path": path, "mode": mode } })).unwrap()
}

#[tokio::test]
async fn copying_the_skills_folder_keeps_history_commits_there_and_switches() {
    use skill_builder::commands::settings;
    let (env, lib_a) = on_setting().await;
    let b = &env.backend;
    let before = tree_snapshot(&lib_a);
    let lib_b = env.root().join("lib-b");
    let view = settings::save_settings(b, path_patch(&lib_b, "copy")).await.unwrap();
    let migration = view.skills_path_migration.unwrap();
    assert_eq!(migration.from.as_deref(), Some(lib_a.to_str().unwrap()));
    assert!(migration.files_copied > 4 && migration.commit_sha.is_some());
    assert_eq!(view.settings.skills_path.as_deref(), Some(lib_b.to_str().unwrap()));
    assert_eq!(view.git_status.unwrap().path.as_deref(), Some(lib_b.to_str().unwrap()));
    assert_eq!(tree_snapshot(&lib_a), before, "the old folder is untouched");
    let new_repo = Repository::open(&lib_b).unwrap();
    let head = new_repo.head().unwrap().peel_to_commit().unwrap();
    assert!(head.summary().unwrap().unwrap().starts_with("skills folder moved here from"));
    assert!(head.message().unwrap().contains("Skill-Builder-Event: migrated"));
    let history = git::get_skill_history(b, "skill-a", None, None).await.unwrap();
    assert!(history.iter().any(|c| c.summary == "skill-a: metadata updated"), "history came along");
    assert_eq!(std::fs::read_to_string(lib_b.join("skill-b/SKILL.md")).unwrap(), "skill-b body");

    let occupied = env.root().join("occupied");
    std::fs::create_dir_all(&occupied).unwrap();
    std::fs::write(occupied.join("file.txt"), "x").unwrap();
    let err = error(settings::save_settings(b, path_patch(&occupied, "copy")).await);
    assert_eq!(wire(err)["details"]["reason"], "target_not_empty");
    assert_eq!(
        code(settings::save_settings(b, path_patch(&lib_b.join("inner"), "copy")).await),
        ErrorCode::InvalidInput
    );
    assert_eq!(code(settings::save_settings(b, path_patch(&env.data(), "adopt")).await), ErrorCode::InvalidInput);
}

#[cfg(unix)]
#[tokio::test]
async fn a_copy_that_fails_halfway_leaves_the_old_folder_the_source_of_truth() {
    use skill_builder::commands::settings;
    let (env, lib_a) = on_setting().await;
    let b = &env.backend;
    // A named pipe cannot be copied faithfully: the copy fails when it reaches it, after the
    // files that sort before it were already written.
    let status = std::process::Command::new("mkfifo").arg(lib_a.join("skill-b/pipe")).status().unwrap();
    assert!(status.success());
    let before = tree_snapshot(&lib_a);
    let lib_b = env.root().join("lib-b");
    std::fs::create_dir_all(&lib_b).unwrap();
    std::fs::write(lib_b.join(".DS_Store"), "finder").unwrap();
    let err = error(settings::save_settings(b, path_patch(&lib_b, "copy")).await);
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    assert!(err.to_string().contains("special file"), "{err}");
    assert_eq!(tree_snapshot(&lib_a), before, "the old folder is complete and unchanged");
    let left: Vec<String> =
        std::fs::read_dir(&lib_b).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert_eq!(left, [".DS_Store"], "what was copied is gone; the user's dotfile stays");
    let view = settings::get_settings(b).await.unwrap();
    assert_eq!(view.settings.skills_path.as_deref(), Some(lib_a.to_str().unwrap()), "the setting did not switch");
    assert_eq!(view.git_status.unwrap().path.as_deref(), Some(lib_a.to_str().unwrap()));
    create(b, "after-failure").await;
    assert!(lib_a.join("after-failure").is_dir(), "commands still use the old folder");
}

#[tokio::test]
async fn the_first_commit_applies_gitattributes_conversions() {
    let (env, clock) = clocked().await;
    create(&env.backend, "crlf").await;
    edit_and_record(&env, &clock, "crlf/SKILL.md", "before").await;
    std::fs::remove_dir_all(env.skills().join(".git")).unwrap();
    write(&env, "crlf/.gitattributes", "*.md text eol=lf\n");
    write(&env, "crlf/SKILL.md", "line one\r\nline two\r\n");
    let sha = edit_and_record(&env, &clock, "crlf/notes.md", "plain").await;
    assert_eq!(log(&env)[0].0, "record existing skills");
    assert_eq!(file_at(&env, &sha, "crlf/SKILL.md").as_deref(), Some("line one\nline two\n"), "normalised by git");
    let repository = repo(&env);
    assert_eq!(repository.statuses(None).unwrap().len(), 0);
    assert_git_sound(&env.skills());
    let fsck = git_cli(&env.skills(), &["fsck", "--full", "--strict"]);
    assert!(!String::from_utf8_lossy(&fsck.stdout).contains("dangling"), "the unfiltered first try left nothing");
}
