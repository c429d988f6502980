//! The user's resolutions (backend.md §4.4). Each first re-judges the skill or folder, so a
//! decision is applied only to what is still true; only `delete_all` and a discovery's `delete`
//! remove files, and both checkpoint first (git, or a copy in the app's trash; whatever git
//! cannot keep sends the folder to the trash) and record themselves as pending, so a crash
//! midway is finished by the next pass.

use std::path::Path;

use super::judge::detected_statuses;
use super::{ReconcilerState, pass, run_skill, scan};
use crate::actors::db::Registration;
use crate::actors::git::CommitRequest;
use crate::detect::Detection;
use crate::folders;
use crate::pending::{self, PendingOp};
use crate::protocol::*;

/// The latest report, after re-judging `name`.
async fn refreshed(state: &mut ReconcilerState, name: &str) -> Result<ReconciliationReport, AppError> {
    if state.latest.is_none() {
        let args = state.args.clone();
        state.latest = Some(pass::run(&args, state, None).await?);
    }
    run_skill(state, name).await
}

fn forget(state: &mut ReconcilerState, name: &str) -> ReconciliationReport {
    let latest = state.latest.get_or_insert_with(|| ReconciliationReport::skipped("", String::new()));
    latest.orphans.retain(|o| o.skill_name != name);
    latest.discoveries.retain(|d| d.folder != name);
    latest.clone()
}

/// Detection of one folder, freshly read.
async fn detect_folder(root: &Path, folder: &str) -> Result<Option<Detection>, AppError> {
    let (root, folder) = (root.to_path_buf(), folder.to_string());
    tokio::task::spawn_blocking(move || {
        root.join(&folder).is_dir().then(|| scan::detect_one(&root, folder, &scan::DetectionCache::default()).detection)
    })
    .await
    .map_err(|e| AppError::Internal(format!("detection task: {e}")))
}

async fn root(state: &ReconcilerState) -> Result<std::path::PathBuf, AppError> {
    match pass::skills_root(&state.args).await? {
        Ok(root) => Ok(root),
        Err(reason) => {
            tracing::info!(%reason, "a resolution needs a reachable skills folder");
            Err(reason)
        }
    }
}

pub async fn orphan(
    state: &mut ReconcilerState,
    name: &str,
    action: OrphanAction,
) -> Result<ReconciliationReport, AppError> {
    let name = SkillName::parse(name)?;
    let name = name.as_str();
    let report = refreshed(state, name).await?;
    let Some(orphan) = report.orphans.iter().find(|o| o.skill_name == name).cloned() else {
        return Err(AppError::NotFound { kind: "orphan", name: name.to_string() });
    };
    if action == OrphanAction::Reimport && orphan.actions.contains(&action) {
        return Err(AppError::NotSupported(
            "Re-importing a marketplace skill needs the marketplace import, which is not available yet".into(),
        ));
    }
    if !orphan.actions.contains(&action) {
        return Err(AppError::invalid("action", format!("{action:?} does not apply to this orphan")));
    }
    let args = state.args.clone();
    let folder = orphan.missing.first().filter(|m| m.ends_with('/')).map_or(name, |m| m.trim_end_matches('/'));
    let folder = folder.to_string();
    match action {
        OrphanAction::Keep => return Ok(forget(state, name)),
        OrphanAction::ResetToDetected => {
            let root = root(state).await?;
            let detection = detect_folder(&root, &folder).await?;
            args.db.set_steps(name, None, detected_statuses(detection.as_ref())).await?;
        }
        OrphanAction::RestoreArtifacts => {
            let root = root(state).await?;
            let snapshots = args.db.artifacts(name).await?;
            let dir = root.join(&folder);
            let written = tokio::task::spawn_blocking(move || restore_missing(&dir, &snapshots))
                .await
                .map_err(|e| AppError::Internal(format!("restore task: {e}")))??;
            tracing::info!(skill = name, written, "restored artifact snapshots");
        }
        OrphanAction::DeleteRecord => {
            args.db.delete_skill(name).await?;
            return Ok(forget(state, name));
        }
        OrphanAction::DeleteAll => {
            let root = root(state).await?;
            let op = PendingOp::Delete { name: Some(name.to_string()), folder: folder.clone() };
            let _pending = begin(&args, &root, op).await?;
            let stamp = folders::stamp(&args.clock.now_str());
            folders::remove_safely(&args.git, &root, &folder, "delete", &args.paths.trash, &stamp).await?;
            let scratch = args.paths.workspace.join(name);
            super::recover::blocking(move || match std::fs::remove_dir_all(&scratch) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(AppError::io(&scratch, err)),
                _ => Ok(()),
            })
            .await?;
            args.db.delete_skill(name).await?;
            let names = [folder.clone()];
            args.git.auto_commit(CommitRequest::auto(&names, format!("{name}: deleted"), "deleted")).await;
            return Ok(forget(state, name));
        }
        OrphanAction::Reimport => {}
    }
    run_skill(state, name).await
}

