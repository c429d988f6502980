//! Skills Library queries: the `skills` master with its workflow and marketplace children, tags.

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::DbCtx;
use crate::protocol::{
    AppError, CreateSkillRequest, InstalledSkillName, LockHolder, LockState, LockStatus, MarketplaceInfo, Registry,
    SkillMetadataPatch, SkillName, SkillSort, SkillSource, SkillSummary, WorkflowProgress, WorkflowStatus,
};

const SUMMARY_SELECT: &str = "
SELECT s.id, s.name, s.skill_source, s.domain, s.skill_type, s.description, s.created_at, s.updated_at,
       w.current_step, w.status, i.is_active, i.source_repo,
       l.instance_id, l.pid, l.purpose, l.acquired_at
FROM skills AS s
LEFT JOIN workflow_runs AS w ON w.skill_id = s.id
LEFT JOIN imported_skills AS i ON i.skill_id = s.id
LEFT JOIN skill_locks AS l ON l.skill_id = s.id";

/// A summary row before its tags are attached.
fn summary_from_row(ctx: &DbCtx, row: &Row<'_>) -> rusqlite::Result<(i64, SkillSummary)> {
    let source: String = row.get(2)?;
    let workflow = match (row.get::<_, Option<i64>>(8)?, row.get::<_, Option<String>>(9)?) {
        (Some(step), Some(status)) => Some(WorkflowProgress {
            current_step: u8::try_from(step).unwrap_or(0),
            status: WorkflowStatus::parse(&status).unwrap_or(WorkflowStatus::Pending),
        }),
        _ => None,
    };
    let marketplace = match (row.get::<_, Option<bool>>(10)?, row.get::<_, Option<String>>(11)?) {
        (Some(is_active), Some(source_repo)) => Some(MarketplaceInfo { is_active, source_repo }),
        _ => None,
    };
    let lock = match row.get::<_, Option<String>>(12)? {
        None => LockStatus { state: LockState::Free, holder: None },
        Some(instance_id) => LockStatus {
            state: if instance_id == ctx.instance.instance_id { LockState::Mine } else { LockState::Other },
            holder: Some(LockHolder {
                instance_id,
                pid: row.get(13)?,
                purpose: row.get(14)?,
                acquired_at: row.get(15)?,
            }),
        },
    };
    Ok((
        row.get(0)?,
        SkillSummary {
            name: row.get(1)?,
            source: SkillSource::parse(&source).unwrap_or(SkillSource::Imported),
            domain: row.get(3)?,
            skill_type: row.get(4)?,
            description: row.get(5)?,
            tags: Vec::new(),
            workflow,
            marketplace,
            lock,
            created_at: row.get(6)?,
            updated_at: row.get(7)?,
        },
    ))
}

/// Text order is SQLite's BINARY order (bytes); names are unique, so the order is total.
/// The sort is stable only to be adaptive: it finishes a nearly sorted list in about one pass.
pub fn sort_library(skills: &mut [SkillSummary], sort: SkillSort) {
    match sort {
        SkillSort::RecentlyUpdated => {
            skills.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then_with(|| a.name.cmp(&b.name)));
        }
        SkillSort::Name => skills.sort_unstable_by(|a, b| a.name.cmp(&b.name)),
        SkillSort::RecentlyCreated => {
            skills.sort_unstable_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.name.cmp(&b.name)));
        }
    }
}

