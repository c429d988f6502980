//! Claude Code marketplaces (skill-format §3.3): `.claude-plugin/marketplace.json` read, checked
//! (`SB501`–`SB507`, `SB511`) and turned into the list of skill folders to import. A repository
//! without a manifest is scanned for `SKILL.md` files instead (`repo::PinnedRepo::skill_dirs`).

use crate::skill::validate::manifest::RESERVED_MARKETPLACES;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::http::GitHub;
use super::repo::{Blob, PinnedRepo};
use crate::import::{block, blocked};
use crate::protocol::AppError;
use crate::protocol::validation::{Finding, Severity};

const MANIFEST_BYTES: u64 = 1024 * 1024;

/// What a repository offers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Offer {
    /// The marketplace's name, when it has a manifest.
    pub marketplace: Option<String>,
    /// Skill folders, repository-relative, sorted, each once.
    pub skill_dirs: Vec<String>,
    /// Manifest findings that skipped a plugin or a path (non-blocking).
    pub findings: Vec<Finding>,
}

/// The skills of the pinned repository: by its marketplace manifest when it has one, else by
/// scanning for `SKILL.md`.
pub async fn discover(gh: &GitHub, pinned: &PinnedRepo) -> Result<Offer, AppError> {
    let root = pinned.subpath.clone().unwrap_or_default();
    let manifest = join(&root, ".claude-plugin/marketplace.json");
    if !pinned.files.contains_key(&manifest) {
        let mut skill_dirs = pinned.skill_dirs();
        skill_dirs.sort();
        return Ok(Offer { marketplace: None, skill_dirs, findings: Vec::new() });
    }
    let bytes = gh.raw_file(&pinned.owner, &pinned.repo, &pinned.sha, &manifest, MANIFEST_BYTES).await?;
    plan(&bytes, &root, &pinned.files, &pinned.owner)
}

/// Reads a manifest against the repository's file list. Pure, so every rule is unit-tested.
pub fn plan(bytes: &[u8], root: &str, files: &BTreeMap<String, Blob>, owner: &str) -> Result<Offer, AppError> {
    let file = ".claude-plugin/marketplace.json";
    let doc: Value = serde_json::from_slice(bytes)
        .map_err(|e| blocked(vec![block("SB501", format!("`{file}` is not a JSON object ({e})."), file)]))?;
    let Some(doc) = doc.as_object() else {
        return Err(blocked(vec![block("SB501", format!("`{file}` is not a JSON object (not an object)."), file)]));
    };
    let name = doc.get("name").and_then(Value::as_str).unwrap_or_default();
    if crate::protocol::SkillName::parse(name).is_err() {
        return Err(blocked(vec![block("SB502", "Marketplace `name` missing or not kebab-case.".into(), file)]));
    }
    if RESERVED_MARKETPLACES.contains(&name) && !owner.eq_ignore_ascii_case("anthropics") {
        let message = format!("Marketplace name `{name}` is reserved for `github.com/anthropics/*`.");
        return Err(blocked(vec![block("SB503", message, file)]));
    }
    let owner_name = doc.get("owner").and_then(|o| o.get("name")).and_then(Value::as_str);
    if owner_name.is_none_or(|n| n.trim().is_empty()) {
        return Err(blocked(vec![block("SB504", "`owner.name` missing.".into(), file)]));
    }
    let plugin_root = doc.get("metadata").and_then(|m| m.get("pluginRoot")).and_then(Value::as_str).unwrap_or("");
    let mut offer = Offer { marketplace: Some(name.to_string()), ..Default::default() };
    let mut dirs = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let plugins = doc.get("plugins").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for (i, plugin) in plugins.iter().enumerate() {
        let pname = plugin.get("name").and_then(Value::as_str).filter(|n| !n.is_empty());
        let source = plugin.get("source");
        let (Some(pname), Some(source)) = (pname, source) else {
            let message =
                format!("Plugin #{}: no `name`/`source`, or duplicate `{}` (skipped).", i + 1, pname.unwrap_or(""));
            offer.findings.push(skip("SB505", Severity::Error, message));
            continue;
        };
        if !seen.insert(pname.to_string()) {
            let message = format!("Plugin #{}: no `name`/`source`, or duplicate `{pname}` (skipped).", i + 1);
            offer.findings.push(skip("SB505", Severity::Error, message));
            continue;
        }
        let Some(rel) = source.as_str() else {
            let kind = source.get("source").and_then(Value::as_str).unwrap_or("unknown");
            let message = format!("Plugin `{pname}`: unsupported source `{kind}` (skipped).");
            offer.findings.push(skip("SB507", Severity::Warning, message));
            continue;
        };
        let base = if rel.starts_with("./") || rel == "." { join(root, plugin_root) } else { root.to_string() };
        let Some(plugin_dir) = resolve(&base, rel).filter(|d| within(root, d)) else {
            let message = format!("Plugin `{pname}`: source `{rel}` leaves the marketplace root (skipped).");
            offer.findings.push(skip("SB506", Severity::Error, message));
            continue;
        };
        let skills_prefix = join(&plugin_dir, "skills/");
        for path in files.keys() {
            if let Some(rest) = path.strip_prefix(&skills_prefix)
                && let Some((skill, "SKILL.md")) = rest.split_once('/')
            {
                dirs.insert(join(&skills_prefix, skill));
            }
        }
        let extra = plugin.get("skills").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for path in extra.iter().filter_map(Value::as_str) {
            match resolve(&plugin_dir, path).filter(|d| within(root, d)) {
                Some(dir) if files.contains_key(&join(&dir, "SKILL.md")) => {
                    dirs.insert(dir);
                }
                _ => {
                    let message = format!("`{path}` has no SKILL.md or is not `skills/<name>/SKILL.md`.");
                    offer.findings.push(skip("SB511", Severity::Warning, message));
                }
            }
        }
    }
    offer.skill_dirs = dirs.into_iter().map(|d| d.trim_end_matches('/').to_string()).collect();
    Ok(offer)
}

