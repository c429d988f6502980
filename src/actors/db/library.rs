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
use super::skills::{load_library, sort_library};
use crate::protocol::{AppError, SkillFilter, SkillSort, SkillSummary};

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
    *slot = None;
    let skills: Arc<[SkillSummary]> = load_library(conn, ctx)?.into();
    *slot = Some(LibraryCache { version, skills: Arc::clone(&skills) });
    Ok(skills)
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
