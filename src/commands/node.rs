//! Node & Dependencies: find a usable Node.js and report every startup dependency with a fix.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Backend;
use crate::protocol::*;
use crate::resources;
use crate::secrets::SecretKey;

/// The oldest Node the Agent SDK supports, and the newest major we have tested.
const MIN_NODE: (u32, u32) = (18, 14);
const MAX_NODE_MAJOR: u32 = 24;
const VERSION_TIMEOUT: Duration = Duration::from_secs(5);

/// Parses `v20.20.2` into (major, minor).
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.trim().trim_start_matches('v').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn compatible(version: (u32, u32)) -> bool {
    version >= MIN_NODE && version.0 <= MAX_NODE_MAJOR
}

async fn node_version(path: &Path) -> Result<String, String> {
    let run = tokio::process::Command::new(path).arg("--version").kill_on_drop(true).output();
    match tokio::time::timeout(VERSION_TIMEOUT, run).await {
        Ok(Ok(out)) if out.status.success() => Ok(String::from_utf8_lossy(&out.stdout).trim().to_string()),
        Ok(Ok(out)) => Err(format!("exited with {}", out.status)),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err("did not answer within 5 s".into()),
    }
}

fn system_candidates() -> Vec<PathBuf> {
    let exe = if cfg!(windows) { "node.exe" } else { "node" };
    let mut candidates: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).map(|d| d.join(exe)).collect()).unwrap_or_default();
    candidates.extend(["/usr/local/bin/node", "/opt/homebrew/bin/node", "/usr/bin/node"].map(PathBuf::from));
    candidates
}

/// The bundled Node if present and compatible, else the first compatible system one.
/// Never fails: a missing Node is a status the UI explains.
pub async fn check_node() -> NodeStatus {
    let bundled = resources::find(&format!(
        "node/{}/{}",
        resources::platform(),
        if cfg!(windows) { "node.exe" } else { "bin/node" }
    ));
    let mut last: Option<NodeStatus> = None;
    let found = tokio::task::spawn_blocking(|| system_candidates().into_iter().filter(|p| p.is_file()).collect())
        .await
        .unwrap_or_else(|_| Vec::new());
    let candidates =
        bundled.into_iter().map(|p| (p, NodeSource::Bundled)).chain(found.into_iter().map(|p| (p, NodeSource::System)));
    for (path, source) in candidates {
        let status = match node_version(&path).await {
            Ok(version) => {
                let meets_minimum = parse_version(&version).is_some_and(compatible);
                NodeStatus {
                    available: true,
                    version: Some(version),
                    meets_minimum,
                    source,
                    path: Some(path.display().to_string()),
                    error: None,
                }
            }
            Err(error) => NodeStatus {
                available: false,
                version: None,
                meets_minimum: false,
                source,
                path: Some(path.display().to_string()),
                error: Some(error),
            },
        };
        if status.meets_minimum {
            return status;
        }
        last.get_or_insert(status);
    }
    last.unwrap_or(NodeStatus {
        available: false,
        version: None,
        meets_minimum: false,
        source: NodeSource::None,
        path: None,
        error: Some("Node.js was not found".into()),
    })
}

fn check(id: &str, name: &str, ok: bool, blocking: bool, detail: String, fix: &str) -> DepStatus {
    DepStatus { id: id.into(), name: name.into(), ok, blocking, detail, fix_hint: (!ok).then(|| fix.to_string()) }
}

/// Every dependency the app needs at startup, each with what to do when it is missing.
pub async fn check_startup_deps(backend: &Backend) -> Result<StartupDeps, AppError> {
    let node = check_node().await;
    let mut checks = vec![check(
        "node",
        "Node.js",
        node.meets_minimum,
        true,
        match (&node.version, &node.path) {
            (Some(v), Some(p)) => format!("{v} at {p}"),
            _ => node.error.clone().unwrap_or_default(),
        },
        "Install Node.js 18.14 or newer (up to 24) from nodejs.org, then restart Skill Builder.",
    )];
    let bundle = resources::sidecar_bundle();
    checks.push(check(
        "runtime",
        "Agent runtime",
        bundle.is_some(),
        true,
        bundle.map_or("sidecar/dist/agent-runner.mjs is missing".into(), |p| p.display().to_string()),
        "Reinstall Skill Builder (developers: run `make sidecar`).",
    ));
    let settings = backend.db().settings().await?;
    let mock = settings.agent_backend == AgentBackend::Mock || std::env::var_os("SKILL_BUILDER_MOCK_AGENTS").is_some();
    let claude = settings.claude_code_path.clone().map(PathBuf::from).or_else(resources::claude_code_binary);
    let binary = claude.clone();
    let claude_ok = super::blocking(move || Ok(binary.as_ref().is_some_and(|p| p.is_file()))).await?;
    checks.push(check(
        "claude_code",
        "Claude Code",
        claude_ok || mock,
        !mock,
        claude.map_or("not found".into(), |p| p.display().to_string()),
        "Reinstall Skill Builder, or set the Claude Code path in Settings.",
    ));
    let workspace = &backend.paths().workspace;
    let probe = workspace.join(".write-probe");
    let writable =
        super::blocking(move || Ok(std::fs::write(&probe, b"ok").is_ok() && std::fs::remove_file(&probe).is_ok()))
            .await?;
    checks.push(check(
        "workspace",
        "Workspace folder",
        writable,
        true,
        workspace.display().to_string(),
        "Make the app data folder writable, or start with --data-dir pointing elsewhere.",
    ));
    let skills = backend.skills_path().await;
    let git_dir = skills.as_ref().ok().map(|p| p.join(".git"));
    let is_repo = super::blocking(move || Ok(git_dir.is_some_and(|g| g.exists()))).await?;
    checks.push(check(
        "skills_git",
        "Skills folder history",
        is_repo,
        false,
        skills.map_or_else(|e| e.to_string(), |p| p.display().to_string()),
        "Version history starts once the skills folder is a git repository.",
    ));
    let (version, integrity) = backend.db().health().await?;
    let latest = crate::actors::db::migrate::latest_version();
    checks.push(check(
        "database",
        "Database",
        version == latest && integrity == "ok",
        true,
        format!("schema {version} of {latest}, integrity {integrity}"),
        "Restore a backup from the app data folder's backups/ directory.",
    ));
    let keychain = backend.secrets().backend() == crate::secrets::SecretBackend::Keychain;
    checks.push(check(
        "secrets",
        "Secret storage",
        keychain,
        false,
        if keychain { "the OS keychain".into() } else { "the app database (0600): no OS keychain answered".into() },
        "Start or unlock the system keyring (e.g. GNOME Keyring); saved secrets move into it at the next start.",
    ));
    let key = backend.secrets().get(SecretKey::AnthropicApiKey).await?.is_some();
    checks.push(check(
        "api_key",
        "Anthropic API key",
        key || mock,
        false,
        if key {
            "set".into()
        } else if mock {
            "mock agents are on".into()
        } else {
            "not set".into()
        },
        "Add your API key in Settings; until then agents run in mock mode.",
    ));
    let all_ok = checks.iter().all(|c| c.ok || !c.blocking);
    Ok(StartupDeps { all_ok, checks })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_judged_by_major_and_minor() {
        assert_eq!(parse_version("v20.20.2"), Some((20, 20)));
        assert!(compatible((18, 14)) && compatible((24, 0)) && compatible((20, 1)));
        assert!(!compatible((18, 13)) && !compatible((25, 0)) && !compatible((16, 20)));
        assert_eq!(parse_version("garbage"), None);
    }
}
