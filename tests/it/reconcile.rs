//! Startup reconciliation (backend.md §4) through `Backend`: the table of (row present/absent) ×
//! (folder absent/empty/SKILL.md only/full context/partial steps), the user's resolutions,
//! skills open in another window, the startup order with pruning and events, the workspace
//! commands, and the CLI. No user file is ever deleted without a resolve command.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use skill_builder::commands::{git, skills, workspace};
use skill_builder::events::{AppEvent, ChannelSink};
use skill_builder::protocol::*;
use skill_builder::{Backend, Config};

use crate::support::*;

pub const PLAN: &str = "---\nschema: skill-builder/research-plan\nversion: 1\n---\n## Dimension scores\n";
pub const CLARIFICATIONS: &str =
    r#"{"schema":"skill-builder/clarifications","version":1,"sections":[{"title":"A","questions":[{"id":"Q1"}]}]}"#;
pub const REFINEMENTS: &str = r#"{"schema":"skill-builder/refinements","version":1,"refinements":[{"id":"R1.1"}]}"#;
pub const DECISIONS: &str = r#"{"schema":"skill-builder/decisions","version":1,"decisions":[{"id":"D1"}]}"#;

pub fn skill_md(name: &str) -> String {
    format!("---\nname: {name}\ndescription: What {name} knows\n---\n# {name}\n\nUse it well.\n")
}

/// What a folder holds in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    Absent,
    Empty,
    SkillMdOnly,
    FullContext,
    PartialSteps,
}

pub fn put(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Fills `dir` (named `name`) with `kind`; `Empty` leaves empty subfolders, as `create_skill` does.
pub fn make_folder(dir: &Path, name: &str, kind: Folder) {
    if kind == Folder::Absent {
        if dir.exists() {
            std::fs::remove_dir_all(dir).unwrap();
        }
        return;
    }
    std::fs::create_dir_all(dir.join("context")).unwrap();
    std::fs::create_dir_all(dir.join("references")).unwrap();
    if matches!(kind, Folder::FullContext | Folder::PartialSteps) {
        put(dir, "context/research-plan.md", PLAN);
        put(dir, "context/clarifications.json", CLARIFICATIONS);
        put(dir, "context/decisions.json", DECISIONS);
    }
    if kind == Folder::FullContext {
        put(dir, "context/refinements.json", REFINEMENTS);
        put(dir, "references/guide.md", "# Guide\n");
    }
    if matches!(kind, Folder::SkillMdOnly | Folder::FullContext) {
        put(dir, "SKILL.md", &skill_md(name));
    }
}

/// Every file under `dir` outside `.git`, with its content.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.map(Result::unwrap) {
            if entry.file_name() == ".git" {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.insert(rel, std::fs::read(entry.path()).unwrap_or_default());
            }
        }
    }
    out
}

