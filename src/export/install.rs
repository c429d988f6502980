//! Where an export lands (skill-format §3.1): an archive written atomically (temp file next to
//! the destination, fsync, rename), or a folder installed into a skills directory. A folder
//! install never overwrites a folder it did not create: each installed folder carries a marker
//! with the content hash we wrote, and only a folder whose marker still matches its content is
//! replaced (by a rename, so readers see the old folder or the new one). Blocking.

use std::path::{Path, PathBuf};

use super::files::{self, ExportFile};
use crate::protocol::AppError;

/// Marker file inside a folder we installed: the content hash of what we wrote.
pub const MARKER: &str = ".skill-builder-export";

/// Refuses a destination that is a symlink, or one inside the skills folder (an export there
/// would be committed, then deleted by resets, as the reference's packages were).
pub fn check_destination(path: &Path, skills_path: Option<&Path>) -> Result<(), AppError> {
    let rejected = |reason| AppError::PathRejected { reason, path: path.display().to_string() };
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(rejected("symlink"));
    }
    if let (Some(skills), Some(parent)) = (skills_path, path.parent()) {
        let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let probe = if parent.exists() { real(parent) } else { parent.to_path_buf() };
        if probe.starts_with(real(skills)) {
            return Err(rejected("inside_skills_folder"));
        }
    }
    Ok(())
}

/// Writes an archive to `path`, replacing a regular file there.
pub fn write_archive(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| AppError::io(parent, e))?;
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(AppError::PathRejected { reason: "not_a_file", path: path.display().to_string() });
    }
    crate::atomic::write_atomic(path, bytes)
}

/// Installs `files` as `dest/top/`; returns the folder.
pub fn install_folder(dest: &Path, top: &str, files: &[ExportFile]) -> Result<PathBuf, AppError> {
    std::fs::create_dir_all(dest).map_err(|e| AppError::io(dest, e))?;
    let target = dest.join(top);
    let replacing = match std::fs::symlink_metadata(&target) {
        Ok(meta) if meta.is_dir() => {
            ensure_ours(&target)?;
            true
        }
        Ok(_) => return Err(AppError::AlreadyExists { kind: "folder", name: target.display().to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(AppError::io(&target, e)),
    };
    let id = uuid::Uuid::new_v4().simple().to_string();
    let staging = dest.join(format!(".{top}.export-{id}"));
    let staged = (|| {
        files::write_tree(&staging, files)?;
        let marker = staging.join(MARKER);
        std::fs::write(&marker, files::content_hash(files)).map_err(|e| AppError::io(&marker, e))
    })();
    if let Err(err) = staged {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(err);
    }
    let old = dest.join(format!(".{top}.replaced-{id}"));
    if replacing && let Err(e) = std::fs::rename(&target, &old) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(AppError::io(&target, e));
    }
    if let Err(e) = std::fs::rename(&staging, &target) {
        if replacing {
            let _ = std::fs::rename(&old, &target);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(AppError::io(&target, e));
    }
    if replacing && let Err(err) = std::fs::remove_dir_all(&old) {
        tracing::warn!(%err, path = %old.display(), "the replaced install could not be removed");
    }
    Ok(target)
}

/// A folder we may replace: it has our marker and nobody changed it since.
fn ensure_ours(target: &Path) -> Result<(), AppError> {
    let Ok(marker) = std::fs::read_to_string(target.join(MARKER)) else {
        return Err(AppError::AlreadyExists { kind: "folder", name: target.display().to_string() });
    };
    let mut current = files::collect(target, true)?;
    current.retain(|f| f.path != MARKER);
    if files::content_hash(&current) != marker.trim() {
        return Err(AppError::Conflict {
            reason: "modified_locally",
            message: format!("{} was changed since it was installed; move it away to install again", target.display()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> ExportFile {
        ExportFile { path: path.into(), bytes: text.as_bytes().to_vec(), executable: false }
    }

    #[test]
    fn replaces_only_its_own_unchanged_folder() {
        let dir = tempfile::tempdir().unwrap();
        let first = install_folder(dir.path(), "demo", &[file("SKILL.md", "one")]).unwrap();
        assert_eq!(std::fs::read_to_string(first.join("SKILL.md")).unwrap(), "one");
        install_folder(dir.path(), "demo", &[file("SKILL.md", "two")]).unwrap();
        assert_eq!(std::fs::read_to_string(first.join("SKILL.md")).unwrap(), "two");
        std::fs::write(first.join("SKILL.md"), "edited by hand").unwrap();
        let err = install_folder(dir.path(), "demo", &[file("SKILL.md", "three")]).unwrap_err();
        assert_eq!(err.code(), crate::protocol::ErrorCode::Conflict);
        std::fs::create_dir(dir.path().join("theirs")).unwrap();
        let err = install_folder(dir.path(), "theirs", &[file("SKILL.md", "x")]).unwrap_err();
        assert_eq!(err.code(), crate::protocol::ErrorCode::AlreadyExists);
        let names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert_eq!(names.len(), 2, "no staging or replaced folder is left: {names:?}");
    }
}
