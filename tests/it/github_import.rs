//! GitHub imports against a fake GitHub on 127.0.0.1 (`wiremock`): trees (also `truncated`),
//! raw files, rate limits, 404s and private repositories; imports into Settings → Skills through
//! the real CLI (repeated: idempotent) and a marketplace's bulk import into the library.

use serde_json::{Value, json};
use skill_builder::commands::github_import as gh;
use skill_builder::protocol::*;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

fn skill_md(name: &str, extra: &str) -> String {
    format!("---\nname: {name}\ndescription: Does {name} things. Use when {name} is needed.\n---\n\n# {name}\n{extra}")
}

/// A fake GitHub serving one repository `acme/skills` at commit [`SHA`].
struct FakeGitHub {
    server: MockServer,
}

impl FakeGitHub {
    async fn start() -> FakeGitHub {
        FakeGitHub { server: MockServer::start().await }
    }

    fn uri(&self) -> String {
        self.server.uri()
    }

    /// The repository, its default branch, a recursive tree and every file's raw bytes.
    async fn repo(&self, files: &[(&str, String)], truncated: bool) {
        let s = &self.server;
        Mock::given(method("GET"))
            .and(path("/api/repos/acme/skills"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"default_branch": "main", "private": false})))
            .mount(s)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/repos/acme/skills/commits/main"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sha": SHA})))
            .mount(s)
            .await;
        let mut tree: Vec<Value> = Vec::new();
        let mut dirs = std::collections::BTreeSet::new();
        for (p, body) in files {
            let mut parts: Vec<&str> = p.split('/').collect();
            parts.pop();
            for i in 1..=parts.len() {
                dirs.insert(parts[..i].join("/"));
            }
            tree.push(json!({"path": p, "mode": "100644", "type": "blob", "sha": "b", "size": body.len()}));
            Mock::given(method("GET"))
                .and(path(format!("/raw/acme/skills/{SHA}/{p}")))
                .respond_with(ResponseTemplate::new(200).set_body_bytes(body.as_bytes().to_vec()))
                .mount(s)
                .await;
        }
        for d in &dirs {
            tree.push(
                json!({"path": d, "mode": "040000", "type": "tree", "sha": format!("tree-{}", d.replace('/', "-"))}),
            );
        }
        let listing = if truncated {
            json!({"sha": SHA, "tree": [], "truncated": true})
        } else {
            json!({"sha": SHA, "tree": tree, "truncated": false})
        };
        Mock::given(method("GET"))
            .and(path(format!("/api/repos/acme/skills/git/trees/{SHA}")))
            .and(query_param("recursive", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(listing))
            .mount(s)
            .await;
        // Folder-by-folder listings, for the truncated fallback.
        let mut levels: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
        for (p, _) in files {
            let (parent, name) = p.rsplit_once('/').unwrap_or(("", p));
            levels
                .entry(parent.to_string())
                .or_default()
                .push(json!({"path": name, "mode": "100644", "type": "blob", "sha": "b"}));
        }
        for d in &dirs {
            let (parent, name) = d.rsplit_once('/').unwrap_or(("", d));
            levels.entry(parent.to_string()).or_default().push(
                json!({"path": name, "mode": "040000", "type": "tree", "sha": format!("tree-{}", d.replace('/', "-"))}),
            );
        }
        for (dir, entries) in levels {
            let sha = if dir.is_empty() { SHA.to_string() } else { format!("tree-{}", dir.replace('/', "-")) };
            Mock::given(method("GET"))
                .and(path(format!("/api/repos/acme/skills/git/trees/{sha}")))
                .and(query_param_is_missing("recursive"))
                .respond_with(
                    ResponseTemplate::new(200).set_body_json(json!({"sha": sha, "tree": entries, "truncated": false})),
                )
                .mount(s)
                .await;
        }
    }

    fn env(&self) -> [(&'static str, String); 3] {
        [
            ("SKILL_BUILDER_GITHUB_API_URL", format!("{}/api", self.uri())),
            ("SKILL_BUILDER_GITHUB_RAW_URL", format!("{}/raw", self.uri())),
            ("SKILL_BUILDER_GITHUB_WEB_URL", self.uri()),
        ]
    }
}

