//! Operations a dead process left half-done (backend.md §4.2, pass 0): each create, rename and
//! delete records itself in `pending/` first (`crate::pending`), so the next pass knows exactly
//! what to finish or undo. Records of live instances, and of another skills folder, wait.
//!
//! - create: the row exists → done; else the app-made folders are removed if they are still an
//!   empty tree (`rmdir` only: a file the user added meanwhile keeps the folder, which is then
//!   reported as a discovery).
//! - rename: the row has the new name → finish (SKILL.md `name:`, the `renamed` commit that
//!   takes the old path out of HEAD); the row has the old name → move the folders back.
//! - delete: the row still exists → finish the user's delete (checkpoint, removal, row,
//!   commit), unless another live instance has taken the skill's lock since, which keeps the
//!   record for a later pass; the row and folder are gone → the `deleted` commit; the row is gone but a folder
//!   of that name is back → a new folder, left alone. A discovered folder that is still there is
//!   left alone (reported again).

use std::path::{Path, PathBuf};

use super::ReconcilerArgs;
use crate::actors::git::{CommitRequest, RENAMED_TRAILER};
use crate::folders;
use crate::pending::{self, Pending, PendingOp};
use crate::protocol::{AppError, LockState, SkillName};

/// What the repairs did, for the report.
#[derive(Debug, Default)]
pub struct Recovered {
    pub repaired: u32,
    pub notes: Vec<String>,
}

/// Repairs every record of a dead instance for `root`; a repair that fails keeps its record
/// for the next pass.
pub async fn run(args: &ReconcilerArgs, root: &Path) -> Recovered {
    let (data_dir, me, root_text) = (args.paths.data_dir.clone(), args.instance.clone(), root.to_string_lossy());
    let root_text = root_text.into_owned();
    let records = tokio::task::spawn_blocking(move || {
        pending::list(&data_dir)
            .into_iter()
            .filter(|r| r.skills_root == root_text && !me.is_alive(&r.instance_id, r.pid, r.pid_start_time))
            .collect::<Vec<Pending>>()
    })
    .await
    .unwrap_or_default();
    let mut out = Recovered::default();
    for record in records {
        match repair(args, root, &record.op).await {
            Ok(note) => {
                pending::finish(&record);
                if let Some(note) = note {
                    out.repaired += 1;
                    out.notes.push(note);
                }
            }
            Err(err) => {
                tracing::warn!(%err, op = ?record.op, "could not repair an interrupted operation; retrying next time");
                out.notes.push(format!("an interrupted {} could not be repaired yet: {err}", label(&record.op)));
            }
        }
    }
    out
}

fn label(op: &PendingOp) -> String {
    match op {
        PendingOp::Create { name } => format!("create of {name}"),
        PendingOp::Rename { old, new } => format!("rename of {old} to {new}"),
        PendingOp::Delete { folder, .. } => format!("delete of {folder}"),
    }
}

/// One repair; `Some(note)` when something was changed.
async fn repair(args: &ReconcilerArgs, root: &Path, op: &PendingOp) -> Result<Option<String>, AppError> {
    match op {
        PendingOp::Create { name } => {
            if has_row(args, name).await? {
                return Ok(None);
            }
            let folder = root.join(checked(name)?);
            let removed =
                blocking(move || Ok(folders::is_empty_tree(&folder) && folders::remove_empty_tree(&folder))).await?;
            Ok(removed.then(|| format!("{name}: removed the empty folders of a create that did not finish")))
        }
        PendingOp::Rename { old, new } => {
            let (old_name, new_name) = (SkillName::parse(old)?, SkillName::parse(new)?);
            if has_row(args, new).await? {
                let skill_md = root.join(new_name.as_str()).join("SKILL.md");
                let name = new_name.clone();
                blocking(move || {
                    crate::commands::skills::rewrite_skill_md_name(&skill_md, &name);
                    Ok(())
                })
                .await?;
                let mut req =
                    CommitRequest::auto(&[new.clone(), old.clone()], format!("{new}: renamed from {old}"), "renamed");
                req.trailers = vec![(RENAMED_TRAILER, old.clone())];
                args.git.commit(req).await?;
                return Ok(Some(format!("{new}: finished the rename from {old}")));
            }
            if !has_row(args, old).await? {
                return Ok(None);
            }
            let ws = args.paths.workspace.clone();
            let moves = [
                (root.join(old_name.as_str()), root.join(new_name.as_str())),
                (ws.join(old_name.as_str()), ws.join(new_name.as_str())),
            ];
            blocking(move || undo_moves(&moves)).await?;
            Ok(Some(format!("{old}: undid a rename to {new} that did not finish")))
        }
        PendingOp::Delete { name, folder } => {
            let folder = checked(folder)?.to_string();
            let path = root.join(&folder);
            let folder_there = path.symlink_metadata().is_ok();
            let row = match name {
                Some(name) => has_row(args, name).await?,
                None => false,
            };
            if folder_there && !row {
                // A discovered folder still there, or a new folder made after the row went.
                return Ok(None);
            }
            if let (Some(name), true) = (name, row)
                && args.db.check_lock(name).await?.state == LockState::Other
            {
                return Err(AppError::Conflict {
                    reason: "in_use",
                    message: format!("{name} is open in another window"),
                });
            }
            if folder_there {
                let stamp = folders::stamp(&args.clock.now_str());
                folders::remove_safely(&args.git, root, &folder, "delete", &args.paths.trash, &stamp).await?;
            }
            if let Some(name) = name {
                let scratch = args.paths.workspace.join(checked(name)?);
                blocking(move || match std::fs::remove_dir_all(&scratch) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(AppError::io(&scratch, e)),
                    _ => Ok(()),
                })
                .await?;
                if row {
                    args.db.delete_skill(name).await?;
                }
            }
            let names = [folder.clone()];
            args.git.commit(CommitRequest::auto(&names, format!("{folder}: deleted"), "deleted")).await?;
            Ok(Some(format!("{folder}: finished a delete that did not finish")))
        }
    }
}

async fn has_row(args: &ReconcilerArgs, name: &str) -> Result<bool, AppError> {
    match args.db.get_skill(name).await {
        Ok(_) => Ok(true),
        Err(AppError::NotFound { .. }) => Ok(false),
        Err(err) => Err(err),
    }
}

/// A name from a record is a single folder name, never a path.
fn checked(name: &str) -> Result<&str, AppError> {
    crate::paths::validate_file_name(name)?;
    Ok(name)
}

/// Moves each `to` back to `from` where `from` is free again.
fn undo_moves(moves: &[(PathBuf, PathBuf)]) -> Result<(), AppError> {
    for (from, to) in moves {
        if to.symlink_metadata().is_ok() && from.symlink_metadata().is_err() {
            std::fs::rename(to, from).map_err(|e| AppError::io(to, e))?;
        }
    }
    Ok(())
}

pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(format!("repair task: {e}")))?
}
