//! Unit tests of the front-matter reader: one table of inputs and outcomes, the located
//! errors, field access, the limits, and properties that it never panics.

use super::*;
use proptest::prelude::*;

/// The fields as `key=kind:text` and the body, or the error's display text.
type Outcome = Result<(Vec<String>, String), String>;

fn outcome(text: &str) -> Outcome {
    let front = parse(text).map_err(|e| e.to_string())?;
    let fields = front
        .fields
        .iter()
        .map(|(k, e)| match &e.value {
            Value::String(s) => format!("{k}=string:{s}"),
            other => format!("{k}={}", other.kind().name()),
        })
        .collect();
    Ok((fields, front.body().to_string()))
}

fn ok(fields: &[&str], body: &str) -> Outcome {
    Ok((fields.iter().map(|s| s.to_string()).collect(), body.to_string()))
}

#[test]
fn table_of_inputs() {
    let cases: &[(&str, &str, Outcome)] = &[
        (
            "plain",
            "---\nname: a\ndescription: b\n---\n# Body\n",
            ok(&["name=string:a", "description=string:b"], "# Body\n"),
        ),
        ("bom", "\u{feff}---\nname: a\n---\nx", ok(&["name=string:a"], "x")),
        (
            "crlf",
            "---\r\nname: a\r\ndescription: b c\r\n---\r\nbody\r\n",
            ok(&["name=string:a", "description=string:b c"], "body\r\n"),
        ),
        ("lone cr", "---\rname: a\r---\rbody", ok(&["name=string:a"], "body")),
        ("trailing spaces on the opening fence", "---  \nname: a\n---\n", ok(&["name=string:a"], "")),
        ("closing fence at end of file", "---\nname: a\n---", ok(&["name=string:a"], "")),
        ("empty frontmatter", "---\n---\nbody", ok(&[], "body")),
        ("only a comment", "---\n# nothing\n---\n", ok(&[], "")),
        ("quoted colon", "---\ndescription: \"Use when: x\"\n---\n", ok(&["description=string:Use when: x"], "")),
        ("single-quoted colon", "---\ndescription: 'a: b'\n---\n", ok(&["description=string:a: b"], "")),
        ("colon without a space", "---\nurl: http://x.y/z\n---\n", ok(&["url=string:http://x.y/z"], "")),
        ("folded value", "---\ndescription: >\n  folded\n  text\n---\n", ok(&["description=string:folded text\n"], "")),
        ("literal value", "---\nd: |\n  a\n  b\n---\n", ok(&["d=string:a\nb\n"], "")),
        (
            "keys keep their spelling",
            "---\nn: 1\n1.0: 2\nyes: 3\n---\n",
            ok(&["n=integer", "1.0=integer", "yes=integer"], ""),
        ),
        (
            "kinds",
            "---\nn: 123\nb: yes\nf: 1.0\nz:\nl: [a]\nm: {k: v}\nt: 2025-01-01\n---\n",
            ok(&["n=integer", "b=boolean", "f=number", "z=null", "l=list", "m=mapping", "t=string:2025-01-01"], ""),
        ),
        ("body keeps its --- lines", "---\na: 1\n---\nx\n---\ny\n", ok(&["a=integer"], "x\n---\ny\n")),
        ("no frontmatter", "# Title\nname: a\n", Err("no front-matter block".into())),
        ("empty file", "", Err("no front-matter block".into())),
        ("blank lines first", "\n\n---\nname: a\n---\n", Err("front-matter must open on line 1, not line 3".into())),
        ("never closed", "---\nname: a\nbody\n", Err("front-matter opened on line 1 is never closed by ---".into())),
        (
            "closed with dots",
            "---\nname: a\n...\nbody\n",
            Err("front-matter closed with ... on line 3; use ---".into()),
        ),
        ("list", "---\n- a\n- b\n---\n", Err("front-matter is a list, not a mapping".into())),
        ("scalar", "---\njust text\n---\n", Err("front-matter is a string, not a mapping".into())),
        (
            "duplicate",
            "---\nname: a\ndescription: d\nname: b\n---\n",
            Err("duplicate key 'name' (lines 2 and 4)".into()),
        ),
        ("nested duplicate", "---\nmetadata:\n  v: 1\n  v: 2\n---\n", Err("duplicate key 'v' (lines 3 and 4)".into())),
    ];
    for (name, text, expected) in cases {
        assert_eq!(&outcome(text), expected, "case: {name}");
    }
}

