//! Settings through `Backend` (backend.md §3.3, §8): defaults, patches, secrets that never
//! leave the backend, and the API key check and model list against a fake API on 127.0.0.1
//! (pointed at with the `anthropicBaseUrl` setting; those tests hold `env_lock` so that no
//! other test's `SKILL_BUILDER_ANTHROPIC_BASE_URL`, which would win, is set meanwhile).

use serde_json::json;
use skill_builder::Backend;
use skill_builder::commands::settings;
use skill_builder::protocol::*;

use crate::support::*;

const SECRET_KEY: &str = "sk-valid-very-secret-key-9876";

fn patch(value: serde_json::Value) -> SettingsPatch {
    serde_json::from_value(value).unwrap()
}

async fn point_at(backend: &Backend, fake: &FakeAnthropic) {
    settings::save_settings(backend, patch(json!({ "anthropicBaseUrl": fake.base_url }))).await.unwrap();
}

#[tokio::test]
async fn defaults_are_returned_for_a_fresh_database() {
    let env = Env::start().await;
    let view = settings::get_settings(&env.backend).await.unwrap();
    assert_eq!(view.settings, AppSettings::default());
    assert_eq!(view.settings.max_parallel_agents, 4);
    assert_eq!(view.settings.anthropic_base_url, "https://api.anthropic.com");
    assert!(!view.anthropic_api_key.set && !view.github_token.set);
    assert_eq!(view.data_dir, env.data().display().to_string());
    assert_eq!(view.workspace_path, env.workspace().display().to_string());
    assert!(view.log_file_path.starts_with(&view.data_dir));
    assert_eq!(settings::get_data_dir(&env.backend), view.data_dir);
}

#[tokio::test]
async fn save_applies_a_patch_keeps_absent_fields_and_clears_nulls() {
    let mut env = Env::start().await;
    let b = &env.backend;
    settings::save_settings(b, patch(json!({ "industry": "Retail", "functionRole": "Analyst", "maxDimensions": 9 })))
        .await
        .unwrap();
    let view = settings::save_settings(b, patch(json!({ "debugMode": true, "functionRole": null }))).await.unwrap();
    assert_eq!(view.settings.industry.as_deref(), Some("Retail"), "absent keeps");
    assert_eq!(view.settings.function_role, None, "null clears");
    assert!(view.settings.debug_mode);
    assert_eq!(view.settings.max_dimensions, 9);
    settings::set_log_level(b, LogLevel::Debug).await.unwrap();
    env.restart().await;
    let reloaded = settings::get_settings(&env.backend).await.unwrap().settings;
    assert_eq!(reloaded.industry.as_deref(), Some("Retail"));
    assert_eq!(reloaded.log_level, LogLevel::Debug, "persisted across restarts");
}

#[tokio::test]
async fn an_invalid_patch_changes_nothing() {
    let env = Env::start().await;
    let b = &env.backend;
    let before = settings::get_settings(b).await.unwrap();
    for bad in [
        json!({ "maxDimensions": 9, "maxParallelAgents": 99 }),
        json!({ "skillsPath": "relative/path" }),
        json!({ "anthropicBaseUrl": "http://example.com" }),
        json!({ "dashboardViewMode": "table" }),
        json!({ "maxBudgetUsd": -1.0 }),
        json!({ "industry": "two\nlines" }),
        json!({ "anthropicApiKey": { "set": "   " } }),
    ] {
        let result = settings::save_settings(b, patch(bad.clone())).await;
        assert_eq!(code(result), ErrorCode::InvalidInput, "{bad}");
    }
    assert_eq!(settings::get_settings(b).await.unwrap(), before);
}

#[tokio::test]
async fn secrets_never_appear_in_the_settings_view() {
    let env = Env::start().await;
    let b = &env.backend;
    let saved = settings::save_settings(b, patch(json!({ "anthropicApiKey": { "set": SECRET_KEY } }))).await.unwrap();
    let view = settings::get_settings(b).await.unwrap();
    for shown in [&saved, &view] {
        let text = serde_json::to_string(shown).unwrap();
        assert!(!text.contains(SECRET_KEY), "{text}");
        assert!(!text.contains("very-secret"), "{text}");
        assert_eq!(
            shown.anthropic_api_key,
            SecretStatus { set: true, hint: Some("9876".into()), backend: "database".into() }
        );
    }
    let patch_debug = format!("{:?}", patch(json!({ "anthropicApiKey": { "set": SECRET_KEY } })));
    assert!(!patch_debug.contains(SECRET_KEY), "{patch_debug}");
    let cleared = settings::save_settings(b, patch(json!({ "anthropicApiKey": "clear" }))).await.unwrap();
    assert!(!cleared.anthropic_api_key.set);
    assert_eq!(cleared.anthropic_api_key.hint, None);
}

