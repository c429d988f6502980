//! Skill Management through `Backend`: create, list and its filters, rename, delete, tags,
//! the tri-state metadata patch, all tags, installed names and the library events.

use std::sync::Arc;

use serde_json::json;
use skill_builder::clock::{ManualClock, SharedClock};
use skill_builder::commands::{locks, settings, skills, usage, workspace};
use skill_builder::events::{AppEvent, ChannelSink};
use skill_builder::protocol::*;

use crate::support::*;

fn request(name: &str) -> CreateSkillRequest {
    CreateSkillRequest { name: name.into(), ..CreateSkillRequest::default() }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn names(list: &[SkillSummary]) -> Vec<&str> {
    list.iter().map(|s| s.name.as_str()).collect()
}

fn patch(value: serde_json::Value) -> SkillMetadataPatch {
    serde_json::from_value(value).unwrap()
}

async fn record_run(env: &Env, run_id: &str, skill: &str, session: Option<&str>) {
    let start = RunStart {
        run_id: run_id.into(),
        agent_id: format!("ag-{run_id}"),
        skill_name: Some(skill.into()),
        kind: AgentKind::WorkflowStep,
        step_id: Some(0),
        workflow_session_id: session.map(str::to_string),
        model: "claude-sonnet-4".into(),
    };
    usage::record_run_started(&env.backend, start).await.unwrap();
}

#[tokio::test]
async fn create_with_name_only_makes_folders_and_a_pending_workflow() {
    let env = Env::start().await;
    let skill = skills::create_skill(&env.backend, request("sales-kpis")).await.unwrap();
    assert_eq!(skill.name, "sales-kpis");
    assert_eq!(skill.source, SkillSource::SkillBuilder);
    assert_eq!(skill.skill_type, "domain");
    assert_eq!((skill.domain.as_deref(), skill.description.as_deref()), (None, None));
    assert!(skill.tags.is_empty());
    assert_eq!(skill.workflow, Some(WorkflowProgress { current_step: 0, status: WorkflowStatus::Pending }));
    assert_eq!(skill.lock.state, LockState::Free);
    assert!(env.skills().join("sales-kpis/context").is_dir());
    assert!(env.skills().join("sales-kpis/references").is_dir());
    let conn = env.sql();
    assert_eq!(scalar(&conn, "SELECT count(*) FROM workflow_steps"), 6);
    let version: String = conn.query_row("SELECT version FROM workflow_runs", [], |r| r.get(0)).unwrap();
    assert_eq!(version, "1.0.0");
}

#[tokio::test]
async fn create_with_domain_tags_and_intake_stores_them() {
    let env = Env::start().await;
    let intake = json!({ "scope": "Quarterly KPIs", "audience": "analysts" });
    let req = CreateSkillRequest {
        name: "kpi-builder".into(),
        domain: Some("  Sales analytics ".into()),
        description: Some("Builds KPI definitions".into()),
        tags: Some(strings(&[" Sales ", "KPI", "sales", ""])),
        intake: Some(intake.as_object().unwrap().clone()),
        version: Some("0.2.0".into()),
        ..CreateSkillRequest::default()
    };
    let skill = skills::create_skill(&env.backend, req).await.unwrap();
    assert_eq!(skill.domain.as_deref(), Some("Sales analytics"));
    assert_eq!(skill.description.as_deref(), Some("Builds KPI definitions"));
    assert_eq!(skill.tags, ["kpi", "sales"]);
    let (stored, version): (String, String) = env
        .sql()
        .query_row("SELECT intake_json, version FROM workflow_runs", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&stored).unwrap(), intake);
    assert_eq!(version, "0.2.0");
    assert_eq!(skills::list_skills(&env.backend, None).await.unwrap().to_vec(), vec![skill]);
}

#[tokio::test]
async fn invalid_names_are_rejected_before_anything_is_created() {
    let env = Env::start().await;
    let too_long = "a".repeat(65);
    for bad in ["../x", "Upper", "a--b", too_long.as_str(), "", "-a", "a b", "a/b", "a_b"] {
        let err = error(skills::create_skill(&env.backend, request(bad)).await);
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{bad:?}");
        assert_eq!(wire(err)["details"]["field"], "name", "{bad:?}");
    }
    let sixty_four = "a".repeat(64);
    create(&env.backend, &sixty_four).await;
    let on_disk: Vec<String> = std::fs::read_dir(env.skills())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| !name.starts_with('.'))
        .collect();
    assert_eq!(on_disk, [sixty_four.as_str()], "only the valid skill (besides git's files)");
    assert!(!env.root().join("x").exists(), "../x must not escape the skills folder");
    assert_eq!(scalar(&env.sql(), "SELECT count(*) FROM skills"), 1);
}

