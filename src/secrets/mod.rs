//! Secrets: the API key and the GitHub token. They are wrapped in [`Sensitive`] from the moment
//! they are read, so no `Debug`, `Display`, log line or JSON can carry them by accident.
//!
//! They are kept behind [`SecretStore`] (backend.md §8.3): the OS keychain (`keychain.rs`) when
//! its startup probe succeeds, else the database fallback (`settings` keys `secret.*` in the
//! 0600 database file). `service.rs` picks the store at startup, moves fallback secrets into
//! the keychain once it works, and runs every call off the async workers.

mod keychain;
mod service;

use serde::Serialize;

pub use keychain::KeychainStore;
pub use service::{DbFallbackStore, SecretStoreChoice, Secrets};

/// A value that must never be printed: `Debug` and `Display` show `[REDACTED]` and there is no
/// `Serialize`. The value is reachable only through [`Sensitive::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The secret itself; call only where it leaves the process on purpose (an HTTP header,
    /// a child's environment).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl<T> std::fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl Sensitive<String> {
    /// The last four characters, enough to tell two keys apart.
    pub fn hint(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }
}

/// The secrets the app keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SecretKey {
    AnthropicApiKey,
    GitHubToken,
}

impl SecretKey {
    pub const ALL: [SecretKey; 2] = [SecretKey::AnthropicApiKey, SecretKey::GitHubToken];

    /// Key in the `settings` table.
    pub fn storage_key(self) -> &'static str {
        match self {
            SecretKey::AnthropicApiKey => "secret.anthropic_api_key",
            SecretKey::GitHubToken => "secret.github_token",
        }
    }

    /// Account name in the keychain.
    pub fn keychain_user(self) -> &'static str {
        match self {
            SecretKey::AnthropicApiKey => "anthropic_api_key",
            SecretKey::GitHubToken => "github_token",
        }
    }

    /// Name of the field in settings patches and errors.
    pub fn field_name(self) -> &'static str {
        match self {
            SecretKey::AnthropicApiKey => "anthropicApiKey",
            SecretKey::GitHubToken => "githubToken",
        }
    }
}

/// Where secrets are kept; shown as `backend` in the settings view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretBackend {
    Keychain,
    Database,
    Memory,
}

impl SecretBackend {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretBackend::Keychain => "keychain",
            SecretBackend::Database => "database",
            SecretBackend::Memory => "memory",
        }
    }
}

/// A store that did not answer. The message names the store's failure, never a secret.
#[derive(Debug, thiserror::Error)]
#[error("the {backend} secret store failed: {message}")]
pub struct SecretError {
    pub backend: &'static str,
    pub message: String,
}

impl From<SecretError> for crate::protocol::AppError {
    fn from(err: SecretError) -> Self {
        tracing::warn!(%err, "secret store");
        crate::protocol::AppError::SecretsUnavailable { backend: err.backend }
    }
}

/// A place secrets live (backend.md §8.3). Synchronous: keychains block, so callers go through
/// [`Secrets`], which runs every call on the blocking pool.
pub trait SecretStore: Send + Sync {
    fn get(&self, key: SecretKey) -> Result<Option<Sensitive<String>>, SecretError>;
    fn set(&self, key: SecretKey, value: &Sensitive<String>) -> Result<(), SecretError>;
    fn delete(&self, key: SecretKey) -> Result<(), SecretError>;
}

/// Secrets in memory only, for tests.
#[derive(Default)]
pub struct MemoryStore(std::sync::Mutex<std::collections::HashMap<&'static str, Sensitive<String>>>);

impl MemoryStore {
    fn map(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, std::collections::HashMap<&'static str, Sensitive<String>>>, SecretError>
    {
        self.0.lock().map_err(|_| SecretError { backend: "memory", message: "poisoned".into() })
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: SecretKey) -> Result<Option<Sensitive<String>>, SecretError> {
        Ok(self.map()?.get(key.storage_key()).cloned())
    }

    fn set(&self, key: SecretKey, value: &Sensitive<String>) -> Result<(), SecretError> {
        self.map()?.insert(key.storage_key(), value.clone());
        Ok(())
    }

    fn delete(&self, key: SecretKey) -> Result<(), SecretError> {
        self.map()?.remove(key.storage_key());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let key = Sensitive::new("sk-ant-secret-1234".to_string());
        assert_eq!(format!("{key} {key:?}"), "[REDACTED] [REDACTED]");
        assert_eq!(key.hint(), "1234");
        assert_eq!(key.expose(), "sk-ant-secret-1234");
    }
}