#[tokio::test]
async fn test_api_key_maps_the_http_status_to_an_outcome() {
    let _clean_env = env_lock().await;
    let env = Env::start().await;
    let fake = FakeAnthropic::start().await;
    point_at(&env.backend, &fake).await;
    let cases = [
        ("sk-valid-1", ApiKeyOutcome::Valid, 200),
        ("sk-revoked", ApiKeyOutcome::Invalid, 401),
        ("sk-broken", ApiKeyOutcome::Unknown, 500),
    ];
    for (key, outcome, status) in cases {
        let check = settings::test_api_key(&env.backend, Some(key.into())).await.unwrap();
        assert_eq!((check.outcome, check.http_status), (outcome, Some(status)), "{key}");
        assert!(!check.message.contains(key));
    }
    let seen = fake.requests();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|r| r.target == "/v1/models?limit=1"), "{seen:?}");
    assert!(seen.iter().all(|r| r.version_header.as_deref() == Some("2023-06-01")));
    assert_eq!(seen[0].api_key.as_deref(), Some("sk-valid-1"));
}

#[tokio::test]
async fn test_api_key_without_an_argument_uses_the_stored_key() {
    let _clean_env = env_lock().await;
    let env = Env::start().await;
    let fake = FakeAnthropic::start().await;
    point_at(&env.backend, &fake).await;
    assert_eq!(code(settings::test_api_key(&env.backend, None).await), ErrorCode::ApiKeyMissing);
    assert_eq!(code(settings::test_api_key(&env.backend, Some("   ".into())).await), ErrorCode::ApiKeyMissing);
    assert!(fake.requests().is_empty(), "nothing is sent without a key");
    settings::save_settings(&env.backend, patch(json!({ "anthropicApiKey": { "set": SECRET_KEY } }))).await.unwrap();
    let check = settings::test_api_key(&env.backend, None).await.unwrap();
    assert_eq!(check.outcome, ApiKeyOutcome::Valid);
    assert_eq!(fake.requests()[0].api_key.as_deref(), Some(SECRET_KEY));
}

#[tokio::test]
async fn list_models_follows_pagination_and_keeps_claude_models_in_api_order() {
    let _clean_env = env_lock().await;
    let env = Env::start().await;
    let fake = FakeAnthropic::start().await;
    point_at(&env.backend, &fake).await;
    let models = settings::list_models(&env.backend, Some("sk-valid-2".into())).await.unwrap();
    let pairs: Vec<(&str, &str)> = models.iter().map(|m| (m.id.as_str(), m.display_name.as_str())).collect();
    assert_eq!(pairs, [("claude-a", "Claude A"), ("claude-b", "claude-b"), ("claude-c", "Claude C")]);
    let targets: Vec<String> = fake.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/v1/models?limit=100", "/v1/models?limit=100&after_id=claude-b"]);
}

#[tokio::test]
async fn list_models_maps_rejections_to_error_codes() {
    let _clean_env = env_lock().await;
    let env = Env::start().await;
    let fake = FakeAnthropic::start().await;
    point_at(&env.backend, &fake).await;
    let b = &env.backend;
    let unauthorized = error(settings::list_models(b, Some("sk-revoked".into())).await);
    assert_eq!(unauthorized.code(), ErrorCode::Unauthorized);
    assert_eq!(wire(unauthorized)["details"]["service"], "anthropic");
    let limited = error(settings::list_models(b, Some("sk-throttled".into())).await);
    assert_eq!(limited.code(), ErrorCode::RateLimited);
    assert_eq!(wire(limited)["details"]["retryAfterSecs"], 7);
    let upstream = error(settings::list_models(b, Some("sk-broken".into())).await);
    assert_eq!(upstream.code(), ErrorCode::Upstream);
    assert_eq!(wire(upstream)["details"]["status"], 500);
    assert_eq!(code(settings::list_models(b, None).await), ErrorCode::ApiKeyMissing);
}

#[tokio::test]
async fn an_unreachable_api_is_a_network_error() {
    let _clean_env = env_lock().await;
    let env = Env::start().await;
    // Bind and drop a listener so the port is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    settings::save_settings(&env.backend, patch(json!({ "anthropicBaseUrl": url }))).await.unwrap();
    let err = error(settings::test_api_key(&env.backend, Some("sk-valid-3".into())).await);
    assert_eq!(err.code(), ErrorCode::Network);
    assert!(!wire(err).to_string().contains("sk-valid-3"), "the key never reaches an error");
}