#[tokio::test]
async fn invalid_fields_are_rejected_before_anything_is_created() {
    let env = Env::start().await;
    let bad_intake = json!({ "evil": "x" }).as_object().unwrap().clone();
    let cases = [
        CreateSkillRequest { domain: Some("two\nlines".into()), ..request("bad-domain") },
        CreateSkillRequest { domain: Some("d".repeat(101)), ..request("long-domain") },
        CreateSkillRequest { tags: Some(strings(&["a,b"])), ..request("comma-tag") },
        CreateSkillRequest { tags: Some((0..21).map(|i| format!("t{i}")).collect()), ..request("many-tags") },
        CreateSkillRequest { intake: Some(bad_intake), ..request("bad-intake") },
    ];
    for req in cases {
        let name = req.name.clone();
        assert_eq!(code(skills::create_skill(&env.backend, req).await), ErrorCode::InvalidInput, "{name}");
        assert!(!env.skills().join(&name).exists(), "{name}");
    }
    assert_eq!(scalar(&env.sql(), "SELECT count(*) FROM skills"), 0);
}

#[tokio::test]
async fn duplicate_name_is_already_exists_and_changes_nothing() {
    let env = Env::start().await;
    create(&env.backend, "taken").await;
    std::fs::write(env.skills().join("taken/SKILL.md"), "keep me").unwrap();
    let err = error(skills::create_skill(&env.backend, request("taken")).await);
    assert_eq!(err.code(), ErrorCode::AlreadyExists);
    assert_eq!(std::fs::read_to_string(env.skills().join("taken/SKILL.md")).unwrap(), "keep me");

    // A folder without a row is also taken, and is left alone.
    std::fs::create_dir_all(env.skills().join("stray/notes")).unwrap();
    assert_eq!(code(skills::create_skill(&env.backend, request("stray")).await), ErrorCode::AlreadyExists);
    assert!(env.skills().join("stray/notes").is_dir());

    // A row without a folder: the folders created for the attempt are removed again.
    std::fs::remove_dir_all(env.skills().join("taken")).unwrap();
    assert_eq!(code(skills::create_skill(&env.backend, request("taken")).await), ErrorCode::AlreadyExists);
    assert!(!env.skills().join("taken").exists());
    assert_eq!(scalar(&env.sql(), "SELECT count(*) FROM skills"), 1);
}