fn tags_of(conn: &Connection, skill_id: i64) -> Result<Vec<String>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT tag FROM skill_tags WHERE skill_id = ?1 ORDER BY tag")?;
    let tags = stmt.query_map([skill_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(tags)
}

/// One skill's summary; `not_found` when it does not exist.
pub fn get(conn: &Connection, ctx: &DbCtx, name: &str) -> Result<SkillSummary, AppError> {
    let mut stmt = conn.prepare_cached(&format!("{SUMMARY_SELECT} WHERE s.name = ?1"))?;
    let (id, mut skill) = stmt
        .query_row([name], |row| summary_from_row(ctx, row))
        .optional()?
        .ok_or_else(|| AppError::skill_not_found(name))?;
    skill.tags = tags_of(conn, id)?;
    Ok(skill)
}

/// The row id of a skill; `not_found` when it does not exist.
pub fn id_of(conn: &Connection, name: &str) -> Result<i64, AppError> {
    conn.prepare_cached("SELECT id FROM skills WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?
        .ok_or_else(|| AppError::skill_not_found(name))
}

fn exists(conn: &Connection, name: &str) -> Result<bool, AppError> {
    Ok(conn.prepare_cached("SELECT 1 FROM skills WHERE name = ?1")?.exists([name])?)
}

/// A create request whose fields were validated by the command layer.
#[derive(Debug, Clone)]
pub struct NewSkill {
    pub name: SkillName,
    pub request: CreateSkillRequest,
    pub tags: Vec<String>,
    pub author_login: Option<String>,
    pub author_avatar: Option<String>,
}

/// Inserts the `skills` row, its workflow run (steps by trigger) and its tags in one transaction.
pub fn create(conn: &mut Connection, ctx: &DbCtx, new: &NewSkill, now: &str) -> Result<SkillSummary, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if exists(&tx, new.name.as_str())? {
        return Err(AppError::AlreadyExists { kind: "skill", name: new.name.to_string() });
    }
    let req = &new.request;
    tx.execute(
        "INSERT INTO skills (name, skill_source, domain, skill_type, description, created_at, updated_at)
         VALUES (?1, 'skill-builder', ?2, ?3, ?4, ?5, ?5)",
        params![new.name.as_str(), req.domain, req.skill_type.as_deref().unwrap_or("domain"), req.description, now],
    )?;
    let skill_id = tx.last_insert_rowid();
    let intake = req.intake.as_ref().map(serde_json::to_string).transpose()?;
    tx.execute(
        "INSERT INTO workflow_runs (skill_id, author_login, author_avatar, intake_json, version, model,
            argument_hint, user_invocable, disable_model_invocation, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![
            skill_id,
            new.author_login,
            new.author_avatar,
            intake,
            req.version.as_deref().unwrap_or("1.0.0"),
            req.model,
            req.argument_hint,
            req.user_invocable,
            req.disable_model_invocation,
            now
        ],
    )?;
    insert_tags(&tx, skill_id, &new.tags, now)?;
    let summary = get(&tx, ctx, new.name.as_str())?;
    tx.commit()?;
    Ok(summary)
}

fn insert_tags(conn: &Connection, skill_id: i64, tags: &[String], now: &str) -> Result<(), AppError> {
    let mut stmt =
        conn.prepare_cached("INSERT OR IGNORE INTO skill_tags (skill_id, tag, created_at) VALUES (?1, ?2, ?3)")?;
    for tag in tags {
        stmt.execute(params![skill_id, tag, now])?;
    }
    Ok(())
}

/// Deletes the row; children cascade, usage history keeps its name snapshot.
pub fn delete(conn: &mut Connection, name: &str) -> Result<(), AppError> {
    let deleted = conn.execute("DELETE FROM skills WHERE name = ?1", [name])?;
    if deleted == 0 {
        return Err(AppError::skill_not_found(name));
    }
    Ok(())
}

/// Renames the row and every name snapshot in one transaction; tags and locks follow by id.
pub fn rename(conn: &mut Connection, ctx: &DbCtx, old: &str, new: &str, now: &str) -> Result<SkillSummary, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = id_of(&tx, old)?;
    if exists(&tx, new)? {
        return Err(AppError::AlreadyExists { kind: "skill", name: new.to_string() });
    }
    tx.execute("UPDATE skills SET name = ?1, updated_at = ?2 WHERE id = ?3", params![new, now, id])?;
    tx.execute("UPDATE agent_runs SET skill_name = ?1 WHERE skill_id = ?2", params![new, id])?;
    tx.execute("UPDATE workflow_sessions SET skill_name = ?1 WHERE skill_id = ?2", params![new, id])?;
    tx.execute(
        "UPDATE imported_skills SET rel_path = ?1 WHERE skill_id = ?2 AND rel_path = ?3",
        params![new, id, old],
    )?;
    let summary = get(&tx, ctx, new)?;
    tx.commit()?;
    Ok(summary)
}

