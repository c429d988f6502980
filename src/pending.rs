//! Pending operations: a create, rename or delete of a skill folder writes a small record to
//! `<data dir>/pending/` before it touches the disk and removes it when it is done (or undone).
//! A record that outlives its process (killed, power cut) tells reconciliation exactly which
//! half-done operation to repair, instead of guessing from the folders it finds.
//!
//! Records are written with a rename but without fsync: they guard against a dead process, and
//! after a power cut that lost one, the older safety nets still hold (empty folders are cleaned
//! after their grace period, a folder without a row is reported).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::instance::InstanceInfo;
use crate::protocol::AppError;

/// What was being done, in the terms its repair needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum PendingOp {
    /// `create_skill`: folders first, then the row.
    Create { name: String },
    /// `rename_skill`: folders moved, then the row renamed, then the commit.
    Rename { old: String, new: String },
    /// `delete_skill` (with files) or a resolution that deletes: checkpoint and removal of
    /// `SP/<folder>`, then the row of `name` (none for a discovered folder), then the commit.
    Delete { name: Option<String>, folder: String },
}

/// One record, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    #[serde(skip)]
    pub file: PathBuf,
    pub instance_id: String,
    pub pid: u32,
    pub pid_start_time: Option<i64>,
    /// The skills folder the names are relative to.
    pub skills_root: String,
    pub op: PendingOp,
}

/// The folder holding the records.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("pending")
}

/// A written record; dropping it removes the record (the operation finished or was undone).
/// A killed process never drops it, which is the point.
#[derive(Debug)]
pub struct PendingGuard {
    file: PathBuf,
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        if let Err(err) = std::fs::remove_file(&self.file) {
            tracing::warn!(%err, file = %self.file.display(), "could not remove a pending-operation record");
        }
    }
}

/// Records `op` before it starts. Fails (and nothing should be done) when it cannot be written.
pub fn begin(data_dir: &Path, me: &InstanceInfo, skills_root: &Path, op: PendingOp) -> Result<PendingGuard, AppError> {
    let dir = dir(data_dir);
    std::fs::create_dir_all(&dir).map_err(|e| AppError::io(&dir, e))?;
    let record = Pending {
        file: PathBuf::new(),
        instance_id: me.instance_id.clone(),
        pid: me.pid,
        pid_start_time: me.pid_start_time,
        skills_root: skills_root.to_string_lossy().into_owned(),
        op,
    };
    let id = uuid::Uuid::now_v7();
    let (temp, file) = (dir.join(format!(".{id}.tmp")), dir.join(format!("{id}.json")));
    let bytes = serde_json::to_vec(&record)?;
    std::fs::write(&temp, bytes).map_err(|e| AppError::io(&temp, e))?;
    if let Err(err) = std::fs::rename(&temp, &file) {
        let _ = std::fs::remove_file(&temp);
        return Err(AppError::io(&file, err));
    }
    Ok(PendingGuard { file })
}

/// Every readable record, oldest first. A record cut short by a crash while it was written
/// stands for an operation that had not started, so it is removed, as are temp files of a
/// crashed writer once they are an hour old.
pub fn list(data_dir: &Path) -> Vec<Pending> {
    let dir = dir(data_dir);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut found = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".tmp") {
            let old = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
            if old.is_some_and(|age| age.as_secs() > 3600) {
                let _ = std::fs::remove_file(&path);
            }
            continue;
        }
        if !name.ends_with(".json") {
            continue;
        }
        match std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<Pending>(&b).ok()) {
            Some(mut record) => {
                record.file = path;
                found.push(record);
            }
            None => {
                tracing::warn!(file = %path.display(), "removing an unreadable pending-operation record");
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    // v7 ids sort by time.
    found.sort_by(|a, b| a.file.cmp(&b.file));
    found
}

/// Removes a record whose operation was repaired.
pub fn finish(record: &Pending) {
    if let Err(err) = std::fs::remove_file(&record.file) {
        tracing::warn!(%err, file = %record.file.display(), "could not remove a repaired pending-operation record");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_lives_until_its_guard_drops_and_a_torn_one_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let me = InstanceInfo::current();
        let op = PendingOp::Rename { old: "a".into(), new: "b".into() };
        let guard = begin(dir.path(), &me, Path::new("/sp"), op.clone()).unwrap();
        let listed = list(dir.path());
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].op, op);
        assert_eq!(listed[0].skills_root, "/sp");
        assert_eq!(listed[0].instance_id, me.instance_id);
        drop(guard);
        assert!(list(dir.path()).is_empty());

        std::fs::write(dir.path().join("pending/torn.json"), b"{\"instanceId\":").unwrap();
        assert!(list(dir.path()).is_empty());
        assert!(!dir.path().join("pending/torn.json").exists());
    }
}
