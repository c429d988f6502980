//! GitHub import commands (backend.md §3.9, §10.3–§10.4) except sign-in: URL parsing, the
//! marketplace check, listing a repository's skills, importing some of them into Settings →
//! Skills, and the marketplace's bulk import into the Skills Library. Every item reports its
//! own outcome; only failures that stop everything (rate limit, credentials, network) fail the
//! whole call.

use crate::github::repo::{self, PinnedRepo};
use crate::github::{GitHub, marketplace, url};
use crate::protocol::*;
use crate::{Backend, skill};

use super::imports::{discard, install, staging_name, workspace_row, workspace_skills_dir};
use super::imports_library::{import_one, stage_from_github};

/// Awaits every future, at most `limit` at a time, keeping their order.
async fn join_all<T: Send + 'static>(
    futures: Vec<impl std::future::Future<Output = T> + Send + 'static>,
    limit: usize,
) -> Vec<T> {
    let mut out = Vec::with_capacity(futures.len());
    let mut pending = futures.into_iter();
    loop {
        let batch: Vec<_> = pending.by_ref().take(limit).map(tokio::spawn).collect();
        if batch.is_empty() {
            return out;
        }
        for handle in batch {
            if let Ok(value) = handle.await {
                out.push(value);
            }
        }
    }
}

/// Errors that end a bulk import instead of failing one item.
fn stops_everything(err: &AppError) -> bool {
    matches!(err, AppError::RateLimited { .. } | AppError::Unauthorized { .. } | AppError::Network { .. })
}

/// `parse_github_url`.
pub async fn parse_github_url(backend: &Backend, input: &str) -> Result<GitHubRepoRef, AppError> {
    let gh = GitHub::from_backend(backend).await?;
    url::parse(input, gh.web_host().as_deref())
}

/// `check_marketplace_url`: the repository exists and can be read.
#[tracing::instrument(skip_all, err)]
pub async fn check_marketplace_url(backend: &Backend, input: &str) -> Result<RepoCheck, AppError> {
    let gh = GitHub::from_backend(backend).await?;
    let target = url::parse(input, gh.web_host().as_deref())?;
    repo::check(&gh, &target.owner, &target.repo).await
}

/// `list_github_skills`: every skill of the repository (by its marketplace manifest, else a
/// scan), each SKILL.md read and checked; unusable ones are listed with their problems.
#[tracing::instrument(skip_all, fields(repo = %target.repo), err)]
pub async fn list_github_skills(backend: &Backend, target: GitHubRepoRef) -> Result<Vec<AvailableSkill>, AppError> {
    let gh = GitHub::from_backend(backend).await?;
    let pinned = repo::pin(&gh, &target).await?;
    let offer = marketplace::discover(&gh, &pinned).await?;
    let installed: Vec<String> = backend.db().installed_names().await?.into_iter().map(|n| n.name).collect();
    let reads = offer
        .skill_dirs
        .iter()
        .map(|dir| {
            let (gh, pinned, dir) = (gh.clone(), pinned.clone(), dir.clone());
            async move {
                let path = if dir.is_empty() { "SKILL.md".to_string() } else { format!("{dir}/SKILL.md") };
                let bytes =
                    gh.raw_file(&pinned.owner, &pinned.repo, &pinned.sha, &path, skill::limits::SKILL_MD_BYTES).await;
                (dir, bytes)
            }
        })
        .collect();
    let mut out = Vec::new();
    for (dir, bytes) in join_all(reads, 4).await {
        let bytes = match bytes {
            Err(err) if stops_everything(&err) => return Err(err),
            other => other,
        };
        out.push(available(&dir, bytes, &installed));
    }
    Ok(out)
}

fn available(dir: &str, bytes: Result<Vec<u8>, AppError>, installed: &[String]) -> AvailableSkill {
    let folder = dir.rsplit('/').next().unwrap_or(dir).to_string();
    let mut skill = AvailableSkill {
        path: dir.to_string(),
        name: folder,
        description: None,
        domain: None,
        skill_type: None,
        importable: true,
        problems: Vec::new(),
        installed: false,
    };
    let problem = |rule: &str, message: String| crate::import::block(rule, message, "SKILL.md");
    match bytes.map(String::from_utf8) {
        Err(err) => skill.problems.push(problem("SB513", format!("Download `{dir}/SKILL.md` failed: {err}."))),
        Ok(Err(_)) => skill.problems.push(problem("SB003", "SKILL.md is not UTF-8.".into())),
        Ok(Ok(text)) => match skill::frontmatter::parse(&text) {
            Err(err) => skill.problems.push(problem("SB010", format!("SKILL.md front-matter: {err}"))),
            Ok(fm) => {
                if let Some(name) = fm.text("name") {
                    skill.name = name.to_string();
                }
                skill.description = fm.text("description").map(String::from);
                let meta = fm.get("metadata").and_then(|m| m.as_map());
                let meta_text = |key: &str| meta.and_then(|m| m.get(key)).and_then(|v| v.as_str()).map(String::from);
                skill.domain = meta_text("skill-builder.domain").or_else(|| fm.text("domain").map(String::from));
                skill.skill_type = meta_text("skill-builder.type").or_else(|| fm.text("type").map(String::from));
                if SkillName::parse(&skill.name).is_err() {
                    let message = format!("`name` \"{}\": only a–z, 0–9, single inner hyphens.", skill.name);
                    skill.problems.push(problem("SB104", message));
                }
            }
        },
    }
    skill.importable = skill.problems.is_empty();
    skill.installed = installed.contains(&skill.name);
    skill
}

