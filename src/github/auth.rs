//! GitHub sign-in with the OAuth device flow (RFC 8628; backend.md §3.9): start, one poll at a
//! time (the caller waits `interval`, 5 s more after `slow_down`), the signed-in user from
//! settings, and sign-out. The token goes only to the secret store; the login, avatar and
//! e-mail go to settings, where nothing else may write them.
//!
//! The small HTTP helpers at the end (base URLs, status → `AppError`) are shared with
//! `feedback.rs`.

use std::time::Duration;

use reqwest::{RequestBuilder, Response};
use serde::Deserialize;

use crate::Backend;
use crate::protocol::dto::settings::validate_base_url;
use crate::protocol::{AppError, DeviceFlowStart, DevicePollResult, DevicePollStatus, GitHubUser};
use crate::secrets::{SecretKey, Sensitive};

/// This project's OAuth app (a build-time constant; `SKILL_BUILDER_GITHUB_CLIENT_ID` at run
/// time overrides it, for tests and forks).
const CLIENT_ID: &str = match option_env!("SKILL_BUILDER_GITHUB_CLIENT_ID") {
    Some(id) => id,
    None => "skill-builder-dev",
};
const SCOPES: &str = "repo read:user";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.5: after `slow_down` the interval grows by 5 seconds.
const SLOW_DOWN_STEP: u32 = 5;
const DEFAULT_INTERVAL: u32 = 5;
const GITHUB_API_VERSION: &str = "2022-11-28";

pub(crate) fn client_id() -> String {
    std::env::var("SKILL_BUILDER_GITHUB_CLIENT_ID").unwrap_or_else(|_| CLIENT_ID.to_string())
}

#[derive(Deserialize)]
struct DeviceCodeReply {
    device_code: String,
    user_code: String,
    verification_uri: String,
    expires_in: u32,
    interval: Option<u32>,
}

/// Starts a sign-in: the code the user types at the verification page.
#[tracing::instrument(skip_all, err)]
pub async fn start_device_flow(backend: &Backend) -> Result<DeviceFlowStart, AppError> {
    let url = format!("{}/login/device/code", web_base(backend).await?);
    let body = form(&[("client_id", &client_id()), ("scope", SCOPES)]);
    let reply: DeviceCodeReply = json(send(form_post(backend, &url, body)).await?).await?;
    Ok(DeviceFlowStart {
        device_code: reply.device_code,
        user_code: reply.user_code,
        verification_uri: reply.verification_uri,
        expires_in: reply.expires_in,
        interval: reply.interval.unwrap_or(DEFAULT_INTERVAL),
    })
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    interval: Option<u32>,
}

/// One poll. `interval` is the one the caller waited (the start's, or the last poll's); the
/// result says how long to wait before the next. On success the user is read, the token
/// stored and the identity saved; expiry and denial are results, not errors.
#[tracing::instrument(skip_all, err)]
pub async fn poll_for_token(
    backend: &Backend,
    device_code: &str,
    interval: Option<u32>,
) -> Result<DevicePollResult, AppError> {
    if device_code.trim().is_empty() {
        return Err(AppError::invalid("deviceCode", "must not be empty"));
    }
    let url = format!("{}/login/oauth/access_token", web_base(backend).await?);
    let body = form(&[("client_id", &client_id()), ("device_code", device_code), ("grant_type", DEVICE_GRANT)]);
    let reply: TokenReply = json(send(form_post(backend, &url, body)).await?).await?;
    let result = |status, interval| DevicePollResult { status, interval, user: None };
    if let Some(token) = reply.access_token.filter(|t| !t.is_empty()) {
        let user = sign_in(backend, Sensitive::new(token)).await?;
        return Ok(DevicePollResult { status: DevicePollStatus::Success, interval: None, user: Some(user) });
    }
    Ok(match reply.error.as_deref() {
        Some("authorization_pending") => result(DevicePollStatus::Pending, interval),
        Some("slow_down") => {
            let next = reply.interval.unwrap_or(interval.unwrap_or(DEFAULT_INTERVAL) + SLOW_DOWN_STEP);
            result(DevicePollStatus::SlowDown, Some(next))
        }
        Some("expired_token") => result(DevicePollStatus::Expired, None),
        Some("access_denied") => result(DevicePollStatus::Denied, None),
        other => {
            let message = reply.error_description.or(other.map(String::from)).unwrap_or_else(|| "no token".into());
            return Err(AppError::Upstream { service: "github", status: Some(200), message });
        }
    })
}

/// Reads the token's user, then keeps the token and the identity (or neither).
async fn sign_in(backend: &Backend, token: Sensitive<String>) -> Result<GitHubUser, AppError> {
    let user = fetch_user(backend, &token).await?;
    backend.secrets().set(SecretKey::GitHubToken, token).await?;
    if let Err(err) = backend.db().set_github_identity(Some(user.clone())).await {
        let _ = backend.secrets().delete(SecretKey::GitHubToken).await;
        return Err(err);
    }
    backend.emit(crate::events::AppEvent::SettingsChanged);
    Ok(user)
}

#[derive(Deserialize)]
struct UserReply {
    login: String,
    avatar_url: Option<String>,
    email: Option<String>,
}

async fn fetch_user(backend: &Backend, token: &Sensitive<String>) -> Result<GitHubUser, AppError> {
    let url = format!("{}/user", api_base(backend).await?);
    let reply: UserReply = json(send(api_get(backend, &url, token)).await?).await?;
    Ok(GitHubUser { login: reply.login, avatar_url: reply.avatar_url, email: reply.email })
}