/// Writes each stored artifact whose file is missing. A file that exists is never overwritten:
/// the content goes to a temp file that is hard-linked into place, which fails if the target
/// appeared meanwhile.
fn restore_missing(dir: &Path, snapshots: &[(String, String)]) -> Result<u32, AppError> {
    let mut written = 0;
    for (rel, content) in snapshots {
        crate::paths::validate_relative(rel)?;
        let target = dir.join(rel);
        if target.symlink_metadata().is_ok() {
            continue;
        }
        let parent = target.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
        let temp = tempfile::Builder::new()
            .prefix(".restore-")
            .suffix(".tmp")
            .tempfile_in(parent)
            .map_err(|e| AppError::io(parent, e))?;
        std::fs::write(temp.path(), content).map_err(|e| AppError::io(temp.path(), e))?;
        // A restored artifact is a user file like any other: 0644, not the temp file's 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(0o644);
            std::fs::set_permissions(temp.path(), mode).map_err(|e| AppError::io(temp.path(), e))?;
        }
        match std::fs::hard_link(temp.path(), &target) {
            Ok(()) => written += 1,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(AppError::io(&target, e)),
        }
    }
    Ok(written)
}

pub async fn discovered(
    state: &mut ReconcilerState,
    folder: &str,
    action: DiscoveryAction,
    register_as: Option<RegisterAs>,
) -> Result<ReconciliationReport, AppError> {
    crate::paths::validate_file_name(folder)?;
    let report = refreshed(state, folder).await?;
    let Some(discovery) = report.discoveries.iter().find(|d| d.folder == folder).cloned() else {
        return Err(AppError::NotFound { kind: "discovery", name: folder.to_string() });
    };
    let args = state.args.clone();
    let root = root(state).await?;
    match action {
        DiscoveryAction::Ignore => args.db.ignore_folder(folder).await?,
        DiscoveryAction::Delete => {
            let op = PendingOp::Delete { name: None, folder: folder.to_string() };
            let _pending = begin(&args, &root, op).await?;
            let stamp = folders::stamp(&args.clock.now_str());
            folders::remove_safely(&args.git, &root, folder, "delete", &args.paths.trash, &stamp).await?;
            let names = [folder.to_string()];
            args.git.auto_commit(CommitRequest::auto(&names, format!("{folder}: deleted"), "deleted")).await;
        }
        DiscoveryAction::Register => {
            let name = SkillName::parse(folder)?;
            let source = match (register_as, discovery.kind) {
                (_, DiscoveryKind::InvalidName | DiscoveryKind::Unrecognized) => {
                    return Err(AppError::invalid("folderName", "the folder has no SKILL.md or workflow artifacts"));
                }
                (Some(RegisterAs::Imported), DiscoveryKind::PartialBuild) => {
                    return Err(AppError::invalid("registerAs", "an imported skill needs a SKILL.md"));
                }
                (Some(RegisterAs::Imported), _) | (None, DiscoveryKind::Imported) => SkillSource::Imported,
                _ => SkillSource::SkillBuilder,
            };
            let detection = detect_folder(&root, folder).await?;
            let description = detection
                .as_ref()
                .and_then(|d| d.frontmatter_description.clone())
                .map(|d| d.chars().take(1024).collect::<String>());
            let steps = (source == SkillSource::SkillBuilder).then(|| detected_statuses(detection.as_ref()));
            let reg =
                Registration { name: name.to_string(), source, domain: Some(folder.to_string()), description, steps };
            args.db.register_skill(reg).await?;
            let names = [folder.to_string()];
            args.git
                .auto_commit(CommitRequest::auto(&names, format!("{name}: registered from disk"), "registered"))
                .await;
            args.events.emit(crate::events::AppEvent::SkillsChanged { skill_name: name.to_string() });
        }
    }
    Ok(forget(state, folder))
}

/// Writes an operation's `pending/` record on the blocking pool.
async fn begin(
    args: &super::ReconcilerArgs,
    root: &std::path::Path,
    op: PendingOp,
) -> Result<pending::PendingGuard, AppError> {
    let (data_dir, me, root) = (args.paths.data_dir.clone(), args.instance.clone(), root.to_path_buf());
    super::recover::blocking(move || pending::begin(&data_dir, &me, &root, op)).await
}