/// `import_github_skills`: each folder into Settings → Skills (`origin 'github'`). Re-importing
/// a skill from the same repository and folder replaces it; any other skill of that name is
/// `already_exists` for that item.
#[tracing::instrument(skip_all, fields(repo = %target.repo, n = skill_paths.len()), err)]
pub async fn import_github_skills(
    backend: &Backend,
    target: GitHubRepoRef,
    skill_paths: Vec<String>,
) -> Result<ImportReport, AppError> {
    if skill_paths.is_empty() {
        return Err(AppError::invalid("skillPaths", "name at least one skill folder"));
    }
    let gh = GitHub::from_backend(backend).await?;
    let pinned = repo::pin(&gh, &target).await?;
    let mut report = ImportReport { imported: Vec::new(), failed: Vec::new() };
    for path in skill_paths {
        match import_to_workspace(backend, &gh, &pinned, &path).await {
            Ok(skill) => report.imported.push(skill),
            Err(err) if stops_everything(&err) => return Err(err),
            Err(err) => report.failed.push(ImportFailure { path, error: err.into() }),
        }
    }
    Ok(report)
}

async fn import_to_workspace(
    backend: &Backend,
    gh: &GitHub,
    pinned: &PinnedRepo,
    dir: &str,
) -> Result<WorkspaceSkill, AppError> {
    let dir = dir.trim_matches('/');
    let staged = stage_from_github(gh, pinned, dir, workspace_skills_dir(backend), staging_name()).await?;
    if let Some(err) = staged.inspected.refusal() {
        discard(staged).await;
        return Err(err);
    }
    let mut row = workspace_row(backend, &staged.inspected, WorkspaceOrigin::Github);
    row.source_repo = Some(pinned.full_name());
    row.source_ref = Some(pinned.git_ref.clone());
    row.source_commit = Some(pinned.sha.clone());
    row.source_path = Some(dir.to_string());
    let existing = backend.db().get_workspace_skill(&row.name).await?;
    let same_source =
        existing.as_ref().is_some_and(|e| e.source_repo == row.source_repo && e.source_path == row.source_path);
    if let Some(existing) = existing.filter(|e| same_source && e.content_sha256 == row.content_sha256) {
        discard(staged).await;
        return Ok(existing);
    }
    let choice = same_source.then_some(ConflictChoice::Replace);
    install(backend, staged, row, choice).await
}

/// `import_marketplace_to_library`: the configured marketplace's skills (all of them when
/// `skill_paths` is empty) into the Skills Library.
pub async fn import_marketplace_to_library(
    backend: &Backend,
    skill_paths: Vec<String>,
    overwrite_local_changes: bool,
) -> Result<Vec<MarketplaceImportResult>, AppError> {
    let marketplace =
        backend.db().settings().await?.marketplace_url.ok_or(AppError::NotConfigured { what: "marketplace_url" })?;
    let target = parse_github_url(backend, &marketplace).await?;
    import_repo_to_library(backend, target, skill_paths, overwrite_local_changes).await
}

/// The bulk import behind `import_marketplace_to_library`, for any repository.
#[tracing::instrument(skip_all, fields(repo = %target.repo), err)]
pub async fn import_repo_to_library(
    backend: &Backend,
    target: GitHubRepoRef,
    skill_paths: Vec<String>,
    overwrite_local_changes: bool,
) -> Result<Vec<MarketplaceImportResult>, AppError> {
    backend.skills_path().await?;
    let gh = GitHub::from_backend(backend).await?;
    let pinned = repo::pin(&gh, &target).await?;
    let paths =
        if skill_paths.is_empty() { marketplace::discover(&gh, &pinned).await?.skill_dirs } else { skill_paths };
    let mut results = Vec::new();
    for path in paths {
        let path = path.trim_matches('/').to_string();
        let result = match import_one(backend, &gh, &pinned, &path, overwrite_local_changes).await {
            Ok((name, outcome)) => MarketplaceImportResult { path, skill_name: Some(name), outcome, error: None },
            Err(err) if stops_everything(&err) => return Err(err),
            Err(err) => MarketplaceImportResult {
                path,
                skill_name: None,
                outcome: ImportOutcome::Failed,
                error: Some(err.into()),
            },
        };
        results.push(result);
    }
    Ok(results)
}