/// Waits for the user to finish a sign-in started with `start`, polling as the server asks;
/// `on_wait` hears each wait in seconds. Expiry, denial and the code's lifetime end it.
pub async fn wait_for_sign_in(
    backend: &Backend,
    start: &DeviceFlowStart,
    mut on_wait: impl FnMut(u32),
) -> Result<DevicePollResult, AppError> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(u64::from(start.expires_in));
    let mut interval = start.interval;
    loop {
        on_wait(interval);
        tokio::time::sleep(Duration::from_secs(u64::from(interval))).await;
        if tokio::time::Instant::now() > deadline {
            return Ok(DevicePollResult { status: DevicePollStatus::Expired, interval: None, user: None });
        }
        let result = poll_for_token(backend, &start.device_code, Some(interval)).await?;
        match result.status {
            DevicePollStatus::Pending | DevicePollStatus::SlowDown => interval = result.interval.unwrap_or(interval),
            _ => return Ok(result),
        }
    }
}

/// The signed-in user, from settings (no network); `None` without a stored token.
pub async fn get_user(backend: &Backend) -> Result<Option<GitHubUser>, AppError> {
    if backend.secrets().get(SecretKey::GitHubToken).await?.is_none() {
        return Ok(None);
    }
    let settings = backend.db().settings().await?;
    Ok(settings.github_user_login.map(|login| GitHubUser {
        login,
        avatar_url: settings.github_user_avatar,
        email: settings.github_user_email,
    }))
}

/// Forgets the token and the identity. Device-flow tokens cannot be revoked without a client
/// secret; the UI links to GitHub's applications page for that.
#[tracing::instrument(skip_all, err)]
pub async fn logout(backend: &Backend) -> Result<(), AppError> {
    backend.secrets().delete(SecretKey::GitHubToken).await?;
    backend.db().set_github_identity(None).await?;
    backend.emit(crate::events::AppEvent::SettingsChanged);
    Ok(())
}

// --- HTTP helpers shared with `feedback.rs` ---

/// `github_web_base_url` (device flow); the environment override wins (backend.md §8.2).
async fn web_base(backend: &Backend) -> Result<String, AppError> {
    match std::env::var("SKILL_BUILDER_GITHUB_WEB_URL") {
        Ok(url) => validate_base_url("SKILL_BUILDER_GITHUB_WEB_URL", &url),
        Err(_) => Ok(backend.db().settings().await?.github_web_base_url),
    }
}

/// `github_api_base_url`; the environment override wins.
pub(crate) async fn api_base(backend: &Backend) -> Result<String, AppError> {
    match std::env::var("SKILL_BUILDER_GITHUB_API_URL") {
        Ok(url) => validate_base_url("SKILL_BUILDER_GITHUB_API_URL", &url),
        Err(_) => Ok(backend.db().settings().await?.github_api_base_url),
    }
}

/// An `application/x-www-form-urlencoded` body (RFC 8628 asks for a form).
fn form(fields: &[(&str, &str)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                b' ' => "+".into(),
                b => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

fn form_post(backend: &Backend, url: &str, body: String) -> RequestBuilder {
    backend
        .http()
        .post(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
}

/// A REST call with the token.
pub(crate) fn api_request(builder: RequestBuilder, token: &Sensitive<String>) -> RequestBuilder {
    builder
        .header(reqwest::header::ACCEPT, "application/vnd.github+json")
        .header("X-GitHub-Api-Version", GITHUB_API_VERSION)
        .bearer_auth(token.expose())
}

fn api_get(backend: &Backend, url: &str, token: &Sensitive<String>) -> RequestBuilder {
    api_request(backend.http().get(url), token)
}

/// Sends; a transport failure is `network` (or `timeout`), a non-2xx reply its error.
pub(crate) async fn send(request: RequestBuilder) -> Result<Response, AppError> {
    let (client, request) = request.build_split();
    let request = request.map_err(|err| AppError::invalid("githubBaseUrl", err.without_url().to_string()))?;
    let authenticated = request.headers().contains_key(reqwest::header::AUTHORIZATION);
    let response = client.execute(request).await.map_err(|err| {
        if err.is_timeout() {
            AppError::Timeout { operation: "GitHub request".into(), after: Duration::from_secs(30) }
        } else {
            // Without the URL: the message names the cause, never a header value.
            AppError::Network { service: "github", message: err.without_url().to_string() }
        }
    })?;
    if response.status().is_success() {
        return Ok(response);
    }
    Err(status_error(response, authenticated).await)
}

pub(crate) async fn json<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, AppError> {
    let status = response.status().as_u16();
    response.json().await.map_err(|err| AppError::Upstream {
        service: "github",
        status: Some(status),
        message: format!("unreadable reply: {}", err.without_url()),
    })
}

/// The shared mapping of `http::status_error`, with GitHub's own message for `upstream`.
async fn status_error(response: Response, authenticated: bool) -> AppError {
    let error = super::http::status_error(response.status(), response.headers(), authenticated, response.url().path());
    let AppError::Upstream { service, status, .. } = error else {
        return error;
    };
    let text = response.text().await.unwrap_or_default();
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["message"].as_str().map(String::from))
        .unwrap_or_else(|| text.chars().take(200).collect());
    AppError::Upstream { service, status, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding() {
        assert_eq!(form(&[("scope", "repo read:user"), ("a", "x/y&z")]), "scope=repo+read%3Auser&a=x%2Fy%26z");
    }
}
