//! The one redactor for transcripts, sidecar stderr and log text (backend.md §8.4): it removes
//! the exact stored secrets and anything shaped like an Anthropic or GitHub token.

const REDACTED: &str = "[REDACTED]";
/// Token prefixes and the shortest tail that makes a match a token rather than prose.
const TOKEN_SHAPES: &[(&str, usize)] =
    &[("sk-ant-", 8), ("github_pat_", 20), ("ghp_", 20), ("gho_", 20), ("ghu_", 20), ("ghs_", 20), ("ghr_", 20)];

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Redacts secrets in `text`; `known` are the exact secret values the app holds.
pub fn redact(text: &str, known: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in known.iter().filter(|s| s.len() >= 8) {
        if out.contains(secret) {
            out = out.replace(secret, REDACTED);
        }
    }
    if !TOKEN_SHAPES.iter().any(|(prefix, _)| out.contains(prefix)) {
        return out;
    }
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    'scan: while !rest.is_empty() {
        for (prefix, min_tail) in TOKEN_SHAPES {
            if let Some(tail) = rest.strip_prefix(prefix) {
                let len = tail.find(|c: char| !is_token_char(c)).unwrap_or(tail.len());
                if len >= *min_tail {
                    result.push_str(REDACTED);
                    rest = &tail[len..];
                    continue 'scan;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            result.push(c);
        }
        rest = chars.as_str();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_known_secrets_and_token_shapes() {
        let line = r#"{"key":"sk-ant-api03-abcdefgh_ijk","gh":"ghp_0123456789abcdefghijXYZ","mine":"hunter2-secret"}"#;
        let clean = redact(line, &["hunter2-secret"]);
        assert!(!clean.contains("sk-ant-api03") && !clean.contains("ghp_0123") && !clean.contains("hunter2"));
        assert_eq!(clean.matches(REDACTED).count(), 3);
    }

    #[test]
    fn leaves_prose_alone() {
        for text in ["ask-ant-eater", "the sk-ant- prefix", "ghp_short", "ünïcödé ok"] {
            assert_eq!(redact(text, &[]), text);
        }
    }

    #[test]
    fn generated_secrets_never_survive() {
        let alphabet: Vec<char> = ('a'..='z').chain('A'..='Z').chain('0'..='9').chain(['-', '_']).collect();
        for seed in 0..500usize {
            let tail: String = (0..(8 + seed % 40)).map(|i| alphabet[(seed * 31 + i * 7) % alphabet.len()]).collect();
            let secret = format!("sk-ant-{tail}");
            let text = format!("prefix {secret} suffix {secret}");
            let clean = redact(&text, &[]);
            assert!(!clean.contains(&secret), "{text} -> {clean}");
        }
    }
}