/// Replaces all tags of a skill with an already normalised list.
pub fn set_tags(conn: &mut Connection, name: &str, tags: &[String], now: &str) -> Result<Vec<String>, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = id_of(&tx, name)?;
    tx.execute("DELETE FROM skill_tags WHERE skill_id = ?1", [id])?;
    insert_tags(&tx, id, tags, now)?;
    tx.execute("UPDATE skills SET updated_at = ?1 WHERE id = ?2", params![now, id])?;
    let stored = tags_of(&tx, id)?;
    tx.commit()?;
    Ok(stored)
}

/// Applies a tri-state metadata patch. Builder-only fields are refused for other sources,
/// whose values come from their SKILL.md.
pub fn update_metadata(
    conn: &mut Connection,
    ctx: &DbCtx,
    name: &str,
    patch: &SkillMetadataPatch,
    now: &str,
) -> Result<SkillSummary, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (id, source): (i64, String) = tx
        .query_row("SELECT id, skill_source FROM skills WHERE name = ?1", [name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| AppError::skill_not_found(name))?;
    let builder_fields = [
        patch.display_name.is_some(),
        patch.version.is_some(),
        patch.model.is_some(),
        patch.argument_hint.is_some(),
        patch.user_invocable.is_some(),
        patch.disable_model_invocation.is_some(),
        patch.intake.is_some(),
    ];
    if source != "skill-builder" && builder_fields.iter().any(|set| *set) {
        return Err(AppError::NotSupported(format!(
            "Only skills built here have builder fields; '{name}' takes them from its SKILL.md"
        )));
    }
    for (column, value) in [("domain", &patch.domain), ("description", &patch.description)] {
        if let Some(value) = value {
            tx.execute(&format!("UPDATE skills SET {column} = ?1 WHERE id = ?2"), params![value, id])?;
        }
    }
    if let Some(skill_type) = &patch.skill_type {
        let skill_type = skill_type.as_deref().unwrap_or("domain");
        tx.execute("UPDATE skills SET skill_type = ?1 WHERE id = ?2", params![skill_type, id])?;
    }
    for (column, value) in [
        ("display_name", &patch.display_name),
        ("version", &patch.version),
        ("model", &patch.model),
        ("argument_hint", &patch.argument_hint),
    ] {
        if let Some(value) = value {
            tx.execute(&format!("UPDATE workflow_runs SET {column} = ?1 WHERE skill_id = ?2"), params![value, id])?;
        }
    }
    for (column, value) in
        [("user_invocable", &patch.user_invocable), ("disable_model_invocation", &patch.disable_model_invocation)]
    {
        if let Some(value) = value {
            tx.execute(&format!("UPDATE workflow_runs SET {column} = ?1 WHERE skill_id = ?2"), params![value, id])?;
        }
    }
    if let Some(intake) = &patch.intake {
        let json = intake.as_ref().map(serde_json::to_string).transpose()?;
        tx.execute("UPDATE workflow_runs SET intake_json = ?1 WHERE skill_id = ?2", params![json, id])?;
    }
    tx.execute("UPDATE skills SET updated_at = ?1 WHERE id = ?2", params![now, id])?;
    tx.execute("UPDATE workflow_runs SET updated_at = ?1 WHERE skill_id = ?2", params![now, id])?;
    let summary = get(&tx, ctx, name)?;
    tx.commit()?;
    Ok(summary)
}

/// Every distinct tag, sorted.
pub fn all_tags(conn: &Connection) -> Result<Vec<String>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT tag FROM skill_tags ORDER BY tag")?;
    let tags = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(tags)
}

/// Names in both registries, sorted; import lists pre-mark them.
pub fn installed_names(conn: &Connection) -> Result<Vec<InstalledSkillName>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, 'library' FROM skills UNION ALL SELECT name, 'workspace' FROM workspace_skills ORDER BY 1, 2",
    )?;
    let names = stmt
        .query_map([], |r| {
            let registry: String = r.get(1)?;
            Ok(InstalledSkillName {
                name: r.get(0)?,
                registry: if registry == "library" { Registry::Library } else { Registry::Workspace },
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(names)
}
