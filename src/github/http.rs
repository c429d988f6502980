//! The one GitHub client (backend.md §8.2, §10.3): the backend's `reqwest` client with the base
//! URLs from settings (env overrides win), the stored token sent when there is one (never
//! logged: the header is marked sensitive), and every failure mapped to a stable code.
//! 401 → `unauthorized`; 403/429 with `x-ratelimit-remaining: 0` or `retry-after` →
//! `rate_limited` with the reset time; 404 → `not_found`; 5xx is retried once; others →
//! `upstream`; connection failures → `network`.

use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Response, StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::Backend;
use crate::protocol::AppError;
use crate::protocol::dto::settings::validate_base_url;
use crate::secrets::{SecretKey, Sensitive};

const SERVICE: &str = "github";
/// Wait before the one retry of a 5xx answer.
const RETRY_AFTER_5XX: Duration = Duration::from_millis(500);

/// A configured GitHub client.
#[derive(Clone)]
pub struct GitHub {
    http: reqwest::Client,
    api: Url,
    raw: Url,
    web: Url,
    token: Option<Sensitive<String>>,
}

impl GitHub {
    /// The client with the settings' base URLs (or `SKILL_BUILDER_GITHUB_*_URL`) and the stored
    /// token, if any.
    pub async fn from_backend(backend: &Backend) -> Result<GitHub, AppError> {
        let settings = backend.db().settings().await?;
        let pick = |var: &str, setting: &str| -> Result<Url, AppError> {
            let value = match std::env::var(var) {
                Ok(url) => validate_base_url(var, &url)?,
                Err(_) => setting.to_string(),
            };
            let with_slash = if value.ends_with('/') { value } else { format!("{value}/") };
            Url::parse(&with_slash).map_err(|e| AppError::invalid(var, e.to_string()))
        };
        let api = pick("SKILL_BUILDER_GITHUB_API_URL", &settings.github_api_base_url)?;
        let raw = pick("SKILL_BUILDER_GITHUB_RAW_URL", &settings.github_raw_base_url)?;
        let web = pick("SKILL_BUILDER_GITHUB_WEB_URL", &settings.github_web_base_url)?;
        let token = backend.secrets().get(SecretKey::GitHubToken).await?;
        Ok(GitHub { http: backend.http().clone(), api, raw, web, token })
    }

    /// `host[:port]` of the web URL, accepted by the URL parser besides `github.com`.
    pub fn web_host(&self) -> Option<String> {
        let host = self.web.host_str()?;
        Some(match self.web.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        })
    }

    pub fn authenticated(&self) -> bool {
        self.token.is_some()
    }

    /// `GET {api}/<segments…>` (each segment percent-encoded) with `query`, as JSON.
    pub async fn api_json<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Result<T, AppError> {
        let mut url = join(&self.api, segments)?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let response = self.get(url, "application/vnd.github+json").await?;
        response.json::<T>().await.map_err(|e| AppError::Upstream {
            service: SERVICE,
            status: None,
            message: format!("unreadable answer: {e}"),
        })
    }

    /// `GET {raw}/<owner>/<repo>/<sha>/<path>`, read up to `limit` bytes; more is `too_large`.
    pub async fn raw_file(
        &self,
        owner: &str,
        repo: &str,
        sha: &str,
        path: &str,
        limit: u64,
    ) -> Result<Vec<u8>, AppError> {
        let mut segments = vec![owner, repo, sha];
        segments.extend(path.split('/'));
        let url = join(&self.raw, &segments)?;
        let mut response = self.get(url, "application/octet-stream").await?;
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > limit {
                return Err(AppError::TooLarge {
                    what: format!("`{path}` (SB304)"),
                    limit,
                    actual: bytes.len() as u64,
                });
            }
        }
        Ok(bytes)
    }

    /// One GET with the token, retried once on a 5xx; a non-2xx answer is an error.
    async fn get(&self, url: Url, accept: &'static str) -> Result<Response, AppError> {
        let mut retried = false;
        loop {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT, HeaderValue::from_static(accept));
            headers.insert("x-github-api-version", HeaderValue::from_static("2022-11-28"));
            if let Some(token) = &self.token {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                    AppError::invalid("githubToken", "the stored token has characters a header cannot carry")
                })?;
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
            let response = self.http.get(url.clone()).headers(headers).send().await.map_err(transport)?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            if status.is_server_error() && !retried {
                retried = true;
                tokio::time::sleep(RETRY_AFTER_5XX).await;
                continue;
            }
            tracing::debug!(%status, path = url.path(), "GitHub refused a request");
            return Err(status_error(status, response.headers(), self.authenticated(), url.path()));
        }
    }
}

/// Appends percent-encoded path segments to a base URL that ends in `/`.
fn join(base: &Url, segments: &[&str]) -> Result<Url, AppError> {
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|_| AppError::invalid("githubBaseUrl", "not a base URL"))?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

fn transport(err: reqwest::Error) -> AppError {
    if err.is_timeout() {
        return AppError::Timeout { operation: "GitHub request".into(), after: Duration::from_secs(30) };
    }
    // The error's text names the URL, never the headers, so no token can be in it.
    AppError::Network { service: SERVICE, message: err.to_string() }
}

/// The error for a non-2xx answer (backend.md §10.3).
pub fn status_error(status: StatusCode, headers: &HeaderMap, authenticated: bool, path: &str) -> AppError {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let retry_after_secs = header("retry-after").and_then(|v| v.parse::<u64>().ok());
    let exhausted = header("x-ratelimit-remaining") == Some("0");
    if matches!(status.as_u16(), 403 | 429) && (exhausted || retry_after_secs.is_some()) {
        let reset = header("x-ratelimit-reset").and_then(|v| v.parse::<i64>().ok());
        let reset_at = reset
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        // Without `retry-after`, the wait is the time left until the window resets.
        let retry_after_secs = retry_after_secs
            .or_else(|| reset.map(|secs| u64::try_from(secs - chrono::Utc::now().timestamp()).unwrap_or(0)));
        return AppError::RateLimited { service: SERVICE, retry_after_secs, reset_at, authenticated };
    }
    match status.as_u16() {
        401 => AppError::Unauthorized { service: SERVICE },
        404 => AppError::NotFound { kind: "GitHub repository or path", name: path.trim_start_matches('/').to_string() },
        code => AppError::Upstream { service: SERVICE, status: Some(code), message: format!("HTTP {code} for {path}") },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_carry_the_reset_time() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1767225600"));
        let err = status_error(StatusCode::FORBIDDEN, &headers, false, "/repos/o/r");
        let AppError::RateLimited { reset_at, authenticated, .. } = &err else { panic!("{err:?}") };
        assert_eq!(reset_at.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert!(!authenticated);
        let plain = status_error(StatusCode::FORBIDDEN, &HeaderMap::new(), true, "/x");
        assert_eq!(plain.code(), crate::protocol::ErrorCode::Upstream);
        assert_eq!(
            status_error(StatusCode::NOT_FOUND, &HeaderMap::new(), true, "/x").code(),
            crate::protocol::ErrorCode::NotFound
        );
    }
}
