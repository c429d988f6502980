//! Refine sessions left with unsaved edits (backend.md §4.2, pass 0): a session that ended
//! without `close_refine_session` (the app quit or crashed, a CLI command ended) and whose
//! folder differs from its baseline commit. The user saves or discards it.

use std::collections::BTreeSet;

use super::ReconcilerArgs;
use crate::protocol::UnsavedRefineSession;

/// Every such session, with the files that differ, and the skills that have a refine session
/// not closed yet (pass 3 leaves their folders to the session). Problems are logged, never fatal.
pub async fn sessions(args: &ReconcilerArgs) -> (Vec<UnsavedRefineSession>, BTreeSet<String>) {
    let rows = match args.db.unclosed_refine_sessions(None).await {
        Ok(rows) => rows,
        Err(err) => {
            tracing::warn!(%err, "could not list refine sessions");
            return (Vec::new(), BTreeSet::new());
        }
    };
    let refining = rows.iter().map(|r| r.skill_name.clone()).collect();
    let mut unsaved = Vec::new();
    for row in rows.into_iter().filter(|r| r.ended) {
        let Some(base) = row.baseline_sha.clone() else { continue };
        match args.git.diff(&row.skill_name, base, None).await {
            Ok(diff) if !diff.files.is_empty() => unsaved.push(UnsavedRefineSession {
                session_id: row.session_id,
                skill_name: row.skill_name,
                changed_files: diff.files.into_iter().map(|f| f.path).collect(),
            }),
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, session = row.session_id, "could not compare a refine session"),
        }
    }
    (unsaved, refining)
}
