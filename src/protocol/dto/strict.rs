//! Strict patches: a key a patch does not know is an error, never silently ignored, and a key
//! that names a read-only field says so and where that field is changed instead.

use serde::de::DeserializeOwned;

use crate::protocol::AppError;

/// Keys of the settings view that no patch may change, with the reason.
pub const SETTINGS_READ_ONLY: &[(&str, &str)] = &[
    ("githubUserLogin", "is written only by GitHub sign-in"),
    ("githubUserAvatar", "is written only by GitHub sign-in"),
    ("githubUserEmail", "is written only by GitHub sign-in"),
    ("githubToken", "is written only by GitHub sign-in"),
    ("workspacePath", "is derived from the app data folder"),
    ("dataDir", "is chosen with --data-dir"),
    ("logFilePath", "is derived from the app data folder"),
    ("gitStatus", "is reported by the skills folder's repository"),
];

/// Keys of a skill that a metadata patch may not change, with the command that does.
pub const SKILL_READ_ONLY: &[(&str, &str)] = &[
    ("name", "is changed with rename_skill"),
    ("tags", "are changed with update_skill_tags"),
    ("source", "is fixed when the skill is created"),
    ("skillSource", "is fixed when the skill is created"),
    ("createdAt", "is kept by the app"),
    ("updatedAt", "is kept by the app"),
    ("author", "is kept by the app"),
];

/// Parses a JSON patch; an unknown key becomes `invalid_input` naming that key (and why, when
/// it is read-only), any other mistake `invalid_input` on `field`.
pub fn parse_patch<T: DeserializeOwned>(field: &str, text: &str, read_only: &[(&str, &str)]) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(|err| {
        let message = err.to_string();
        let Some(key) = unknown_key(&message) else { return AppError::invalid(field, message) };
        match read_only.iter().find(|(name, _)| *name == key) {
            Some((name, why)) => AppError::invalid(*name, format!("{name} {why}; it cannot be patched")),
            None => AppError::invalid(key, format!("'{key}' is not a key of this patch")),
        }
    })
}

/// The key in serde's "unknown field `key`, expected …" message.
fn unknown_key(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{SettingsPatch, SkillMetadataPatch};

    fn field_of(err: AppError) -> String {
        match err {
            AppError::InvalidInput { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_and_read_only_keys_are_refused_by_name() {
        let unknown = parse_patch::<SettingsPatch>("patch", r#"{"fooBar":1}"#, SETTINGS_READ_ONLY).unwrap_err();
        assert_eq!(field_of(unknown), "fooBar");
        let login =
            parse_patch::<SettingsPatch>("patch", r#"{"githubUserLogin":"mallory"}"#, SETTINGS_READ_ONLY).unwrap_err();
        assert!(login.to_string().contains("GitHub sign-in"), "{login}");
        let name = parse_patch::<SkillMetadataPatch>("patch", r#"{"name":"other"}"#, SKILL_READ_ONLY).unwrap_err();
        assert!(name.to_string().contains("rename_skill"), "{name}");
        assert!(parse_patch::<SettingsPatch>("patch", r#"{"debugMode":true}"#, SETTINGS_READ_ONLY).is_ok());
        assert!(parse_patch::<SkillMetadataPatch>("patch", r#"{"domain":null}"#, SKILL_READ_ONLY).is_ok());
    }
}
