//! Randomised test of the incremental library list: random writes (ours, rolled back, or
//! another connection's) and, after each, the list the reader keeps must equal a full reload,
//! field for field, under every filter and sort.

use std::ffi::OsString;

use proptest::prelude::*;
use rusqlite::params;

use super::*;
use crate::instance::InstanceInfo;

struct Db {
    _dir: tempfile::TempDir,
    writer: Connection,
    foreign: Connection,
    reader: Connection,
    ctx: DbCtx,
    _runtime: tokio::runtime::Runtime,
}

fn database() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let mut writer = Connection::open(&path).unwrap();
    writer.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())).unwrap();
    writer.pragma_update(None, "foreign_keys", "ON").unwrap();
    crate::actors::db::migrate::run(&mut writer, "2026-01-01T00:00:00.000Z", None).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let instance =
        InstanceInfo { instance_id: "me".into(), pid: 1, pid_start_time: None, process_name: None::<OsString> };
    let ctx = DbCtx { instance, library: LibrarySlot::default(), runtime: runtime.handle().clone() };
    library_changes::track(&writer, ctx.library.changes()).unwrap();
    let foreign = Connection::open(&path).unwrap();
    foreign.pragma_update(None, "foreign_keys", "ON").unwrap();
    let reader = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    Db { _dir: dir, writer, foreign, reader, ctx, _runtime: runtime }
}

/// One random write: what, to which skill (0..12), with which value.
type Op = (u8, u8, u8);

fn apply(conn: &mut Connection, (what, skill, value): Op) {
    let name = format!("s{skill}");
    let at = format!("2026-01-{:02}", 1 + value % 5);
    let tx = conn.transaction().unwrap();
    let source = ["skill-builder", "marketplace", "imported"][usize::from(value % 3)];
    // Writes that break a constraint (a guard trigger, a taken name) fail and change nothing.
    let _ = match what % 13 {
        0 => tx.execute(
            "INSERT OR IGNORE INTO skills (name, skill_source, domain, description, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'Ünïcode', ?4, ?4)",
            params![name, source, (value % 2 == 0).then_some("sales"), at],
        ),
        1 => tx.execute("DELETE FROM skills WHERE name = ?1", [&name]),
        2 => tx.execute("UPDATE OR IGNORE skills SET name = ?2 WHERE name = ?1", [&name, &format!("s{}", value % 12)]),
        3 => tx.execute("UPDATE skills SET updated_at = ?2, description = ?3 WHERE name = ?1", params![name, at, value]),
        4 => tx.execute(
            "INSERT OR IGNORE INTO skill_tags (skill_id, tag, created_at) SELECT id, ?2, 'x' FROM skills WHERE name = ?1",
            params![name, format!("t{}", value % 4)],
        ),
        5 => tx.execute(
            "DELETE FROM skill_tags WHERE tag = ?2 AND skill_id = (SELECT id FROM skills WHERE name = ?1)",
            params![name, format!("t{}", value % 4)],
        ),
        6 => tx.execute(
            "INSERT INTO workflow_runs (skill_id, current_step, status, created_at, updated_at)
             SELECT id, ?2, ?3, 'x', 'x' FROM skills WHERE name = ?1
             ON CONFLICT (skill_id) DO UPDATE SET current_step = excluded.current_step, status = excluded.status",
            params![name, value % 7, ["pending", "in_progress", "completed"][usize::from(value % 3)]],
        ),
        7 => tx.execute("DELETE FROM workflow_runs WHERE skill_id = (SELECT id FROM skills WHERE name = ?1)", [&name]),
        8 => tx.execute(
            "INSERT INTO imported_skills (skill_id, rel_path, is_active, source_repo, source_commit, source_path,
               content_sha256, imported_at, updated_at)
             SELECT id, 'p', ?2, ?3, 'c', 'p', 'h', 'x', 'x' FROM skills WHERE name = ?1
             ON CONFLICT (skill_id) DO UPDATE SET is_active = excluded.is_active, source_repo = excluded.source_repo",
            params![name, value % 2, format!("repo{}", value % 3)],
        ),
        9 => tx.execute(
            "INSERT OR REPLACE INTO skill_locks (skill_id, instance_id, pid, purpose, acquired_at)
             SELECT id, ?2, ?3, 'edit', ?4 FROM skills WHERE name = ?1",
            params![name, if value % 2 == 0 { "me" } else { "other" }, value, at],
        ),
        10 => tx.execute("DELETE FROM skill_locks WHERE skill_id = (SELECT id FROM skills WHERE name = ?1)", [&name]),
        11 => {
            // A write rolled back: nothing changes, at most a skill is read again.
            let _ = tx.execute("UPDATE skills SET description = 'gone' WHERE name = ?1", [&name]);
            return tx.rollback().unwrap();
        }
        _ => tx.execute("INSERT OR REPLACE INTO app_settings (key, value, updated_at) VALUES ('k', ?1, 'x')", [value]),
    };
    tx.commit().unwrap();
}

