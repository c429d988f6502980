//! Finds bundled resources (the sidecar bundle, the Claude Code binary, a bundled Node) in one
//! order for every resource: `SKILL_BUILDER_RESOURCES`, then `<exe dir>/resources`, then, in
//! development builds, the source tree.

use std::path::{Path, PathBuf};

/// The candidate resource roots, most specific first.
pub fn roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Some(dir) = std::env::var_os("SKILL_BUILDER_RESOURCES") {
        roots.push(PathBuf::from(dir));
    }
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|p| p.parent().map(Path::to_path_buf)) {
        roots.push(exe_dir.join("resources"));
    }
    if cfg!(debug_assertions) {
        roots.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    }
    roots
}

/// The first existing `relative` path under the resource roots.
pub fn find(relative: &str) -> Option<PathBuf> {
    roots().into_iter().map(|root| root.join(relative)).find(|p| p.exists())
}

/// The esbuild bundle of the sidecar.
pub fn sidecar_bundle() -> Option<PathBuf> {
    find("sidecar/dist/agent-runner.mjs")
}

/// `linux-x64`, `darwin-arm64`, … as the SDK's platform packages and bundled Node name them.
pub fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}-{arch}")
}

/// The Claude Code binary: bundled, or from the SDK's platform package in development.
pub fn claude_code_binary() -> Option<PathBuf> {
    let exe = if cfg!(windows) { "claude.exe" } else { "claude" };
    find(&format!("claude-code/{exe}"))
        .or_else(|| find(&format!("sidecar/node_modules/@anthropic-ai/claude-agent-sdk-{}/{exe}", platform())))
}