/// Points the backend's settings at the fake.
async fn use_fake(env: &Env, fake: &FakeGitHub) {
    let patch: SettingsPatch = serde_json::from_value(json!({
        "githubApiBaseUrl": format!("{}/api", fake.uri()),
        "githubRawBaseUrl": format!("{}/raw", fake.uri()),
        "githubWebBaseUrl": fake.uri(),
    }))
    .unwrap();
    skill_builder::commands::settings::save_settings(&env.backend, patch).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_github_import_of_a_folder_url_is_idempotent() {
    let fake = FakeGitHub::start().await;
    fake.repo(
        &[
            ("skills/pdf/SKILL.md", skill_md("pdf", "")),
            ("skills/pdf/scripts/fill.py", "print('hi')\n".into()),
            ("skills/xlsx/SKILL.md", skill_md("xlsx", "")),
        ],
        false,
    )
    .await;
    let root = tempfile::tempdir().unwrap();
    let root = root.path().to_path_buf();
    let url = format!("{}/acme/skills/tree/main/skills/pdf", fake.uri());
    let (root2, fake_env) = (root.clone(), fake.env());
    let run = move |args: Vec<String>| {
        let mut command = sb(&root2);
        for (k, v) in &fake_env {
            command.env(k, v);
        }
        let out = command.args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let value: Value = serde_json::from_str(text.lines().last().unwrap_or("null")).unwrap_or(Value::Null);
        (out.status.success(), value, String::from_utf8_lossy(&out.stderr).to_string())
    };
    let args = vec!["github".to_string(), "import".into(), url.clone()];
    let first = tokio::task::spawn_blocking({
        let run = run.clone();
        let args = args.clone();
        move || run(args)
    })
    .await
    .unwrap();
    assert!(first.0, "{} {}", first.1, first.2);
    assert_eq!(first.1["imported"][0]["name"], "pdf", "{}", first.1);
    assert_eq!(first.1["imported"][0]["sourceRepo"], "acme/skills");
    assert_eq!(first.1["imported"][0]["sourceCommit"], SHA);
    let ws = root.join("data/agent-workspace/.claude/skills");
    assert_eq!(std::fs::read_to_string(ws.join("pdf/scripts/fill.py")).unwrap(), "print('hi')\n");
    let second = tokio::task::spawn_blocking(move || run(args)).await.unwrap();
    assert!(second.0, "{}", second.1);
    assert_eq!(
        second.1["imported"][0]["importedAt"], first.1["imported"][0]["importedAt"],
        "a re-import rewrote the skill"
    );
    assert_eq!(scalar(&open_db(&root.join("data")), "SELECT count(*) FROM workspace_skills"), 1);
    let names: Vec<String> =
        std::fs::read_dir(&ws).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names, ["pdf"]);
}

#[tokio::test]
async fn a_truncated_tree_is_listed_folder_by_folder() {
    let fake = FakeGitHub::start().await;
    fake.repo(
        &[("a/one/SKILL.md", skill_md("one", "")), ("b/two/SKILL.md", skill_md("two", "")), ("README.md", "x".into())],
        true,
    )
    .await;
    let env = Env::start().await;
    use_fake(&env, &fake).await;
    let repo = gh::parse_github_url(&env.backend, "acme/skills").await.unwrap();
    let skills = gh::list_github_skills(&env.backend, repo).await.unwrap();
    let names: Vec<&str> = skills.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["one", "two"]);
    assert!(skills.iter().all(|s| s.importable && !s.installed));
}

#[tokio::test]
async fn rate_limits_missing_and_private_repositories_have_clear_errors() {
    let fake = FakeGitHub::start().await;
    Mock::given(method("GET"))
        .and(path("/api/repos/acme/limited"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "1767225600"),
        )
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/repos/acme/secret"))
        .and(header("authorization", "Bearer ghp_testtoken1234567890abcdef"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"default_branch": "trunk", "private": true})))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/repos/acme/secret"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .mount(&fake.server)
        .await;
    let env = Env::start().await;
    use_fake(&env, &fake).await;

    let limited = wire(error(gh::check_marketplace_url(&env.backend, "acme/limited").await));
    assert_eq!(limited["code"], "rate_limited");
    assert_eq!(limited["details"]["resetAt"], "2026-01-01T00:00:00Z");
    assert_eq!(limited["details"]["authenticated"], false);
    assert!(limited["fixHint"].as_str().unwrap().contains("Sign in"));

    let missing = wire(error(gh::check_marketplace_url(&env.backend, "https://github.com/acme/secret").await));
    assert_eq!(missing["code"], "not_found");

    let token = skill_builder::secrets::Sensitive::new("ghp_testtoken1234567890abcdef".to_string());
    skill_builder::commands::settings::set_secret(&env.backend, skill_builder::secrets::SecretKey::GitHubToken, token)
        .await
        .unwrap();
    let check = gh::check_marketplace_url(&env.backend, "acme/secret").await.unwrap();
    assert_eq!((check.default_branch.as_str(), check.private), ("trunk", true));
    let err = wire(error(gh::check_marketplace_url(&env.backend, "acme/limited").await));
    assert_eq!(err["details"]["authenticated"], true);
    assert!(!err.to_string().contains("ghp_"), "the token leaked into an error");

    let bad = wire(error(gh::parse_github_url(&env.backend, "https://gitlab.com/a/b").await));
    assert_eq!(bad["code"], "invalid_input");

    // Nothing listens here: a network error, not a hang or a panic.
    let patch: SettingsPatch = serde_json::from_value(json!({"githubApiBaseUrl": "http://127.0.0.1:9"})).unwrap();
    skill_builder::commands::settings::save_settings(&env.backend, patch).await.unwrap();
    assert_eq!(code(gh::check_marketplace_url(&env.backend, "acme/skills").await), ErrorCode::Network);
}