fn steps(env: &Env, skill: &str) -> (Vec<String>, i64, String) {
    let conn = env.sql();
    let list: Vec<String> = conn
        .prepare(
            "SELECT st.status FROM workflow_steps st JOIN workflow_runs w ON w.id = st.run_id
             JOIN skills s ON s.id = w.skill_id WHERE s.name = ?1 ORDER BY st.step_id",
        )
        .unwrap()
        .query_map([skill], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let (current, status) = conn
        .query_row(
            "SELECT w.current_step, w.status FROM workflow_runs w JOIN skills s ON s.id = w.skill_id WHERE s.name = ?1",
            [skill],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or((-1, String::new()));
    (list, current, status)
}

fn all(status: &str) -> Vec<String> {
    vec![status.to_string(); 6]
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn row_exists(env: &Env, skill: &str) -> bool {
    env.sql().prepare("SELECT 1 FROM skills WHERE name = ?1").unwrap().exists([skill]).unwrap()
}

#[tokio::test]
async fn every_row_and_folder_combination_gives_its_documented_outcome() {
    use Folder::*;
    let env = Env::start().await;
    let b = &env.backend;
    let kinds = [
        (Absent, "absent"),
        (Empty, "empty"),
        (SkillMdOnly, "skill-md"),
        (FullContext, "full"),
        (PartialSteps, "partial"),
    ];
    for (kind, label) in kinds {
        let with_row = format!("row-{label}");
        create(b, &with_row).await;
        make_folder(&env.skills().join(&with_row), &with_row, kind);
        let without_row = format!("disk-{label}");
        make_folder(&env.skills().join(&without_row), &without_row, kind);
    }
    // Empty folders are cleaned only once they are older than a skill creation can take.
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::open(env.skills().join("disk-empty")).unwrap().set_modified(an_hour_ago).unwrap();
    let before = files(&env.skills());

    let report = workspace::reconcile_startup(b, true).await.unwrap();
    assert_eq!(report.status, ReportStatus::Completed);

    // Row present.
    assert!(!row_exists(&env, "row-absent"), "a row with no folder and no progress is cleaned");
    assert_eq!(steps(&env, "row-empty"), (all("pending"), 0, "pending".into()));
    assert_eq!(steps(&env, "row-skill-md"), (all("pending"), 0, "pending".into()), "SKILL.md alone advances nothing");
    assert_eq!(steps(&env, "row-full"), (all("completed"), 6, "completed".into()));
    let partial = strs(&["completed", "completed", "skipped", "skipped", "completed", "pending"]);
    assert_eq!(steps(&env, "row-partial"), (partial, 5, "in_progress".into()));
    assert!(report.orphans.is_empty(), "{:?}", report.orphans);
    assert_eq!(report.auto_fixed, 2);
    assert!(report.notifications.iter().any(|n| n.starts_with("row-full: the workflow is complete on disk")));

    // Row absent.
    let discoveries: Vec<(&str, DiscoveryKind, Option<u8>)> =
        report.discoveries.iter().map(|d| (d.folder.as_str(), d.kind, d.detected_step)).collect();
    assert_eq!(
        discoveries,
        [
            ("disk-full", DiscoveryKind::Built, Some(5)),
            ("disk-partial", DiscoveryKind::PartialBuild, Some(4)),
            ("disk-skill-md", DiscoveryKind::Imported, None),
        ]
    );
    assert!(!env.skills().join("disk-empty").exists(), "an empty folder tree without a row is removed");
    assert_eq!(report.auto_cleaned, 2, "one row, one empty tree");
    assert!(!row_exists(&env, "disk-full"), "nothing is registered on its own");

    assert_eq!(files(&env.skills()), before, "no file was deleted or changed");

    // Pass 3: outside changes to known skills are committed; discoveries are not staged.
    b.git().status().await.unwrap();
    let repo = git2::Repository::open(env.skills()).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let summary = head.summary().unwrap().unwrap().to_string();
    assert!(summary.starts_with("reconcile: record external changes ("), "{summary}");
    assert!(summary.contains("row-full") && !summary.contains("disk-full"), "{summary}");
    let tree = head.tree().unwrap();
    assert!(tree.get_path(Path::new("row-full/SKILL.md")).is_ok());
    assert!(tree.get_path(Path::new("disk-full")).is_err());

    let again = workspace::reconcile_startup(b, true).await.unwrap();
    assert_eq!((again.auto_fixed, again.auto_cleaned, again.orphans.len()), (0, 0, 0), "a second pass is a no-op");
    assert_eq!(again.discoveries, report.discoveries);
    assert_eq!(workspace::reconcile_startup(b, false).await.unwrap(), again, "without force: the latest report");
}

#[tokio::test]
async fn orphans_wait_for_the_users_choice_and_each_action_does_only_what_it_says() {
    let env = Env::start().await;
    let b = &env.backend;
    for name in ["lost-out", "restorable", "gone", "wipe"] {
        create(b, name).await;
        make_folder(&env.skills().join(name), name, Folder::FullContext);
    }
    workspace::reconcile_startup(b, true).await.unwrap();
    assert_eq!(steps(&env, "lost-out").0, all("completed"));
    for name in ["lost-out", "restorable"] {
        std::fs::remove_file(env.skills().join(name).join("context/decisions.json")).unwrap();
    }
    let conn = env.sql();
    conn.execute(
        "INSERT INTO workflow_artifacts (run_id, step_id, relative_path, content, size_bytes, sha256, created_at, updated_at)
         SELECT w.id, 4, 'context/decisions.json', ?1, length(?1), 'x', 't', 't'
         FROM workflow_runs w JOIN skills s ON s.id = w.skill_id WHERE s.name = 'restorable'",
        [DECISIONS],
    )
    .unwrap();
    std::fs::remove_dir_all(env.skills().join("gone")).unwrap();
    let report = workspace::reconcile_startup(b, true).await.unwrap();
    let orphans: Vec<(&str, OrphanKind, &[String], bool)> =
        report.orphans.iter().map(|o| (o.skill_name.as_str(), o.kind, o.missing.as_slice(), o.restorable)).collect();
    let decisions = strs(&["context/decisions.json"]);
    assert_eq!(
        orphans,
        [
            ("gone", OrphanKind::FolderMissing, strs(&["gone/"]).as_slice(), false),
            ("lost-out", OrphanKind::OutputsMissing, decisions.as_slice(), false),
            ("restorable", OrphanKind::OutputsMissing, decisions.as_slice(), true),
        ]
    );
    assert_eq!(report.orphans[1].detected_step, Some(0));
    assert!(row_exists(&env, "gone"), "a row with progress is never cleaned on its own");
    assert_eq!(steps(&env, "lost-out").0, all("completed"), "no reset without the user");

    let err = error(workspace::resolve_orphan(b, "lost-out", OrphanAction::RestoreArtifacts).await);
    assert_eq!(err.code(), ErrorCode::InvalidInput, "nothing to restore: {err}");
    let after = workspace::resolve_orphan(b, "restorable", OrphanAction::RestoreArtifacts).await.unwrap();
    assert_eq!(std::fs::read_to_string(env.skills().join("restorable/context/decisions.json")).unwrap(), DECISIONS);
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(env.skills().join("restorable/context/decisions.json")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o644, "a restored file is an ordinary user file");
    }
    assert!(after.orphans.iter().all(|o| o.skill_name != "restorable"));

    let after = workspace::resolve_orphan(b, "lost-out", OrphanAction::ResetToDetected).await.unwrap();
    assert_eq!(
        steps(&env, "lost-out"),
        (strs(&["completed", "completed", "completed", "pending", "pending", "pending"]), 3, "in_progress".into())
    );
    assert!(after.orphans.iter().all(|o| o.skill_name != "lost-out"));
    assert!(env.skills().join("lost-out/SKILL.md").is_file(), "reset touches no file");

    let after = workspace::resolve_orphan(b, "gone", OrphanAction::Keep).await.unwrap();
    assert!(after.orphans.is_empty() && row_exists(&env, "gone"));
    assert_eq!(workspace::reconcile_startup(b, true).await.unwrap().orphans.len(), 1, "reported again next time");
    workspace::resolve_orphan(b, "gone", OrphanAction::DeleteRecord).await.unwrap();
    assert!(!row_exists(&env, "gone"));

    assert_eq!(
        code(workspace::resolve_orphan(b, "wipe", OrphanAction::DeleteAll).await),
        ErrorCode::NotFound,
        "not an orphan"
    );
    std::fs::remove_file(env.skills().join("wipe/SKILL.md")).unwrap();
    workspace::reconcile_startup(b, true).await.unwrap();
    let report = workspace::resolve_orphan(b, "wipe", OrphanAction::DeleteAll).await.unwrap();
    assert!(report.orphans.is_empty());
    assert!(!row_exists(&env, "wipe") && !env.skills().join("wipe").exists());
    let repo = git2::Repository::open(env.skills()).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.summary().unwrap(), Some("wipe: deleted"));
    // The checkpoint is the last commit holding the folder: reconciliation had already recorded
    // the outside edits, so no new checkpoint commit was needed.
    let checkpoint = head.parent(0).unwrap();
    assert!(checkpoint.tree().unwrap().get_path(Path::new("wipe/context/research-plan.md")).is_ok());
    assert!(checkpoint.tree().unwrap().get_path(Path::new("wipe/SKILL.md")).is_err());
}

#[tokio::test]
async fn discoveries_are_registered_ignored_or_deleted_only_on_request() {
    let env = Env::start().await;
    let b = &env.backend;
    // The repository starts with the library (opening a folder that already holds skills would
    // record them all in its first commit).
    create(b, "anchor").await;
    for (name, kind) in [
        ("found-built", Folder::FullContext),
        ("found-md", Folder::SkillMdOnly),
        ("found-other", Folder::SkillMdOnly),
        ("found-junk", Folder::SkillMdOnly),
    ] {
        make_folder(&env.skills().join(name), name, kind);
    }
    put(&env.skills(), "Bad_Name/SKILL.md", &skill_md("bad"));
    put(&env.skills(), "stray/notes.txt", "not a skill");
    put(&env.skills(), ".claude-plugin/hidden/SKILL.md", &skill_md("hidden"));
    put(&env.workspace(), ".claude/skills/ws-skill/SKILL.md", &skill_md("ws-skill"));
    put(&env.skills(), "found-md/SKILL.md", &skill_md("another-name"));
    let report = workspace::reconcile_startup(b, true).await.unwrap();
    let kinds: Vec<(&str, DiscoveryKind)> = report.discoveries.iter().map(|d| (d.folder.as_str(), d.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("Bad_Name", DiscoveryKind::InvalidName),
            ("found-built", DiscoveryKind::Built),
            ("found-junk", DiscoveryKind::Imported),
            ("found-md", DiscoveryKind::Imported),
            ("found-other", DiscoveryKind::Imported),
            ("stray", DiscoveryKind::Unrecognized),
        ],
        "dot folders and the workspace's .claude/skills are never scanned"
    );
    let found_md = report.discoveries.iter().find(|d| d.folder == "found-md").unwrap();
    assert!(found_md.warnings.iter().any(|w| w.contains("another-name")), "{:?}", found_md.warnings);
    assert!(!report.discoveries[0].actions.contains(&DiscoveryAction::Register));

    workspace::resolve_discovered(b, "found-built", DiscoveryAction::Register, None).await.unwrap();
    let listed = skills::list_skills(b, None).await.unwrap();
    let built: Vec<&SkillSummary> = listed.iter().filter(|s| s.name == "found-built").collect();
    assert_eq!(built[0].source, SkillSource::SkillBuilder);
    assert_eq!(built[0].workflow.as_ref().unwrap().status, WorkflowStatus::Completed);
    assert_eq!(built[0].description.as_deref(), Some("What found-built knows"));
    assert_eq!(
        env.sql()
            .query_row(
                "SELECT origin FROM workflow_runs w JOIN skills s ON s.id = w.skill_id WHERE s.name = 'found-built'",
                [],
                |r| r.get::<_, String>(0)
            )
            .unwrap(),
        "discovered"
    );
    let history = git::get_skill_history(b, "found-built", None, None).await.unwrap();
    assert_eq!(history[0].summary, "found-built: registered from disk");

    workspace::resolve_discovered(b, "found-md", DiscoveryAction::Register, None).await.unwrap();
    assert_eq!(
        skills::list_skills(b, None).await.unwrap().iter().find(|s| s.name == "found-md").unwrap().source,
        SkillSource::Imported
    );
    let err = error(workspace::resolve_discovered(b, "stray", DiscoveryAction::Register, None).await);
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(
        code(workspace::resolve_discovered(b, "../etc", DiscoveryAction::Delete, None).await),
        ErrorCode::PathRejected
    );

    workspace::resolve_discovered(b, "found-other", DiscoveryAction::Ignore, None).await.unwrap();
    let again = workspace::reconcile_startup(b, true).await.unwrap();
    assert!(again.discoveries.iter().all(|d| d.folder != "found-other"), "ignored folders stay ignored");
    assert!(env.skills().join("found-other/SKILL.md").is_file());

    let report = workspace::resolve_discovered(b, "found-junk", DiscoveryAction::Delete, None).await.unwrap();
    assert!(report.discoveries.iter().all(|d| d.folder != "found-junk"));
    assert!(!env.skills().join("found-junk").exists());
    let repo = git2::Repository::open(env.skills()).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.summary().unwrap(), Some("found-junk: deleted"));
    let checkpoint = head.parent(0).unwrap();
    assert_eq!(checkpoint.summary().unwrap(), Some("found-junk: checkpoint before delete"));
    assert!(checkpoint.tree().unwrap().get_path(Path::new("found-junk/SKILL.md")).is_ok());
    assert!(env.skills().join("stray/notes.txt").is_file() && env.skills().join("Bad_Name/SKILL.md").is_file());
}

