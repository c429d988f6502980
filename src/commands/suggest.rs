//! `suggest_skill_fields`: one direct Messages API call that proposes a name, domain or intake
//! answers (agents-and-workflow.md §7.3). An unusable answer yields no suggestions, never an
//! error: suggestions are a convenience.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::Backend;
use crate::protocol::models::resolve_model;
use crate::protocol::*;
use crate::secrets::SecretKey;

const PROMPT: &str = include_str!("../../agent-sources/prompts/suggest-fields.md");
const KNOWN_FIELDS: &[&str] =
    &["name", "description", "domain", "scope", "audience", "challenges", "unique_setup", "claude_mistakes"];
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

fn context_of(req: &SuggestFieldsRequest, industry: Option<&str>, role: Option<&str>) -> String {
    let pairs = [
        ("Skill name", req.skill_name.as_deref()),
        ("Skill type", req.skill_type.as_deref()),
        ("Description", req.description.as_deref()),
        ("Domain", req.domain.as_deref()),
        ("Scope", req.scope.as_deref()),
        ("Audience", req.audience.as_deref()),
        ("Challenges", req.challenges.as_deref()),
        ("Their industry", industry),
        ("Their role", role),
    ];
    pairs
        .iter()
        .filter_map(|(label, value)| value.filter(|v| !v.trim().is_empty()).map(|v| format!("- {label}: {}", v.trim())))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Keeps each suggested field that passes its format; names must also be free.
fn accept(fields: &[String], answer: &Value, taken: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for field in fields {
        let Some(value) = answer.get(field).and_then(Value::as_str).map(str::trim) else { continue };
        let ok = match field.as_str() {
            "name" => SkillName::parse(value).is_ok() && value.len() <= 40 && !taken.iter().any(|t| t == value),
            "description" => !value.is_empty() && value.chars().count() <= 200,
            "domain" => !value.is_empty() && value.chars().count() <= 60 && !value.contains('\n'),
            _ => !value.is_empty() && value.chars().count() <= 300,
        };
        if ok {
            out.insert(field.clone(), value.to_string());
        }
    }
    out
}

/// Parses the model's text: a JSON object, possibly inside a code fence.
fn parse_answer(text: &str) -> Option<Value> {
    let trimmed = text.trim();
    let body = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|rest| rest.strip_suffix("```"))
        .unwrap_or(trimmed);
    serde_json::from_str::<Value>(body.trim()).ok().filter(Value::is_object)
}

/// Deterministic suggestions for mock mode, derived from what the user typed.
fn mock_answer(req: &SuggestFieldsRequest) -> Value {
    let topic = req.domain.clone().or_else(|| req.description.clone()).unwrap_or_else(|| "example domain".into());
    let slug: String = topic
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(4)
        .collect::<Vec<_>>()
        .join("-");
    json!({
        "name": if slug.is_empty() { "example-skill".to_string() } else { slug },
        "description": format!("Helps Claude work with {topic}."),
        "domain": topic.chars().take(60).collect::<String>(),
        "scope": format!("The everyday questions about {topic}."),
        "audience": "Analysts and the people they report to.",
        "challenges": "Terms that mean different things in different teams.",
        "unique_setup": "Describe the systems and conventions your team uses.",
        "claude_mistakes": "Generic answers that ignore the team's own definitions.",
    })
}

#[tracing::instrument(skip_all, err)]
pub async fn suggest_skill_fields(
    backend: &Backend,
    req: SuggestFieldsRequest,
) -> Result<BTreeMap<String, String>, AppError> {
    if req.fields.is_empty() || req.fields.iter().any(|f| !KNOWN_FIELDS.contains(&f.as_str())) {
        return Err(AppError::invalid("fields", format!("choose from {}", KNOWN_FIELDS.join(", "))));
    }
    let taken: Vec<String> = backend.db().installed_names().await?.into_iter().map(|n| n.name).collect();
    let settings = backend.db().settings().await?;
    let key = backend.secrets().get(SecretKey::AnthropicApiKey).await?;
    let mock = settings.agent_backend == AgentBackend::Mock
        || std::env::var("SKILL_BUILDER_MOCK_AGENTS").is_ok_and(|v| v == "1");
    let key = match (key, mock) {
        (_, true) => return Ok(accept(&req.fields, &mock_answer(&req), &taken)),
        (Some(key), false) => key,
        (None, false) => return Err(AppError::ApiKeyMissing),
    };
    let base = match std::env::var("SKILL_BUILDER_ANTHROPIC_BASE_URL") {
        Ok(url) => validate_base_url("SKILL_BUILDER_ANTHROPIC_BASE_URL", &url)?,
        Err(_) => settings.anthropic_base_url.clone(),
    };
    let prompt = PROMPT
        .replace("{{fields}}", &req.fields.join(", "))
        .replace("{{context}}", &context_of(&req, settings.industry.as_deref(), settings.function_role.as_deref()));
    let body = json!({
        "model": resolve_model("haiku"), "max_tokens": 600,
        "messages": [{ "role": "user", "content": prompt }],
    });
    let mut attempt = 0;
    let response = loop {
        attempt += 1;
        let sent = backend
            .http()
            .post(format!("{base}/v1/messages"))
            .header("x-api-key", key.expose())
            .header("anthropic-version", "2023-06-01")
            .timeout(REQUEST_TIMEOUT)
            .json(&body)
            .send()
            .await
            .map_err(|e| AppError::Network { service: "anthropic", message: e.without_url().to_string() })?;
        let status = sent.status().as_u16();
        if (status == 429 || status == 529) && attempt == 1 {
            let wait =
                sent.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse::<u64>().ok()).unwrap_or(1);
            tokio::time::sleep(Duration::from_secs(wait.min(10))).await;
            continue;
        }
        break sent;
    };
    match response.status().as_u16() {
        200 => {}
        401 | 403 => return Err(AppError::Unauthorized { service: "anthropic" }),
        429 | 529 => {
            return Err(AppError::RateLimited {
                service: "anthropic",
                retry_after_secs: None,
                reset_at: None,
                authenticated: true,
            });
        }
        other => {
            return Err(AppError::Upstream {
                service: "anthropic",
                status: Some(other),
                message: "suggestions".into(),
            });
        }
    }
    let reply: Value = response.json().await.unwrap_or(Value::Null);
    let text = reply["content"]
        .as_array()
        .and_then(|blocks| blocks.iter().find_map(|b| b["text"].as_str()))
        .unwrap_or_default();
    match parse_answer(text) {
        Some(answer) => Ok(accept(&req.fields, &answer, &taken)),
        None => {
            tracing::warn!("the suggestion answer was not a JSON object; offering none");
            Ok(BTreeMap::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_parsed_and_filtered_field_by_field() {
        let answer = parse_answer("```json\n{\"name\": \"Bad Name\", \"domain\": \"Sales analytics\"}\n```").unwrap();
        let fields = vec!["name".to_string(), "domain".to_string()];
        let accepted = accept(&fields, &answer, &[]);
        assert_eq!(accepted.get("domain").map(String::as_str), Some("Sales analytics"));
        assert!(!accepted.contains_key("name"));
        let taken = accept(&fields, &json!({ "name": "sales-kpis" }), &["sales-kpis".into()]);
        assert!(taken.is_empty());
        assert!(parse_answer("not json").is_none());
    }

    #[test]
    fn mock_suggestions_follow_the_input() {
        let req = SuggestFieldsRequest { domain: Some("Sales Analytics!".into()), ..Default::default() };
        assert_eq!(mock_answer(&req)["name"], "sales-analytics");
    }
}
