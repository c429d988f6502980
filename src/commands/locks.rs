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
    let already_mine = backend.db().check_lock(name.as_str()).await?.state == LockState::Mine;
    if !already_mine {
        backend.db().acquire_lock(name.as_str(), LockPurpose::Edit).await?;
    }
    let result = work.await;
    if !already_mine {
        match backend.db().release_lock(name.as_str(), false).await {
            // The skill itself may be gone (delete): its lock went with it.
            Ok(()) | Err(AppError::NotFound { .. }) => {}
            Err(err) => tracing::warn!(%err, skill = %name, "could not release the edit lock"),
        }
    }
    result
}
