//! A chosen skills folder that is missing, as on a drive that is not mounted (issue 8 item 6):
//! it is reported as `skills_path_unreachable`, never recreated empty; reconciliation skips and
//! changes nothing (no orphans, no cleaned rows) and git does not start a repository there.

use std::path::Path;

use skill_builder::commands::{settings, skills, workspace};
use skill_builder::protocol::*;
use skill_builder::{Backend, Config};

use crate::support::*;

const UNREACHABLE: &str = "skills_path_unreachable";

/// A backend that follows the `skills_path` setting (no `--skills-path`).
async fn start(root: &Path) -> Backend {
    Backend::start(Config { skills_path_override: None, ..Config::for_test(root) }).await.unwrap()
}

#[tokio::test]
async fn a_missing_chosen_skills_folder_is_reported_and_nothing_is_recreated_or_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let drive = dir.path().join("drive");
    let chosen = drive.join("skills");
    std::fs::create_dir_all(&chosen).unwrap();
    let b = start(dir.path()).await;
    let patch =
        serde_json::from_value(serde_json::json!({ "skillsPath": { "path": chosen, "mode": "adopt" } })).unwrap();
    settings::save_settings(&b, patch).await.unwrap();
    create(&b, "written").await;
    std::fs::write(chosen.join("written/SKILL.md"), "body").unwrap();
    let patch: SkillMetadataPatch = serde_json::from_value(serde_json::json!({ "domain": "d" })).unwrap();
    skills::update_skill_metadata(&b, "written", patch).await.unwrap();
    create(&b, "untouched").await;
    b.shutdown().await.unwrap();

    std::fs::remove_dir_all(&drive).unwrap(); // the drive is unplugged
    let b = start(dir.path()).await;
    let report = workspace::reconcile_startup(&b, true).await.unwrap();
    assert_eq!(report.status, ReportStatus::Skipped, "{report:?}");
    assert!(report.reason.as_deref().unwrap_or_default().contains("missing or unreachable"), "{report:?}");
    assert!(report.orphans.is_empty() && report.auto_cleaned == 0);

    let new = CreateSkillRequest { name: "another".into(), ..CreateSkillRequest::default() };
    let refused = wire(error(skills::create_skill(&b, new).await));
    assert_eq!(refused["code"], UNREACHABLE);
    assert_eq!(refused["details"]["path"], chosen.display().to_string());
    assert!(refused["fixHint"].is_string());
    assert_eq!(wire(error(skills::delete_skill(&b, "written", true).await))["code"], UNREACHABLE);
    assert_eq!(wire(error(skills::rename_skill(&b, "written", "renamed").await))["code"], UNREACHABLE);
    let status = b.git().status().await.unwrap();
    assert_eq!(status.state, GitReadiness::Disabled);
    assert!(status.message.unwrap_or_default().contains("unreachable"));

    assert!(!drive.exists(), "nothing was created in place of the missing folder");
    let names: Vec<String> = skills::list_skills(&b, None).await.unwrap().iter().map(|s| s.name.clone()).collect();
    assert_eq!(names.len(), 2, "every row is intact: {names:?}");
    assert!(names.contains(&"written".to_string()) && names.contains(&"untouched".to_string()));
    b.shutdown().await.unwrap();
}
