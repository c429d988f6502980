//! Each manifest rule fires on a minimal bad manifest and none on a good one.

use super::*;

const PATH: &str = ".claude-plugin/marketplace.json";

fn market(json: &str, from_anthropics: bool) -> Vec<String> {
    check_marketplace(json, PATH, from_anthropics).into_iter().map(|f| f.rule).collect()
}

fn good() -> serde_json::Value {
    serde_json::json!({
        "name": "acme-skills", "owner": {"name": "Acme"}, "metadata": {"pluginRoot": "./plugins"},
        "plugins": [
            {"name": "data-skills", "source": "./data-skills", "version": "1.3.0"},
            {"name": "docs", "source": "./", "strict": false, "skills": ["./skills/xlsx"]},
            {"name": "ext", "source": {"source": "github", "repo": "o/r", "ref": "main"}},
            {"name": "sub", "source": {"source": "git-subdir", "url": "https://x.example/r.git", "path": "p"}}
        ]
    })
}

fn with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value = good();
    edit(&mut value);
    value.to_string()
}

#[test]
fn a_good_marketplace_has_no_finding() {
    assert!(market(&good().to_string(), false).is_empty());
}

#[test]
fn every_marketplace_rule_fires() {
    let cases: Vec<(&str, String, bool)> = vec![
        ("SB501", "[1]".into(), false),
        ("SB501", "{not json".into(), false),
        ("SB502", with(|v| v["name"] = "Acme Skills".into()), false),
        ("SB503", with(|v| v["name"] = "agent-skills".into()), false),
        ("SB504", with(|v| v["owner"] = serde_json::json!({})), false),
        ("SB505", with(|v| v["plugins"][1]["name"] = "data-skills".into()), false),
        ("SB505", with(|v| v["plugins"][0] = serde_json::json!({"name": "x"})), false),
        ("SB506", with(|v| v["plugins"][0]["source"] = "../../elsewhere".into()), false),
        ("SB507", with(|v| v["plugins"][2]["source"] = serde_json::json!({"source": "npm", "package": "x"})), false),
        ("SB509", with(|v| v["plugins"][0]["version"] = "1.3".into()), false),
        ("SB510", with(|v| v["colour"] = "red".into()), false),
    ];
    for (rule, json, anthropics) in cases {
        assert!(market(&json, anthropics).contains(&rule.to_string()), "{rule} missed: {json}");
    }
    assert!(market(&with(|v| v["name"] = "agent-skills".into()), true).is_empty());
}

#[test]
fn plugin_manifest_rules() {
    let rules = |json: &str| -> Vec<String> { check_plugin(json, "plugin.json").into_iter().map(|f| f.rule).collect() };
    assert!(rules(r#"{"name":"data-skills","version":"1.0.0","keywords":["a"]}"#).is_empty());
    assert_eq!(rules(r#"{"name":"data skills"}"#), ["SB508"]);
    assert_eq!(rules("{\"name\":\"a\u{202E}b\"}"), ["SB508"]);
    assert_eq!(rules(r#"{"name":"a","version":"one"}"#), ["SB509"]);
    assert_eq!(rules(r#"{"name":"a","extra":1}"#), ["SB510"]);
}
