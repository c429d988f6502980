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

/// The checks as they were over `serde_json::Value`, the reference the borrowed tree must match.
mod by_value {
    type Object = serde_json::Map<String, serde_json::Value>;

    fn load(text: &str) -> Result<Object, String> {
        match serde_json::from_str::<serde_json::Value>(super::json_body(text)) {
            Ok(serde_json::Value::Object(map)) => Ok(map),
            Ok(_) => Err("not a JSON object".into()),
            Err(err) => Err(format!("not valid JSON ({err})")),
        }
    }

    fn versioned(text: &str, schema: &str) -> Result<Object, String> {
        let doc = load(text)?;
        match doc.get("schema").and_then(|s| s.as_str()) {
            Some(found) if found == schema => {}
            Some(found) => return Err(format!("schema is '{found}', expected '{schema}'")),
            None => return Err(format!("no \"schema\": \"{schema}\" field")),
        }
        if doc.get("version").and_then(|v| v.as_u64()).is_none_or(|v| v < 1) {
            return Err("\"version\" must be a positive integer".into());
        }
        Ok(doc)
    }

    fn array<'a>(doc: &'a Object, key: &str) -> Result<&'a Vec<serde_json::Value>, String> {
        doc.get(key).and_then(|v| v.as_array()).ok_or_else(|| format!("\"{key}\" must be a list"))
    }

    pub fn clarifications(text: &str) -> Result<(), String> {
        let doc = versioned(text, "skill-builder/clarifications")?;
        let sections = array(&doc, "sections")?;
        let questions: usize =
            sections.iter().map(|s| s.get("questions").and_then(|q| q.as_array()).map_or(0, Vec::len)).sum();
        let scope_ok =
            doc.get("scope").and_then(|s| s.get("recommendation")).and_then(|r| r.as_str()).is_none_or(|r| r == "ok");
        if questions == 0 && scope_ok {
            return Err("no questions, and the scope recommendation is ok".into());
        }
        Ok(())
    }

    pub fn refinements(text: &str) -> Result<(), String> {
        let doc = versioned(text, "skill-builder/refinements")?;
        let list = array(&doc, "refinements")?;
        if doc.get("none_needed_reason").is_some_and(|r| !r.is_null()) && !list.is_empty() {
            return Err("\"none_needed_reason\" is set but refinements are listed".into());
        }
        Ok(())
    }

    pub fn decisions(text: &str) -> Result<(), String> {
        let doc = versioned(text, "skill-builder/decisions")?;
        let list = array(&doc, "decisions")?;
        let stub = doc.get("scope_recommendation").and_then(|s| s.as_bool()).unwrap_or(false);
        if list.is_empty() && !stub {
            return Err("no decisions".into());
        }
        Ok(())
    }
}

/// Every combination of these member variants (absent, wrong types, repeats, edge numbers,
/// strings only serde_json's full parse rejects) judged both ways gives the same verdict and
/// the same message.
#[test]
fn the_borrowed_tree_judges_exactly_as_serde_json_values() {
    type Check = fn(&str) -> Result<(), String>;
    let schemas = |name: &str| {
        vec![
            String::new(),
            format!(r#""schema":"skill-builder/{name}","#),
            r#""schema":"other","#.into(),
            r#""schema":7,"#.into(),
            format!(r#""schema":"other","schema":"skill-builder/{name}","#),
            format!(r#""schema":"skill-builder/{name}","schema":null,"#),
            format!(r#""sch\u0065ma":"skill-builder/{name}","#),
        ]
    };
    let versions = [
        "",
        r#""version":1,"#,
        r#""version":0,"#,
        r#""version":-1,"#,
        r#""version":1.0,"#,
        r#""version":"1","#,
        r#""version":18446744073709551615,"#,
        r#""version":1e400,"#,
        r#""version":2,"version":0,"#,
    ];
    let lists = [
        "",
        "[]",
        "[{}]",
        "[1,2]",
        "{}",
        "null",
        r#""x""#,
        r#"[{"x":"\ud800"}]"#,
        r#"[1e400]"#,
        r#"[{"a":[[[[[[]]]]]]}]"#,
        r#"[{"x":"\u00e9"}]"#,
        "[1,]",
    ];
    let sections = [
        "",
        "[]",
        r#"[{"questions":[]}]"#,
        r#"[{"questions":[{}]}]"#,
        "[[1]]",
        r#"[{"questions":null}]"#,
        r#"[{"questions":{"a":1}}]"#,
        "[1]",
        r#"[{"questions":[1],"questions":[]}]"#,
        r#"[{"questions":[],"questions":[2]}]"#,
        r#"[{"questions":[{"q":"\ud800"}]}]"#,
        "{}",
    ];
    let scopes = [
        "",
        "null",
        r#""x""#,
        "{}",
        r#"{"recommendation":"ok"}"#,
        r#"{"recommendation":"too_broad"}"#,
        r#"{"recommendation":1}"#,
        r#"["too_broad"]"#,
        r#"{"recommendation":"too_broad","recommendation":"ok"}"#,
    ];
    let reasons = ["", "null", r#""x""#, "0", "false", "[]"];
    let stubs = ["", "true", "false", r#""true""#, "null", "1"];
    let member = |key: &str, value: &str| if value.is_empty() { String::new() } else { format!(r#""{key}":{value},"#) };
    let mut cases: Vec<(String, Check, Check)> = Vec::new();
    for schema in schemas("clarifications") {
        for version in versions {
            for list in sections {
                for scope in scopes {
                    let doc =
                        format!("{{{schema}{version}{}{}\"end\":0}}", member("sections", list), member("scope", scope));
                    cases.push((doc, check_clarifications, by_value::clarifications));
                }
            }
        }
    }
    for (name, check, reference, extra_key, extras) in [
        ("refinements", check_refinements as Check, by_value::refinements as Check, "none_needed_reason", &reasons),
        ("decisions", check_decisions, by_value::decisions, "scope_recommendation", &stubs),
    ] {
        for schema in schemas(name) {
            for version in versions {
                for list in lists {
                    for extra in extras.iter() {
                        let doc =
                            format!("{{{schema}{version}{}{}\"end\":0}}", member(name, list), member(extra_key, extra));
                        cases.push((doc, check, reference));
                    }
                }
            }
        }
    }
    let valid = r#"{"schema":"skill-builder/decisions","version":1,"decisions":[{}]}"#;
    for wrapped in [
        format!("\u{feff}```json\n{valid}\n```"),
        format!("```\n{valid}"),
        format!("{valid} x"),
        format!("{valid}{valid}"),
        format!("[{valid}]"),
        format!("{}{valid}{}", "[".repeat(200), "]".repeat(200)),
        format!(r#"{{"deep":{}1{},{}"#, "[".repeat(200), "]".repeat(200), &valid[1..]),
        "".into(),
        "null".into(),
    ] {
        cases.push((wrapped, check_decisions, by_value::decisions));
    }
    let mut verdicts = [0, 0];
    for (doc, check, reference) in &cases {
        let ours = check(doc);
        assert_eq!(ours, reference(doc), "{doc}");
        verdicts[usize::from(ours.is_ok())] += 1;
    }
    assert!(verdicts[0] > 1_000 && verdicts[1] > 100, "both verdicts are exercised: {verdicts:?}");
}