#[tokio::test]
async fn skills_open_in_another_window_are_skipped() {
    let env = Env::start().await;
    let b = &env.backend;
    create(b, "shared").await;
    make_folder(&env.skills().join("shared"), "shared", Folder::FullContext);
    let mut holder = lock_holder(env.root(), "shared");
    let report = workspace::reconcile_startup(b, true).await.unwrap();
    assert_eq!(report.skipped_in_use, ["shared"]);
    assert_eq!(steps(&env, "shared").0, all("pending"), "not touched while the other window has it");
    holder.close_stdin();
    assert!(holder.wait(Duration::from_secs(10)).success());
    let report = workspace::reconcile_startup(b, true).await.unwrap();
    assert!(report.skipped_in_use.is_empty());
    assert_eq!(steps(&env, "shared").0, all("completed"));
}

fn set_age(path: &Path, days: u64) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(days * 86_400)).unwrap();
}

#[tokio::test]
async fn startup_reclaims_prunes_then_reconciles_and_publishes_the_report() {
    let env = Env::start().await;
    create(&env.backend, "ready").await;
    make_folder(&env.skills().join("ready"), "ready", Folder::FullContext);
    let logs = env.workspace().join("logs/ready");
    put(&logs, "old.jsonl", "{}");
    put(&logs, "recent.jsonl", "{}");
    put(&logs, "old-notes.txt", "not a transcript");
    set_age(&logs.join("old.jsonl"), 31);
    set_age(&logs.join("recent.jsonl"), 29);
    set_age(&logs.join("old-notes.txt"), 90);
    let conn = env.sql();
    let dead = dead_pid();
    conn.execute(
        "INSERT INTO skill_locks (skill_id, instance_id, pid, purpose, acquired_at)
         VALUES ((SELECT id FROM skills WHERE name = 'ready'), 'dead-instance', ?1, 'edit', 't')",
        [dead],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO workflow_sessions (session_id, kind, skill_id, skill_name, instance_id, pid, started_at)
         VALUES ('ses-dead', 'workflow', (SELECT id FROM skills WHERE name = 'ready'), 'ready', 'dead-instance', ?1, 't')",
        [dead],
    )
    .unwrap();
    env.backend.shutdown().await.unwrap();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let config = Config::for_test(env.root())
        .with_startup_reconciliation(true)
        .with_events(std::sync::Arc::new(ChannelSink(tx)));
    let backend = Backend::start(config).await.unwrap();
    let event = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Some(AppEvent::ReconciliationFinished(report)) = rx.recv().await {
                return report;
            }
        }
    })
    .await
    .expect("reconciliation-finished is published");
    assert_eq!(event.status, ReportStatus::Completed);
    assert_eq!(event.reclaimed_locks, 1, "stale locks of dead pids come first");
    assert_eq!(event.pruned_transcripts, 1);
    assert_eq!(event.auto_fixed, 1);
    assert!(
        !logs.join("old.jsonl").exists() && logs.join("recent.jsonl").exists() && logs.join("old-notes.txt").exists()
    );
    let end_reason: String = conn
        .query_row("SELECT end_reason FROM workflow_sessions WHERE session_id = 'ses-dead'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(end_reason, "orphaned");
    let reply = workspace::reconcile_startup(&backend, false).await.unwrap();
    assert_eq!(reply, *event, "the command returns the published report");
    backend.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_unreachable_skills_folder_skips_reconciliation_instead_of_cleaning() {
    let dir = tempfile::tempdir().unwrap();
    let env = Env::start_with(|c| c.with_skills_path(dir.path().join("unplugged-drive"))).await;
    let conn = env.sql();
    conn.execute(
        "INSERT INTO skills (name, skill_source, created_at, updated_at) VALUES ('away', 'skill-builder', 't', 't')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO workflow_runs (skill_id, created_at, updated_at) VALUES (last_insert_rowid(), 't', 't')",
        [],
    )
    .unwrap();
    let report = workspace::reconcile_startup(&env.backend, true).await.unwrap();
    assert_eq!(report.status, ReportStatus::Skipped);
    assert!(report.reason.unwrap().contains("unreachable"));
    assert!(row_exists(&env, "away"));
}

#[tokio::test]
async fn clear_workspace_removes_only_empty_scratch_folders() {
    let env = Env::start().await;
    let ws = env.workspace();
    std::fs::create_dir_all(ws.join("empty-scratch/nested")).unwrap();
    put(&ws, "busy-scratch/user-context.md", "# User context");
    put(&ws, "logs/a/run.jsonl", "{}");
    put(&ws, ".claude/CLAUDE.md", "custom");
    let report = workspace::clear_workspace(&env.backend).await.unwrap();
    assert_eq!(report.removed, ["empty-scratch"]);
    assert!(report.kept.contains(&"busy-scratch".to_string()) && report.kept.contains(&"logs".to_string()));
    assert!(ws.join("busy-scratch/user-context.md").is_file() && ws.join(".claude/CLAUDE.md").is_file());
    // The prompts are redeployed; the user's own CLAUDE.md text survives in the customization zone.
    let claude = std::fs::read_to_string(ws.join(".claude/CLAUDE.md")).unwrap();
    assert!(claude.starts_with("# Skill Builder workspace rules") && claude.ends_with("\ncustom\n"), "{claude}");
    assert!(ws.join(".claude/agents/research-orchestrator.md").is_file());
    assert!(!workspace::get_workspace_path(&env.backend).is_empty());

    env.sql()
        .execute(
            "INSERT INTO agent_runs (run_id, agent_id, kind, instance_id, model, status, started_at)
             VALUES ('run-w', 'ag-w', 'feedback', ?1, 'm', 'running', 't')",
            [&env.backend.instance().instance_id],
        )
        .unwrap();
    assert_eq!(code(workspace::clear_workspace(&env.backend).await), ErrorCode::AgentBusy);
}

#[test]
fn the_cli_reconciles_and_shows_history() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("skills")).unwrap();
    let run = |args: &[&str]| {
        let out = sb(root).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        serde_json::from_str::<serde_json::Value>(text.lines().last().unwrap()).unwrap()
    };
    let empty = run(&["workspace", "reconcile"]);
    assert_eq!(empty["status"], "completed");
    make_folder(&root.join("skills/cli-found"), "cli-found", Folder::FullContext);
    let report = run(&["workspace", "reconcile", "--force"]);
    assert_eq!(report["discoveries"][0]["folder"], "cli-found");
    assert_eq!(report["discoveries"][0]["kind"], "built");
    run(&["workspace", "resolve-discovered", "cli-found", "register"]);
    let history = run(&["git", "history", "cli-found"]);
    assert_eq!(history[0]["summary"], "cli-found: registered from disk");
    assert_eq!(history[0]["event"], "registered");
}
