//! The library list, kept in memory and refreshed row by row after our own writes.
//!
//! The UI lists the library on every page visit and after every change event, and a 10,000-skill
//! library costs milliseconds to read back from SQLite. So the reader keeps the last full list,
//! shared as an `Arc`, valid for the reader's `PRAGMA data_version` it was read at (the reader
//! never writes, so that moves exactly when another connection commits: our writer, another app
//! instance, the CLI). After a commit of our writer, only the skills its writes touched
//! (`library_changes.rs`, recorded by triggers, so no write path can forget one) are read again
//! and spliced into a new list by a merge, which keeps the order without sorting. A commit by
//! another connection, or too many changes, reloads everything. Filters and sort orders are
//! applied to the cached list in memory, on the reader's thread.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, Row};

use super::DbCtx;
use super::library_changes::{self, SharedChanges};
use super::skills::sort_library;
use crate::protocol::{
    AppError, LockHolder, LockState, LockStatus, MarketplaceInfo, SkillFilter, SkillSort, SkillSource, SkillSummary,
    WorkflowProgress, WorkflowStatus,
};

/// The full library, most recently updated first, as of one database state.
struct LibraryCache {
    version: i64,
    /// Our writer's commit count the list includes (`library_changes::Changes::commits`).
    commits: u64,
    /// The skill id of each entry of `skills`, in the same order.
    ids: Vec<i64>,
    skills: Arc<[SkillSummary]>,
}

/// Where the reader keeps the list (only the reader's thread locks it), and what our writer
/// changed since.
#[derive(Default)]
pub struct LibrarySlot {
    cache: Mutex<Option<LibraryCache>>,
    changes: SharedChanges,
}

impl LibrarySlot {
    /// What the writer's triggers record and the reader takes.
    pub(super) fn changes(&self) -> &SharedChanges {
        &self.changes
    }
}

impl std::fmt::Debug for LibrarySlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LibrarySlot")
    }
}

/// `list_skills` on the reader: from the cache, brought up to date first when the database changed.
pub(super) fn list(conn: &mut Connection, ctx: &DbCtx, filter: &SkillFilter) -> Result<Arc<[SkillSummary]>, AppError> {
    Ok(select(library(conn, ctx)?, filter))
}

fn library(conn: &mut Connection, ctx: &DbCtx) -> Result<Arc<[SkillSummary]>, AppError> {
    let version = library_changes::data_version(conn)?;
    let mut slot = ctx.library.cache.lock().unwrap_or_else(PoisonError::into_inner);
    // Taken before the rows are read: a write recorded after this commits after `version` was
    // read, so the next list sees the database moved and finds it recorded.
    let (incremental, changed, commits) = {
        let mut changes = library_changes::lock(&ctx.library.changes);
        if let Some(cache) = slot.as_ref()
            && cache.version == version
            && !changes.full
        {
            return Ok(Arc::clone(&cache.skills));
        }
        // The database moved while our writer did not commit: another connection did.
        let incremental = !changes.full && slot.as_ref().is_some_and(|cache| cache.commits != changes.commits);
        changes.full = false;
        (incremental, std::mem::take(&mut changes.ids), changes.commits)
    };
    let refreshed = match slot.as_mut() {
        Some(cache) if incremental => refresh(conn, ctx, cache, &changed).map(|()| None),
        _ => reload(conn, ctx).map(|(ids, skills)| Some(LibraryCache { version, commits, ids, skills: skills.into() })),
    };
    match refreshed {
        Ok(Some(fresh)) => {
            // Freeing a 10,000-skill list is some 100,000 frees: not on the caller's time.
            if let Some(old) = slot.replace(fresh) {
                ctx.runtime.spawn_blocking(move || drop(old));
            }
        }
        Ok(None) => {
            if let Some(cache) = slot.as_mut() {
                (cache.version, cache.commits) = (version, commits);
            }
        }
        Err(err) => {
            // The changes taken are lost with the error: the next list reloads everything.
            *slot = None;
            return Err(err);
        }
    }
    Ok(slot.as_ref().map(|cache| Arc::clone(&cache.skills)).unwrap_or_else(|| Arc::from([])))
}