#[tokio::test]
async fn list_filters_by_source_status_tag_and_literal_search() {
    let clock = ManualClock::at_millis(1_767_225_600_000);
    let shared: SharedClock = clock.clone();
    let env = Env::start_with(|c| c.with_clock(shared)).await;
    let specs = [
        ("pct", "Finance", "100% coverage", &["KPI"][..]),
        ("no-pct", "Finance", "1000 coverage", &[][..]),
        ("under", "sales_ops", "x", &["ops"][..]),
        ("no-under", "salesXops", "y", &["ops", "kpi"][..]),
    ];
    for (name, domain, description, tags) in specs {
        let req = CreateSkillRequest {
            domain: Some(domain.into()),
            description: Some(description.into()),
            tags: Some(strings(tags)),
            ..request(name)
        };
        skills::create_skill(&env.backend, req).await.unwrap();
        clock.advance_millis(1000);
    }
    insert_imported_skill(&env.sql(), "imported-one");
    env.sql().execute("UPDATE workflow_runs SET status = 'in_progress' WHERE skill_id = (SELECT id FROM skills WHERE name = 'under')", []).unwrap();

    let list = |filter: SkillFilter| {
        let backend = env.backend.clone();
        async move { skills::list_skills(&backend, Some(filter)).await.unwrap() }
    };
    let all = skills::list_skills(&env.backend, None).await.unwrap();
    assert_eq!(names(&all), ["no-under", "under", "no-pct", "pct", "imported-one"], "newest first");
    let imported = list(SkillFilter { source: Some(SkillSource::Imported), ..SkillFilter::default() }).await;
    assert_eq!(names(&imported), ["imported-one"]);
    assert_eq!(imported[0].workflow, None);
    let built = list(SkillFilter { source: Some(SkillSource::SkillBuilder), ..SkillFilter::default() }).await;
    assert_eq!(built.len(), 4);
    let in_progress = list(SkillFilter { status: Some(WorkflowStatus::InProgress), ..SkillFilter::default() }).await;
    assert_eq!(names(&in_progress), ["under"]);
    let tagged = list(SkillFilter { tag: Some(" KPI ".into()), ..SkillFilter::default() }).await;
    assert_eq!(names(&tagged), ["no-under", "pct"]);
    let percent = list(SkillFilter { search: Some("100%".into()), ..SkillFilter::default() }).await;
    assert_eq!(names(&percent), ["pct"], "% is matched literally");
    let underscore = list(SkillFilter { search: Some("s_o".into()), ..SkillFilter::default() }).await;
    assert_eq!(names(&underscore), ["under"], "_ is matched literally");
    let any_case = list(SkillFilter { search: Some("FINANCE".into()), ..SkillFilter::default() }).await;
    assert_eq!(names(&any_case), ["no-pct", "pct"]);
    let combined =
        list(SkillFilter { tag: Some("ops".into()), search: Some("no-".into()), ..SkillFilter::default() }).await;
    assert_eq!(names(&combined), ["no-under"]);
}

#[tokio::test]
async fn rename_moves_folders_and_keeps_tags_lock_skill_md_and_usage_history() {
    let env = Env::start().await;
    let req = CreateSkillRequest { tags: Some(strings(&["b", "a"])), ..request("old-name") };
    skills::create_skill(&env.backend, req).await.unwrap();
    let skill_md = "---\nname: old-name\ndescription: d\n---\n# Body\nname: stays\n";
    std::fs::write(env.skills().join("old-name/SKILL.md"), skill_md).unwrap();
    std::fs::create_dir_all(env.workspace().join("old-name")).unwrap();
    std::fs::write(env.workspace().join("old-name/user-context.md"), "ctx").unwrap();
    let session = workspace::create_workflow_session(&env.backend, "old-name", SessionKind::Test).await.unwrap();
    record_run(&env, "run-1", "old-name", Some(&session.session_id)).await;
    locks::acquire_lock(&env.backend, "old-name", LockPurpose::Workflow).await.unwrap();

    let renamed = skills::rename_skill(&env.backend, "old-name", "new-name").await.unwrap();
    assert_eq!(renamed.name, "new-name");
    assert_eq!(renamed.tags, ["a", "b"]);
    assert_eq!(renamed.lock.state, LockState::Mine, "the lock follows the skill");
    assert!(!env.skills().join("old-name").exists());
    assert_eq!(
        std::fs::read_to_string(env.skills().join("new-name/SKILL.md")).unwrap(),
        "---\nname: new-name\ndescription: d\n---\n# Body\nname: stays\n"
    );
    assert!(env.skills().join("new-name/context").is_dir());
    assert!(!env.workspace().join("old-name").exists());
    assert_eq!(std::fs::read_to_string(env.workspace().join("new-name/user-context.md")).unwrap(), "ctx");
    let runs = usage::get_recent_runs(&env.backend, 10).await.unwrap();
    assert_eq!(runs[0].skill_name.as_deref(), Some("new-name"));
    let sessions = usage::get_recent_workflow_sessions(&env.backend, 10, None).await.unwrap();
    assert_eq!(sessions[0].skill_name, "new-name");
    assert_eq!(names(&skills::list_skills(&env.backend, None).await.unwrap()), ["new-name"]);
    assert_eq!(locks::check_lock(&env.backend, "new-name").await.unwrap().state, LockState::Mine);

    assert_eq!(code(skills::rename_skill(&env.backend, "new-name", "Bad Name").await), ErrorCode::InvalidInput);
    assert_eq!(code(skills::rename_skill(&env.backend, "missing", "other").await), ErrorCode::NotFound);
    assert_eq!(skills::rename_skill(&env.backend, "new-name", "new-name").await.unwrap().name, "new-name");
}

