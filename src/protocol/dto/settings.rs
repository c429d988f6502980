//! Settings DTOs: the stored document, the patch the UI sends and the redacted view it gets back.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::skills::Patch;

/// Log verbosity, switchable at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// Which agent runtime runs agents: the real SDK, or the built-in mock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AgentBackend {
    #[default]
    Sdk,
    Mock,
}

/// The stored settings document (`settings.key = 'app_settings'`). Unknown keys are ignored and
/// missing keys take their defaults, so older and newer versions can share one database.
/// Secrets are not part of it (see `secrets.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    pub skills_path: Option<String>,
    pub preferred_model: String,
    pub log_level: LogLevel,
    pub extended_thinking: bool,
    pub extended_context: bool,
    pub debug_mode: bool,
    pub splash_shown: bool,
    pub dashboard_view_mode: Option<String>,
    pub ui_prefs: Option<serde_json::Value>,
    pub github_user_login: Option<String>,
    pub github_user_avatar: Option<String>,
    pub github_user_email: Option<String>,
    pub marketplace_url: Option<String>,
    pub max_dimensions: u32,
    pub industry: Option<String>,
    pub function_role: Option<String>,
    pub git_auto_commit: bool,
    pub git_allow_nested: bool,
    pub max_parallel_agents: u32,
    pub agent_run_timeout_min: u32,
    pub max_budget_usd: Option<f64>,
    pub agent_backend: AgentBackend,
    pub claude_code_path: Option<String>,
    pub transcript_retention_days: u32,
    pub anthropic_base_url: String,
    pub github_api_base_url: String,
    pub github_web_base_url: String,
    pub github_raw_base_url: String,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            skills_path: None,
            preferred_model: "sonnet".into(),
            log_level: LogLevel::Info,
            extended_thinking: false,
            extended_context: false,
            debug_mode: false,
            splash_shown: false,
            dashboard_view_mode: None,
            ui_prefs: None,
            github_user_login: None,
            github_user_avatar: None,
            github_user_email: None,
            marketplace_url: None,
            max_dimensions: 5,
            industry: None,
            function_role: None,
            git_auto_commit: true,
            git_allow_nested: false,
            max_parallel_agents: 4,
            agent_run_timeout_min: 45,
            max_budget_usd: None,
            agent_backend: AgentBackend::Sdk,
            claude_code_path: None,
            transcript_retention_days: 30,
            anthropic_base_url: "https://api.anthropic.com".into(),
            github_api_base_url: "https://api.github.com".into(),
            github_web_base_url: "https://github.com".into(),
            github_raw_base_url: "https://raw.githubusercontent.com".into(),
        }
    }
}

/// How a secret changes in a settings patch: `{"set": "…"}` or `"clear"`.
#[derive(Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SecretUpdate {
    Set(String),
    Clear,
}

impl std::fmt::Debug for SecretUpdate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretUpdate::Set(_) => "Set([REDACTED])",
            SecretUpdate::Clear => "Clear",
        })
    }
}

/// `save_settings`: absent fields stay as they are; `null` clears a clearable field.
/// GitHub identity fields are written only by the sign-in flow and cannot be patched; they and
/// every other key not listed here are refused (`super::strict` names read-only ones).
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SettingsPatch {
    /// A new skills folder: a bare path (adopt) or `{path, mode: "adopt" | "copy"}`; `null`
    /// returns to the default `~/.vibedata` (backend.md §6.6).
    #[serde(deserialize_with = "super::skills::patch_field")]
    #[specta(type = Option<super::skills_path::SkillsPathUpdate>)]
    pub skills_path: Patch<super::skills_path::SkillsPathUpdate>,
    pub preferred_model: Option<String>,
    pub log_level: Option<LogLevel>,
    pub extended_thinking: Option<bool>,
    pub extended_context: Option<bool>,
    pub debug_mode: Option<bool>,
    pub splash_shown: Option<bool>,
    #[serde(deserialize_with = "super::skills::patch_field")]
    #[specta(type = Option<String>)]
    pub dashboard_view_mode: Patch<String>,
    #[serde(deserialize_with = "super::skills::patch_field")]
    #[specta(type = Option<serde_json::Value>)]
    pub ui_prefs: Patch<serde_json::Value>,
    #[serde(deserialize_with = "super::skills::patch_field")]
    #[specta(type = Option<String>)]
    pub marketplace_url: Patch<String>,
    pub max_dimensions: Option<u32>,
    #[serde(deserialize_with = "super::skills::patch_field")]
    #[specta(type = Option<String>)]
    pub industry: Patch<String>,
    #[serde(deserialize_with = "super::skills::patch_field")]
    #[specta(type = Option<String>)]
    pub function_role: Patch<String>,
    pub git_auto_commit: Option<bool>,
    pub git_allow_nested: Option<bool>,
    pub max_parallel_agents: Option<u32>,
    pub agent_run_timeout_min: Option<u32>,
    #[serde(deserialize_with = "super::skills::patch_field")]
    #[specta(type = Option<f64>)]
    pub max_budget_usd: Patch<f64>,
    pub agent_backend: Option<AgentBackend>,
    #[serde(deserialize_with = "super::skills::patch_field")]
    #[specta(type = Option<String>)]
    pub claude_code_path: Patch<String>,
    pub transcript_retention_days: Option<u32>,
    pub anthropic_base_url: Option<String>,
    pub github_api_base_url: Option<String>,
    pub github_web_base_url: Option<String>,
    pub github_raw_base_url: Option<String>,
    pub anthropic_api_key: Option<SecretUpdate>,
}

