//! Unit tests of step detection: one `files()` builder, many one-line cases.

use super::*;

const PLAN: &str = "---\nschema: skill-builder/research-plan\nversion: 1\n---\n## Dimension scores\n";
const CLAR: &str =
    r#"{"schema":"skill-builder/clarifications","version":1,"sections":[{"title":"A","questions":[{"id":"Q1"}]}]}"#;
const REFS: &str = r#"{"schema":"skill-builder/refinements","version":1,"none_needed_reason":null,"refinements":[]}"#;
const DEC: &str = r#"{"schema":"skill-builder/decisions","version":1,"decisions":[{"id":"D1"}]}"#;
const SKILL: &str = "---\nname: sales\ndescription: Sales KPIs\n---\n# Sales\nBody.\n";

fn text(s: &str) -> FileText {
    FileText::Text(s.to_string())
}

fn files(
    plan: Option<&str>,
    clar: Option<&str>,
    refs: Option<&str>,
    dec: Option<&str>,
    skill: Option<&str>,
) -> SkillFiles {
    let t = |v: Option<&str>| v.map_or(FileText::Absent, text);
    SkillFiles { texts: [t(plan), t(clar), t(refs), t(dec), t(skill)], has_generated_files: false }
}

#[test]
fn a_complete_build_reaches_step_five() {
    let d = detect(&files(Some(PLAN), Some(CLAR), Some(REFS), Some(DEC), Some(SKILL)));
    assert_eq!(d.furthest(), Some(5));
    assert_eq!(d.targets(), [StepTarget::Completed; 6]);
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(d.frontmatter_name.as_deref(), Some("sales"));
    assert_eq!(d.frontmatter_description.as_deref(), Some("Sales KPIs"));
}

#[test]
fn decisions_without_refinements_skip_steps_two_and_three() {
    use StepTarget::*;
    let d = detect(&files(Some(PLAN), Some(CLAR), None, Some(DEC), None));
    assert_eq!(d.furthest(), Some(4));
    assert_eq!(d.targets(), [Completed, Completed, Skipped, Skipped, Completed, Open]);
}

#[test]
fn refinements_alone_complete_step_two_and_imply_step_one() {
    use StepTarget::*;
    let d = detect(&files(Some(PLAN), Some(CLAR), Some(REFS), None, None));
    assert_eq!(d.furthest(), Some(0));
    assert_eq!(d.targets(), [Completed, Completed, Completed, Open, Open, Open]);
}

#[test]
fn skill_md_only_advances_nothing() {
    let d = detect(&files(None, None, None, None, Some(SKILL)));
    assert_eq!(d.furthest(), None);
    assert_eq!(d.targets(), [StepTarget::Open; 6]);
    assert_eq!(d.skill, Presence::Complete);
    assert!(!d.has_artifacts());
}

#[test]
fn partial_and_invalid_outputs_are_reported_not_counted() {
    let d = detect(&files(Some(PLAN), None, None, None, None));
    assert_eq!((d.research, d.furthest()), (Presence::Partial, None));
    assert_eq!(d.missing_of_step(0), [CLARIFICATIONS]);

    let d = detect(&files(Some(PLAN), Some("{not json"), None, Some(DEC), None));
    assert_eq!(d.research, Presence::Partial);
    assert_eq!(d.furthest(), None, "decisions do not count without research");
    assert!(d.problems[0].message.starts_with("not valid JSON"), "{:?}", d.problems);
    assert_eq!(d.missing_of_step(0), [CLARIFICATIONS]);
}

#[test]
fn json_rules() {
    type Check = fn(&str) -> Result<(), String>;
    let checks: &[(&str, Check, bool)] = &[
        (CLAR, check_clarifications, true),
        (
            "\u{feff}```json\n{\"schema\":\"skill-builder/decisions\",\"version\":1,\"decisions\":[{}]}\n```",
            check_decisions,
            true,
        ),
        (r#"{"schema":"skill-builder/clarifications","version":1,"sections":[]}"#, check_clarifications, false),
        (
            r#"{"schema":"skill-builder/clarifications","version":1,"scope":{"recommendation":"too_broad"},"sections":[]}"#,
            check_clarifications,
            true,
        ),
        (r#"{"schema":"skill-builder/decisions","version":1,"decisions":[]}"#, check_decisions, false),
        (
            r#"{"schema":"skill-builder/decisions","version":1,"scope_recommendation":true,"decisions":[]}"#,
            check_decisions,
            true,
        ),
        (r#"{"schema":"skill-builder/decisions","version":0,"decisions":[{}]}"#, check_decisions, false),
        (r#"{"schema":"other","version":1,"decisions":[{}]}"#, check_decisions, false),
        (r#"[1,2]"#, check_decisions, false),
        (
            r#"{"schema":"skill-builder/refinements","version":1,"none_needed_reason":"x","refinements":[{}]}"#,
            check_refinements,
            false,
        ),
        (REFS, check_refinements, true),
    ];
    for (input, check, ok) in checks {
        assert_eq!(check(input).is_ok(), *ok, "{input}: {:?}", check(input));
    }
}

#[test]
fn skill_md_rules() {
    for (input, ok) in [
        (SKILL, true),
        ("---\nname: a\ndescription: >\n  folded\n  text\n---\nbody\n", true),
        ("---\nname: a\ndescription: \"\"\n---\nbody\n", false),
        ("---\nname: a\ndescription: d\n---\n\n", false),
        ("# no front-matter\n", false),
        ("---\ndescription: d\n---\nbody", false),
        // The YAML reader's verdicts, which the old line scanner got wrong.
        ("\u{feff}---\r\nname: a\r\ndescription: d\r\n---\r\nbody\r\n", true),
        ("---\nname: a\ndescription: \"Use when: x\"\n---\nbody\n", true),
        ("---\nname: a\ndescription: Use when: x\n---\nbody\n", false),
        ("---\nname: 123\ndescription: d\n---\nbody\n", false),
        ("---\nname: a\nname: b\ndescription: d\n---\nbody\n", false),
        ("---\nname: a\ndescription: d\n----\nbody\n", false),
        ("---\nname: a\ndescription: d\n...\nbody\n", false),
    ] {
        assert_eq!(check_skill_md(&crate::skill::frontmatter::parse(input)).is_ok(), ok, "{input:?}");
    }
    let d = detect(&files(None, None, None, None, Some("---\nname: 'my-skill'  # the id\ndescription: d\n---\nb\n")));
    assert_eq!(d.frontmatter_name.as_deref(), Some("my-skill"));
    let d = detect(&files(None, None, None, None, Some("---\nname: a\ndescription: >\n  folded\n  text\n---\nb\n")));
    assert_eq!(d.frontmatter_description.as_deref(), Some("folded text"));
}

#[test]
fn generated_files_without_skill_md_are_partial() {
    let mut f = files(None, None, None, None, None);
    assert_eq!(detect(&f).skill, Presence::Absent);
    f.has_generated_files = true;
    assert_eq!(detect(&f).skill, Presence::Partial);
    assert_eq!(detect(&f).missing_of_step(5), [SKILL_MD]);
}