#[tokio::test]
async fn rename_releases_the_edit_lock_it_took() {
    let env = Env::start().await;
    create(&env.backend, "before").await;
    skills::rename_skill(&env.backend, "before", "after").await.unwrap();
    assert_eq!(locks::check_lock(&env.backend, "after").await.unwrap().state, LockState::Free);
    assert!(locks::get_locked_skills(&env.backend).await.unwrap().is_empty());
}

#[tokio::test]
async fn rename_onto_an_existing_skill_or_folder_moves_nothing() {
    let env = Env::start().await;
    create(&env.backend, "first").await;
    create(&env.backend, "second").await;
    std::fs::write(env.skills().join("first/SKILL.md"), "first").unwrap();

    assert_eq!(code(skills::rename_skill(&env.backend, "first", "second").await), ErrorCode::AlreadyExists);
    std::fs::create_dir(env.skills().join("folder-only")).unwrap();
    assert_eq!(code(skills::rename_skill(&env.backend, "first", "folder-only").await), ErrorCode::AlreadyExists);
    // The name is taken in the database only: the folder move is undone when the row refuses.
    std::fs::remove_dir_all(env.skills().join("second")).unwrap();
    assert_eq!(code(skills::rename_skill(&env.backend, "first", "second").await), ErrorCode::AlreadyExists);

    assert_eq!(std::fs::read_to_string(env.skills().join("first/SKILL.md")).unwrap(), "first");
    assert!(!env.skills().join("second").exists());
    assert!(env.skills().join("folder-only").read_dir().unwrap().next().is_none());
    let mut listed = names(&skills::list_skills(&env.backend, None).await.unwrap())
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>();
    listed.sort();
    assert_eq!(listed, ["first", "second"]);
    assert_eq!(locks::check_lock(&env.backend, "first").await.unwrap().state, LockState::Free, "edit lock released");
}

#[tokio::test]
async fn delete_checkpoints_the_folder_in_git_before_removing_it() {
    let env = Env::start().await;
    create(&env.backend, "versioned").await;
    std::fs::write(env.skills().join("versioned/SKILL.md"), "v1").unwrap();
    let report = skills::delete_skill(&env.backend, "versioned", true).await.unwrap();
    let sha = report.checkpoint_sha.expect("a checkpoint commit");
    assert_eq!(report.trash_path, None);
    assert!(!env.skills().join("versioned").exists());
    let repo = git2::Repository::open(env.skills()).unwrap();
    let commit = repo.find_commit(git2::Oid::from_str(&sha).unwrap()).unwrap();
    let summary = commit.summary().unwrap().unwrap_or_default().to_string();
    assert!(summary.contains("checkpoint before delete"), "{summary}");
    let entry = commit.tree().unwrap().get_path(std::path::Path::new("versioned/SKILL.md")).unwrap();
    assert_eq!(repo.find_blob(entry.id()).unwrap().content(), b"v1");
}

