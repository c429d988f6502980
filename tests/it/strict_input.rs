//! Strict input (issue 8 item 8): unknown and read-only patch keys are errors, program paths are
//! checked where they are set, skill names follow the path rules, a missing skill is
//! `not_found`, and with `--json` even argument errors are `CommandError` objects.

use std::path::Path;

use serde_json::{Value, json};
use skill_builder::commands::{settings, skills, usage};
use skill_builder::protocol::*;

use crate::support::*;

fn create_request(name: &str) -> CreateSkillRequest {
    CreateSkillRequest { name: name.into(), ..CreateSkillRequest::default() }
}

#[test]
fn patches_with_unknown_or_read_only_keys_do_not_parse() {
    for bad in [json!({ "fooBar": 1 }), json!({ "githubUserLogin": "mallory" }), json!({ "dataDir": "/tmp" })] {
        assert!(serde_json::from_value::<SettingsPatch>(bad.clone()).is_err(), "{bad}");
    }
    for bad in [json!({ "name": "other" }), json!({ "fooBar": 1 }), json!({ "tags": ["a"] })] {
        assert!(serde_json::from_value::<SkillMetadataPatch>(bad.clone()).is_err(), "{bad}");
    }
    assert!(serde_json::from_value::<SettingsPatch>(json!({ "debugMode": true })).is_ok());
    assert!(serde_json::from_value::<SkillMetadataPatch>(json!({ "domain": null })).is_ok());
}

#[tokio::test]
async fn claude_code_path_must_be_an_absolute_executable_file() {
    let env = Env::start().await;
    let b = &env.backend;
    let not_executable = env.root().join("claude.txt");
    std::fs::write(&not_executable, "#!/bin/sh\n").unwrap();
    for bad in
        ["../../bin/sh", "claude", "/no/such/claude", env.root().to_str().unwrap(), not_executable.to_str().unwrap()]
    {
        let patch: SettingsPatch = serde_json::from_value(json!({ "claudeCodePath": bad })).unwrap();
        let err = error(settings::save_settings(b, patch).await);
        assert_eq!(wire(err)["details"]["field"], "claudeCodePath", "{bad}");
    }
    assert_eq!(settings::get_settings(b).await.unwrap().settings.claude_code_path, None, "nothing was stored");
    let sh = std::env::current_exe().unwrap();
    let patch: SettingsPatch = serde_json::from_value(json!({ "claudeCodePath": sh })).unwrap();
    let saved = settings::save_settings(b, patch).await.unwrap();
    assert_eq!(saved.settings.claude_code_path.as_deref(), sh.to_str());
}

#[tokio::test]
async fn device_names_are_not_skill_names() {
    let env = Env::start().await;
    for name in ["con", "nul", "aux", "prn", "com1", "lpt9"] {
        let err = error(skills::create_skill(&env.backend, create_request(name)).await);
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{name}");
        assert!(!env.skills().join(name).exists(), "{name}");
    }
    skills::create_skill(&env.backend, create_request("console")).await.unwrap();
}

#[tokio::test]
async fn per_skill_usage_of_a_missing_skill_is_not_found() {
    let env = Env::start().await;
    assert_eq!(code(usage::get_step_agent_runs(&env.backend, "no-such", 1).await), ErrorCode::NotFound);
    skills::create_skill(&env.backend, create_request("real")).await.unwrap();
    assert!(usage::get_step_agent_runs(&env.backend, "real", 1).await.unwrap().is_empty());
}

/// The real binary with `--json`: (exit code, the last stdout line as JSON).
fn sb_json(root: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let output = sb(root).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_else(|| {
        panic!("no JSON on stdout for {args:?}; stderr: {}", String::from_utf8_lossy(&output.stderr))
    });
    (output.status.code(), serde_json::from_str(last).unwrap_or_else(|e| panic!("not JSON ({e}): {last}")))
}

#[test]
fn the_cli_refuses_read_only_keys_by_name_and_prints_argument_errors_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (exit, err) = sb_json(root, &["settings", "save", r#"{"githubUserLogin":"mallory"}"#]);
    assert_eq!(exit, Some(1));
    assert_eq!(err["code"], "invalid_input");
    assert_eq!(err["details"]["field"], "githubUserLogin");
    let (_, err) = sb_json(root, &["settings", "save", r#"{"fooBar":1}"#]);
    assert_eq!(err["details"]["field"], "fooBar");
    let (exit, _) = sb_json(root, &["skills", "create", "kept"]);
    assert_eq!(exit, Some(0));
    let (_, err) = sb_json(root, &["skills", "metadata", "kept", r#"{"name":"other"}"#]);
    assert_eq!(err["details"]["field"], "name");
    assert!(err["message"].as_str().unwrap().contains("rename"), "{err}");
    let (_, err) = sb_json(root, &["usage", "step-runs", "no-such", "1"]);
    assert_eq!(err["code"], "not_found");

    for args in [&["usage", "step-runs"][..], &["usage", "step-runs", "kept", "x"], &["skills", "frobnicate"]] {
        let (exit, err) = sb_json(root, args);
        assert_eq!(exit, Some(2), "{args:?}");
        assert_eq!(err["code"], "invalid_input", "{args:?}: {err}");
        assert!(err["details"]["reason"].as_str().is_some_and(|r| !r.is_empty()), "{err}");
    }
}
