//! `skill-builder imported|github|marketplace …`: the import commands (backend.md §3.8, §3.9)
//! from the command line.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use serde_json::Value;

use crate::Backend;
use crate::commands::{github_import as gh, imports};
use crate::protocol::*;

#[derive(Debug, Subcommand)]
pub enum ImportedCmd {
    /// Import a `.zip`, `.skill` or skill folder into Settings → Skills.
    Upload {
        file: PathBuf,
        /// The skill folder to take from an archive holding several.
        #[arg(long)]
        folder: Option<String>,
        /// What to do when the name is taken.
        #[arg(long, value_enum)]
        on_conflict: Option<ConflictArg>,
        /// Only show the findings, fixes and conflict; import nothing.
        #[arg(long)]
        preview: bool,
    },
    /// Settings → Skills, by name.
    List,
    /// Activate or deactivate a skill (`--library` for a marketplace skill of the library).
    Toggle {
        name: String,
        #[arg(long, action = clap::ArgAction::Set)]
        active: bool,
        #[arg(long)]
        library: bool,
    },
    /// Remove a skill from Settings → Skills (its folder and row).
    Delete { name: String },
    /// Print a skill's SKILL.md and front-matter (`--library` for a library skill).
    Show {
        name: String,
        #[arg(long)]
        library: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ConflictArg {
    Skip,
    Rename,
    Replace,
}

#[derive(Debug, Subcommand)]
pub enum GithubCmd {
    /// Import the skill a URL points at (a folder URL), or with `--all` every skill of the
    /// repository, into Settings → Skills (`--library`: into the Skills Library).
    Import {
        url: String,
        #[arg(long)]
        all: bool,
        /// A skill folder of the repository (repeatable).
        #[arg(long = "path")]
        paths: Vec<String>,
        #[arg(long)]
        library: bool,
        /// With `--library`: replace skills edited since they were imported.
        #[arg(long)]
        overwrite: bool,
    },
    /// List the skills of a repository.
    List { url: String },
    /// Parse a GitHub URL as the importers do.
    Parse { url: String },
    #[command(flatten)]
    Account(crate::cli::share::GithubAccountCmd),
}

#[derive(Debug, Subcommand)]
pub enum MarketplaceCmd {
    /// Check that a marketplace repository exists and can be read.
    Check { url: String },
    /// Import the configured marketplace's skills (all, or `--path` ones) into the library.
    Import {
        #[arg(long = "path")]
        paths: Vec<String>,
        #[arg(long)]
        overwrite: bool,
    },
}

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, AppError> {
    Ok(serde_json::to_value(value)?)
}

fn absolute(path: PathBuf) -> Result<PathBuf, AppError> {
    std::path::absolute(&path).map_err(|e| AppError::io(&path, e))
}

fn target(name: String, library: bool) -> SkillTarget {
    SkillTarget { registry: if library { Registry::Library } else { Registry::Workspace }, name }
}

pub async fn imported(b: &Backend, cmd: ImportedCmd) -> Result<Value, AppError> {
    match cmd {
        ImportedCmd::Upload { file, folder, on_conflict, preview } => {
            let file = absolute(file)?;
            if preview {
                return to_json(imports::preview_upload(b, file, folder).await?);
            }
            let on_conflict = on_conflict.map(|c| match c {
                ConflictArg::Skip => ConflictChoice::Skip,
                ConflictArg::Rename => ConflictChoice::Rename,
                ConflictArg::Replace => ConflictChoice::Replace,
            });
            to_json(imports::upload_skill(b, file, UploadOptions { folder, on_conflict }).await?)
        }
        ImportedCmd::List => to_json(imports::list_workspace_skills(b).await?),
        ImportedCmd::Toggle { name, active, library } => {
            to_json(imports::toggle_skill_active(b, target(name, library), active).await?)
        }
        ImportedCmd::Delete { name } => to_json(imports::delete_workspace_skill(b, &name).await?),
        ImportedCmd::Show { name, library } => to_json(imports::get_skill_content(b, target(name, library)).await?),
    }
}

pub async fn github(b: &Backend, cmd: GithubCmd) -> Result<Value, AppError> {
    match cmd {
        GithubCmd::Account(cmd) => crate::cli::share::github_account(b, cmd).await,
        GithubCmd::Import { url, all, mut paths, library, overwrite } => {
            let mut repo = gh::parse_github_url(b, &url).await?;
            if paths.is_empty() && !all {
                // A folder URL names the skill; the repository root is a skill only if it has one.
                paths.push(repo.subpath.clone().unwrap_or_default());
            }
            if all {
                paths.clear();
            } else {
                repo.subpath = None;
            }
            if library {
                return to_json(gh::import_repo_to_library(b, repo, paths, overwrite).await?);
            }
            if all {
                let listed = gh::list_github_skills(b, repo.clone()).await?;
                paths = listed.into_iter().filter(|s| s.importable).map(|s| s.path).collect();
                repo.subpath = None;
                if paths.is_empty() {
                    return Err(AppError::NotFound { kind: "skill in the repository", name: url });
                }
            }
            to_json(gh::import_github_skills(b, repo, paths).await?)
        }
        GithubCmd::List { url } => {
            let repo = gh::parse_github_url(b, &url).await?;
            to_json(gh::list_github_skills(b, repo).await?)
        }
        GithubCmd::Parse { url } => to_json(gh::parse_github_url(b, &url).await?),
    }
}

pub async fn marketplace(b: &Backend, cmd: MarketplaceCmd) -> Result<Value, AppError> {
    match cmd {
        MarketplaceCmd::Check { url } => to_json(gh::check_marketplace_url(b, &url).await?),
        MarketplaceCmd::Import { paths, overwrite } => {
            to_json(gh::import_marketplace_to_library(b, paths, overwrite).await?)
        }
    }
}