#[tokio::test]
async fn delete_moves_the_folder_to_trash_cascades_and_keeps_usage_history() {
    let env = Env::start().await;
    // Without automatic commits git cannot keep a checkpoint, so the folder goes to the trash.
    let no_git: SettingsPatch = serde_json::from_value(json!({ "gitAutoCommit": false })).unwrap();
    settings::save_settings(&env.backend, no_git).await.unwrap();
    let gone = CreateSkillRequest { tags: Some(strings(&["x", "shared"])), ..request("gone") };
    skills::create_skill(&env.backend, gone).await.unwrap();
    let kept = CreateSkillRequest { tags: Some(strings(&["y", "shared"])), ..request("kept") };
    skills::create_skill(&env.backend, kept).await.unwrap();
    std::fs::write(env.skills().join("gone/SKILL.md"), "bye").unwrap();
    std::fs::create_dir_all(env.workspace().join("gone")).unwrap();
    let session = workspace::create_workflow_session(&env.backend, "gone", SessionKind::Test).await.unwrap();
    record_run(&env, "run-gone", "gone", Some(&session.session_id)).await;
    locks::acquire_lock(&env.backend, "gone", LockPurpose::Edit).await.unwrap();

    let report = skills::delete_skill(&env.backend, "gone", true).await.unwrap();
    assert_eq!(report.checkpoint_sha, None);
    let trash = std::path::PathBuf::from(report.trash_path.expect("a safety copy"));
    assert!(trash.starts_with(env.data().join("trash")), "{trash:?}");
    assert!(trash.file_name().unwrap().to_string_lossy().starts_with("gone-"));
    assert_eq!(std::fs::read_to_string(trash.join("SKILL.md")).unwrap(), "bye");
    assert!(!env.skills().join("gone").exists());
    assert!(!env.workspace().join("gone").exists());
    assert_eq!(report.removed.len(), 2);

    assert_eq!(names(&skills::list_skills(&env.backend, None).await.unwrap()), ["kept"]);
    assert_eq!(skills::get_all_tags(&env.backend).await.unwrap(), ["shared", "y"]);
    let conn = env.sql();
    assert_eq!(scalar(&conn, "SELECT count(*) FROM skill_locks"), 0);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM workflow_runs"), 1);
    assert_eq!(scalar(&conn, "SELECT count(*) FROM workflow_steps"), 6);
    let (name, skill_id): (String, Option<i64>) =
        conn.query_row("SELECT skill_name, skill_id FROM agent_runs", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((name.as_str(), skill_id), ("gone", None), "history keeps the name snapshot");
    assert_eq!(
        scalar(&conn, "SELECT count(*) FROM workflow_sessions WHERE skill_name = 'gone' AND skill_id IS NULL"),
        1
    );
    assert_eq!(usage::get_recent_runs(&env.backend, 10).await.unwrap()[0].skill_name.as_deref(), Some("gone"));

    assert_eq!(code(skills::delete_skill(&env.backend, "gone", true).await), ErrorCode::NotFound);
    assert_eq!(code(skills::delete_skill(&env.backend, "never-was", true).await), ErrorCode::NotFound);
    assert_eq!(code(skills::delete_skill(&env.backend, "../kept", true).await), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn delete_without_files_keeps_the_folder() {
    let env = Env::start().await;
    create(&env.backend, "keep-files").await;
    let report = skills::delete_skill(&env.backend, "keep-files", false).await.unwrap();
    assert_eq!(report.trash_path, None);
    assert!(env.skills().join("keep-files/context").is_dir());
    assert!(skills::list_skills(&env.backend, None).await.unwrap().is_empty());
}

#[tokio::test]
async fn tags_are_normalised_validated_and_replaced() {
    let env = Env::start().await;
    let req = CreateSkillRequest { tags: Some(strings(&["old"])), ..request("tagged") };
    let before = skills::create_skill(&env.backend, req).await.unwrap();
    let stored = skills::update_skill_tags(&env.backend, "tagged", strings(&[" Sales ", "sales", "", "KPI", "  "]))
        .await
        .unwrap();
    assert_eq!(stored, ["kpi", "sales"]);
    let after = skills::list_skills(&env.backend, None).await.unwrap()[0].clone();
    assert_eq!(after.tags, ["kpi", "sales"]);
    assert!(after.updated_at >= before.updated_at);
    for bad in [strings(&["a,b"]), vec!["x".repeat(41)], (0..21).map(|i| format!("t{i}")).collect()] {
        assert_eq!(code(skills::update_skill_tags(&env.backend, "tagged", bad).await), ErrorCode::InvalidInput);
    }
    assert_eq!(skills::list_skills(&env.backend, None).await.unwrap()[0].tags, ["kpi", "sales"], "unchanged");
    assert!(skills::update_skill_tags(&env.backend, "tagged", vec![]).await.unwrap().is_empty());
    assert_eq!(code(skills::update_skill_tags(&env.backend, "nope", strings(&["a"])).await), ErrorCode::NotFound);
}

/// `workflow_runs` display name, version, model, argument hint, user-invocable,
/// disable-model-invocation and intake.
type BuilderFields =
    (Option<String>, Option<String>, Option<String>, Option<String>, Option<bool>, Option<bool>, Option<String>);

#[tokio::test]
async fn metadata_patch_is_tri_state() {
    let env = Env::start().await;
    let req = CreateSkillRequest { domain: Some("Sales".into()), description: Some("Old".into()), ..request("meta") };
    skills::create_skill(&env.backend, req).await.unwrap();
    let update = |value: serde_json::Value| {
        let backend = env.backend.clone();
        async move { skills::update_skill_metadata(&backend, "meta", patch(value)).await }
    };

    let s = update(json!({ "description": "New" })).await.unwrap();
    assert_eq!((s.domain.as_deref(), s.description.as_deref()), (Some("Sales"), Some("New")), "absent keeps");
    let s = update(json!({ "domain": null })).await.unwrap();
    assert_eq!((s.domain.as_deref(), s.description.as_deref()), (None, Some("New")), "null clears");
    let s = update(json!({ "skillType": "platform" })).await.unwrap();
    assert_eq!(s.skill_type, "platform");
    let s = update(json!({ "skillType": null })).await.unwrap();
    assert_eq!(s.skill_type, "domain", "a cleared type falls back to the default");

    update(json!({
        "displayName": "Meta", "version": "2.0.0", "model": "opus", "argumentHint": "[file]",
        "userInvocable": true, "disableModelInvocation": false, "intake": { "scope": "all" }
    }))
    .await
    .unwrap();
    update(json!({ "version": null, "userInvocable": null })).await.unwrap();
    let row: BuilderFields = env
        .sql()
        .query_row(
            "SELECT display_name, version, model, argument_hint, user_invocable, disable_model_invocation, intake_json
             FROM workflow_runs",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            Some("Meta".into()),
            None,
            Some("opus".into()),
            Some("[file]".into()),
            None,
            Some(false),
            Some(r#"{"scope":"all"}"#.into())
        )
    );

    assert_eq!(code(update(json!({ "domain": "two\nlines" })).await), ErrorCode::InvalidInput);
    assert_eq!(code(update(json!({ "intake": { "evil": "x" } })).await), ErrorCode::InvalidInput);
    let missing = skills::update_skill_metadata(&env.backend, "nope", patch(json!({ "domain": "x" }))).await;
    assert_eq!(code(missing), ErrorCode::NotFound);
}

#[tokio::test]
async fn builder_only_fields_are_refused_for_imported_skills() {
    let env = Env::start().await;
    insert_imported_skill(&env.sql(), "outside");
    let s = skills::update_skill_metadata(&env.backend, "outside", patch(json!({ "domain": "X", "description": "D" })))
        .await
        .unwrap();
    assert_eq!((s.domain.as_deref(), s.description.as_deref()), (Some("X"), Some("D")));
    for field in
        ["displayName", "version", "model", "argumentHint", "userInvocable", "disableModelInvocation", "intake"]
    {
        let value = match field {
            "userInvocable" | "disableModelInvocation" => json!(true),
            "intake" => json!({ "scope": "x" }),
            _ => json!("v"),
        };
        let mut mixed = serde_json::Map::new();
        mixed.insert("domain".into(), json!("Y"));
        mixed.insert(field.into(), value);
        let mixed = patch(serde_json::Value::Object(mixed));
        let err = error(skills::update_skill_metadata(&env.backend, "outside", mixed).await);
        assert_eq!(err.code(), ErrorCode::NotSupported, "{field}");
    }
    let after = skills::list_skills(&env.backend, None).await.unwrap()[0].clone();
    assert_eq!(after.domain.as_deref(), Some("X"), "a refused patch changes nothing");
    assert_eq!(after.lock.state, LockState::Free);
}

#[tokio::test]
async fn all_tags_and_installed_names_span_the_library_and_workspace() {
    let env = Env::start().await;
    for (name, tags) in [("s-one", &["b", "a"][..]), ("s-two", &["a", "c"][..]), ("both", &[][..])] {
        let req = CreateSkillRequest { tags: Some(strings(tags)), ..request(name) };
        skills::create_skill(&env.backend, req).await.unwrap();
    }
    assert_eq!(skills::get_all_tags(&env.backend).await.unwrap(), ["a", "b", "c"]);
    let conn = env.sql();
    for name in ["ws-only", "both"] {
        conn.execute(
            "INSERT INTO workspace_skills (name, origin, content_sha256, imported_at, updated_at)
             VALUES (?1, 'upload', 'abc', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            [name],
        )
        .unwrap();
    }
    let installed = skills::get_installed_skill_names(&env.backend).await.unwrap();
    let pairs: Vec<(&str, Registry)> = installed.iter().map(|i| (i.name.as_str(), i.registry)).collect();
    assert_eq!(
        pairs,
        [
            ("both", Registry::Library),
            ("both", Registry::Workspace),
            ("s-one", Registry::Library),
            ("s-two", Registry::Library),
            ("ws-only", Registry::Workspace),
        ]
    );
}

#[tokio::test]
async fn library_and_lock_changes_are_announced_as_events() {
    let (sender, mut events) = tokio::sync::mpsc::unbounded_channel();
    let env = Env::start_with(|c| c.with_events(Arc::new(ChannelSink(sender)))).await;
    create(&env.backend, "noisy").await;
    locks::acquire_lock(&env.backend, "noisy", LockPurpose::Edit).await.unwrap();
    skills::update_skill_tags(&env.backend, "noisy", strings(&["t"])).await.unwrap();
    locks::release_lock(&env.backend, "noisy", false).await.unwrap();
    let _ = skills::create_skill(&env.backend, request("Bad")).await;
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    let skills_changed = AppEvent::SkillsChanged { skill_name: "noisy".into() };
    let locks_changed = AppEvent::LocksChanged { skill_name: "noisy".into() };
    assert_eq!(seen, [skills_changed.clone(), locks_changed.clone(), skills_changed, locks_changed]);
}

#[tokio::test]
async fn the_library_sorts_by_name_and_by_creation() {
    // Creation times a millisecond apart come from a manual clock, not from waiting.
    let clock = ManualClock::at_millis(1_767_225_600_000);
    let shared: SharedClock = clock.clone();
    let env = Env::start_with(|c| c.with_clock(shared)).await;
    let backend = env.backend.clone();
    for name in ["charlie", "alpha", "bravo"] {
        let req = CreateSkillRequest { name: name.into(), ..CreateSkillRequest::default() };
        skill_builder::commands::skills::create_skill(&backend, req).await.unwrap();
        clock.advance_millis(5);
    }
    let names = |sort| {
        let backend = backend.clone();
        async move {
            let filter = SkillFilter { sort: Some(sort), ..SkillFilter::default() };
            let list = skill_builder::commands::skills::list_skills(&backend, Some(filter)).await.unwrap();
            list.iter().map(|s| s.name.clone()).collect::<Vec<_>>()
        }
    };
    assert_eq!(names(SkillSort::Name).await, ["alpha", "bravo", "charlie"]);
    assert_eq!(names(SkillSort::RecentlyCreated).await, ["bravo", "alpha", "charlie"]);
}

/// A skill's (empty) folders exist a moment before its row; a reconciliation pass in that moment
/// (here or in another window) must not clean them as an empty unclaimed tree.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creating_skills_while_reconciliation_runs_keeps_their_folders() {
    let env = Env::start().await;
    let reconciling = {
        let backend = env.backend.clone();
        tokio::spawn(async move {
            for _ in 0..200 {
                let _ = workspace::reconcile_startup(&backend, true).await;
            }
        })
    };
    let mut created = Vec::new();
    for i in 0..60 {
        let name = format!("fresh-{i:02}");
        create(&env.backend, &name).await;
        created.push(name);
        tokio::task::yield_now().await;
    }
    reconciling.abort();
    let missing: Vec<&String> = created.iter().filter(|n| !env.skills().join(n).join("context").is_dir()).collect();
    assert!(missing.is_empty(), "a concurrent reconciliation removed new skills' folders: {missing:?}");
}

/// The library list is cached between writes; writes by this backend and by any other
/// connection to the file (another instance, the CLI) must both show on the next list.
#[tokio::test]
async fn the_library_list_shows_every_write_whoever_made_it() {
    let env = Env::start().await;
    create(&env.backend, "first").await;
    let names = |list: &[SkillSummary]| list.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&skills::list_skills(&env.backend, None).await.unwrap()), ["first"]);

    skills::update_skill_tags(&env.backend, "first", vec!["fresh".into()]).await.unwrap();
    assert_eq!(skills::list_skills(&env.backend, None).await.unwrap()[0].tags, ["fresh"], "our own write");

    env.sql().execute("UPDATE skills SET domain = 'Edited elsewhere' WHERE name = 'first'", []).unwrap();
    let listed = skills::list_skills(&env.backend, None).await.unwrap();
    assert_eq!(listed[0].domain.as_deref(), Some("Edited elsewhere"), "another connection's write");
}
