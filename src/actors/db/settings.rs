//! Settings and the database secret store: JSON documents in the `settings` key-value table.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::protocol::{AppError, AppSettings, GitHubUser, SettingsPatch};
use crate::secrets::{SecretKey, Sensitive};

const APP_SETTINGS: &str = "app_settings";

fn read_doc(conn: &Connection, key: &str) -> Result<Option<String>, AppError> {
    Ok(conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

fn write_doc(conn: &Connection, key: &str, value: &str, now: &str) -> Result<(), AppError> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )?
    .execute(params![key, value, now])?;
    Ok(())
}

/// The stored settings with defaults for anything missing. A document that no longer parses
/// (hand-edited) yields the defaults rather than locking the user out, and is logged.
pub fn get(conn: &Connection) -> Result<AppSettings, AppError> {
    let Some(doc) = read_doc(conn, APP_SETTINGS)? else { return Ok(AppSettings::default()) };
    Ok(serde_json::from_str(&doc).unwrap_or_else(|err| {
        tracing::warn!(%err, "stored settings do not parse; using defaults");
        AppSettings::default()
    }))
}

/// Read-modify-write in one `BEGIN IMMEDIATE` transaction, so two instances never lose each
/// other's changes. A secret in the patch is not stored here: it goes to the secret store.
pub fn update(conn: &mut Connection, patch: &SettingsPatch, now: &str) -> Result<AppSettings, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut settings = get(&tx)?;
    settings.apply(patch)?;
    write_doc(&tx, APP_SETTINGS, &serde_json::to_string(&settings)?, now)?;
    tx.commit()?;
    Ok(settings)
}

/// Writes (or, with `None`, clears) the GitHub identity fields, which only sign-in and sign-out
/// change (they are not patchable), in one read-modify-write transaction.
pub fn set_github_identity(
    conn: &mut Connection,
    user: Option<&GitHubUser>,
    now: &str,
) -> Result<AppSettings, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut settings = get(&tx)?;
    settings.github_user_login = user.map(|u| u.login.clone());
    settings.github_user_avatar = user.and_then(|u| u.avatar_url.clone());
    settings.github_user_email = user.and_then(|u| u.email.clone());
    write_doc(&tx, APP_SETTINGS, &serde_json::to_string(&settings)?, now)?;
    tx.commit()?;
    Ok(settings)
}

/// Key of a skill's last plugin export record (skill-format §3.3, `SB409`).
fn plugin_export_key(skill: &str) -> String {
    format!("export.plugin.{skill}")
}

/// The JSON record of the last plugin export of `skill`, if any.
pub fn plugin_export(conn: &Connection, skill: &str) -> Result<Option<String>, AppError> {
    read_doc(conn, &plugin_export_key(skill))
}

pub fn record_plugin_export(conn: &Connection, skill: &str, record: &str, now: &str) -> Result<(), AppError> {
    write_doc(conn, &plugin_export_key(skill), record, now)
}

/// A stored secret, wrapped so it cannot be printed by accident.
pub fn get_secret(conn: &Connection, key: SecretKey) -> Result<Option<Sensitive<String>>, AppError> {
    let doc = read_doc(conn, key.storage_key())?;
    Ok(doc.and_then(|d| serde_json::from_str::<String>(&d).ok()).map(Sensitive::new))
}

/// The database fallback store's write (backend.md §8.3).
pub fn set_secret(conn: &Connection, key: SecretKey, value: &Sensitive<String>, now: &str) -> Result<(), AppError> {
    let value = value.expose().trim();
    if value.is_empty() {
        return Err(AppError::invalid(key.field_name(), "must not be empty"));
    }
    let doc = serde_json::to_string(value)?;
    securely(conn, |c| write_doc(c, key.storage_key(), &doc, now))
}

pub fn clear_secret(conn: &Connection, key: SecretKey) -> Result<(), AppError> {
    securely(conn, |c| {
        c.execute("DELETE FROM settings WHERE key = ?1", [key.storage_key()])?;
        Ok(())
    })
}

/// Runs a secret's write with `secure_delete` on, so the value it replaces or removes is
/// overwritten with zeros in the file instead of lingering in free space.
fn securely<T>(conn: &Connection, write: impl FnOnce(&Connection) -> Result<T, AppError>) -> Result<T, AppError> {
    conn.pragma_update(None, "secure_delete", true)?;
    let result = write(conn);
    conn.pragma_update(None, "secure_delete", false)?;
    result
}
