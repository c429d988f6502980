//! The library list, kept in memory between writes.
//!
//! The UI lists the library on every page visit and after every change event, and a 10,000-skill
//! library costs milliseconds to read back from SQLite. So the reader keeps the last full list,
//! shared as an `Arc`, and reads it again only when the database changed: the reader never
//! writes, so its `PRAGMA data_version` moves exactly when another connection (our writer,
//! another app instance, the CLI) commits. Invalidation needs no bookkeeping per command, so no
//! write path can forget it. Filters and sort orders are applied to the cached list in memory,
//! on the reader's thread.

use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;

use super::DbCtx;
use super::skills::sort_library;
use crate::protocol::{
    AppError, LockHolder, LockState, LockStatus, MarketplaceInfo, SkillFilter, SkillSort, SkillSource, SkillSummary,
    WorkflowProgress, WorkflowStatus,
};

/// The full library, most recently updated first, as of one database state.
struct LibraryCache {
    version: i64,
    skills: Arc<[SkillSummary]>,
}

/// Where the reader keeps the list; only the reader's thread locks it.
#[derive(Default)]
pub struct LibrarySlot(Mutex<Option<LibraryCache>>);

impl std::fmt::Debug for LibrarySlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LibrarySlot")
    }
}

/// `list_skills` on the reader: from the cache, reloading it first when the database changed.
pub(super) fn list(conn: &mut Connection, ctx: &DbCtx, filter: &SkillFilter) -> Result<Arc<[SkillSummary]>, AppError> {
    Ok(select(library(conn, ctx)?, filter))
}

fn library(conn: &mut Connection, ctx: &DbCtx) -> Result<Arc<[SkillSummary]>, AppError> {
    let version: i64 = conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?;
    let mut slot = ctx.library.0.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(cache) = slot.as_ref()
        && cache.version == version
    {
        return Ok(Arc::clone(&cache.skills));
    }
    // Read after `version`: a commit in between only causes one more reload.
    let skills: Arc<[SkillSummary]> = load(conn, ctx)?.into();
    let old = slot.replace(LibraryCache { version, skills: Arc::clone(&skills) });
    // Freeing a 10,000-skill list is some 100,000 frees: not on the caller's time.
    if let Some(old) = old {
        ctx.runtime.spawn_blocking(move || drop(old));
    }
    Ok(skills)
}

/// Every skill, most recently updated first (ties by name). One flat scan per table, merged
/// here by skill id: each table is read in its own key order, with no index lookup per skill,
/// which is several times cheaper than SQLite joining them row by row.
fn load(conn: &mut Connection, ctx: &DbCtx) -> Result<Vec<SkillSummary>, AppError> {
    let tx = conn.transaction()?;
    let mut skills: Vec<(i64, SkillSummary)> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT id, name, skill_source, domain, skill_type, description, created_at, updated_at FROM skills",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let source =
                SkillSource::parse(row.get_ref(2)?.as_str().unwrap_or_default()).unwrap_or(SkillSource::Imported);
            skills.push((
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
            ));
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
                let step: i64 = row.get(1)?;
                skills[at].1.workflow = Some(WorkflowProgress {
                    current_step: u8::try_from(step).unwrap_or(0),
                    status: WorkflowStatus::parse(row.get_ref(2)?.as_str().unwrap_or_default())
                        .unwrap_or(WorkflowStatus::Pending),
                });
            }
        }
    }
    {
        let mut stmt = tx.prepare_cached("SELECT skill_id, is_active, source_repo FROM imported_skills")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if let Some(at) = find(&skills, row.get(0)?) {
                skills[at].1.marketplace = Some(MarketplaceInfo { is_active: row.get(1)?, source_repo: row.get(2)? });
            }
        }
    }
    {
        let mut stmt = tx.prepare_cached("SELECT skill_id, instance_id, pid, purpose, acquired_at FROM skill_locks")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if let Some(at) = find(&skills, row.get(0)?) {
                let instance_id: String = row.get(1)?;
                let state = if instance_id == ctx.instance.instance_id { LockState::Mine } else { LockState::Other };
                let holder =
                    LockHolder { instance_id, pid: row.get(2)?, purpose: row.get(3)?, acquired_at: row.get(4)? };
                skills[at].1.lock = LockStatus { state, holder: Some(holder) };
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
fn newest_first(skills: Vec<(i64, SkillSummary)>) -> Vec<SkillSummary> {
    let mut order: Vec<usize> = (0..skills.len()).rev().collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&skills[a].1, &skills[b].1);
        b.updated_at.cmp(&a.updated_at).then_with(|| a.name.cmp(&b.name))
    });
    let mut slots: Vec<Option<SkillSummary>> = skills.into_iter().map(|(_, skill)| Some(skill)).collect();
    order.into_iter().filter_map(|at| slots[at].take()).collect()
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
        let loaded = newest_first(rows);
        assert_eq!(names(&loaded), ["c", "a", "b", "d"]);
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
