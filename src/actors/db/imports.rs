//! Queries of the two import registries (backend.md §3.8, §10.4): Settings → Skills
//! (`workspace_skills`) and marketplace skills of the library (`skills` + `imported_skills`).

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::{DbCtx, DbHandle, DbMsg, DbState, skills};
use crate::actors::ask::Reply;
use crate::protocol::{AppError, SkillSummary, WorkspaceOrigin, WorkspaceSkill};

/// A marketplace skill's child row, as an import compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketplaceRecord {
    pub rel_path: String,
    pub is_active: bool,
    pub source_repo: String,
    pub source_path: String,
    pub content_sha256: String,
}

/// A marketplace skill to insert, or to update in place (same source).
#[derive(Debug, Clone)]
pub struct NewMarketplaceSkill {
    pub name: String,
    pub domain: Option<String>,
    pub skill_type: Option<String>,
    pub description: Option<String>,
    pub source_repo: String,
    pub source_ref: Option<String>,
    pub source_commit: String,
    pub source_path: String,
    pub content_sha256: String,
    pub version: Option<String>,
    pub model: Option<String>,
    pub argument_hint: Option<String>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
}

/// The import registries' requests to the database.
pub enum ImportsMsg {
    ListWorkspace { reply: Reply<Vec<WorkspaceSkill>> },
    GetWorkspace { name: String, reply: Reply<Option<WorkspaceSkill>> },
    PutWorkspace { skill: Box<WorkspaceSkill>, replace: bool, reply: Reply<WorkspaceSkill> },
    SetWorkspaceActive { name: String, active: bool, now: String, reply: Reply<()> },
    DeleteWorkspace { name: String, reply: Reply<()> },
    GetMarketplace { name: String, reply: Reply<Option<MarketplaceRecord>> },
    PutMarketplace { skill: Box<NewMarketplaceSkill>, update: bool, now: String, reply: Reply<SkillSummary> },
    SetMarketplaceActive { name: String, active: bool, now: String, reply: Reply<()> },
}

pub(super) fn handle(state: &DbState, msg: ImportsMsg) {
    use ImportsMsg as M;
    let (w, r) = (state.writer(), state.reader());
    match msg {
        M::ListWorkspace { reply } => r.answer(reply, |c, _| list_workspace(c)),
        M::GetWorkspace { name, reply } => r.answer(reply, move |c, _| get_workspace(c, &name)),
        M::PutWorkspace { skill, replace, reply } => w.answer(reply, move |c, _| put_workspace(c, &skill, replace)),
        M::SetWorkspaceActive { name, active, now, reply } => w.answer(reply, move |c, _| {
            let n = c.execute(
                "UPDATE workspace_skills SET is_active = ?2, updated_at = ?3 WHERE name = ?1",
                params![name, active, now],
            )?;
            if n == 0 { Err(not_found(&name)) } else { Ok(()) }
        }),
        M::DeleteWorkspace { name, reply } => w.answer(reply, move |c, _| {
            let n = c.execute("DELETE FROM workspace_skills WHERE name = ?1", [&name])?;
            if n == 0 { Err(not_found(&name)) } else { Ok(()) }
        }),
        M::GetMarketplace { name, reply } => r.answer(reply, move |c, _| get_marketplace(c, &name)),
        M::PutMarketplace { skill, update, now, reply } => {
            w.answer(reply, move |c, x| put_marketplace(c, x, &skill, update, &now))
        }
        M::SetMarketplaceActive { name, active, now, reply } => w.answer(reply, move |c, _| {
            let n = c.execute(
                "UPDATE imported_skills SET is_active = ?2, updated_at = ?3
                 WHERE skill_id = (SELECT id FROM skills WHERE name = ?1)",
                params![name, active, now],
            )?;
            if n == 0 { Err(AppError::NotSupported(format!("'{name}' is not a marketplace skill"))) } else { Ok(()) }
        }),
    }
}

fn not_found(name: &str) -> AppError {
    AppError::NotFound { kind: "workspace skill", name: name.to_string() }
}

const WORKSPACE_SELECT: &str = "SELECT name, origin, is_active, domain, skill_type, description, version, model,
    argument_hint, user_invocable, disable_model_invocation, source_repo, source_ref, source_commit, source_path,
    upload_file_name, content_sha256, imported_at, updated_at FROM workspace_skills";