/// Reads the `changed` skills again and splices them into `cache`: the entries of the others
/// keep their order, so one merge of the two sorted sequences orders the new list. The old list
/// is moved from when no caller holds it any more, else copied.
fn refresh(
    conn: &mut Connection,
    ctx: &DbCtx,
    cache: &mut LibraryCache,
    changed: &HashSet<i64>,
) -> Result<(), AppError> {
    if changed.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    let mut fresh = Vec::with_capacity(changed.len());
    for &id in changed {
        if let Some(skill) = read_one(&tx, ctx, id)? {
            fresh.push((id, skill));
        }
    }
    tx.commit()?;
    fresh.sort_by(|a, b| newest_first_order(&a.1, &b.1));
    let ids = std::mem::take(&mut cache.ids);
    let capacity = ids.len() + fresh.len();
    let (ids, skills) = match Arc::get_mut(&mut cache.skills) {
        Some(owned) => merge(
            ids.into_iter()
                .zip(owned.iter_mut())
                .filter(|(id, _)| !changed.contains(id))
                .map(|(id, s)| (id, std::mem::replace(s, placeholder()))),
            fresh,
            capacity,
        ),
        None => merge(
            ids.into_iter()
                .zip(cache.skills.iter())
                .filter(|(id, _)| !changed.contains(id))
                .map(|(id, s)| (id, s.clone())),
            fresh,
            capacity,
        ),
    };
    (cache.ids, cache.skills) = (ids, skills.into());
    Ok(())
}

/// Merges two lists, each newest first, into one.
fn merge(
    kept: impl Iterator<Item = (i64, SkillSummary)>,
    fresh: Vec<(i64, SkillSummary)>,
    capacity: usize,
) -> (Vec<i64>, Vec<SkillSummary>) {
    let (mut ids, mut skills) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity));
    let mut fresh = fresh.into_iter().peekable();
    for (id, skill) in kept {
        while let Some((fresh_id, fresh_skill)) = fresh.next_if(|(_, f)| newest_first_order(f, &skill).is_lt()) {
            ids.push(fresh_id);
            skills.push(fresh_skill);
        }
        ids.push(id);
        skills.push(skill);
    }
    for (id, skill) in fresh {
        ids.push(id);
        skills.push(skill);
    }
    (ids, skills)
}

/// What a moved-from entry of a list nobody else holds is left with: allocates nothing.
fn placeholder() -> SkillSummary {
    SkillSummary {
        name: String::new(),
        source: SkillSource::Imported,
        domain: None,
        skill_type: String::new(),
        description: None,
        tags: Vec::new(),
        workflow: None,
        marketplace: None,
        lock: LockStatus { state: LockState::Free, holder: None },
        created_at: String::new(),
        updated_at: String::new(),
    }
}

/// Most recently updated first, ties by name, as [`sort_library`] orders the default view.
fn newest_first_order(a: &SkillSummary, b: &SkillSummary) -> Ordering {
    b.updated_at.cmp(&a.updated_at).then_with(|| a.name.cmp(&b.name))
}

fn skill_row(row: &Row<'_>) -> rusqlite::Result<(i64, SkillSummary)> {
    let source = SkillSource::parse(row.get_ref(2)?.as_str().unwrap_or_default()).unwrap_or(SkillSource::Imported);
    Ok((
        row.get(0)?,
        SkillSummary {
            name: row.get(1)?,
            source,
            domain: row.get(3)?,
            skill_type: row.get(4)?,
            description: row.get(5)?,
            tags: Vec::new(),
            workflow: None,
            marketplace: None,
            lock: LockStatus { state: LockState::Free, holder: None },
            created_at: row.get(6)?,
            updated_at: row.get(7)?,
        },
    ))
}

fn workflow_row(row: &Row<'_>) -> rusqlite::Result<WorkflowProgress> {
    let step: i64 = row.get(1)?;
    Ok(WorkflowProgress {
        current_step: u8::try_from(step).unwrap_or(0),
        status: WorkflowStatus::parse(row.get_ref(2)?.as_str().unwrap_or_default()).unwrap_or(WorkflowStatus::Pending),
    })
}

fn marketplace_row(row: &Row<'_>) -> rusqlite::Result<MarketplaceInfo> {
    Ok(MarketplaceInfo { is_active: row.get(1)?, source_repo: row.get(2)? })
}

fn lock_row(row: &Row<'_>, ctx: &DbCtx) -> rusqlite::Result<LockStatus> {
    let instance_id: String = row.get(1)?;
    let state = if instance_id == ctx.instance.instance_id { LockState::Mine } else { LockState::Other };
    let holder = LockHolder { instance_id, pid: row.get(2)?, purpose: row.get(3)?, acquired_at: row.get(4)? };
    Ok(LockStatus { state, holder: Some(holder) })
}

