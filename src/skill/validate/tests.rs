//! Every rule the validator checks fires on a minimal bad skill, and none fires on a good one
//! in any profile; fixes carry the diff they promise.

use super::*;
use crate::protocol::validation::{Finding, Severity};

const DESCRIPTION: &str = "Matches invoices to orders. Use when reconciling invoices.";
const PROFILES: &[Profile] =
    &[Profile::Library, Profile::Spec, Profile::ClaudeAi, Profile::ClaudeCode, Profile::Codex, Profile::Plugin];

/// SKILL.md with the good name and description, `extra` YAML lines, and `body`.
fn fm(extra: &str, body: &str) -> String {
    format!("---\nname: good-skill\ndescription: {DESCRIPTION}\ncompatibility: Python 3\n{extra}---\n{body}")
}

/// SKILL.md with only `yaml` between the fences.
fn only(yaml: &str, body: &str) -> String {
    format!("---\n{yaml}---\n{body}")
}

fn good_body() -> &'static str {
    "# Good skill\n\nRead [the guide](references/guide.md) first.\n"
}

/// The good skill's files with SKILL.md replaced by `skill_md` (`None`: removed) and `extra` added.
fn files(skill_md: Option<Vec<u8>>, extra: &[(&str, &[u8])]) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        ("references/guide.md".to_string(), b"# Guide\n\nDetails.\n".to_vec()),
        ("evals/evals.json".to_string(), b"{}".to_vec()),
    ];
    if let Some(text) = skill_md {
        files.push(("SKILL.md".to_string(), text));
    }
    for (path, bytes) in extra {
        files.retain(|(p, _)| p != path);
        files.push((path.to_string(), bytes.to_vec()));
    }
    files
}

fn check(dir: &str, files: Vec<(String, Vec<u8>)>, profile: Profile) -> Vec<Finding> {
    validate_tree(&SkillTree::from_memory(Some(dir.to_string()), files), profile).findings
}

fn ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn a_good_skill_has_no_finding_in_any_profile() {
    for profile in PROFILES {
        let found = check("good-skill", files(Some(fm("", good_body()).into_bytes()), &[]), *profile);
        assert!(found.is_empty(), "{profile:?}: {found:#?}");
    }
}

struct Case {
    rule: &'static str,
    profile: Profile,
    dir: &'static str,
    skill_md: Option<Vec<u8>>,
    extra: Vec<(&'static str, Vec<u8>)>,
}

fn case(rule: &'static str, skill_md: String) -> Case {
    Case { rule, profile: Profile::Library, dir: "good-skill", skill_md: Some(skill_md.into_bytes()), extra: vec![] }
}

impl Case {
    fn profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }
    fn dir(mut self, dir: &'static str) -> Self {
        self.dir = dir;
        self
    }
    fn with(mut self, path: &'static str, bytes: impl Into<Vec<u8>>) -> Self {
        self.extra.push((path, bytes.into()));
        self
    }
    fn bytes(rule: &'static str, bytes: Vec<u8>) -> Self {
        Case { skill_md: Some(bytes), ..case(rule, String::new()) }
    }
}