#[tokio::test]
async fn a_marketplace_bulk_imports_into_the_library_and_reimports_idempotently() {
    let fake = FakeGitHub::start().await;
    let manifest = json!({
        "name": "acme-skills", "owner": {"name": "Acme"},
        "plugins": [
            {"name": "data", "source": "./plugins/data"},
            {"name": "npm-one", "source": {"source": "npm", "package": "x"}}
        ]
    })
    .to_string();
    fake.repo(
        &[
            (".claude-plugin/marketplace.json", manifest),
            ("plugins/data/skills/sales-kpis/SKILL.md", skill_md("sales-kpis", "")),
            ("plugins/data/skills/churn/SKILL.md", skill_md("churn", "")),
            ("plugins/data/skills/churn/references/a.md", "# A\n".into()),
            ("skills/ignored/SKILL.md", skill_md("ignored", "")),
        ],
        false,
    )
    .await;
    // A file the manifest's skill needs but that the server fails for.
    let env = Env::start().await;
    use_fake(&env, &fake).await;
    let patch: SettingsPatch =
        serde_json::from_value(json!({"marketplaceUrl": "https://github.com/acme/skills"})).unwrap();
    skill_builder::commands::settings::save_settings(&env.backend, patch).await.unwrap();

    let results = gh::import_marketplace_to_library(&env.backend, Vec::new(), false).await.unwrap();
    let outcomes: Vec<(String, ImportOutcome)> = results.iter().map(|r| (r.path.clone(), r.outcome)).collect();
    assert_eq!(
        outcomes,
        [
            ("plugins/data/skills/churn".to_string(), ImportOutcome::Imported),
            ("plugins/data/skills/sales-kpis".to_string(), ImportOutcome::Imported)
        ],
        "{results:?}"
    );
    assert!(env.skills().join("churn/references/a.md").is_file());
    let sql = env.sql();
    assert_eq!(scalar(&sql, "SELECT count(*) FROM skills WHERE skill_source = 'marketplace'"), 2);
    assert_eq!(scalar(&sql, &format!("SELECT count(*) FROM imported_skills WHERE source_commit = '{SHA}'")), 2);
    let log = git_cli(&env.skills(), &["log", "--format=%s"]);
    assert!(String::from_utf8_lossy(&log.stdout).contains("churn: imported from acme/skills"));
    assert!(!env.skills().join(".skill-builder-staging").exists());
    // Active marketplace skills get a marked agent copy.
    assert!(env.workspace().join(".claude/skills/churn/.skill-builder-copy").is_file());

    let again = gh::import_marketplace_to_library(&env.backend, Vec::new(), false).await.unwrap();
    assert!(again.iter().all(|r| r.outcome == ImportOutcome::Skipped), "{again:?}");
    assert_eq!(scalar(&sql, "SELECT count(*) FROM skills"), 2);

    // A local edit is not overwritten unless asked.
    std::fs::write(env.skills().join("churn/SKILL.md"), skill_md("churn", "local edit\n")).unwrap();
    let paths = vec!["plugins/data/skills/churn".to_string()];
    let kept = gh::import_marketplace_to_library(&env.backend, paths.clone(), false).await.unwrap();
    assert_eq!(kept[0].outcome, ImportOutcome::Failed);
    assert_eq!(kept[0].error.as_ref().unwrap().details.as_ref().unwrap()["reason"], "modified_locally");
    let forced = gh::import_marketplace_to_library(&env.backend, paths, true).await.unwrap();
    assert_eq!(forced[0].outcome, ImportOutcome::Updated, "{forced:?}");
    assert_eq!(std::fs::read_to_string(env.skills().join("churn/SKILL.md")).unwrap(), skill_md("churn", ""));

    // Deactivating removes the agent copy; the library copy stays.
    let target = SkillTarget { registry: Registry::Library, name: "churn".into() };
    skill_builder::commands::imports::toggle_skill_active(&env.backend, target, false).await.unwrap();
    assert!(!env.workspace().join(".claude/skills/churn").exists());
    assert!(env.skills().join("churn/SKILL.md").is_file());

    // A download that fails is that item's SB513, and nothing of it is saved.
    let repo = gh::parse_github_url(&env.backend, "acme/skills").await.unwrap();
    Mock::given(method("GET"))
        .and(path(format!("/raw/acme/skills/{SHA}/skills/ignored/SKILL.md")))
        .respond_with(ResponseTemplate::new(500))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    let report = gh::import_github_skills(&env.backend, repo, vec!["skills/ignored".into()]).await.unwrap();
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].error.details.as_ref().unwrap()["findings"][0]["rule"], "SB513");
    assert!(!env.workspace().join(".claude/skills/ignored").exists());
}
