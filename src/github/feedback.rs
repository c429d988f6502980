//! `create_github_issue` (backend.md §3.15): the user's feedback as an issue in this project's
//! repository, filed with their GitHub sign-in. Title and body go through the redactor first
//! (the stored secrets and every token shape, §8.4), and only labels the repository already has
//! are applied: an issue never creates labels.

use serde::Deserialize;
use serde_json::json;

use super::auth::{api_base, api_request, json, send};
use crate::Backend;
use crate::protocol::{AppError, IssueRef, IssueRequest};
use crate::secrets::SecretKey;

/// The repository feedback goes to (a build-time constant; `SKILL_BUILDER_FEEDBACK_REPO` at
/// run time overrides it, for tests).
const FEEDBACK_REPO: &str = match option_env!("SKILL_BUILDER_FEEDBACK_REPO") {
    Some(repo) => repo,
    None => "skill-builder/skill-builder",
};
const MAX_TITLE_CHARS: usize = 256;
const MAX_BODY_CHARS: usize = 65_536;
const MAX_LABELS: usize = 10;

fn feedback_repo() -> String {
    std::env::var("SKILL_BUILDER_FEEDBACK_REPO").unwrap_or_else(|_| FEEDBACK_REPO.to_string())
}

#[derive(Deserialize)]
struct Label {
    name: String,
}

#[derive(Deserialize)]
struct Created {
    html_url: String,
    number: u64,
}

/// Files the feedback issue; needs a GitHub sign-in.
#[tracing::instrument(skip_all, err)]
pub async fn create_github_issue(backend: &Backend, req: IssueRequest) -> Result<IssueRef, AppError> {
    let title = req.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(AppError::invalid("title", format!("must be 1 to {MAX_TITLE_CHARS} characters")));
    }
    if req.body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::invalid("body", format!("must be at most {MAX_BODY_CHARS} characters")));
    }
    if req.labels.len() > MAX_LABELS {
        return Err(AppError::invalid("labels", format!("at most {MAX_LABELS}")));
    }
    let token = backend
        .secrets()
        .get(SecretKey::GitHubToken)
        .await?
        .ok_or(AppError::NotConfigured { what: "github_sign_in" })?;
    let api_key = backend.secrets().get(SecretKey::AnthropicApiKey).await?;
    let mut known = vec![token.expose().as_str()];
    known.extend(api_key.as_ref().map(|k| k.expose().as_str()));
    let title = crate::redact::redact(title, &known);
    let body = crate::redact::redact(&req.body, &known);

    let base = format!("{}/repos/{}", api_base(backend).await?, feedback_repo());
    let labels = if req.labels.is_empty() {
        Vec::new()
    } else {
        let url = format!("{base}/labels?per_page=100");
        let existing: Vec<Label> = json(send(api_request(backend.http().get(url), &token)).await?).await?;
        // The repository's spelling of each requested label it has; the others are left off.
        req.labels
            .iter()
            .filter_map(|want| existing.iter().find(|l| l.name.eq_ignore_ascii_case(want.trim())))
            .map(|l| l.name.clone())
            .collect::<Vec<_>>()
    };
    let mut payload = json!({ "title": title, "body": body });
    if !labels.is_empty() {
        payload["labels"] = json!(labels);
    }
    let request = api_request(backend.http().post(format!("{base}/issues")), &token).json(&payload);
    let created: Created = json(send(request).await?).await?;
    Ok(IssueRef { url: created.html_url, number: created.number })
}