fn cases() -> Vec<Case> {
    let good = fm("", good_body());
    let long_name = "a".repeat(70);
    let leaked: &'static str = Box::leak(long_name.clone().into_boxed_str());
    let lines: String = (0..510).map(|i| format!("line {i}\n")).collect();
    let wide: String = (0..30).map(|_| format!("{}\n", "word ".repeat(160))).collect();
    let long_ref: String = (0..310).map(|i| format!("line {i}\n")).collect();
    vec![
        Case { skill_md: None, ..case("SB001", String::new()) }.with("README.md", "x"),
        Case { skill_md: None, ..case("SB002", String::new()) }.with("skill.md", good.clone()),
        Case::bytes("SB003", b"---\nname: \xff\n---\n".to_vec()),
        Case::bytes("SB003", [&[0xFF, 0xFE][..], "---".as_bytes()].concat()),
        case("SB004", format!("\u{feff}{good}")),
        case("SB005", good.replace('\n', "\r\n")),
        case("SB006", "# Title\n\nSome text. Use when testing.\n".into()),
        case("SB007", format!("\n\n{good}")),
        case("SB008", "---\nname: good-skill\n".into()),
        case("SB009", format!("---\nname: good-skill\ndescription: {DESCRIPTION}\n...\nbody\n")),
        case("SB010", fm("list: [a, b\n", "body")),
        case("SB011", only("name: good-skill\ndescription: Use when: you need it\n", "body")),
        case("SB012", fm("license: MIT # see the file\n", "body")),
        case("SB013", fm("metadata:\n\tversion: \"1.0.0\"\n", "body")),
        case("SB014", fm("name: again\n", "body")),
        case("SB015", only("- a\n- b\n", "body")),
        case("SB016", fm("metadata: &m\n  version: \"1.0.0\"\n", "body")),
        case("SB017", fm(&format!("x: {}\n", "a".repeat(70_000)), "body")),
        case(
            "SB017",
            fm(
                "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
                "body",
            ),
        ),
        case("SB018", fm("# a comment\n", "body")),
        case("SB019", only("name: good-skill\ndescription: >\n  Does things.\n  Use when needed.\n", "body")),
        case("SB101", only(&format!("name: \"\"\ndescription: {DESCRIPTION}\n"), "body")),
        case("SB102", only(&format!("name: 123\ndescription: {DESCRIPTION}\n"), "body")),
        case("SB102", only(&format!("name: yes\ndescription: {DESCRIPTION}\n"), "body")),
        case("SB103", only(&format!("name: {long_name}\ndescription: {DESCRIPTION}\n"), "body")).dir(leaked),
        case("SB104", only(&format!("name: Good_Skill\ndescription: {DESCRIPTION}\n"), "body")).dir("Good_Skill"),
        case("SB105", good.clone()).dir("other-dir"),
        case("SB106", only(&format!("name: claude-helper\ndescription: {DESCRIPTION}\n"), "body")).dir("claude-helper"),
        case("SB107", only("name: good-skill\n", "Some text.\n")),
        case("SB108", only("name: good-skill\ndescription: 2025-01-01\n", "body")),
        case("SB108", only("name: good-skill\ndescription: true\n", "body")),
        case("SB109", only(&format!("name: good-skill\ndescription: Use when {}\n", "x".repeat(1100)), "body")),
        case("SB110", only("name: good-skill\ndescription: Use when <xml> is needed.\n", "body")),
        case("SB111", only("name: good-skill\ndescription: Matches invoices to orders.\n", "body")),
        case("SB112", only(&format!("name: good-skill\ndescription: Use when {}\n", "x ".repeat(350)), "body")),
        case("SB113", only("name: good-skill\ndescription: I match invoices. Use when reconciling.\n", "body")),
        case("SB114", fm("compatibility: \"\"\n", "body").replacen("compatibility: Python 3\n", "", 1)),
        case("SB115", fm("license: \"\"\n", "body")),
        case("SB116", fm("license: Complete terms in LICENSE.txt\n", "body")),
        case("SB117", fm("metadata: text\n", "body")),
        case("SB118", fm("metadata:\n  version: 1.0\n", "body")),
        case("SB119", fm("metadata:\n  tags: [a, b]\n", "body")),
        case("SB120", fm("allowed-tools: 5\n", "body")),
        case("SB121", fm("allowed-tools: Read, Write\n", "body")),
        case("SB130", fm("metadata:\n  version: \"v1\"\n", "body")),
        case("SB131", fm("metadata:\n  skill-builder.type: \"weird\"\n", "body")),
        case("SB132", fm("metadata:\n  skill-builder.tags: \"B,a\"\n", "body")),
        case("SB140", fm("user-invocable: maybe\n", "body")),
        case("SB201", fm("", "\n  \n")),
        case("SB202", fm("", &lines)),
        case("SB203", fm("", &wide)),
        Case::bytes("SB204", fm("", &"x".repeat(1_100_000)).into_bytes()),
        case("SB205", fm("", "See [x](references/missing.md).\n")),
        case("SB206", fm("", "See [x](../outside.md).\n")),
        case("SB206", fm("", "See [x](references\\guide.md).\n")),
        case("SB207", good.clone())
            .with("references/guide.md", "# Guide\nSee [more](more.md).\n")
            .with("references/more.md", "# More\n"),
        case("SB208", good.clone()).with("references/guide.md", long_ref),
        case("SB209", fm("", &format!("{}\n", "y".repeat(2100)))),
        case("SB210", good.clone()).with("notes.txt", "x"),
        case("SB212", good.replacen("compatibility: Python 3\n", "", 1)).with("scripts/run.py", "print(1)\n"),
        case("SB214", good.clone()).with("references/A.md", "a").with("references/a.md", "a"),
        case("SB215", fm("", "## When to use\n\nAlways.\n")),
        case("SB401", fm("model: opus\n", "body")).profile(Profile::Spec),
        case("SB402", fm("model: opus\n", "body")).profile(Profile::Codex),
        case("SB403", fm("frobnicate: yes\n", "body")).profile(Profile::ClaudeCode),
        case("SB404", fm("version: 1.0.0\nauthor: me\n", "body")),
        case("SB405", fm("disable-model-invocation: true\nuser-invocable: false\n", "body")),
        case("SB406", fm(&format!("when_to_use: \"{}\"\n", "w".repeat(1500)), "body")),
        case("SB407", good.clone()).with("assets/big.bin", vec![0u8; 8_500_000]).profile(Profile::ClaudeAi),
        case("SB408", good.clone()).with("agents/openai.yaml", "policy:\n  allow_implicit_invocation: false\n"),
        case("SB410", fm("", "Run with $ARGUMENTS.\n")).profile(Profile::Spec),
    ]
}