fn filters() -> Vec<SkillFilter> {
    let sorts = [SkillSort::RecentlyUpdated, SkillSort::Name, SkillSort::RecentlyCreated];
    let mut all = Vec::new();
    for sort in sorts {
        all.push(SkillFilter { sort: Some(sort), ..Default::default() });
        all.push(SkillFilter { tag: Some("t1".into()), sort: Some(sort), ..Default::default() });
        all.push(SkillFilter { source: Some(SkillSource::SkillBuilder), sort: Some(sort), ..Default::default() });
        all.push(SkillFilter { source: Some(SkillSource::Marketplace), sort: Some(sort), ..Default::default() });
        all.push(SkillFilter { status: Some(WorkflowStatus::InProgress), sort: Some(sort), ..Default::default() });
        all.push(SkillFilter { search: Some("S1".into()), sort: Some(sort), ..Default::default() });
        all.push(SkillFilter { search: Some("sales".into()), sort: Some(sort), ..Default::default() });
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_kept_list_equals_a_full_reload_after_every_write(
        ops in proptest::collection::vec((any::<u8>(), 0..12u8, any::<u8>(), 0..10u8), 1..80),
    ) {
        let mut db = database();
        let mut held = None;
        for (what, skill, value, how) in ops {
            match how {
                // Another connection: another instance or the CLI.
                0 => apply(&mut db.foreign, (what, skill, value)),
                // Ours, as a writer job runs it (conn.rs).
                _ => {
                    library_changes::check_writer(&db.writer, db.ctx.library.changes());
                    apply(&mut db.writer, (what, skill, value));
                    library_changes::check_writer(&db.writer, db.ctx.library.changes());
                }
            }
            // Lists now and then, sometimes still holding the last one (the copying path).
            if how % 3 == 0 {
                continue;
            }
            let kept = library(&mut db.reader, &db.ctx).unwrap();
            let (ids, full) = reload(&mut db.reader, &db.ctx).unwrap();
            prop_assert_eq!(&kept[..], &full[..]);
            let cache = db.ctx.library.cache.lock().unwrap();
            prop_assert_eq!(&cache.as_ref().unwrap().ids, &ids);
            drop(cache);
            for filter in filters() {
                prop_assert_eq!(&select(Arc::clone(&kept), &filter)[..], &select(full.clone().into(), &filter)[..]);
            }
            held = (how % 2 == 0).then_some(kept);
        }
        drop(held);
    }
}

#[test]
fn a_write_of_ours_rereads_only_the_skills_it_touched() {
    let mut db = database();
    for i in 0..3 {
        apply(&mut db.writer, (0, i, 0));
    }
    let first = library(&mut db.reader, &db.ctx).unwrap();
    apply(&mut db.writer, (3, 1, 4));
    assert_eq!(library_changes::lock(db.ctx.library.changes()).ids.len(), 1);
    let second = library(&mut db.reader, &db.ctx).unwrap();
    assert_eq!(second[0].name, "s1");
    assert_eq!(second.len(), first.len());
    // Another connection's write is not recorded, and is found all the same.
    apply(&mut db.foreign, (1, 0, 0));
    assert!(library_changes::lock(db.ctx.library.changes()).ids.is_empty());
    assert_eq!(library(&mut db.reader, &db.ctx).unwrap().len(), 2);
}
