//! The one environment allow-list for agents (agents-and-workflow.md §2.9).
//!
//! Node starts with a cleared environment plus exactly this list, and the sidecar hands it on
//! to Claude Code unchanged, so what an agent sees is decided here and nowhere else: a
//! variable that is not named below (`NODE_OPTIONS`, `LD_PRELOAD`, cloud credentials, …)
//! never reaches an agent.

use std::path::PathBuf;

use super::process::LaunchSpec;
use crate::protocol::AppError;
use crate::protocol::dto::settings::validate_base_url;

/// Copied from the app's own environment when set and not empty.
const PASSED_THROUGH: &[&str] = &[
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "TEMP",
    "TMP",
    // Proxies: tools read either case, so both are passed.
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    // A corporate TLS-inspecting proxy needs its CA.
    "NODE_EXTRA_CA_CERTS",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    // Windows
    "SYSTEMROOT",
    "APPDATA",
    "LOCALAPPDATA",
    "USERPROFILE",
    "COMSPEC",
    "CLAUDE_CODE_GIT_BASH_PATH",
];

/// Always `1`: the first removes every request but the model turns (a dead DNS server
/// otherwise adds 15 s or more); the others are redundant with it and harmless.
const ALWAYS_ON: &[&str] = &[
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
    "DISABLE_TELEMETRY",
    "DISABLE_ERROR_REPORTING",
    "DISABLE_AUTOUPDATER",
    "DISABLE_BUG_COMMAND",
    "DISABLE_NON_ESSENTIAL_MODEL_CALLS",
];

/// The default of 10 takes about 186 s to give up on a persistent 500; 6 about 37 s.
const DEFAULT_MAX_RETRIES: &str = "6";

/// Hosts that never go through a proxy: local fakes in tests, local gateways.
const LOOPBACK: &[&str] = &["127.0.0.1", "localhost", "::1"];

