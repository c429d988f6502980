//! `export_skill` (backend.md §3.8, §10.5; skill-format §3.1, §3.3): a library skill out as a
//! `.skill`/`.zip` archive or an installed folder, shaped for one target profile.
//!
//! - `files`: what ships from the skill folder (`context/`, junk and, by default, `evals/` never).
//! - `profile` + `emit`: the profile's front-matter, written by the canonical emitter.
//! - `build`: the shipped tree validated with the profile and scanned (errors block, nothing
//!   is written).
//! - `plugin`: `plugin.json` and `marketplace.json`, and the version bump rule (`SB409`).
//! - `archive`: deterministic zips; `install`: atomic writes and folder installs.

mod archive;
mod build;
mod emit;
mod files;
mod install;
mod plugin;
mod profile;

use std::path::PathBuf;

use crate::Backend;
use crate::commands::blocking;
use crate::protocol::validation::Profile;
use crate::protocol::{AppError, ExportContainer, ExportOptions, ExportResult, SkillName};

pub use install::MARKER as INSTALL_MARKER;

/// Exports the library skill `name`. `dest` is the archive's path (or a folder to put
/// `<name>.skill` in), or for a folder install the skills directory to install into; by default
/// `<data dir>/exports/`.
#[tracing::instrument(skip_all, fields(skill = name, profile = ?options.profile, container = ?options.container), err)]
pub async fn export_skill(
    backend: &Backend,
    name: &str,
    dest: Option<PathBuf>,
    options: ExportOptions,
) -> Result<ExportResult, AppError> {
    let name = SkillName::parse(name)?;
    if options.profile == Profile::Library {
        return Err(AppError::invalid("profile", "choose a target: claude-code, spec, claude-ai, codex or plugin"));
    }
    backend.db().get_skill(name.as_str()).await?;
    let skills_path = backend.skills_path().await?;
    let settings = backend.db().settings().await?;
    let last_plugin = match options.profile {
        Profile::Plugin => backend.db().plugin_export(name.as_str()).await?.and_then(|r| serde_json::from_str(&r).ok()),
        _ => None,
    };
    let exports = backend.paths().data_dir.join("exports");
    let temp = backend.paths().temp.clone();
    let top = name.as_str().to_string();
    let opts = options.clone();
    let (result, record) = blocking(move || {
        let dir = skills_path.join(&top);
        if !dir.is_dir() {
            return Err(AppError::NotFound { kind: "skill folder", name: dir.display().to_string() });
        }
        let shape = build::Shape {
            profile: opts.profile,
            include_evals: opts.include_evals,
            strip_builder_metadata: opts.strip_builder_metadata,
            drop_non_portable_keys: opts.drop_non_portable_keys,
        };
        let checked = build::build(&dir, &top, shape, &temp)?;
        let mut result = ExportResult {
            path: String::new(),
            size_bytes: 0,
            sha256: String::new(),
            findings: checked.findings,
            lifted: checked.lifted,
            dropped: checked.dropped,
            plugin_version: None,
            bumped_from: None,
        };
        let mut record = None;
        let files = if opts.profile == Profile::Plugin {
            let facts = plugin::SkillFacts::read(checked.original_skill_md.as_deref().unwrap_or_default());
            let content = files::content_hash(&checked.files);
            let choice =
                plugin::choose_version(facts.version.as_deref(), last_plugin.as_ref(), &content, opts.bump_version)?;
            let author = facts.author.clone().or(settings.github_user_login.clone());
            record = Some(plugin::PluginRecord { version: choice.version.clone(), content_sha256: content });
            result.plugin_version = Some(choice.version.clone());
            result.bumped_from = choice.bumped_from;
            plugin::layout(&top, &choice.version, &facts, author.as_deref(), checked.files)
        } else {
            checked.files
        };
        match opts.container {
            ExportContainer::Folder => {
                let dest = dest.unwrap_or(exports);
                install::check_destination(&dest.join(&top), Some(&skills_path))?;
                let target = install::install_folder(&dest, &top, &files)?;
                result.path = target.display().to_string();
                result.size_bytes = files.iter().map(|f| f.bytes.len() as u64).sum();
                result.sha256 = files::content_hash(&files);
            }
            ExportContainer::Skill | ExportContainer::Zip => {
                let ext = if opts.container == ExportContainer::Zip { "zip" } else { "skill" };
                let file_name = format!("{top}.{ext}");
                let path = match dest {
                    Some(d) if d.is_dir() => d.join(file_name),
                    Some(d) => d,
                    None => exports.join(file_name),
                };
                install::check_destination(&path, Some(&skills_path))?;
                let packed = archive::pack(&top, &files)?;
                install::write_archive(&path, &packed.bytes)?;
                result.path = path.display().to_string();
                result.size_bytes = packed.bytes.len() as u64;
                result.sha256 = packed.sha256;
            }
        }
        Ok((result, record))
    })
    .await?;
    if let Some(record) = record {
        // What was shipped under this version, so the next export can tell a content change.
        backend.db().record_plugin_export(name.as_str(), serde_json::to_string(&record)?).await?;
    }
    Ok(result)
}
