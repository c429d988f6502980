//! Plugin export (skill-format §3.3): `<plugin>/.claude-plugin/plugin.json`, a one-plugin
//! `.claude-plugin/marketplace.json` beside it (so the folder can be added as a marketplace),
//! and the skill under `skills/<name>/`. Claude Code caches plugins by version string, so the
//! version must change whenever the content does (`SB409`): we remember the version and content
//! hash of the last export and bump the patch version when the content changed under it.

use crate::skill::validate::manifest::RESERVED_MARKETPLACES;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::files::ExportFile;
use crate::protocol::AppError;
use crate::protocol::validation::{Finding, Severity};
use crate::skill::frontmatter;

/// A version for a skill whose SKILL.md declares none (§1.5: new skills start at 1.0.0).
const FIRST_VERSION: &str = "1.0.0";

/// What was exported last as a plugin, kept per skill in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginRecord {
    pub version: String,
    pub content_sha256: String,
}

/// The version to write, and the one it was bumped from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionChoice {
    pub version: String,
    pub bumped_from: Option<String>,
}

fn semver(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.trim().trim_start_matches('v').split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let triple = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(triple)
}

/// The version rule (`SB409`). Same content as last time: the same version. Changed content:
/// the declared version if the user raised it past the last export, else (with `bump`) the
/// last export's patch version + 1, else `invalid_skill` with an `SB409` error.
pub fn choose_version(
    declared: Option<&str>,
    last: Option<&PluginRecord>,
    content_sha256: &str,
    bump: bool,
) -> Result<VersionChoice, AppError> {
    let declared = declared.map(str::trim).filter(|v| !v.is_empty()).unwrap_or(FIRST_VERSION);
    let unchanged = |version: &str| VersionChoice { version: version.to_string(), bumped_from: None };
    let Some(last) = last else { return Ok(unchanged(declared)) };
    if last.content_sha256 == content_sha256 {
        return Ok(unchanged(&last.version));
    }
    match (semver(declared), semver(&last.version)) {
        (Some(d), Some(l)) if d > l => Ok(unchanged(declared)),
        (d, Some(l)) if bump => {
            let (major, minor, patch) = d.map_or(l, |d| d.max(l));
            Ok(VersionChoice {
                version: format!("{major}.{minor}.{}", patch + 1),
                bumped_from: Some(last.version.clone()),
            })
        }
        _ => Err(AppError::InvalidSkill {
            findings: vec![Finding {
                rule: "SB409".into(),
                severity: Severity::Error,
                message: format!(
                    "Plugin content changed since version {} was exported; bump it (stale caches).",
                    last.version
                ),
                path: Some("SKILL.md".into()),
                line: None,
                col: None,
                fix: None,
            }],
        }),
    }
}

/// What the manifests say about the skill, read from its SKILL.md.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkillFacts {
    pub description: Option<String>,
    pub version: Option<String>,
    pub author: Option<String>,
    pub license: Option<String>,
    pub tags: Vec<String>,
}

impl SkillFacts {
    pub fn read(skill_md: &str) -> SkillFacts {
        let Ok(parsed) = frontmatter::parse(skill_md) else { return SkillFacts::default() };
        let meta = parsed.get("metadata").and_then(frontmatter::Value::as_map);
        let meta_text = |key: &str| {
            meta.and_then(|m| m.get(key)).and_then(frontmatter::Value::as_str).map(str::trim).filter(|t| !t.is_empty())
        };
        SkillFacts {
            description: parsed.text("description").map(String::from),
            version: meta_text("version").map(String::from),
            author: meta_text("author").map(String::from),
            license: parsed.text("license").map(String::from),
            tags: meta_text("skill-builder.tags")
                .map(|t| t.split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect())
                .unwrap_or_default(),
        }
    }
}

fn manifest(value: &Value) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

