//! Validated identifiers: skill names and backend-generated ids.

use serde::{Deserialize, Serialize};

use super::error::AppError;

/// A skill name, validated once at the boundary (skill-format.md §1.2): ASCII kebab-case,
/// 1–64 characters, not a Windows device name. Holding a `SkillName` proves the name is safe as a folder name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SkillName(String);

impl SkillName {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let reason = if raw.is_empty() {
            Some("must not be empty")
        } else if raw.len() > Self::MAX_LEN {
            Some("must be at most 64 characters")
        } else if !raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            Some("may contain only lowercase letters, digits and hyphens")
        } else if raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            Some("must not start or end with a hyphen or contain two in a row")
        } else if crate::paths::is_reserved_windows_name(raw) {
            // The same rule as every path component (`paths.rs`): no file could be written in
            // a folder named after a device on Windows.
            Some("is a reserved device name (con, prn, aux, nul, com1-9, lpt1-9)")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(AppError::InvalidInput {
                field: "name".into(),
                reason: format!("'{}' {reason}", raw.chars().take(80).collect::<String>()),
            }),
            None => Ok(SkillName(raw.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SkillName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SkillName {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(de)?;
        SkillName::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// A fresh workflow-session id, `ses-<uuidv7>` (time-ordered, so ids sort by creation).
pub fn new_session_id() -> String {
    format!("ses-{}", uuid::Uuid::now_v7())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_kebab_case_and_rejects_everything_else() {
        for ok in ["a", "sales-kpis", "x1-2-3", &"a".repeat(64)] {
            assert!(SkillName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "Sales", "a_b", "../x", "a/b", "a b", "é", &"a".repeat(65), "a\0b"] {
            assert!(SkillName::parse(bad).is_err(), "{bad:?}");
        }
        for reserved in ["con", "prn", "aux", "nul", "com1", "com9", "lpt1"] {
            assert!(SkillName::parse(reserved).is_err(), "{reserved}");
        }
        for ok in ["com0", "com10", "console", "con-1", "nul-check"] {
            assert!(SkillName::parse(ok).is_ok(), "{ok}");
        }
    }
}
