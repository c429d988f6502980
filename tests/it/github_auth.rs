//! GitHub sign-in (device flow), the signed-in user, sign-out and feedback issues against a
//! fake GitHub on 127.0.0.1 (wiremock), pointed at with the `githubWebBaseUrl` and
//! `githubApiBaseUrl` settings (backend.md §3.9, §3.15, §10.3).

use serde_json::{Value, json};
use skill_builder::Backend;
use skill_builder::commands::settings;
use skill_builder::github::{auth, feedback};
use skill_builder::protocol::*;
use skill_builder::secrets::{SecretKey, Sensitive};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

const TOKEN: &str = "gho_fakeTokenForTests0123456789abcdef";
const API_KEY: &str = "sk-ant-api03-storedKeyForTests_0123";

async fn fake_github(backend: &Backend) -> MockServer {
    let server = MockServer::start().await;
    let patch: SettingsPatch =
        serde_json::from_value(json!({ "githubWebBaseUrl": server.uri(), "githubApiBaseUrl": server.uri() })).unwrap();
    settings::save_settings(backend, patch).await.unwrap();
    server
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn token_reply(server: &MockServer, body: Value) {
    server.reset().await;
    Mock::given(method("POST")).and(path("/login/oauth/access_token")).respond_with(ok(body)).mount(server).await;
}

async fn serve_user(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/user"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ok(json!({ "login": "octo", "avatar_url": "https://avatars.example/octo", "email": null })))
        .mount(server)
        .await;
}

#[tokio::test]
async fn device_flow_start_and_every_poll_answer() {
    let env = Env::start().await;
    let server = fake_github(&env.backend).await;
    Mock::given(method("POST"))
        .and(path("/login/device/code"))
        .and(header("accept", "application/json"))
        .and(body_string_contains("scope=repo+read%3Auser"))
        .and(body_string_contains("client_id=skill-builder-dev"))
        .respond_with(ok(json!({
            "device_code": "dev-123", "user_code": "ABCD-1234",
            "verification_uri": "https://github.com/login/device", "expires_in": 900, "interval": 5
        })))
        .mount(&server)
        .await;
    let start = auth::start_device_flow(&env.backend).await.unwrap();
    assert_eq!((start.user_code.as_str(), start.interval, start.expires_in), ("ABCD-1234", 5, 900));

    let b = &env.backend;
    token_reply(&server, json!({ "error": "authorization_pending" })).await;
    let poll = auth::poll_for_token(b, "dev-123", Some(5)).await.unwrap();
    assert_eq!((poll.status, poll.interval), (DevicePollStatus::Pending, Some(5)));
    let sent = String::from_utf8(server.received_requests().await.unwrap()[0].body.clone()).unwrap();
    assert!(
        sent.contains("device_code=dev-123")
            && sent.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"),
        "{sent}"
    );

    token_reply(&server, json!({ "error": "slow_down", "interval": 10 })).await;
    assert_eq!(auth::poll_for_token(b, "dev-123", Some(5)).await.unwrap().interval, Some(10));
    token_reply(&server, json!({ "error": "slow_down" })).await;
    let poll = auth::poll_for_token(b, "dev-123", Some(10)).await.unwrap();
    assert_eq!((poll.status, poll.interval), (DevicePollStatus::SlowDown, Some(15)), "+5 s without a new interval");

    token_reply(&server, json!({ "error": "expired_token" })).await;
    assert_eq!(auth::poll_for_token(b, "dev-123", Some(5)).await.unwrap().status, DevicePollStatus::Expired);
    token_reply(&server, json!({ "error": "access_denied" })).await;
    assert_eq!(auth::poll_for_token(b, "dev-123", Some(5)).await.unwrap().status, DevicePollStatus::Denied);
    token_reply(&server, json!({ "error": "incorrect_device_code", "error_description": "bad code" })).await;
    assert_eq!(code(auth::poll_for_token(b, "dev-123", Some(5)).await), ErrorCode::Upstream);
    assert_eq!(auth::get_user(b).await.unwrap(), None, "nothing stored before success");
}

#[tokio::test]
async fn success_stores_the_token_and_identity_and_logout_clears_both() {
    let env = Env::start().await;
    let server = fake_github(&env.backend).await;
    let b = &env.backend;
    token_reply(&server, json!({ "access_token": TOKEN, "token_type": "bearer", "scope": "repo,read:user" })).await;
    serve_user(&server).await;
    let poll = auth::poll_for_token(b, "dev-123", Some(5)).await.unwrap();
    assert_eq!(poll.status, DevicePollStatus::Success);
    let user =
        GitHubUser { login: "octo".into(), avatar_url: Some("https://avatars.example/octo".into()), email: None };
    assert_eq!(poll.user.as_ref(), Some(&user));
    assert_eq!(auth::get_user(b).await.unwrap(), Some(user));
    assert_eq!(b.secrets().get(SecretKey::GitHubToken).await.unwrap().unwrap().expose(), TOKEN);
    let view = settings::get_settings(b).await.unwrap();
    assert!(view.github_token.set);
    assert_eq!(view.settings.github_user_login.as_deref(), Some("octo"));
    assert!(!serde_json::to_string(&view).unwrap().contains(TOKEN), "the token never leaves the backend");

    auth::logout(b).await.unwrap();
    assert_eq!(auth::get_user(b).await.unwrap(), None);
    assert!(b.secrets().get(SecretKey::GitHubToken).await.unwrap().is_none());
    let settings = settings::get_settings(b).await.unwrap().settings;
    assert_eq!((settings.github_user_login, settings.github_user_avatar), (None, None));
}

#[tokio::test]
async fn a_rejected_token_is_unauthorized_and_not_kept() {
    let env = Env::start().await;
    let server = fake_github(&env.backend).await;
    token_reply(&server, json!({ "access_token": TOKEN })).await;
    Mock::given(method("GET"))
        .and(path("/user"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({ "message": "Bad credentials" })))
        .mount(&server)
        .await;
    let err = error(auth::poll_for_token(&env.backend, "dev-123", None).await);
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert_eq!(wire(err)["details"]["service"], "github");
    assert!(env.backend.secrets().get(SecretKey::GitHubToken).await.unwrap().is_none());
}

async fn signed_in(backend: &Backend) {
    settings::set_secret(backend, SecretKey::GitHubToken, Sensitive::new(TOKEN.into())).await.unwrap();
    settings::set_secret(backend, SecretKey::AnthropicApiKey, Sensitive::new(API_KEY.into())).await.unwrap();
}

fn issue(title: &str, body: &str, labels: &[&str]) -> IssueRequest {
    IssueRequest { title: title.into(), body: body.into(), labels: labels.iter().map(|l| l.to_string()).collect() }
}

#[tokio::test]
async fn feedback_issue_is_scrubbed_and_never_creates_labels() {
    let env = Env::start().await;
    let server = fake_github(&env.backend).await;
    let b = &env.backend;
    assert_eq!(code(feedback::create_github_issue(b, issue("t", "b", &[])).await), ErrorCode::NotConfigured);
    signed_in(b).await;
    let repo = "/repos/skill-builder/skill-builder";
    Mock::given(method("GET"))
        .and(path(format!("{repo}/labels")))
        .respond_with(ok(json!([{ "name": "bug" }, { "name": "feedback" }])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{repo}/issues")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "html_url": "https://github.com/skill-builder/skill-builder/issues/7", "number": 7
        })))
        .mount(&server)
        .await;
    let other_token = "ghp_someoneElsesToken0123456789abcd";
    let body = format!("My key is {API_KEY}, token {TOKEN} and {other_token}.\nAlso sk-ant-api03-unstoredKey_99.");
    let created = feedback::create_github_issue(b, issue(&format!("Crash with {TOKEN}"), &body, &["Bug", "new-label"]))
        .await
        .unwrap();
    assert_eq!(created, IssueRef { url: "https://github.com/skill-builder/skill-builder/issues/7".into(), number: 7 });

    let requests = server.received_requests().await.unwrap();
    let post = requests.iter().find(|r| r.method.as_str() == "POST").unwrap();
    let sent = String::from_utf8(post.body.clone()).unwrap();
    for secret in [API_KEY, TOKEN, other_token, "sk-ant-api03-unstoredKey_99"] {
        assert!(!sent.contains(secret), "{secret} leaked into {sent}");
    }
    let sent: Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(sent["title"], "Crash with [REDACTED]");
    assert!(sent["body"].as_str().unwrap().starts_with("My key is [REDACTED], token [REDACTED]"), "{sent}");
    assert_eq!(sent["labels"], json!(["bug"]), "only labels the repository has");
    assert!(!requests.iter().any(|r| r.url.path().ends_with("/labels") && r.method.as_str() == "POST"));

    for bad in [issue("", "b", &[]), issue(&"x".repeat(257), "b", &[]), issue("t", &"b".repeat(65_537), &[])] {
        assert_eq!(code(feedback::create_github_issue(b, bad).await), ErrorCode::InvalidInput);
    }
}

