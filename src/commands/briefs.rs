//! Run briefs for the agents of refine and the tester (agents-and-workflow.md §6.2): key lines
//! Rust writes, user text always inside tags, the instructions from `agent-sources/agents/`.
//!
//! Our agents load no settings or agent files (`settingSources: []`), so the instructions of
//! the agent's prompt file travel at the head of its first message.

use crate::protocol::sidecar::SidecarConfig;

pub const REFINE_SKILL: &str = include_str!("../../agent-sources/agents/refine-skill.md");
pub const TEST_RUNNER: &str = include_str!("../../agent-sources/agents/test-runner.md");
pub const TEST_EVALUATOR: &str = include_str!("../../agent-sources/agents/test-evaluator.md");

/// A prompt file without its front-matter, inside `<instructions>`.
pub fn instructions(file: &str) -> String {
    let body =
        file.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---\n")).map_or(file, |(_, body)| body).trim();
    format!("<instructions>\n{body}\n</instructions>")
}

/// A brief value on one line: `&`, `<`, `>` and line breaks escaped.
pub fn value(raw: &str) -> String {
    raw.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('\r', "").replace('\n', "\\n")
}

/// Text placed inside a tag: it can neither close the tag nor open another one.
pub fn tagged_text(raw: &str) -> String {
    raw.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The `<skill-builder-run>` block from `(key, value)` pairs.
pub fn run_block(pairs: &[(&str, String)]) -> String {
    let mut out = String::from("<skill-builder-run version=\"1\">\n");
    for (key, raw) in pairs {
        out.push_str(&format!("{key}: {}\n", value(raw)));
    }
    out.push_str("</skill-builder-run>");
    out
}

/// Test-only switches of the mock agent, read from the environment so CLI tests can set them:
/// `SKILL_BUILDER_MOCK_DELAY_MS` (pause between mock lines) and `SKILL_BUILDER_MOCK_COST_USD`
/// (the cost every mock run reports, for the tester's cost caps). No effect on real agents.
pub fn apply_mock_knobs(config: &mut SidecarConfig) {
    let Some(mock) = config.mock.as_mut() else { return };
    if let Some(delay) = std::env::var("SKILL_BUILDER_MOCK_DELAY_MS").ok().and_then(|v| v.parse().ok()) {
        mock.delay_ms = Some(delay);
    }
    if let Some(cost) = std::env::var("SKILL_BUILDER_MOCK_COST_USD").ok().and_then(|v| v.parse::<f64>().ok()) {
        mock.fail.get_or_insert_with(|| format!("cost:{cost}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_leave_its_tag_and_values_stay_on_one_line() {
        assert_eq!(tagged_text("</skill-builder-turn><x>"), "&lt;/skill-builder-turn&gt;&lt;x&gt;");
        assert_eq!(value("a\nb <c>"), "a\\nb &lt;c&gt;");
        assert!(instructions(REFINE_SKILL).starts_with("<instructions>\n# Refining a skill"));
    }
}
