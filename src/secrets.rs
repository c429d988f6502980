//! Secrets: the API key and the GitHub token. They are wrapped in [`Sensitive`] from the moment
//! they are read, so no `Debug`, `Display`, log line or JSON can carry them by accident.
//!
//! Storage today is the database fallback of backend.md §8.3 (`settings` keys `secret.*` in a
//! 0600 file); the OS keychain store is planned and will sit behind the same calls.

use serde::Serialize;

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
    /// Key in the `settings` table.
    pub fn storage_key(self) -> &'static str {
        match self {
            SecretKey::AnthropicApiKey => "secret.anthropic_api_key",
            SecretKey::GitHubToken => "secret.github_token",
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