fn workspace_row(r: &Row<'_>) -> rusqlite::Result<WorkspaceSkill> {
    let origin: String = r.get(1)?;
    Ok(WorkspaceSkill {
        name: r.get(0)?,
        origin: WorkspaceOrigin::parse(&origin).unwrap_or(WorkspaceOrigin::Upload),
        is_active: r.get(2)?,
        domain: r.get(3)?,
        skill_type: r.get(4)?,
        description: r.get(5)?,
        version: r.get(6)?,
        model: r.get(7)?,
        argument_hint: r.get(8)?,
        user_invocable: r.get(9)?,
        disable_model_invocation: r.get(10)?,
        source_repo: r.get(11)?,
        source_ref: r.get(12)?,
        source_commit: r.get(13)?,
        source_path: r.get(14)?,
        upload_file_name: r.get(15)?,
        content_sha256: r.get(16)?,
        imported_at: r.get(17)?,
        updated_at: r.get(18)?,
        missing_on_disk: false,
    })
}

fn list_workspace(conn: &mut Connection) -> Result<Vec<WorkspaceSkill>, AppError> {
    let mut stmt = conn.prepare_cached(&format!("{WORKSPACE_SELECT} ORDER BY name"))?;
    Ok(stmt.query_map([], workspace_row)?.collect::<Result<_, _>>()?)
}

fn get_workspace(conn: &Connection, name: &str) -> Result<Option<WorkspaceSkill>, AppError> {
    let mut stmt = conn.prepare_cached(&format!("{WORKSPACE_SELECT} WHERE name = ?1"))?;
    Ok(stmt.query_row([name], workspace_row).optional()?)
}

/// Inserts a row; with `replace` an existing row of that name goes in the same transaction
/// (keeping its active flag, which names the folder the skill is in).
fn put_workspace(conn: &mut Connection, s: &WorkspaceSkill, replace: bool) -> Result<WorkspaceSkill, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if get_workspace(&tx, &s.name)?.is_some() {
        if !replace {
            return Err(AppError::AlreadyExists { kind: "workspace skill", name: s.name.clone() });
        }
        tx.execute("DELETE FROM workspace_skills WHERE name = ?1", [&s.name])?;
    }
    tx.execute(
        "INSERT INTO workspace_skills (name, origin, is_active, domain, skill_type, description, version, model,
            argument_hint, user_invocable, disable_model_invocation, source_repo, source_ref, source_commit,
            source_path, upload_file_name, content_sha256, imported_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        params![
            s.name,
            s.origin.as_str(),
            s.is_active,
            s.domain,
            s.skill_type,
            s.description,
            s.version,
            s.model,
            s.argument_hint,
            s.user_invocable,
            s.disable_model_invocation,
            s.source_repo,
            s.source_ref,
            s.source_commit,
            s.source_path,
            s.upload_file_name,
            s.content_sha256,
            s.imported_at,
            s.updated_at
        ],
    )?;
    let row = get_workspace(&tx, &s.name)?.ok_or_else(|| not_found(&s.name))?;
    tx.commit()?;
    Ok(row)
}

fn get_marketplace(conn: &Connection, name: &str) -> Result<Option<MarketplaceRecord>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.rel_path, i.is_active, i.source_repo, i.source_path, i.content_sha256
         FROM imported_skills AS i JOIN skills AS s ON s.id = i.skill_id WHERE s.name = ?1",
    )?;
    Ok(stmt
        .query_row([name], |r| {
            Ok(MarketplaceRecord {
                rel_path: r.get(0)?,
                is_active: r.get(1)?,
                source_repo: r.get(2)?,
                source_path: r.get(3)?,
                content_sha256: r.get(4)?,
            })
        })
        .optional()?)
}