/// One skill as [`reload`] reads it, or `None` when it no longer exists.
fn read_one(conn: &Connection, ctx: &DbCtx, id: i64) -> Result<Option<SkillSummary>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, skill_source, domain, skill_type, description, created_at, updated_at FROM skills WHERE id = ?1",
    )?;
    let Some((_, mut skill)) = stmt.query([id])?.next()?.map(skill_row).transpose()? else {
        return Ok(None);
    };
    let mut stmt =
        conn.prepare_cached("SELECT skill_id, current_step, status FROM workflow_runs WHERE skill_id = ?1")?;
    skill.workflow = stmt.query([id])?.next()?.map(workflow_row).transpose()?;
    let mut stmt =
        conn.prepare_cached("SELECT skill_id, is_active, source_repo FROM imported_skills WHERE skill_id = ?1")?;
    skill.marketplace = stmt.query([id])?.next()?.map(marketplace_row).transpose()?;
    let mut stmt = conn.prepare_cached(
        "SELECT skill_id, instance_id, pid, purpose, acquired_at FROM skill_locks WHERE skill_id = ?1",
    )?;
    if let Some(lock) = stmt.query([id])?.next()?.map(|row| lock_row(row, ctx)).transpose()? {
        skill.lock = lock;
    }
    let mut stmt = conn.prepare_cached("SELECT tag FROM skill_tags WHERE skill_id = ?1 ORDER BY tag")?;
    skill.tags = stmt.query_map([id], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(Some(skill))
}

/// Every skill, most recently updated first (ties by name), with its id. One flat scan per
/// table, merged here by skill id: each table is read in its own key order, with no index
/// lookup per skill, which is several times cheaper than SQLite joining them row by row.
fn reload(conn: &mut Connection, ctx: &DbCtx) -> Result<(Vec<i64>, Vec<SkillSummary>), AppError> {
    let tx = conn.transaction()?;
    let mut skills: Vec<(i64, SkillSummary)> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT id, name, skill_source, domain, skill_type, description, created_at, updated_at FROM skills",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            skills.push(skill_row(row)?);
        }
    }
    // `skills` is in id order (a rowid scan), so each child row finds its skill by binary search.
    let find = |skills: &[(i64, SkillSummary)], id: i64| -> Option<usize> {
        skills.binary_search_by_key(&id, |(skill_id, _)| *skill_id).ok()
    };
    {
        let mut stmt = tx.prepare_cached("SELECT skill_id, current_step, status FROM workflow_runs")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if let Some(at) = find(&skills, row.get(0)?) {
                skills[at].1.workflow = Some(workflow_row(row)?);
            }
        }
    }
    {
        let mut stmt = tx.prepare_cached("SELECT skill_id, is_active, source_repo FROM imported_skills")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if let Some(at) = find(&skills, row.get(0)?) {
                skills[at].1.marketplace = Some(marketplace_row(row)?);
            }
        }
    }
    {
        let mut stmt = tx.prepare_cached("SELECT skill_id, instance_id, pid, purpose, acquired_at FROM skill_locks")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if let Some(at) = find(&skills, row.get(0)?) {
                skills[at].1.lock = lock_row(row, ctx)?;
            }
        }
    }
    attach_tags(&tx, &mut skills)?;
    tx.commit()?;
    Ok(newest_first(skills))
}

/// The skills, most recently updated first (ties by name), as [`sort_library`] orders them.
/// The order is found on a list of indices and the summaries (some 200 bytes each) are moved
/// once, where sorting them in place moved each several times. Ids grow with creation and
/// most skills change less often than new ones appear, so newest-first is usually close to
/// descending id order, which the adaptive sort exploits.
fn newest_first(skills: Vec<(i64, SkillSummary)>) -> (Vec<i64>, Vec<SkillSummary>) {
    let mut order: Vec<usize> = (0..skills.len()).rev().collect();
    order.sort_by(|&a, &b| newest_first_order(&skills[a].1, &skills[b].1));
    let mut slots: Vec<Option<(i64, SkillSummary)>> = skills.into_iter().map(Some).collect();
    order.into_iter().filter_map(|at| slots[at].take()).unzip()
}