/// Whether a secret is stored, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SecretStatus {
    pub set: bool,
    /// The last four characters, so the user can tell keys apart.
    pub hint: Option<String>,
    /// Where it is kept: `"keychain"` (the OS keychain), `"database"` (the 0600 database file,
    /// when no keychain answered at startup) or `"memory"` (tests).
    pub backend: String,
}

/// `get_settings`: stored settings, secret status and the read-only paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppSettingsView {
    pub settings: AppSettings,
    pub anthropic_api_key: SecretStatus,
    pub github_token: SecretStatus,
    pub data_dir: String,
    pub workspace_path: String,
    pub log_file_path: String,
    /// The skills folder's repository (backend.md §6.1).
    pub git_status: Option<super::git::GitStatus>,
    /// What `save_settings` did to change the skills folder; `None` otherwise.
    pub skills_path_migration: Option<super::skills_path::SkillsPathMigration>,
}

/// Outcome of `test_api_key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyOutcome {
    Valid,
    Invalid,
    Unknown,
}

/// `test_api_key`'s answer: never an error for a rejected key, since that is a normal outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyCheck {
    pub outcome: ApiKeyOutcome,
    pub http_status: Option<u16>,
    pub message: String,
}

/// One model from `list_models`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    pub id: String,
    pub display_name: String,
}

impl AppSettings {
    /// Validates every present field of `patch`, then applies them all; on any error nothing
    /// changes. Secrets in the patch are stored separately by the caller.
    pub fn apply(&mut self, patch: &SettingsPatch) -> Result<(), crate::protocol::AppError> {
        use crate::protocol::AppError;
        let mut next = self.clone();
        if let Some(path) = &patch.skills_path {
            next.skills_path = match path.as_ref().map(|p| p.path().trim()) {
                None | Some("") => None,
                Some(p) if std::path::Path::new(p).is_absolute() => Some(p.trim_end_matches('/').to_string()),
                Some(_) => return Err(AppError::invalid("skillsPath", "must be an absolute path")),
            };
        }
        if let Some(SecretUpdate::Set(value)) = &patch.anthropic_api_key
            && value.trim().is_empty()
        {
            return Err(AppError::invalid("anthropicApiKey", "must not be empty"));
        }
        if let Some(model) = &patch.preferred_model {
            next.preferred_model = bounded_text("preferredModel", model, 100)?;
        }
        set_if(&mut next.log_level, patch.log_level);
        set_if(&mut next.extended_thinking, patch.extended_thinking);
        set_if(&mut next.extended_context, patch.extended_context);
        set_if(&mut next.debug_mode, patch.debug_mode);
        set_if(&mut next.splash_shown, patch.splash_shown);
        set_if(&mut next.git_auto_commit, patch.git_auto_commit);
        set_if(&mut next.git_allow_nested, patch.git_allow_nested);
        set_if(&mut next.agent_backend, patch.agent_backend);
        if let Some(mode) = &patch.dashboard_view_mode {
            if mode.as_deref().is_some_and(|m| m != "grid" && m != "list") {
                return Err(AppError::invalid("dashboardViewMode", "must be grid or list"));
            }
            next.dashboard_view_mode = mode.clone();
        }
        if let Some(prefs) = &patch.ui_prefs {
            next.ui_prefs = prefs.clone();
        }
        for (field, target, value) in [
            ("industry", &mut next.industry, &patch.industry),
            ("functionRole", &mut next.function_role, &patch.function_role),
            ("marketplaceUrl", &mut next.marketplace_url, &patch.marketplace_url),
            ("claudeCodePath", &mut next.claude_code_path, &patch.claude_code_path),
        ] {
            if let Some(value) = value {
                *target = value.as_deref().map(|v| bounded_text(field, v, 500)).transpose()?;
            }
        }
        if let Some(Some(path)) = &patch.claude_code_path
            && !std::path::Path::new(path.trim()).is_absolute()
        {
            return Err(AppError::invalid("claudeCodePath", "must be an absolute path to the Claude Code binary"));
        }
        for (field, target, value, range) in [
            ("maxDimensions", &mut next.max_dimensions, patch.max_dimensions, 1..=18),
            ("maxParallelAgents", &mut next.max_parallel_agents, patch.max_parallel_agents, 1..=8),
            ("agentRunTimeoutMin", &mut next.agent_run_timeout_min, patch.agent_run_timeout_min, 5..=240),
            ("transcriptRetentionDays", &mut next.transcript_retention_days, patch.transcript_retention_days, 1..=365),
        ] {
            if let Some(value) = value {
                if !range.contains(&value) {
                    return Err(AppError::invalid(
                        field,
                        format!("must be between {} and {}", range.start(), range.end()),
                    ));
                }
                *target = value;
            }
        }
        if let Some(budget) = patch.max_budget_usd {
            if budget.is_some_and(|b| !(b.is_finite() && b > 0.0)) {
                return Err(AppError::invalid("maxBudgetUsd", "must be a positive number"));
            }
            next.max_budget_usd = budget;
        }
        for (field, target, value) in [
            ("anthropicBaseUrl", &mut next.anthropic_base_url, &patch.anthropic_base_url),
            ("githubApiBaseUrl", &mut next.github_api_base_url, &patch.github_api_base_url),
            ("githubWebBaseUrl", &mut next.github_web_base_url, &patch.github_web_base_url),
            ("githubRawBaseUrl", &mut next.github_raw_base_url, &patch.github_raw_base_url),
        ] {
            if let Some(url) = value {
                *target = validate_base_url(field, url)?;
            }
        }
        *self = next;
        Ok(())
    }
}