/// Inserts the `skills` row and its `imported_skills` child in one transaction, or with
/// `update` refreshes both for a skill that came from the same source.
fn put_marketplace(
    conn: &mut Connection,
    ctx: &DbCtx,
    s: &NewMarketplaceSkill,
    update: bool,
    now: &str,
) -> Result<SkillSummary, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let existing: Option<i64> =
        tx.prepare_cached("SELECT id FROM skills WHERE name = ?1")?.query_row([&s.name], |r| r.get(0)).optional()?;
    let skill_type = s.skill_type.as_deref().unwrap_or("domain");
    let domain = s.domain.clone().unwrap_or_else(|| s.name.clone());
    let skill_id = match (existing, update) {
        (Some(_), false) => return Err(AppError::AlreadyExists { kind: "skill", name: s.name.clone() }),
        (Some(id), true) => {
            tx.execute(
                "UPDATE skills SET domain = ?2, skill_type = ?3, description = ?4, updated_at = ?5 WHERE id = ?1",
                params![id, domain, skill_type, s.description, now],
            )?;
            tx.execute("DELETE FROM imported_skills WHERE skill_id = ?1", [id])?;
            id
        }
        (None, _) => {
            tx.execute(
                "INSERT INTO skills (name, skill_source, domain, skill_type, description, created_at, updated_at)
                 VALUES (?1, 'marketplace', ?2, ?3, ?4, ?5, ?5)",
                params![s.name, domain, skill_type, s.description, now],
            )?;
            tx.last_insert_rowid()
        }
    };
    tx.execute(
        "INSERT INTO imported_skills (skill_id, rel_path, is_active, source_repo, source_ref, source_commit,
            source_path, content_sha256, version, model, argument_hint, user_invocable, disable_model_invocation,
            imported_at, updated_at)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
        params![
            skill_id,
            s.name,
            s.source_repo,
            s.source_ref,
            s.source_commit,
            s.source_path,
            s.content_sha256,
            s.version,
            s.model,
            s.argument_hint,
            s.user_invocable,
            s.disable_model_invocation,
            now
        ],
    )?;
    let summary = skills::get(&tx, ctx, &s.name)?;
    tx.commit()?;
    Ok(summary)
}

impl DbHandle {
    async fn imports_ask<T: Send + 'static>(
        &self,
        op: &str,
        msg: impl FnOnce(Reply<T>) -> ImportsMsg,
    ) -> Result<T, AppError> {
        self.ask(op, |reply| DbMsg::Imports(msg(reply))).await
    }

    pub async fn list_workspace_skills(&self) -> Result<Vec<WorkspaceSkill>, AppError> {
        self.imports_ask("list workspace skills", |reply| ImportsMsg::ListWorkspace { reply }).await
    }

    pub async fn get_workspace_skill(&self, name: &str) -> Result<Option<WorkspaceSkill>, AppError> {
        self.imports_ask("get workspace skill", |reply| ImportsMsg::GetWorkspace { name: name.into(), reply }).await
    }

    pub async fn put_workspace_skill(&self, skill: WorkspaceSkill, replace: bool) -> Result<WorkspaceSkill, AppError> {
        self.imports_ask("save workspace skill", |reply| ImportsMsg::PutWorkspace {
            skill: Box::new(skill),
            replace,
            reply,
        })
        .await
    }

    pub async fn set_workspace_skill_active(&self, name: &str, active: bool) -> Result<(), AppError> {
        let now = self.now();
        self.imports_ask("toggle workspace skill", |reply| ImportsMsg::SetWorkspaceActive {
            name: name.into(),
            active,
            now,
            reply,
        })
        .await
    }

    pub async fn delete_workspace_skill(&self, name: &str) -> Result<(), AppError> {
        self.imports_ask("delete workspace skill", |reply| ImportsMsg::DeleteWorkspace { name: name.into(), reply })
            .await
    }

    pub async fn get_marketplace_skill(&self, name: &str) -> Result<Option<MarketplaceRecord>, AppError> {
        self.imports_ask("get marketplace skill", |reply| ImportsMsg::GetMarketplace { name: name.into(), reply }).await
    }

    pub async fn put_marketplace_skill(
        &self,
        skill: NewMarketplaceSkill,
        update: bool,
    ) -> Result<SkillSummary, AppError> {
        let now = self.now();
        self.imports_ask("save marketplace skill", |reply| ImportsMsg::PutMarketplace {
            skill: Box::new(skill),
            update,
            now,
            reply,
        })
        .await
    }

    pub async fn set_marketplace_skill_active(&self, name: &str, active: bool) -> Result<(), AppError> {
        let now = self.now();
        self.imports_ask("toggle marketplace skill", |reply| ImportsMsg::SetMarketplaceActive {
            name: name.into(),
            active,
            now,
            reply,
        })
        .await
    }
}
