//! `Secrets`: the store chosen at startup and the async face of it. Every store call runs on the
//! blocking pool, since a keychain may block on D-Bus or an unlock prompt.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::{KeychainStore, MemoryStore, SecretBackend, SecretError, SecretKey, SecretStore, Sensitive};
use crate::actors::db::DbHandle;
use crate::protocol::AppError;

/// How long the startup probe waits for the keychain (an unlock prompt may be showing).
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Which store the backend may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretStoreChoice {
    /// The OS keychain when its probe succeeds, else the database (the app).
    Auto,
    /// The database fallback only (`SKILL_BUILDER_SECRET_STORE=database`, most tests).
    Database,
    /// Memory only; nothing outlives the process.
    Memory,
}

impl SecretStoreChoice {
    /// `Auto`, unless `SKILL_BUILDER_SECRET_STORE=database` (a server without a keychain, or a
    /// test that must not touch the user's keychain).
    pub fn from_env() -> Self {
        match std::env::var("SKILL_BUILDER_SECRET_STORE").as_deref() {
            Ok("database") => SecretStoreChoice::Database,
            _ => SecretStoreChoice::Auto,
        }
    }
}

/// The database fallback: `settings` rows `secret.*` in the 0600 database file, through the
/// `DbActor`. Its calls block on the actor, so they run only where [`Secrets`] puts them.
pub struct DbFallbackStore {
    db: DbHandle,
    runtime: tokio::runtime::Handle,
}

fn db_failure(err: AppError) -> SecretError {
    SecretError { backend: "database", message: err.to_string() }
}

impl SecretStore for DbFallbackStore {
    fn get(&self, key: SecretKey) -> Result<Option<Sensitive<String>>, SecretError> {
        self.runtime.block_on(self.db.secret(key)).map_err(db_failure)
    }

    fn set(&self, key: SecretKey, value: &Sensitive<String>) -> Result<(), SecretError> {
        self.runtime.block_on(self.db.set_secret(key, value.clone())).map_err(db_failure)
    }

    fn delete(&self, key: SecretKey) -> Result<(), SecretError> {
        self.runtime.block_on(self.db.clear_secret(key)).map_err(db_failure)
    }
}

/// The secrets of this backend, wherever they are kept.
#[derive(Clone)]
pub struct Secrets {
    store: Arc<dyn SecretStore>,
    backend: SecretBackend,
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SecretError { backend: "keychain", message: format!("secret store task: {e}") })?
}

impl Secrets {
    /// Picks the store (backend.md §8.3): the keychain when a probe entry can be written, read
    /// back and deleted, else the database. With the keychain working, secrets left in the
    /// database fallback (saved while it did not answer) move into it and leave the database.
    pub async fn open(choice: SecretStoreChoice, db: &DbHandle, data_dir: &Path) -> Secrets {
        let fallback = Secrets {
            store: Arc::new(DbFallbackStore { db: db.clone(), runtime: tokio::runtime::Handle::current() }),
            backend: SecretBackend::Database,
        };
        match choice {
            SecretStoreChoice::Database => return fallback,
            SecretStoreChoice::Memory => return Secrets::in_memory(),
            SecretStoreChoice::Auto => {}
        }
        let data_dir = data_dir.to_path_buf();
        let probe = blocking(move || {
            let keychain = KeychainStore::new(&data_dir);
            keychain.probe().map(|()| keychain)
        });
        let keychain = match tokio::time::timeout(PROBE_TIMEOUT, probe).await {
            Ok(Ok(keychain)) => Arc::new(keychain),
            Ok(Err(err)) => {
                tracing::warn!(%err, "no OS keychain answered; secrets stay in the database file");
                return fallback;
            }
            Err(_) => {
                tracing::warn!("the OS keychain did not answer in time; secrets stay in the database file");
                return fallback;
            }
        };
        let keychain = Secrets { store: keychain, backend: SecretBackend::Keychain };
        match keychain.adopt(&fallback).await {
            Ok(0) => keychain,
            Ok(moved) => {
                tracing::info!(moved, "moved secrets from the database into the OS keychain");
                keychain
            }
            Err(err) => {
                tracing::warn!(%err, "secrets could not move into the OS keychain; the database keeps them");
                fallback
            }
        }
    }

    /// A store that forgets everything at exit (tests).
    pub fn in_memory() -> Secrets {
        Secrets { store: Arc::new(MemoryStore::default()), backend: SecretBackend::Memory }
    }

    /// Moves every secret `from` holds into this store: written, read back, then deleted there.
    async fn adopt(&self, from: &Secrets) -> Result<usize, AppError> {
        let mut moved = 0;
        for key in SecretKey::ALL {
            let Some(value) = from.get(key).await? else { continue };
            self.set(key, value.clone()).await?;
            if self.get(key).await?.as_ref() != Some(&value) {
                return Err(AppError::SecretsUnavailable { backend: self.backend.as_str() });
            }
            from.delete(key).await?;
            moved += 1;
        }
        Ok(moved)
    }

    pub fn backend(&self) -> SecretBackend {
        self.backend
    }

    pub async fn get(&self, key: SecretKey) -> Result<Option<Sensitive<String>>, AppError> {
        let store = Arc::clone(&self.store);
        Ok(blocking(move || store.get(key)).await?)
    }

    /// Stores a secret; surrounding whitespace is dropped and an empty value is refused.
    pub async fn set(&self, key: SecretKey, value: Sensitive<String>) -> Result<(), AppError> {
        let trimmed = value.expose().trim();
        if trimmed.is_empty() {
            return Err(AppError::invalid(key.field_name(), "must not be empty"));
        }
        let value = Sensitive::new(trimmed.to_string());
        let store = Arc::clone(&self.store);
        Ok(blocking(move || store.set(key, &value)).await?)
    }

    pub async fn delete(&self, key: SecretKey) -> Result<(), AppError> {
        let store = Arc::clone(&self.store);
        Ok(blocking(move || store.delete(key)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn adopting_moves_every_secret_and_empties_the_source() {
        let fallback = Secrets::in_memory();
        let keychain = Secrets::in_memory();
        fallback.set(SecretKey::AnthropicApiKey, Sensitive::new(" sk-ant-moved-1234 ".into())).await.unwrap();
        assert_eq!(keychain.adopt(&fallback).await.unwrap(), 1);
        let moved = keychain.get(SecretKey::AnthropicApiKey).await.unwrap().unwrap();
        assert_eq!(moved.expose(), "sk-ant-moved-1234");
        assert!(fallback.get(SecretKey::AnthropicApiKey).await.unwrap().is_none());
        assert_eq!(keychain.adopt(&fallback).await.unwrap(), 0);
        let empty = keychain.set(SecretKey::GitHubToken, Sensitive::new("  ".into())).await.unwrap_err();
        assert_eq!(empty.code(), crate::protocol::ErrorCode::InvalidInput);
    }
}
