//! `parse_github_url` (backend.md §10.3): every form users paste, reduced to owner, repo,
//! optional ref and optional folder. Pure, so it is table-tested and fuzzed.
//!
//! Accepted: `https://github.com/o/r`, `http://…`, `github.com/o/r`, `www.github.com/o/r`,
//! `git@github.com:o/r.git`, `o/r`, with an optional `.git` and trailing `/`, query or fragment;
//! `/tree/<ref>/<path…>`; `/blob/<ref>/<path…>` (the folder holding that file: a pasted link to a
//! `SKILL.md` means its skill); and `o/r#<ref>`. A `/tree/` ref that itself holds `/` is
//! resolved against the repository's branches later (`repo::resolve`).

use crate::protocol::{AppError, GitHubRepoRef};

/// Parses `input`; `web_host` is the host of the configured GitHub web URL (a test server's
/// `127.0.0.1:port`), accepted besides `github.com`.
pub fn parse(input: &str, web_host: Option<&str>) -> Result<GitHubRepoRef, AppError> {
    let bad = |reason: &str| AppError::invalid("url", format!("{reason}: {}", shorten(input)));
    let text = input.trim();
    if text.is_empty() || text.len() > 2048 || text.chars().any(char::is_control) {
        return Err(bad("not a GitHub repository URL"));
    }
    let (text, fragment_ref) = match text.split_once('#') {
        Some((head, frag)) => (head, Some(frag).filter(|f| !f.is_empty())),
        None => (text, None),
    };
    let text = text.split('?').next().unwrap_or(text);
    let rest = strip_host(text, web_host).ok_or_else(|| bad("not a GitHub URL"))?;
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    let (owner, repo) = match parts.as_slice() {
        [owner, repo, ..] => (*owner, repo.strip_suffix(".git").unwrap_or(repo)),
        _ => return Err(bad("expected owner/repo")),
    };
    check_owner(owner).map_err(|_| bad("invalid owner"))?;
    check_repo(repo).map_err(|_| bad("invalid repository name"))?;
    let (mut git_ref, mut subpath) = (None, None);
    match &parts[2..] {
        [] => {}
        ["tree", reference, path @ ..] => {
            git_ref = Some(reference.to_string());
            subpath = join(path);
        }
        ["blob", reference, path @ ..] if !path.is_empty() => {
            git_ref = Some(reference.to_string());
            subpath = join(&path[..path.len() - 1]);
        }
        _ => return Err(bad("only repository, /tree/ and /blob/ URLs are supported")),
    }
    if let Some(fragment) = fragment_ref {
        if git_ref.is_some() {
            return Err(bad("a ref is given twice"));
        }
        git_ref = Some(fragment.to_string());
    }
    if let Some(reference) = &git_ref {
        check_ref(reference).map_err(|_| bad("invalid ref"))?;
    }
    if let Some(path) = &subpath {
        crate::paths::validate_relative(path).map_err(|_| bad("invalid folder path"))?;
    }
    Ok(GitHubRepoRef { owner: owner.to_string(), repo: repo.to_string(), git_ref, subpath })
}

/// `o/r` itself, or what follows a known host.
fn strip_host<'a>(text: &'a str, web_host: Option<&str>) -> Option<&'a str> {
    if let Some(rest) = text.strip_prefix("git@github.com:") {
        return Some(rest);
    }
    let without_scheme = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    let candidate = without_scheme.unwrap_or(text);
    let (host, rest) = candidate.split_once('/').unwrap_or((candidate, ""));
    let host_lower = host.to_ascii_lowercase();
    let known = host_lower == "github.com" || host_lower == "www.github.com" || web_host.is_some_and(|h| h == host);
    if known {
        return Some(rest);
    }
    // Shorthand `o/r`: no scheme and no dot in the first part.
    (without_scheme.is_none() && !host.contains('.') && !host.contains(':')).then_some(text)
}

fn join(parts: &[&str]) -> Option<String> {
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn check_owner(owner: &str) -> Result<(), ()> {
    let ok = (1..=39).contains(&owner.len()) && owner.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok { Ok(()) } else { Err(()) }
}

fn check_repo(repo: &str) -> Result<(), ()> {
    let ok = (1..=100).contains(&repo.len())
        && repo != "."
        && repo != ".."
        && repo.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok { Ok(()) } else { Err(()) }
}

/// Git's own ref-name rules, as far as a URL can break them.
fn check_ref(reference: &str) -> Result<(), ()> {
    let ok = !reference.is_empty()
        && reference.len() <= 255
        && !reference.contains("..")
        && !reference.starts_with('/')
        && !reference.ends_with('/')
        && !reference.bytes().any(|b| b <= b' ' || b"~^:?*[\\#".contains(&b));
    if ok { Ok(()) } else { Err(()) }
}

fn shorten(text: &str) -> String {
    text.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> (String, String, Option<String>, Option<String>) {
        let r = parse(input, Some("127.0.0.1:9")).unwrap_or_else(|e| panic!("{input}: {e}"));
        (r.owner, r.repo, r.git_ref, r.subpath)
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn every_pasted_form_parses() {
        let plain = (s("anthropics"), s("skills"), None, None);
        for input in [
            "https://github.com/anthropics/skills",
            "http://github.com/anthropics/skills/",
            "github.com/anthropics/skills",
            "www.github.com/anthropics/skills.git",
            "https://github.com/anthropics/skills.git",
            "anthropics/skills",
            " anthropics/skills ",
            "git@github.com:anthropics/skills.git",
            "https://github.com/anthropics/skills?tab=readme-ov-file",
            "http://127.0.0.1:9/anthropics/skills",
        ] {
            assert_eq!(ok(input), plain, "{input}");
        }
        assert_eq!(
            ok("https://github.com/anthropics/skills/tree/main/skills/pdf"),
            (s("anthropics"), s("skills"), Some(s("main")), Some(s("skills/pdf")))
        );
        assert_eq!(ok("https://github.com/o/r/tree/v1.2"), (s("o"), s("r"), Some(s("v1.2")), None));
        assert_eq!(
            ok("https://github.com/o/r/blob/main/skills/pdf/SKILL.md"),
            (s("o"), s("r"), Some(s("main")), Some(s("skills/pdf")))
        );
        assert_eq!(ok("o/r#dev"), (s("o"), s("r"), Some(s("dev")), None));
    }

    #[test]
    fn other_shapes_are_invalid_input() {
        for input in [
            "",
            "anthropics",
            "https://gitlab.com/o/r",
            "https://github.com/o/r/issues/3",
            "https://github.com/o/r/blob/main",
            "https://github.com/-/..",
            "https://github.com/o/r/tree/a..b",
            "https://github.com/o/r/tree/main/../../etc",
            "o/r#a#b",
            "https://github.com/o/r/tree/main#dev",
            "ftp://github.com/o/r",
            "o_o/r",
            "o/r r",
        ] {
            let err = parse(input, None).unwrap_err();
            assert_eq!(err.code(), crate::protocol::ErrorCode::InvalidInput, "{input}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(input in "\\PC{0,80}") {
            let _ = parse(&input, Some("127.0.0.1:1"));
        }

        #[test]
        fn never_panics_on_url_shapes(
            owner in "[a-zA-Z0-9._-]{0,12}", repo in "[a-zA-Z0-9._/#-]{0,20}", tail in "[a-z/.#?]{0,20}"
        ) {
            let _ = parse(&format!("https://github.com/{owner}/{repo}{tail}"), None);
        }
    }
}