#[test]
fn every_rule_fires_on_its_minimal_bad_skill() {
    for case in cases() {
        let extra: Vec<(&str, &[u8])> = case.extra.iter().map(|(p, b)| (*p, b.as_slice())).collect();
        let found = check(case.dir, files(case.skill_md, &extra), case.profile);
        assert!(ids(&found).contains(&case.rule), "{} did not fire: {found:#?}", case.rule);
    }
}

#[test]
fn symlinks_are_reported_not_followed() {
    let mut tree =
        SkillTree::from_memory(Some("good-skill".into()), files(Some(fm("", good_body()).into_bytes()), &[]));
    tree.symlinks.push("references/link.md".into());
    assert_eq!(ids(&validate_tree(&tree, Profile::Library).findings), ["SB211"]);
}

#[test]
fn no_evals_is_a_note() {
    let mut all = files(Some(fm("", good_body()).into_bytes()), &[]);
    all.retain(|(p, _)| p != "evals/evals.json");
    let found = check("good-skill", all, Profile::Library);
    assert_eq!(ids(&found), ["SB213"]);
    assert_eq!(found[0].severity, Severity::Info);
}

fn one(rule: &str, skill_md: String, profile: Profile) -> Finding {
    let found = check("good-skill", files(Some(skill_md.into_bytes()), &[]), profile);
    found.into_iter().find(|f| f.rule == rule).unwrap_or_else(|| panic!("{rule} did not fire"))
}

#[test]
fn findings_carry_file_positions_and_fix_diffs() {
    let f = one("SB102", only(&format!("name: 123\ndescription: {DESCRIPTION}\n"), "body"), Profile::Library);
    assert_eq!(
        (f.path.as_deref(), f.line, f.message.as_str()),
        (Some("SKILL.md"), Some(2), "`name` `123` is read as a integer; quote it.")
    );
    let diff = f.fix.unwrap().diff.unwrap();
    assert!(diff.contains("-name: 123\n+name: \"123\"\n"), "{diff}");

    let f = one("SB118", fm("metadata:\n  version: 1.0\n", "body"), Profile::Library);
    assert_eq!((f.line, f.col), (Some(6), Some(3)));
    assert!(f.fix.unwrap().diff.unwrap().contains("+  version: \"1.0\"\n"));

    let f = one("SB011", only("name: good-skill\ndescription: Use when: you need it\n", "body"), Profile::Library);
    assert_eq!(f.line, Some(3));
    assert!(f.fix.unwrap().diff.unwrap().contains("+description: \"Use when: you need it\"\n"));

    let f = one(
        "SB019",
        only("name: good-skill\ndescription: >\n  Does things.\n  Use when needed.\n", "b"),
        Profile::Library,
    );
    assert!(f.fix.unwrap().diff.unwrap().contains("+description: \"Does things. Use when needed.\"\n"));

    let f = one("SB404", fm("version: 1.0.0\n", "body"), Profile::Library);
    let diff = f.fix.unwrap().diff.unwrap();
    assert!(diff.contains("-version: 1.0.0\n") && diff.contains("+metadata:\n+  version: \"1.0.0\"\n"), "{diff}");

    let f = one("SB104", only(&format!("name: Good_Skill\ndescription: {DESCRIPTION}\n"), "body"), Profile::Library);
    assert!(f.message.contains("suggest `good-skill`"), "{}", f.message);

    let f = one("SB006", "Some text. Use when testing.\n".into(), Profile::Library);
    assert!(
        f.fix.unwrap().diff.unwrap().contains("+name: good-skill\n+description: \"Some text. Use when testing.\"\n")
    );
}

#[test]
fn a_yaml_error_explained_by_a_line_rule_is_not_reported_twice() {
    let found = check(
        "good-skill",
        files(Some(only("name: good-skill\ndescription: a: b\n", "x").into_bytes()), &[]),
        Profile::Library,
    );
    assert!(ids(&found).contains(&"SB011") && !ids(&found).contains(&"SB010"), "{found:#?}");
    let found = check("good-skill", files(Some(fm("list: [a, b\n", "x").into_bytes()), &[]), Profile::Library);
    let f = found.iter().find(|f| f.rule == "SB010").unwrap();
    assert!(f.line.is_some_and(|l| l >= 5), "{f:#?}");
}

