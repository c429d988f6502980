//! Settings and the database secret store: JSON documents in the `settings` key-value table.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::protocol::{AppError, AppSettings, SecretUpdate, SettingsPatch};
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
/// other's changes.
pub fn update(conn: &mut Connection, patch: &SettingsPatch, now: &str) -> Result<AppSettings, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut settings = get(&tx)?;
    settings.apply(patch)?;
    write_doc(&tx, APP_SETTINGS, &serde_json::to_string(&settings)?, now)?;
    match &patch.anthropic_api_key {
        Some(SecretUpdate::Set(value)) => set_secret(&tx, SecretKey::AnthropicApiKey, value, now)?,
        Some(SecretUpdate::Clear) => clear_secret(&tx, SecretKey::AnthropicApiKey)?,
        None => {}
    }
    tx.commit()?;
    Ok(settings)
}

/// A stored secret, wrapped so it cannot be printed by accident.
pub fn get_secret(conn: &Connection, key: SecretKey) -> Result<Option<Sensitive<String>>, AppError> {
    let doc = read_doc(conn, key.storage_key())?;
    Ok(doc.and_then(|d| serde_json::from_str::<String>(&d).ok()).map(Sensitive::new))
}

pub fn set_secret(conn: &Connection, key: SecretKey, value: &str, now: &str) -> Result<(), AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(key.field_name(), "must not be empty"));
    }
    write_doc(conn, key.storage_key(), &serde_json::to_string(value)?, now)
}

pub fn clear_secret(conn: &Connection, key: SecretKey) -> Result<(), AppError> {
    conn.execute("DELETE FROM settings WHERE key = ?1", [key.storage_key()])?;
    Ok(())
}