#[test]
fn unquoted_colon_is_a_located_yaml_error() {
    for text in [
        "---\nname: a\ndescription: Use when: x\n---\n",
        "\u{feff}---\r\nname: a\r\ndescription: Use when: x\r\n---\r\n",
    ] {
        match parse(text) {
            Err(FrontmatterError::Yaml { line, column, message }) => {
                assert_eq!(line, 3, "{message}");
                assert!(column > 1, "column {column}: {message}");
                assert!(!message.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn broken_yaml_names_the_file_line() {
    let err = parse("---\nname: a\ndescription: [unclosed\n---\nbody\n").unwrap_err();
    let (line, _) = err.position().unwrap();
    assert!((3..=4).contains(&line), "{err}");
    let err = parse("---\nname: a\n\tbad: tab\n---\n").unwrap_err();
    assert!(matches!(err, FrontmatterError::Yaml { line: 2..=3, .. }), "{err}");
    assert!(!err.to_string().contains("line 1"), "{err}");
}

#[test]
fn positions_are_file_positions() {
    let front = parse("\u{feff}---\r\nname: a\r\ndescription: \"b\"\r\n---\r\nbody").unwrap();
    let name = front.entry("name").unwrap();
    assert_eq!((name.key_at.line, name.key_at.column), (2, 1));
    let description = front.entry("description").unwrap();
    assert_eq!((description.key_at.line, description.value_at.line), (3, 3));
    let text = "\u{feff}---\r\nname: a\r\ndescription: \"b\"\r\n---\r\nbody";
    assert_eq!(&text[name.value_at.offset..name.value_at.offset + 1], "a");
    assert_eq!((front.split.bom, front.split.line_endings, front.split.body_line), (true, LineEndings::Crlf, 5));
}

#[test]
fn field_access() {
    let front = parse("---\nname: '  a  '\nempty: \"\"\nn: 5\nmetadata:\n  version: \"1.0\"\n---\n").unwrap();
    assert_eq!(front.text("name"), Some("a"));
    assert_eq!(front.text("empty"), None);
    assert_eq!(front.text("n"), None);
    assert_eq!(front.get("n").and_then(Value::as_i64), Some(5));
    let metadata = front.get("metadata").and_then(Value::as_map).unwrap();
    assert_eq!(metadata.get("version").and_then(Value::as_str), Some("1.0"));
    assert_eq!(front.fields.keys().collect::<Vec<_>>(), ["name", "empty", "n", "metadata"]);
}

#[test]
fn limits() {
    let big = format!("---\nd: \"{}\"\n---\n", "x".repeat(MAX_FRONTMATTER_BYTES));
    assert!(matches!(parse(&big), Err(FrontmatterError::TooLarge { .. })));
    let deep = format!("---\na: {}{}\n---\n", "[".repeat(200), "]".repeat(200));
    assert!(matches!(parse(&deep), Err(FrontmatterError::Yaml { .. })));
    let bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
        g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n---\n";
    assert!(matches!(parse(bomb), Err(FrontmatterError::Yaml { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any text: a result or an error, never a panic.
    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }

    /// Text shaped like front-matter, with the characters YAML cares about.
    #[test]
    fn never_panics_on_yaml_like_text(
        body in proptest::collection::vec(
            "[a-z:#'\"\\-\\[\\]{}&*!|>?,@` \t]{0,12}", 0..12),
        ending in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        bom in any::<bool>(),
    ) {
        let text = format!("{}---{ending}{}{ending}---{ending}body", if bom { "\u{feff}" } else { "" }, body.join(ending));
        if let Ok(front) = parse(&text) {
            for (_, entry) in front.fields.iter() {
                prop_assert!(entry.key_at.offset < text.len());
            }
        }
    }
}