#[test]
fn block_scalar_lines_are_not_read_as_keys() {
    let text = only("name: good-skill\ndescription: |\n  Use when: always # really\n", "body");
    let found = check("good-skill", files(Some(text.into_bytes()), &[]), Profile::Library);
    assert_eq!(ids(&found), ["SB019"]);
}

#[test]
fn strict_rules_block_only_strict_profiles() {
    let text = || only(&format!("name: claude-helper\ndescription: {DESCRIPTION}\n"), "body");
    let spec = check("claude-helper", files(Some(text().into_bytes()), &[]), Profile::Spec);
    let library = check("claude-helper", files(Some(text().into_bytes()), &[]), Profile::Library);
    assert_eq!(spec.iter().find(|f| f.rule == "SB106").unwrap().severity, Severity::Error);
    assert_eq!(library.iter().find(|f| f.rule == "SB106").unwrap().severity, Severity::Warning);
}

#[test]
fn helpers() {
    assert!(is_kebab("a-1") && !is_kebab("a--b") && !is_kebab("-a") && !is_kebab("é") && !is_kebab(""));
    assert_eq!(slug("  My Skill__v2!  "), "my-skill-v2");
    assert!(is_semver("1.2.3") && is_semver("1.0.0-rc.1+b5") && !is_semver("1.0") && !is_semver("01.0.0"));
    assert_eq!(first_paragraph("---\na: b\n---\n# T\n\nOne\ntwo.\n\nThree."), Some("One two.".into()));
}

#[test]
fn reads_a_folder_without_following_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("good-skill");
    std::fs::create_dir_all(root.join("references")).unwrap();
    std::fs::create_dir_all(root.join("evals")).unwrap();
    std::fs::write(root.join("SKILL.md"), fm("", good_body())).unwrap();
    std::fs::write(root.join("references/guide.md"), "# Guide\n").unwrap();
    std::fs::write(root.join("evals/evals.json"), "{}").unwrap();
    assert!(validate_dir(&root, Profile::Spec).unwrap().findings.is_empty());
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", root.join("references/passwd.md")).unwrap();
        let found = validate_dir(&root, Profile::Library).unwrap().findings;
        assert_eq!(ids(&found), ["SB211"]);
    }
    assert!(validate_dir(&dir.path().join("missing"), Profile::Library).is_err());
}

#[test]
fn prices_cells_and_excel_errors_are_not_substitutions() {
    let body = "Costs $10.00 or $5, not =B5*(1+$B$6); `#REF!`: bad reference.\n";
    let found = check("good-skill", files(Some(fm("", body).into_bytes()), &[]), Profile::Spec);
    assert!(found.is_empty(), "{found:#?}");
    let found =
        check("good-skill", files(Some(fm("", "Use $1 and\n!`git status`\n").into_bytes()), &[]), Profile::Spec);
    assert_eq!(found[0].message, "Body uses Claude Code substitutions (`$N`, `!`cmd``) that spec doesn't expand.");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    /// Any front-matter-shaped text, in any profile: findings, never a panic, and every fix
    /// diff is made against the text it names.
    #[test]
    fn never_panics_on_yaml_like_skills(
        lines in proptest::collection::vec("[a-zé:#'\"\\-\\[\\]{}&*!|>?,$`\\\\ \t()]{0,16}", 0..10),
        keys in proptest::collection::vec(proptest::sample::select(vec!["name", "description", "metadata", "license", "version", "model", "  version", "allowed-tools"]), 0..10),
        ending in proptest::prop_oneof![proptest::strategy::Just("\n"), proptest::strategy::Just("\r\n"), proptest::strategy::Just("\r")],
        body in "[a-z\\[\\]()./#$!` \n]{0,60}",
        profile in proptest::sample::select(PROFILES.to_vec()),
    ) {
        let yaml: Vec<String> = lines.iter().zip(keys.iter().cycle()).map(|(l, k)| format!("{k}: {l}")).collect();
        let text = format!("---{ending}{}{ending}---{ending}{body}", yaml.join(ending));
        let report = validate_tree(&SkillTree::from_memory(Some("good-skill".into()), files(Some(text.into_bytes()), &[])), profile);
        for finding in report.findings {
            proptest::prop_assert!(crate::skill::rules::rule_by_id(&finding.rule).is_some());
        }
    }
}