fn set_if<T: Copy>(target: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *target = value;
    }
}

fn bounded_text(field: &str, value: &str, max: usize) -> Result<String, crate::protocol::AppError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.contains('\n') {
        return Err(crate::protocol::AppError::invalid(field, format!("must be one line of 1 to {max} characters")));
    }
    Ok(value.to_string())
}

/// Only `https`, or `http` to a loopback host (local fakes in tests), is accepted.
pub fn validate_base_url(field: &str, url: &str) -> Result<String, crate::protocol::AppError> {
    let url = url.trim().trim_end_matches('/');
    // The host must end where the prefix does: `http://127.0.0.1:80@evil.example` names the
    // host `evil.example` (everything before `@` is user info), so only a numeric port may follow.
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|prefix| {
        url.strip_prefix(prefix).is_some_and(|rest| {
            let port = rest.split('/').next().unwrap_or_default();
            port.is_empty()
                || port.strip_prefix(':').is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        })
    });
    let https =
        url.strip_prefix("https://").is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace));
    if !(https || loopback) {
        return Err(crate::protocol::AppError::invalid(field, "must be an https URL (http only for 127.0.0.1)"));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_validates_everything_before_changing_anything() {
        let mut settings = AppSettings::default();
        let patch: SettingsPatch =
            serde_json::from_value(serde_json::json!({ "maxDimensions": 9, "maxParallelAgents": 99 })).unwrap();
        assert!(settings.apply(&patch).is_err());
        assert_eq!(settings, AppSettings::default());
    }

    #[test]
    fn null_clears_and_absent_keeps() {
        let mut settings = AppSettings { industry: Some("Retail".into()), ..AppSettings::default() };
        let keep: SettingsPatch = serde_json::from_value(serde_json::json!({ "debugMode": true })).unwrap();
        settings.apply(&keep).unwrap();
        assert_eq!(settings.industry.as_deref(), Some("Retail"));
        let clear: SettingsPatch = serde_json::from_value(serde_json::json!({ "industry": null })).unwrap();
        settings.apply(&clear).unwrap();
        assert_eq!(settings.industry, None);
    }

    #[test]
    fn base_urls_must_be_https_or_loopback() {
        assert!(validate_base_url("u", "https://api.anthropic.com/").is_ok());
        assert!(validate_base_url("u", "http://127.0.0.1:4010").is_ok());
        for bad in [
            "http://example.com",
            "http://127.0.0.1.evil.com",
            "http://127.0.0.1:80@evil.com",
            "http://localhost:1@evil.com/v1",
            "http://127.0.0.1?@evil.com",
            "ftp://x",
            "https://",
            "localhost",
        ] {
            assert!(validate_base_url("u", bad).is_err(), "{bad}");
        }
    }
}
