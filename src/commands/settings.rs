//! Settings commands. Secrets never leave the backend: the view shows only whether one is set
//! and its last four characters.

use std::time::Duration;

use crate::Backend;
use crate::config::default_skills_path;
use crate::events::AppEvent;
use crate::protocol::*;
use crate::secrets::{SecretKey, Sensitive};
use crate::telemetry::log_file_path;

const ANTHROPIC_VERSION: &str = "2023-06-01";
const API_KEY_CHECK_TIMEOUT: Duration = Duration::from_secs(10);
const MODELS_PAGE_TIMEOUT: Duration = Duration::from_secs(15);
const MODELS_MAX_PAGES: usize = 10;

pub async fn get_settings(backend: &Backend) -> Result<AppSettingsView, AppError> {
    let settings = backend.db().settings().await?;
    let api_key = backend.secrets().get(SecretKey::AnthropicApiKey).await?;
    let github = backend.secrets().get(SecretKey::GitHubToken).await?;
    Ok(AppSettingsView {
        settings,
        anthropic_api_key: secret_status(backend, api_key.as_ref()),
        github_token: secret_status(backend, github.as_ref()),
        data_dir: backend.paths().data_dir.display().to_string(),
        workspace_path: backend.paths().workspace.display().to_string(),
        log_file_path: get_log_file_path(backend),
        git_status: backend.git().last_status(),
        skills_path_migration: None,
    })
}

fn secret_status(backend: &Backend, secret: Option<&Sensitive<String>>) -> SecretStatus {
    SecretStatus {
        set: secret.is_some(),
        hint: secret.map(Sensitive::hint),
        backend: backend.secrets().backend().as_str().into(),
    }
}

#[tracing::instrument(skip_all, err)]
pub async fn save_settings(backend: &Backend, patch: SettingsPatch) -> Result<AppSettingsView, AppError> {
    let level = patch.log_level;
    // Validate the whole patch before a skills-folder change copies anything.
    let current = backend.db().settings().await?;
    let mut preview = current.clone();
    preview.apply(&patch)?;
    if let Some(path) = preview.claude_code_path.as_deref().filter(|_| patch.claude_code_path.is_some()) {
        check_executable("claudeCodePath", path).await?;
    }
    let migration = match &patch.skills_path {
        Some(update) if preview.skills_path != current.skills_path => {
            Some(super::skills_path::prepare(backend, &current, update.as_ref()).await?)
        }
        _ => None,
    };
    let git_changed =
        (preview.git_auto_commit, preview.git_allow_nested) != (current.git_auto_commit, current.git_allow_nested);
    // The secret goes first: a keychain that does not answer then changes nothing else.
    match &patch.anthropic_api_key {
        Some(SecretUpdate::Set(value)) => {
            backend.secrets().set(SecretKey::AnthropicApiKey, Sensitive::new(value.clone())).await?;
        }
        Some(SecretUpdate::Clear) => backend.secrets().delete(SecretKey::AnthropicApiKey).await?,
        None => {}
    }
    let saved = backend.db().update_settings(patch).await?;
    if migration.is_some() || git_changed {
        let root = crate::backend::effective_skills_path(backend.skills_path_override(), saved.skills_path.as_deref());
        if let Err(err) = backend.git().reopen(root, crate::backend::git_settings(&saved)).await {
            tracing::warn!(%err, "the skills folder's repository could not be reopened");
        }
    }
    if migration.is_some() {
        // The new folder is compared with the library in the background; the UI gets the event.
        backend.reconciler().refresh();
    }
    if let (Some(level), Some(control)) = (level, backend.log_control()) {
        control.set_level(level)?;
    }
    backend.emit(AppEvent::SettingsChanged);
    let mut view = get_settings(backend).await?;
    view.skills_path_migration = migration;
    Ok(view)
}

/// Stores a secret (the CLI reads it from stdin); the answer says where it went, never what.
#[tracing::instrument(skip_all, fields(key = key.field_name()), err)]
pub async fn set_secret(backend: &Backend, key: SecretKey, value: Sensitive<String>) -> Result<SecretStatus, AppError> {
    backend.secrets().set(key, value).await?;
    backend.emit(AppEvent::SettingsChanged);
    let stored = backend.secrets().get(key).await?;
    Ok(secret_status(backend, stored.as_ref()))
}

#[tracing::instrument(skip_all, fields(key = key.field_name()), err)]
pub async fn clear_secret(backend: &Backend, key: SecretKey) -> Result<SecretStatus, AppError> {
    backend.secrets().delete(key).await?;
    backend.emit(AppEvent::SettingsChanged);
    Ok(secret_status(backend, None))
}

/// A program path setting must name an existing executable file (checked where it is set, so a
/// relative or dangling path never reaches an agent launch).
async fn check_executable(field: &str, path: &str) -> Result<(), AppError> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| AppError::invalid(field, format!("'{path}' cannot be used: {e}")))?;
    #[cfg(unix)]
    let executable = std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0;
    #[cfg(not(unix))]
    let executable = true;
    if !meta.is_file() || !executable {
        return Err(AppError::invalid(field, format!("'{path}' is not an executable file")));
    }
    Ok(())
}

/// The Anthropic API base URL: the environment override wins (tests, gateways).
async fn anthropic_base_url(backend: &Backend) -> Result<String, AppError> {
    if let Ok(url) = std::env::var("SKILL_BUILDER_ANTHROPIC_BASE_URL") {
        return validate_base_url("SKILL_BUILDER_ANTHROPIC_BASE_URL", &url);
    }
    Ok(backend.db().settings().await?.anthropic_base_url)
}