fn skip(rule: &str, severity: Severity, message: String) -> Finding {
    let mut finding = block(rule, message, ".claude-plugin/marketplace.json");
    finding.severity = severity;
    finding
}

fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (_, true) => base.to_string(),
        _ => format!("{}/{rel}", base.trim_end_matches('/')),
    }
}

/// `base/rel` with `.` and `..` applied; `None` when it climbs above the repository root.
fn resolve(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn within(root: &str, dir: &str) -> bool {
    root.is_empty() || dir == root || dir.starts_with(&format!("{root}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> BTreeMap<String, Blob> {
        paths
            .iter()
            .map(|p| (p.to_string(), Blob { path: p.to_string(), executable: false, special: false, size: None }))
            .collect()
    }

    #[test]
    fn a_manifest_names_each_plugins_skills() {
        let manifest = br#"{"name":"acme-skills","owner":{"name":"Acme"},"metadata":{"pluginRoot":"./plugins"},
          "plugins":[{"name":"data","source":"./data"},{"name":"docs","source":"./","strict":false,"skills":["./extra/xlsx","./nope"]},
                     {"name":"ext","source":{"source":"github","repo":"o/r"}},{"name":"bad","source":"../../x"},{"name":"data","source":"./d"},{"source":"./z"}]}"#;
        let tree = files(&[
            "plugins/data/skills/a/SKILL.md",
            "plugins/data/skills/a/x.md",
            "plugins/skills/b/SKILL.md",
            "plugins/extra/xlsx/SKILL.md",
        ]);
        let offer = plan(manifest, "", &tree, "acme").unwrap();
        assert_eq!(offer.skill_dirs, ["plugins/data/skills/a", "plugins/extra/xlsx", "plugins/skills/b"]);
        let rules: Vec<&str> = offer.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, ["SB511", "SB507", "SB506", "SB505", "SB505"]);
    }

    #[test]
    fn broken_manifests_are_refused_with_their_rule() {
        let rule = |json: &str, owner: &str| match plan(json.as_bytes(), "", &files(&[]), owner) {
            Err(AppError::InvalidSkill { findings, .. }) => findings[0].rule.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(rule("[1]", "o"), "SB501");
        assert_eq!(rule("{", "o"), "SB501");
        assert_eq!(rule(r#"{"name":"Bad Name","owner":{"name":"x"}}"#, "o"), "SB502");
        assert_eq!(rule(r#"{"name":"agent-skills","owner":{"name":"x"}}"#, "o"), "SB503");
        assert_eq!(rule(r#"{"name":"fine","owner":{}}"#, "o"), "SB504");
        assert!(
            plan(br#"{"name":"agent-skills","owner":{"name":"A"},"plugins":[]}"#, "", &files(&[]), "anthropics")
                .is_ok()
        );
    }
}
