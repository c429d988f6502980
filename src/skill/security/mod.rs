//! The security gate (skill-format §2.4, SB350–SB356, requirement R11), run on import and
//! export: every file of a skill is read in chunks (at most [`MAX_SCAN_BYTES`], counted as
//! read), hashed with SHA-256 on the way, and scanned by `patterns` unless the cache already
//! holds the verdict for that hash. Findings are warnings except secrets (`SB354`, an error
//! that blocks export) and native executables (`SB356`, info); `SB355` says once per skill
//! which files run code.

mod cache;
mod patterns;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::protocol::AppError;
use crate::protocol::validation::{Finding, Profile};
use crate::skill::rules;
pub use cache::hits as cache_hits;
pub use patterns::{Hit, is_invisible, native_executable};

/// A file is scanned up to this many bytes (the import limit per file); the rest is not read.
pub const MAX_SCAN_BYTES: u64 = 10 * 1024 * 1024;
/// Files a scan reads at most.
const MAX_FILES: usize = 5_000;
/// Extensions of files that run as code.
const CODE_EXTENSIONS: &[&str] = &[
    "sh", "bash", "zsh", "fish", "py", "js", "mjs", "cjs", "ts", "ps1", "psm1", "bat", "cmd", "rb", "pl", "php", "lua",
    "exe", "dll", "so", "dylib",
];

/// Scans every file under `dir` (no symlink followed; `.git` skipped) and returns the
/// security findings, paths relative to `dir`.
pub fn scan_dir(dir: &Path) -> Result<Vec<Finding>, AppError> {
    let mut scanned = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| AppError::io(&folder, e))? {
            let entry = entry.map_err(|e| AppError::io(&folder, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{prefix}{name}");
            let kind = entry.file_type().map_err(|e| AppError::io(entry.path(), e))?;
            if kind.is_dir() && !(prefix.is_empty() && name == ".git") {
                pending.push((entry.path(), format!("{rel}/")));
            } else if kind.is_file() {
                if scanned.len() >= MAX_FILES {
                    return Err(AppError::TooLarge {
                        what: "files to scan".into(),
                        limit: MAX_FILES as u64,
                        actual: MAX_FILES as u64 + 1,
                    });
                }
                let hits = scan_file(&entry.path())?;
                scanned.push((rel, hits));
            }
        }
    }
    scanned.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(findings(&scanned))
}

/// Scans files held in memory (an archive being imported): `(relative path, bytes)`.
pub fn scan_files(files: &[(String, Vec<u8>)]) -> Vec<Finding> {
    let mut scanned: Vec<(String, std::sync::Arc<Vec<Hit>>)> = files
        .iter()
        .map(|(path, bytes)| {
            let hash: [u8; 32] = Sha256::digest(bytes).into();
            (path.clone(), cache::verdict(hash, || patterns::scan(bytes)))
        })
        .collect();
    scanned.sort_by(|a, b| a.0.cmp(&b.0));
    findings(&scanned)
}

/// Reads one file in chunks, hashing as it goes, and returns its cached or fresh verdict. A
/// file cut at the cap is scanned as far as it was read and not cached.
fn scan_file(path: &Path) -> Result<std::sync::Arc<Vec<Hit>>, AppError> {
    let file = File::open(path).map_err(|e| AppError::io(path, e))?;
    let mut reader = file.take(MAX_SCAN_BYTES + 1);
    let mut hasher = Sha256::new();
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut chunk).map_err(|e| AppError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&chunk[..n]);
        bytes.extend_from_slice(&chunk[..n]);
    }
    if bytes.len() as u64 > MAX_SCAN_BYTES {
        bytes.truncate(MAX_SCAN_BYTES as usize);
        return Ok(std::sync::Arc::new(patterns::scan(&bytes)));
    }
    Ok(cache::verdict(hasher.finalize().into(), || patterns::scan(&bytes)))
}

fn findings<H: AsRef<Vec<Hit>>>(scanned: &[(String, H)]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut code: Vec<String> = Vec::new();
    for (path, hits) in scanned {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        let name = path.rsplit('/').next().unwrap_or(path);
        let bare_script = path.starts_with("scripts/") && !name.contains('.');
        let runs = bare_script || CODE_EXTENSIONS.contains(&ext.as_str());
        let skill_md = name == "SKILL.md";
        let shell = |h: &&Hit| h.rule == "SB355" && h.detail != "shebang" && skill_md;
        if let Some(hit) = hits.as_ref().iter().find(shell) {
            code.push(format!("{path} ({})", hit.detail));
        } else if runs || hits.as_ref().iter().any(|h| h.detail == "shebang" || h.rule == "SB356") {
            code.push(path.clone());
        }
        for hit in hits.as_ref().iter().filter(|h| h.rule != "SB355") {
            let line = hit.line.to_string();
            let args = [
                ("file", path.as_str()),
                ("line", line.as_str()),
                ("cp", hit.detail.as_str()),
                ("kind", hit.detail.as_str()),
            ];
            let mut finding = rules::finding(hit.rule, Profile::Library, &args);
            finding.path = Some(path.clone());
            finding.line = u32::try_from(hit.line).ok().filter(|l| *l > 0);
            out.push(finding);
        }
    }
    if !code.is_empty() {
        let shown: Vec<&str> = code.iter().take(5).map(String::as_str).collect();
        let more =
            if code.len() > shown.len() { format!(" and {} more", code.len() - shown.len()) } else { String::new() };
        let detail = format!("{}{more}", shown.join(", "));
        let mut finding = rules::finding("SB355", Profile::Library, &[("detail", &detail)]);
        finding.path = code.first().map(|p| p.split(" (").next().unwrap_or(p).to_string());
        out.push(finding);
    }
    out
}

#[cfg(test)]
mod tests;