async fn key_or_stored(backend: &Backend, api_key: Option<String>) -> Result<Sensitive<String>, AppError> {
    match api_key.map(|k| k.trim().to_string()).filter(|k| !k.is_empty()) {
        Some(key) => Ok(Sensitive::new(key)),
        None => backend.secrets().get(SecretKey::AnthropicApiKey).await?.ok_or(AppError::ApiKeyMissing),
    }
}

fn network_error(err: reqwest::Error, operation: &str, after: Duration) -> AppError {
    if err.is_timeout() {
        AppError::Timeout { operation: operation.into(), after }
    } else {
        // reqwest's message names the URL and cause, never a header value.
        AppError::Network { service: "anthropic", message: err.without_url().to_string() }
    }
}

/// Checks a key with one free request (`GET /v1/models?limit=1`). A rejected key is an
/// answer (`invalid`), not an error; only a network failure is.
#[tracing::instrument(skip_all, err)]
pub async fn test_api_key(backend: &Backend, api_key: Option<String>) -> Result<ApiKeyCheck, AppError> {
    let key = key_or_stored(backend, api_key).await?;
    let url = format!("{}/v1/models?limit=1", anthropic_base_url(backend).await?);
    let response = backend
        .http()
        .get(&url)
        .header("x-api-key", key.expose())
        .header("anthropic-version", ANTHROPIC_VERSION)
        .timeout(API_KEY_CHECK_TIMEOUT)
        .send()
        .await
        .map_err(|e| network_error(e, "API key check", API_KEY_CHECK_TIMEOUT))?;
    let status = response.status().as_u16();
    let (outcome, message) = match status {
        200 => (ApiKeyOutcome::Valid, "The API key works.".to_string()),
        401 | 403 => (ApiKeyOutcome::Invalid, "The API key was rejected.".to_string()),
        other => (ApiKeyOutcome::Unknown, format!("The API answered HTTP {other}; the key could not be checked.")),
    };
    Ok(ApiKeyCheck { outcome, http_status: Some(status), message })
}

#[derive(serde::Deserialize)]
struct ModelsPage {
    data: Vec<ModelEntry>,
    #[serde(default)]
    has_more: bool,
    last_id: Option<String>,
}

#[derive(serde::Deserialize)]
struct ModelEntry {
    id: String,
    display_name: Option<String>,
}

/// Every `claude-*` model the key can use, in API order, following pagination.
#[tracing::instrument(skip_all, err)]
pub async fn list_models(backend: &Backend, api_key: Option<String>) -> Result<Vec<ModelInfo>, AppError> {
    let key = key_or_stored(backend, api_key).await?;
    let base = anthropic_base_url(backend).await?;
    let mut models = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..MODELS_MAX_PAGES {
        // Model ids are plain ASCII tokens, so the cursor needs no escaping.
        let url = match &after {
            Some(after_id) => format!("{base}/v1/models?limit=100&after_id={after_id}"),
            None => format!("{base}/v1/models?limit=100"),
        };
        let request = backend
            .http()
            .get(url)
            .header("x-api-key", key.expose())
            .header("anthropic-version", ANTHROPIC_VERSION)
            .timeout(MODELS_PAGE_TIMEOUT);
        let response = request.send().await.map_err(|e| network_error(e, "model list", MODELS_PAGE_TIMEOUT))?;
        let page: ModelsPage = match response.status().as_u16() {
            200 => response.json().await.map_err(|e| AppError::Upstream {
                service: "anthropic",
                status: Some(200),
                message: format!("unreadable model list: {}", e.without_url()),
            })?,
            401 | 403 => return Err(AppError::Unauthorized { service: "anthropic" }),
            429 => {
                let retry = response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
                return Err(AppError::RateLimited {
                    service: "anthropic",
                    retry_after_secs: retry,
                    reset_at: None,
                    authenticated: true,
                });
            }
            other => {
                return Err(AppError::Upstream {
                    service: "anthropic",
                    status: Some(other),
                    message: "model list".into(),
                });
            }
        };
        models.extend(
            page.data
                .into_iter()
                .filter(|m| m.id.starts_with("claude-"))
                .map(|m| ModelInfo { display_name: m.display_name.unwrap_or_else(|| m.id.clone()), id: m.id }),
        );
        match (page.has_more, page.last_id) {
            (true, Some(last)) => after = Some(last),
            _ => break,
        }
    }
    Ok(models)
}

/// Changes the log level at once and remembers it for the next start.
#[tracing::instrument(skip_all, fields(level = level.as_str()), err)]
pub async fn set_log_level(backend: &Backend, level: LogLevel) -> Result<(), AppError> {
    if let Some(control) = backend.log_control() {
        control.set_level(level)?;
    }
    let patch = SettingsPatch { log_level: Some(level), ..SettingsPatch::default() };
    backend.db().update_settings(patch).await?;
    Ok(())
}

pub fn get_log_file_path(backend: &Backend) -> String {
    let today = backend.clock().now().format("%Y-%m-%d").to_string();
    log_file_path(&backend.paths().logs, &today).display().to_string()
}

pub fn get_default_skills_path() -> Result<String, AppError> {
    Ok(default_skills_path()?.display().to_string())
}

pub fn get_data_dir(backend: &Backend) -> String {
    backend.paths().data_dir.display().to_string()
}
