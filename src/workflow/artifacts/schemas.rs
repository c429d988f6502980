//! JSON Schemas generated from the artifact types, committed under `agent-sources/schemas/`
//! and deployed to `WS/.claude/schemas/`, so the run brief can name the schema an agent must
//! follow. A test fails when the committed files drift from the types.

use schemars::JsonSchema;

use super::{clarifications, decisions, evaluation, refinements, validation};

/// `(file name, schema text)` of every schema an agent writes against.
pub fn all() -> Vec<(&'static str, String)> {
    vec![
        ("clarifications.schema.json", render::<clarifications::Clarifications>()),
        ("refinements.schema.json", render::<refinements::Refinements>()),
        ("decisions.schema.json", render::<decisions::Decisions>()),
        ("answer-evaluation.schema.json", render::<evaluation::AnswerEvaluation>()),
        ("validation.schema.json", render::<validation::Validation>()),
        ("evals.schema.json", render::<validation::Evals>()),
    ]
}

fn render<T: JsonSchema>() -> String {
    let schema = schemars::schema_for!(T);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// `SKILL_BUILDER_BLESS=1` rewrites the committed schemas.
    #[test]
    fn committed_schemas_match_the_types() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("agent-sources/schemas");
        let bless = std::env::var("SKILL_BUILDER_BLESS").is_ok_and(|v| v == "1");
        for (name, text) in super::all() {
            let path = dir.join(name);
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(committed == text, "{name} drifted from the Rust types; run with SKILL_BUILDER_BLESS=1");
        }
    }
}
