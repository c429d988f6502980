//! Lock commands (backend.md §5.3) and the [EDIT] rule: commands that change a skill hold its
//! lock while they run, so two app instances never edit one skill at once.

use std::future::Future;

use crate::Backend;
use crate::events::AppEvent;
use crate::protocol::*;

#[tracing::instrument(skip_all, fields(skill = %name), err)]
pub async fn acquire_lock(backend: &Backend, name: &str, purpose: LockPurpose) -> Result<SkillLockInfo, AppError> {
    let name = SkillName::parse(name)?;
    let info = backend.db().acquire_lock(name.as_str(), purpose).await?;
    backend.emit(AppEvent::LocksChanged { skill_name: name.to_string() });
    Ok(info)
}

#[tracing::instrument(skip_all, fields(skill = %name, force), err)]
pub async fn release_lock(backend: &Backend, name: &str, force: bool) -> Result<(), AppError> {
    let name = SkillName::parse(name)?;
    backend.db().release_lock(name.as_str(), force).await?;
    backend.emit(AppEvent::LocksChanged { skill_name: name.to_string() });
    Ok(())
}

pub async fn check_lock(backend: &Backend, name: &str) -> Result<LockStatus, AppError> {
    let name = SkillName::parse(name)?;
    backend.db().check_lock(name.as_str()).await
}

pub async fn get_locked_skills(backend: &Backend) -> Result<Vec<SkillLockInfo>, AppError> {
    backend.db().list_locks().await
}

/// Runs `work` while this instance holds the skill's lock: reuses a lock we already hold,
/// otherwise takes an `edit` lock and releases it afterwards, whatever `work` returned.
pub async fn with_edit_lock<T>(
    backend: &Backend,
    name: &SkillName,
    work: impl Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    with_edit_lock_renaming(backend, name, name, work).await
}

/// [`with_edit_lock`] for a rename: the lock row follows the skill (it is keyed by the skill's
/// id), so after a successful rename it is released under the new name, after a failed one
/// under the old name. Releasing by the old name after success would find no skill and leave
/// the lock held until this instance exits.
pub async fn with_edit_lock_renaming<T>(
    backend: &Backend,
    old: &SkillName,
    new: &SkillName,
    work: impl Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let already_mine = backend.db().check_lock(old.as_str()).await?.state == LockState::Mine;
    if !already_mine {
        backend.db().acquire_lock(old.as_str(), LockPurpose::Edit).await?;
    }
    let result = work.await;
    if !already_mine {
        let held_as = if result.is_ok() { new } else { old };
        match backend.db().release_lock(held_as.as_str(), false).await {
            // The skill itself may be gone (delete): its lock went with it.
            Ok(()) | Err(AppError::NotFound { .. }) => {}
            Err(err) => tracing::warn!(%err, skill = %held_as, "could not release the edit lock"),
        }
    }
    result
}