/// Fills in the tags of `skills`, which must be in ascending id order. The tags come in
/// primary-key order (skill id, tag), so one merged pass does it.
fn attach_tags(conn: &Connection, skills: &mut [(i64, SkillSummary)]) -> Result<(), AppError> {
    if skills.is_empty() {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached("SELECT skill_id, tag FROM skill_tags ORDER BY skill_id, tag")?;
    let mut rows = stmt.query([])?;
    let mut next = skills.iter_mut().peekable();
    while let Some(row) = rows.next()? {
        let skill_id: i64 = row.get(0)?;
        while next.next_if(|(id, _)| *id < skill_id).is_some() {}
        match next.peek_mut() {
            Some((id, skill)) if *id == skill_id => skill.tags.push(row.get(1)?),
            Some(_) => {}
            None => break,
        }
    }
    Ok(())
}

/// The skills `filter` keeps, in its order. The unfiltered default view is the cached list itself.
fn select(all: Arc<[SkillSummary]>, filter: &SkillFilter) -> Arc<[SkillSummary]> {
    let tag = filter.tag.as_deref().map(|t| t.trim().to_lowercase());
    let search = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
    let sort = filter.sort.unwrap_or_default();
    let narrowed = filter.source.is_some() || filter.status.is_some() || tag.is_some() || search.is_some();
    if !narrowed && sort == SkillSort::RecentlyUpdated {
        return all;
    }
    let mut kept: Vec<SkillSummary> = all
        .iter()
        .filter(|s| filter.source.is_none_or(|source| s.source == source))
        .filter(|s| filter.status.is_none_or(|status| s.workflow.as_ref().is_some_and(|w| w.status == status)))
        .filter(|s| tag.as_ref().is_none_or(|tag| s.tags.contains(tag)))
        .filter(|s| search.as_deref().is_none_or(|needle| matches_search(s, needle)))
        .cloned()
        .collect();
    if sort != SkillSort::RecentlyUpdated {
        sort_library(&mut kept, sort);
    }
    kept.into()
}

/// Case-insensitive substring of the name, domain or description; `needle` is lowercase.
fn matches_search(skill: &SkillSummary, needle: &str) -> bool {
    [Some(skill.name.as_str()), skill.domain.as_deref(), skill.description.as_deref()]
        .into_iter()
        .flatten()
        .any(|text| text.to_lowercase().contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{LockState, LockStatus, SkillSource, WorkflowProgress, WorkflowStatus};

    fn skill(name: &str, updated: &str, source: SkillSource, tags: &[&str]) -> SkillSummary {
        SkillSummary {
            name: name.into(),
            source,
            domain: Some(format!("Domain of {name}")),
            skill_type: "domain".into(),
            description: Some("Answers questions about Ünïcode pipelines".into()),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            workflow: (source == SkillSource::SkillBuilder)
                .then_some(WorkflowProgress { current_step: 0, status: WorkflowStatus::Pending }),
            marketplace: None,
            lock: LockStatus { state: LockState::Free, holder: None },
            created_at: updated.into(),
            updated_at: updated.into(),
        }
    }

    fn library() -> Arc<[SkillSummary]> {
        vec![
            skill("c-skill", "2026-03", SkillSource::SkillBuilder, &["sales"]),
            skill("a-skill", "2026-02", SkillSource::Imported, &["kpi", "sales"]),
            skill("b-skill", "2026-01", SkillSource::SkillBuilder, &[]),
        ]
        .into()
    }

    fn names(list: &[SkillSummary]) -> Vec<&str> {
        list.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn a_load_is_newest_first_then_by_name_as_the_sort_orders() {
        let rows: Vec<(i64, SkillSummary)> = [("b", "2026-02"), ("a", "2026-02"), ("c", "2026-03"), ("d", "2026-01")]
            .into_iter()
            .enumerate()
            .map(|(id, (name, at))| (id as i64, skill(name, at, SkillSource::Imported, &[])))
            .collect();
        let mut sorted: Vec<SkillSummary> = rows.iter().map(|(_, s)| s.clone()).collect();
        sort_library(&mut sorted, SkillSort::RecentlyUpdated);
        let (ids, loaded) = newest_first(rows);
        assert_eq!(names(&loaded), ["c", "a", "b", "d"]);
        assert_eq!(ids, [2, 1, 0, 3]);
        assert_eq!(loaded, sorted);
    }

    #[test]
    fn the_default_view_is_the_cached_list_itself() {
        let all = library();
        let listed = select(Arc::clone(&all), &SkillFilter::default());
        assert!(Arc::ptr_eq(&all, &listed));
    }

    #[test]
    fn filters_combine_and_sorts_reorder() {
        let all = library();
        let by_tag = SkillFilter { tag: Some(" Sales ".into()), sort: Some(SkillSort::Name), ..Default::default() };
        assert_eq!(names(&select(Arc::clone(&all), &by_tag)), ["a-skill", "c-skill"]);
        let built = SkillFilter {
            source: Some(SkillSource::SkillBuilder),
            status: Some(WorkflowStatus::Pending),
            ..Default::default()
        };
        assert_eq!(names(&select(Arc::clone(&all), &built)), ["c-skill", "b-skill"]);
        let nothing = SkillFilter { status: Some(WorkflowStatus::Completed), ..Default::default() };
        assert!(select(all, &nothing).is_empty());
    }

    #[test]
    fn search_ignores_case_beyond_ascii_and_blank_searches_match_everything() {
        let all = library();
        let unicode = SkillFilter { search: Some("ÜNÏCODE".into()), ..Default::default() };
        assert_eq!(select(Arc::clone(&all), &unicode).len(), 3);
        let domain = SkillFilter { search: Some("of B-SK".into()), ..Default::default() };
        assert_eq!(names(&select(Arc::clone(&all), &domain)), ["b-skill"]);
        let blank = SkillFilter { search: Some("   ".into()), ..Default::default() };
        assert!(Arc::ptr_eq(&all, &select(Arc::clone(&all), &blank)));
    }
}

#[cfg(test)]
#[path = "library_tests.rs"]
mod incremental_tests;