/// The plugin's files: the skill under `skills/<name>/` and both manifests.
pub fn layout(
    name: &str,
    version: &str,
    facts: &SkillFacts,
    author: Option<&str>,
    skill: Vec<ExportFile>,
) -> Vec<ExportFile> {
    let mut plugin = Map::new();
    plugin.insert("name".into(), json!(name));
    plugin.insert("version".into(), json!(version));
    if let Some(description) = &facts.description {
        plugin.insert("description".into(), json!(description));
    }
    if let Some(author) = author {
        plugin.insert("author".into(), json!({ "name": author }));
    }
    if let Some(license) = &facts.license {
        plugin.insert("license".into(), json!(license));
    }
    if !facts.tags.is_empty() {
        plugin.insert("keywords".into(), json!(facts.tags));
    }
    let mut marketplace_name = format!("{name}-marketplace");
    if RESERVED_MARKETPLACES.contains(&marketplace_name.as_str()) {
        marketplace_name = format!("{name}-local-marketplace");
    }
    let marketplace = json!({
        "name": marketplace_name,
        "owner": { "name": author.unwrap_or("Skill Builder user") },
        "plugins": [{
            "name": name,
            "source": "./",
            "version": version,
            "description": facts.description.clone().unwrap_or_default(),
        }],
    });
    let mut files = vec![
        ExportFile { path: ".claude-plugin/marketplace.json".into(), bytes: manifest(&marketplace), executable: false },
        ExportFile {
            path: ".claude-plugin/plugin.json".into(),
            bytes: manifest(&Value::Object(plugin)),
            executable: false,
        },
    ];
    files.extend(skill.into_iter().map(|f| ExportFile { path: format!("skills/{name}/{}", f.path), ..f }));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(version: &str, hash: &str) -> PluginRecord {
        PluginRecord { version: version.into(), content_sha256: hash.into() }
    }

    #[test]
    fn version_rule() {
        let first = choose_version(Some("1.2.0"), None, "h1", true).unwrap();
        assert_eq!(first, VersionChoice { version: "1.2.0".into(), bumped_from: None });
        assert_eq!(choose_version(None, None, "h1", true).unwrap().version, "1.0.0");
        // Same content: same version, even if asked again.
        let last = record("1.2.0", "h1");
        assert_eq!(choose_version(Some("1.2.0"), Some(&last), "h1", false).unwrap().version, "1.2.0");
        // Changed content, same declared version: bumped, or SB409 without the bump.
        let bumped = choose_version(Some("1.2.0"), Some(&last), "h2", true).unwrap();
        assert_eq!(bumped, VersionChoice { version: "1.2.1".into(), bumped_from: Some("1.2.0".into()) });
        let Err(AppError::InvalidSkill { findings }) = choose_version(Some("1.2.0"), Some(&last), "h2", false) else {
            panic!("SB409 expected")
        };
        assert_eq!(findings[0].rule, "SB409");
        // A bumped export is the new baseline; a declared version past it wins.
        let last = record("1.2.1", "h2");
        assert_eq!(choose_version(Some("1.2.0"), Some(&last), "h3", true).unwrap().version, "1.2.2");
        assert_eq!(choose_version(Some("2.0.0"), Some(&last), "h3", false).unwrap().version, "2.0.0");
    }

    #[test]
    fn manifests() {
        let facts = SkillFacts::read(
            "---\nname: agent\ndescription: Does x. Use when y.\nlicense: MIT\nmetadata:\n  version: \"1.0.0\"\n  skill-builder.tags: \"a,b\"\n---\nBody\n",
        );
        assert_eq!(facts.tags, ["a", "b"]);
        let skill = vec![ExportFile { path: "SKILL.md".into(), bytes: b"x".to_vec(), executable: false }];
        let files = layout("agent", "1.0.1", &facts, Some("octo"), skill);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, [".claude-plugin/marketplace.json", ".claude-plugin/plugin.json", "skills/agent/SKILL.md"]);
        let plugin: Value = serde_json::from_slice(&files[1].bytes).unwrap();
        assert_eq!(
            plugin,
            json!({"name": "agent", "version": "1.0.1", "description": "Does x. Use when y.",
                   "author": {"name": "octo"}, "license": "MIT", "keywords": ["a", "b"]})
        );
        let market: Value = serde_json::from_slice(&files[0].bytes).unwrap();
        assert_eq!(market["name"], "agent-marketplace");
        assert_eq!(market["plugins"][0]["source"], "./");
        assert_eq!(market["owner"]["name"], "octo");
        let reserved = layout("claude-code", "1.0.0", &facts, None, Vec::new());
        let market: Value = serde_json::from_slice(&reserved[0].bytes).unwrap();
        assert_eq!(market["name"], "claude-code-local-marketplace", "claude-code-marketplace is reserved");
        assert_eq!(market["owner"]["name"], "Skill Builder user");
    }
}
