//! `KeychainStore`: secrets in the OS keychain through the `keyring` crate (Keychain on macOS,
//! Credential Manager on Windows, the Secret Service over D-Bus on Linux, spoken by the pure-Rust
//! `zbus`, so no libdbus is linked).
//!
//! Entries are `service = dev.skillbuilder.desktop`, `user = <key name>`. A data folder other
//! than the default one (`--data-dir`, tests) gets its own accounts, `<key name>@<data dir>`, so
//! two data folders never share or overwrite each other's secrets.

use std::path::Path;

use super::{SecretError, SecretKey, SecretStore, Sensitive};
use crate::config::APP_IDENTIFIER;

pub struct KeychainStore {
    /// Appended to every account name; empty for the default data folder.
    scope: String,
}

impl KeychainStore {
    /// A store for the secrets of `data_dir` (resolved, so a relative `--data-dir` names one
    /// place). Touches the file system: call it off the async workers.
    pub fn new(data_dir: &Path) -> Self {
        let resolve = |dir: &Path| std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let data_dir = resolve(data_dir);
        let default = crate::config::default_data_dir().ok().map(|d| resolve(&d));
        let scope =
            if default.as_ref() == Some(&data_dir) { String::new() } else { format!("@{}", data_dir.display()) };
        KeychainStore { scope }
    }

    fn entry(&self, user: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(APP_IDENTIFIER, &format!("{user}{}", self.scope)).map_err(failure)
    }

    /// The startup probe (backend.md §8.3): writes, reads back and deletes a throwaway entry.
    pub fn probe(&self) -> Result<(), SecretError> {
        let entry = self.entry("probe")?;
        let value = uuid::Uuid::new_v4().to_string();
        entry.set_password(&value).map_err(failure)?;
        let read = entry.get_password().map_err(failure);
        let deleted = entry.delete_credential().map_err(failure);
        if read? != value {
            return Err(SecretError { backend: "keychain", message: "the probe entry read back differently".into() });
        }
        deleted
    }
}

fn failure(err: keyring::Error) -> SecretError {
    // keyring's messages describe the store's failure; they never contain the secret.
    SecretError { backend: "keychain", message: err.to_string() }
}

impl SecretStore for KeychainStore {
    fn get(&self, key: SecretKey) -> Result<Option<Sensitive<String>>, SecretError> {
        match self.entry(key.keychain_user())?.get_password() {
            Ok(value) => Ok(Some(Sensitive::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(failure(err)),
        }
    }

    fn set(&self, key: SecretKey, value: &Sensitive<String>) -> Result<(), SecretError> {
        self.entry(key.keychain_user())?.set_password(value.expose()).map_err(failure)
    }

    fn delete(&self, key: SecretKey) -> Result<(), SecretError> {
        match self.entry(key.keychain_user())?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(failure(err)),
        }
    }
}