/// The sidecar's complete environment. `lookup` reads the app's own environment (injected so
/// the rules are testable). A base URL override that is neither https nor http to a loopback
/// host is refused: the API key would travel in clear text to it.
pub(super) fn sidecar_environment(
    spec: &LaunchSpec,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>, AppError> {
    let get = |key: &str| lookup(key).filter(|v| !v.is_empty());
    let mut env: Vec<(String, String)> =
        PASSED_THROUGH.iter().filter_map(|key| get(key).map(|value| ((*key).to_string(), value))).collect();
    env.push(("PATH".into(), agent_path(get("PATH"))));
    env.push(("CLAUDE_CONFIG_DIR".into(), spec.claude_config_dir.display().to_string()));
    env.extend(ALWAYS_ON.iter().map(|key| ((*key).to_string(), "1".to_string())));
    let retries = get("SKILL_BUILDER_CLAUDE_MAX_RETRIES")
        .filter(|v| v.len() <= 2 && v.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| DEFAULT_MAX_RETRIES.into());
    env.push(("CLAUDE_CODE_MAX_RETRIES".into(), retries));
    if let Some(base) = get("SKILL_BUILDER_ANTHROPIC_BASE_URL") {
        env.push(("ANTHROPIC_BASE_URL".into(), validate_base_url("SKILL_BUILDER_ANTHROPIC_BASE_URL", &base)?));
        // A gateway or fake: a broken stream must show, not be retried without streaming.
        env.push(("CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK".into(), "1".into()));
    }
    let no_proxy = merge_no_proxy([get("NO_PROXY"), get("no_proxy")]);
    env.push(("NO_PROXY".into(), no_proxy.clone()));
    env.push(("no_proxy".into(), no_proxy));
    if let Some(key) = &spec.api_key {
        env.push(("ANTHROPIC_API_KEY".into(), key.expose().clone()));
    }
    if spec.mock {
        env.push(("SKILL_BUILDER_MOCK_AGENTS".into(), "1".into()));
        // Mock fault injection at start-up (`slow_ready`), for tests; mock mode only.
        if let Some(fail) = get("SKILL_BUILDER_MOCK_FAIL").filter(|f| f.len() <= 64) {
            env.push(("SKILL_BUILDER_MOCK_FAIL".into(), fail));
        }
    }
    Ok(env)
}

/// The user's no-proxy hosts (either spelling) plus the loopback hosts, each once.
fn merge_no_proxy(existing: [Option<String>; 2]) -> String {
    let mut hosts: Vec<String> = Vec::new();
    let given = existing.iter().flatten().flat_map(|list| list.split(','));
    for host in given.map(str::trim).chain(LOOPBACK.iter().copied()) {
        if !host.is_empty() && !hosts.iter().any(|h| h == host) {
            hosts.push(host.to_string());
        }
    }
    hosts.join(",")
}

/// Our PATH plus the usual tool folders, since desktop apps often start with a minimal PATH.
fn agent_path(path: Option<String>) -> String {
    let mut dirs: Vec<PathBuf> = path.map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    for extra in ["/usr/local/bin", "/opt/homebrew/bin", "/usr/bin", "/bin"] {
        let extra = PathBuf::from(extra);
        if !dirs.contains(&extra) {
            dirs.push(extra);
        }
    }
    std::env::join_paths(dirs).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::secrets::Sensitive;

    fn spec() -> LaunchSpec {
        LaunchSpec {
            node: "node".into(),
            bundle: "b".into(),
            cwd: "/ws".into(),
            api_key: Some(Sensitive::new("k".to_string())),
            claude_config_dir: "/cfg".into(),
            mock: false,
        }
    }

    fn build(vars: &[(&str, &str)]) -> Result<HashMap<String, String>, AppError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Ok(sidecar_environment(&spec(), &|key| vars.get(key).cloned())?.into_iter().collect())
    }

    #[test]
    fn proxies_of_either_case_and_ca_files_pass_and_nothing_else_does() {
        let env = build(&[
            ("http_proxy", "http://p:1"),
            ("HTTPS_PROXY", "http://p:2"),
            ("all_proxy", "socks5://p:3"),
            ("NODE_EXTRA_CA_CERTS", "/ca.pem"),
            ("SSL_CERT_FILE", "/cert.pem"),
            ("no_proxy", "corp.example, localhost"),
            ("NODE_OPTIONS", "--require /evil.js"),
            ("LD_PRELOAD", "/evil.so"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
            ("IS_SANDBOX", "1"),
        ])
        .unwrap();
        assert_eq!(env["http_proxy"], "http://p:1");
        assert_eq!(env["HTTPS_PROXY"], "http://p:2");
        assert_eq!(env["all_proxy"], "socks5://p:3");
        assert_eq!(env["NODE_EXTRA_CA_CERTS"], "/ca.pem");
        assert_eq!(env["SSL_CERT_FILE"], "/cert.pem");
        assert_eq!(env["NO_PROXY"], "corp.example,localhost,127.0.0.1,::1");
        assert_eq!(env["no_proxy"], env["NO_PROXY"]);
        for banned in ["NODE_OPTIONS", "LD_PRELOAD", "AWS_SECRET_ACCESS_KEY", "IS_SANDBOX", "ANTHROPIC_BASE_URL"] {
            assert!(!env.contains_key(banned), "{banned}");
        }
        assert_eq!(env["CLAUDE_CONFIG_DIR"], "/cfg");
        assert_eq!(env["ANTHROPIC_API_KEY"], "k");
        assert_eq!(env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"], "1");
        assert_eq!(env["CLAUDE_CODE_MAX_RETRIES"], "6");
    }

    #[test]
    fn a_base_url_reaches_agents_only_over_https_or_to_loopback() {
        for good in
            ["https://gateway.example/anthropic", "http://127.0.0.1:4010", "http://localhost:9", "http://[::1]:9"]
        {
            let env = build(&[("SKILL_BUILDER_ANTHROPIC_BASE_URL", good)]).unwrap();
            assert_eq!(env["ANTHROPIC_BASE_URL"], good);
        }
        for bad in ["http://gateway.example", "http://127.0.0.1:80@evil.example", "ftp://127.0.0.1", "127.0.0.1"] {
            let err = build(&[("SKILL_BUILDER_ANTHROPIC_BASE_URL", bad)]).unwrap_err();
            assert_eq!(err.code(), crate::protocol::ErrorCode::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn retries_come_from_the_override_only_when_it_is_a_small_number() {
        assert_eq!(build(&[("SKILL_BUILDER_CLAUDE_MAX_RETRIES", "0")]).unwrap()["CLAUDE_CODE_MAX_RETRIES"], "0");
        let odd = build(&[("SKILL_BUILDER_CLAUDE_MAX_RETRIES", "1; rm")]).unwrap();
        assert_eq!(odd["CLAUDE_CODE_MAX_RETRIES"], "6");
    }
}