#[tokio::test]
async fn rate_limits_and_rejected_tokens_are_reported() {
    let env = Env::start().await;
    let server = fake_github(&env.backend).await;
    let b = &env.backend;
    signed_in(b).await;
    let reset = chrono::Utc::now().timestamp() + 120;
    let issues = "/repos/skill-builder/skill-builder/issues";
    let replies = [
        ResponseTemplate::new(403)
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", reset.to_string().as_str())
            .set_body_json(json!({ "message": "API rate limit exceeded" })),
        ResponseTemplate::new(429).insert_header("retry-after", "30"),
        ResponseTemplate::new(401).set_body_json(json!({ "message": "Bad credentials" })),
        ResponseTemplate::new(500).set_body_json(json!({ "message": "boom" })),
    ];
    let mut details = Vec::new();
    for reply in replies {
        server.reset().await;
        Mock::given(method("POST")).and(path(issues)).respond_with(reply).mount(&server).await;
        let err = error(feedback::create_github_issue(b, issue("t", "b", &[])).await);
        details.push((err.code(), wire(err)["details"].clone()));
    }
    assert_eq!(details[0].0, ErrorCode::RateLimited);
    let wait = details[0].1["retryAfterSecs"].as_u64().unwrap();
    assert!((100..=120).contains(&wait), "from x-ratelimit-reset: {wait}");
    assert_eq!((details[1].0, details[1].1["retryAfterSecs"].as_u64()), (ErrorCode::RateLimited, Some(30)));
    assert_eq!(details[2].0, ErrorCode::Unauthorized);
    assert_eq!((details[3].0, details[3].1["status"].as_u64()), (ErrorCode::Upstream, Some(500)));
    assert_eq!(details[3].1["message"], "boom");
    // A server that is not there is a network error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let patch: SettingsPatch =
        serde_json::from_value(json!({ "githubApiBaseUrl": format!("http://{closed}") })).unwrap();
    settings::save_settings(b, patch).await.unwrap();
    assert_eq!(code(feedback::create_github_issue(b, issue("t", "b", &[])).await), ErrorCode::Network);
}

