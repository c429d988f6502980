//! Model aliases resolved in one place for every caller (agents-and-workflow.md §2.3, §6.3).

/// A concrete model id for a tier alias (`sonnet`, `haiku`, `opus`); full ids pass through.
pub fn resolve_model(alias: &str) -> String {
    match alias.trim() {
        "sonnet" => "claude-sonnet-4-6".into(),
        "haiku" => "claude-haiku-4-5".into(),
        "opus" => "claude-opus-4-6".into(),
        other => other.to_string(),
    }
}

/// The model mock runs report, so usage can tell them apart (`mock-<tier>`).
pub fn mock_model(alias: &str) -> String {
    let tier = ["opus", "haiku", "sonnet"].into_iter().find(|t| alias.contains(t)).unwrap_or("sonnet");
    format!("mock-{tier}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_and_ids_pass_through() {
        assert_eq!(resolve_model("haiku"), "claude-haiku-4-5");
        assert_eq!(resolve_model("claude-sonnet-4-5-20250929"), "claude-sonnet-4-5-20250929");
        assert_eq!(mock_model("claude-haiku-4-5"), "mock-haiku");
    }
}