/// The result: the last line of `--json` output (events come first).
fn last_json(stdout: &[u8]) -> Value {
    let text = String::from_utf8_lossy(stdout);
    serde_json::from_str(text.lines().last().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn cli_login_whoami_logout_and_feedback() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/login/device/code"))
            .respond_with(ok(json!({
                "device_code": "dev-1", "user_code": "WXYZ-0000",
                "verification_uri": format!("{}/login/device", server.uri()), "expires_in": 60, "interval": 0
            })))
            .mount(&server)
            .await;
        // Two pending answers, then the token.
        Mock::given(method("POST"))
            .and(path("/login/oauth/access_token"))
            .respond_with(ok(json!({ "error": "authorization_pending" })))
            .up_to_n_times(2)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/login/oauth/access_token"))
            .respond_with(ok(json!({ "access_token": TOKEN })))
            .mount(&server)
            .await;
        serve_user(&server).await;
        Mock::given(method("POST"))
            .and(path("/repos/skill-builder/skill-builder/issues"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({ "html_url": "https://x/1", "number": 1 })))
            .mount(&server)
            .await;
        server
    });
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let patch = json!({ "githubWebBaseUrl": server.uri(), "githubApiBaseUrl": server.uri() }).to_string();
    assert!(sb(root).args(["settings", "save", &patch]).output().unwrap().status.success());

    let login = sb(root).args(["github", "login"]).output().unwrap();
    assert!(login.status.success(), "{}", String::from_utf8_lossy(&login.stdout));
    assert!(String::from_utf8_lossy(&login.stderr).contains("WXYZ-0000"), "the code is shown");
    let result = last_json(&login.stdout);
    assert_eq!((result["status"].as_str(), result["user"]["login"].as_str()), (Some("success"), Some("octo")));
    assert!(!String::from_utf8_lossy(&login.stdout).contains(TOKEN));

    let whoami = sb(root).args(["github", "whoami"]).output().unwrap();
    assert_eq!(last_json(&whoami.stdout)["login"], "octo");

    let mut send = sb(root);
    send.args(["feedback", "send", "--title", "Hello"]).stdin(std::process::Stdio::piped());
    let mut child = send.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"It works.\n").unwrap();
    let sent = child.wait_with_output().unwrap();
    assert_eq!(last_json(&sent.stdout)["number"], 1);

    assert!(sb(root).args(["github", "logout"]).output().unwrap().status.success());
    let whoami = sb(root).args(["github", "whoami"]).output().unwrap();
    assert_eq!(last_json(&whoami.stdout), Value::Null);
    drop(runtime);
}
