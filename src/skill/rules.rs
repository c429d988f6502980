//! The rule catalogue of skill-format.md §2 as one table: every `SB` id with its severity, the
//! profiles where a warning becomes an error (`E*`), what import does about it and its message
//! template. The validator, import, export, the CLI and the UI (through
//! `commands::validation::validation_rules`) all read this table; tests fail when code emits an
//! id that is not here or when the table and the catalogue (`docs/skill-rules.md`, a copy of the
//! spec's §2) differ.

use crate::protocol::validation::{Finding, ImportAction as Imp, Profile, RuleInfo, Severity};

/// A rule's severity as the catalogue writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sev {
    Error,
    /// `E*`: an error in the strict profiles ([`STRICT_PROFILES`]), a warning elsewhere.
    Strict,
    Warning,
    Info,
}

/// The profiles in which an `E*` rule is an error: what Claude.ai and `skills-ref` enforce.
pub const STRICT_PROFILES: &[Profile] = &[Profile::Spec, Profile::ClaudeAi];

/// One catalogue entry. `message` holds `{placeholders}` filled by [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub sev: Sev,
    pub import: Imp,
    pub message: &'static str,
}

impl Rule {
    /// The severity of a finding of this rule when checking against `profile`.
    pub fn severity(&self, profile: Profile) -> Severity {
        match self.sev {
            Sev::Error => Severity::Error,
            Sev::Strict if STRICT_PROFILES.contains(&profile) => Severity::Error,
            Sev::Strict | Sev::Warning => Severity::Warning,
            Sev::Info => Severity::Info,
        }
    }

    /// The profiles where this rule's severity differs from its default.
    pub fn error_in(&self) -> &'static [Profile] {
        if self.sev == Sev::Strict { STRICT_PROFILES } else { &[] }
    }

    /// The wire form the UI gets.
    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id.to_string(),
            severity: self.severity(Profile::Library),
            error_in: self.error_in().to_vec(),
            import: self.import,
            message: self.message.to_string(),
        }
    }
}

const fn rule(id: &'static str, sev: Sev, import: Imp, message: &'static str) -> Rule {
    Rule { id, sev, import, message }
}

/// Every rule of skill-format.md §2, sorted by id. Ids are never renumbered or reused.
pub const RULES: &[Rule] = &[
    rule("SB001", Sev::Error, Imp::Block, r#"No `SKILL.md` at the skill root."#),
    rule("SB002", Sev::Error, Imp::Fix, r#"`{file}` must be named exactly `SKILL.md`."#),
    rule("SB003", Sev::Error, Imp::Block, r#"SKILL.md is not UTF-8 ({detail})."#),
    rule("SB004", Sev::Warning, Imp::Optional, r#"Leading BOM; Python validators then find no frontmatter."#),
    rule("SB005", Sev::Warning, Imp::Optional, r#"CRLF or mixed line endings; skill-creator's validator needs LF."#),
    rule(
        "SB006",
        Sev::Error,
        Imp::Fix,
        r#"No frontmatter (fix: folder name + first paragraph, as Claude Code falls back)."#,
    ),
    rule("SB007", Sev::Error, Imp::Fix, r#"Text before the opening `---`."#),
    rule("SB008", Sev::Error, Imp::Block, r#"Frontmatter opened on line 1 is never closed by `---`."#),
    rule("SB009", Sev::Error, Imp::Fix, r#"Frontmatter closed with `...` on line {line}; use `---`."#),
    rule("SB010", Sev::Error, Imp::Block, r#"Invalid YAML at {line}:{col}: {parser message}."#),
    rule("SB011", Sev::Error, Imp::Fix, r#"Line {line}: unquoted `{key}` value contains `: `; quote it."#),
    rule("SB012", Sev::Warning, Imp::Optional, r#"Line {line}: ` #` starts a comment; `{key}` is cut to "{value}"."#),
    rule("SB013", Sev::Error, Imp::Fix, r#"Line {line}: tab indentation (fix: 2 spaces)."#),
    rule("SB014", Sev::Error, Imp::Fix, r#"Duplicate key `{key}` (lines {a}, {b}); parsers disagree; pick one."#),
    rule("SB015", Sev::Error, Imp::Block, r#"Frontmatter is a {kind}, not a mapping."#),
    rule("SB016", Sev::Warning, Imp::Optional, r#"Anchor/alias/merge key/tag at line {line}; expanded on save."#),
    rule("SB017", Sev::Error, Imp::Block, r#"Frontmatter over 64 KiB or over the YAML node/alias budget."#),
    rule("SB018", Sev::Info, Imp::Keep, r#"Frontmatter comments are dropped when the builder rewrites it."#),
    rule(
        "SB019",
        Sev::Warning,
        Imp::Optional,
        r#"`{key}` spans several lines; some tools read one; saved as one line."#,
    ),
    rule("SB101", Sev::Error, Imp::Fix, r#"`name` missing or empty (fix: folder name `{dir}`)."#),
    rule("SB102", Sev::Error, Imp::Fix, r#"`name` `{raw}` is read as a {type}; quote it."#),
    rule("SB103", Sev::Error, Imp::Fix, r#"`name` has {len} chars; max 64."#),
    rule("SB104", Sev::Error, Imp::Fix, r#"`name` "{name}": only a–z, 0–9, single inner hyphens (suggest `{slug}`)."#),
    rule("SB105", Sev::Error, Imp::Fix, r#"Folder `{dir}` ≠ `name` `{name}`; folder renamed."#),
    rule("SB106", Sev::Strict, Imp::Keep, r#"`name` contains reserved word `{word}`."#),
    rule("SB107", Sev::Error, Imp::Fix, r#"`description` missing or empty (fix: first paragraph, reviewed)."#),
    rule("SB108", Sev::Error, Imp::Fix, r#"`description` `{raw}` is read as a {type}; quote it."#),
    rule("SB109", Sev::Error, Imp::Keep, r#"`description` has {len} chars; max 1024."#),
    rule("SB110", Sev::Strict, Imp::Keep, r#"`description` contains `<` or `>`; Claude.ai rejects XML."#),
    rule("SB111", Sev::Warning, Imp::Keep, r#"`description` never says when to use it ("Use when …")."#),
    rule("SB112", Sev::Warning, Imp::Keep, r#"`description` > ~600 chars strains listing budgets."#),
    rule("SB113", Sev::Info, Imp::Keep, r#"Write `description` in the third person."#),
    rule("SB114", Sev::Error, Imp::Keep, r#"`compatibility` must be a 1–500-char string."#),
    rule("SB115", Sev::Error, Imp::Keep, r#"`license` must be a non-empty string."#),
    rule("SB116", Sev::Warning, Imp::Keep, r#"`license` names `{file}`, which is missing."#),
    rule("SB117", Sev::Error, Imp::Keep, r#"`metadata` must be a mapping."#),
    rule(
        "SB118",
        Sev::Error,
        Imp::Fix,
        r#"`metadata.{key}` `{raw}` is a {type}; quote the source text (`1.0` → `"1.0"`)."#,
    ),
    rule("SB119", Sev::Error, Imp::Keep, r#"`metadata.{key}` is a list or mapping; strings only."#),
    rule("SB120", Sev::Error, Imp::Keep, r#"`allowed-tools` must be a string or a list of strings."#),
    rule(
        "SB121",
        Sev::Warning,
        Imp::Optional,
        r#"`allowed-tools` is comma-separated; the spec form is space-delimited."#,
    ),
    rule("SB130", Sev::Warning, Imp::Keep, r#"`metadata.version` "{v}" is not SemVer."#),
    rule("SB131", Sev::Warning, Imp::Keep, r#"Unknown skill type "{v}"; stored as `domain`."#),
    rule("SB132", Sev::Warning, Imp::Optional, r#"Tags normalized: {detail}."#),
    rule("SB133", Sev::Warning, Imp::Keep, r#"`metadata.{key}` differs from the library."#),
    rule("SB140", Sev::Warning, Imp::Optional, r#"Claude Code key `{key}` = {raw}; expected {expected}."#),
    rule("SB201", Sev::Warning, Imp::Keep, r#"No instructions after the frontmatter."#),
    rule("SB202", Sev::Warning, Imp::Keep, r#"SKILL.md has {n} lines; keep it under 500."#),
    rule("SB203", Sev::Warning, Imp::Keep, r#"Body is ~{n} tokens; keep it under ~5,000."#),
    rule("SB204", Sev::Error, Imp::Block, r#"SKILL.md is {size}; max 1 MiB."#),
    rule("SB205", Sev::Error, Imp::Keep, r#"Link to missing `{target}` (line {line})."#),
    rule("SB206", Sev::Error, Imp::Keep, r#"Reference `{target}` leaves the skill or uses `\`."#),
    rule("SB207", Sev::Warning, Imp::Keep, r#"`{file}` links on to `{target}`; keep one level deep."#),
    rule("SB208", Sev::Warning, Imp::Keep, r#"`{file}` has {n} lines and no table of contents."#),
    rule("SB209", Sev::Warning, Imp::Keep, r#"`{file}`:{line} exceeds 2,000 chars (Read tools truncate)."#),
    rule("SB210", Sev::Info, Imp::Keep, r#"`{path}` is outside the standard folders."#),
    rule("SB211", Sev::Warning, Imp::Keep, r#"Symlink `{path}` is not followed and not packaged."#),
    rule("SB212", Sev::Info, Imp::Keep, r#"`scripts/` present but no `compatibility`."#),
    rule("SB213", Sev::Info, Imp::Keep, r#"No `evals/evals.json`."#),
    rule("SB214", Sev::Warning, Imp::Keep, r#"{list} differ only by case/Unicode form (collide on macOS/Windows)."#),
    rule("SB215", Sev::Info, Imp::Keep, r#""When to use" body section; move it into `description`."#),
    rule("SB301", Sev::Error, Imp::Block, r#"Archive is {size}; max 50 MiB."#),
    rule("SB302", Sev::Error, Imp::Block, r#"Not a readable zip ({detail})."#),
    rule("SB303", Sev::Error, Imp::Block, r#"{n} entries / {m} files; max 2,000 / 1,000."#),
    rule("SB304", Sev::Error, Imp::Block, r#"`{path}` unpacks to {size}; max 10 MiB per file."#),
    rule("SB305", Sev::Error, Imp::Block, r#"Unpacks to {size}; max 50 MiB in total."#),
    rule("SB306", Sev::Error, Imp::Block, r#"`{path}`: ratio {r}:1 or more bytes than declared."#),
    rule("SB307", Sev::Error, Imp::Block, r#"`{path}` is absolute."#),
    rule("SB308", Sev::Error, Imp::Block, r#"`{path}` has a drive letter or UNC prefix."#),
    rule("SB309", Sev::Error, Imp::Block, r#"`{path}` has a `..` component."#),
    rule("SB310", Sev::Error, Imp::Block, r#"`{path}` too deep or too long (8 folders, 240 bytes, 255 per name)."#),
    rule(
        "SB311",
        Sev::Error,
        Imp::Block,
        r#"`{path}`: control char, `<>:"|?*`, trailing dot/space or Windows device name."#,
    ),
    rule("SB312", Sev::Error, Imp::Block, r#"`{a}` and `{b}` collide after normalization, or file/folder clash."#),
    rule("SB313", Sev::Warning, Imp::Keep, r#"Symlink `{path}` skipped (a linked SKILL.md is `SB001`)."#),
    rule("SB314", Sev::Error, Imp::Block, r#"`{path}` is encrypted or uses `{method}` (only Stored and Deflate)."#),
    rule("SB315", Sev::Error, Imp::Block, r#"No SKILL.md at the root or one folder deep."#),
    rule("SB316", Sev::Error, Imp::Block, r#"A `.skill` must hold one skill; found {n}."#),
    rule("SB317", Sev::Warning, Imp::Keep, r#"SKILL.md at the archive root; folder named after `name`."#),
    rule("SB318", Sev::Warning, Imp::Fix, r#"Top folder `{dir}` renamed to `{name}`."#),
    rule("SB319", Sev::Info, Imp::Keep, r#"Ignored: {list} (OS junk, entries outside the skill)."#),
    rule("SB320", Sev::Error, Imp::Fix, r#"`{name}` exists: replace (new commit), import as `{name}-2`, or cancel."#),
    rule("SB321", Sev::Info, Imp::Keep, r#"setuid/setgid/world-writable modes cleared on {n} files."#),
    rule("SB322", Sev::Info, Imp::Keep, r#"`\` separators normalized in {n} names."#),
    rule("SB350", Sev::Warning, Imp::Keep, r#"`{file}`:{line}: invisible/bidi Unicode U+{cp}."#),
    rule("SB351", Sev::Warning, Imp::Keep, r#"`{file}`:{line}: instruction-override phrasing."#),
    rule(
        "SB352",
        Sev::Warning,
        Imp::Keep,
        r#"`{file}`:{line}: download-and-execute (`curl … | sh`, `iwr | iex`, decoded eval)."#,
    ),
    rule("SB353", Sev::Warning, Imp::Keep, r#"`{file}`:{line}: credential path or paste/webhook URL."#),
    rule("SB354", Sev::Error, Imp::Keep, r#"`{file}`:{line}: looks like a secret ({kind}); blocks export."#),
    rule("SB355", Sev::Warning, Imp::Keep, r#"Runs code ({detail}); review before enabling."#),
    rule("SB356", Sev::Info, Imp::Keep, r#"`{file}` is a native executable."#),
    rule("SB401", Sev::Strict, Imp::Keep, r#"Unexpected key(s) {keys}; {target} allows only the six spec keys."#),
    rule(
        "SB402",
        Sev::Warning,
        Imp::Keep,
        r#"Claude Code-only {keys}; lifted to `metadata.claude-code.*` for {targets}."#,
    ),
    rule("SB403", Sev::Warning, Imp::Keep, r#"{keys} are unknown to Claude Code (ignored)."#),
    rule("SB404", Sev::Warning, Imp::Fix, r#"Legacy top-level {keys}; moved into `metadata`."#),
    rule(
        "SB405",
        Sev::Warning,
        Imp::Keep,
        r#"`disable-model-invocation: true` + `user-invocable: false`: the skill is unreachable."#,
    ),
    rule(
        "SB406",
        Sev::Warning,
        Imp::Keep,
        r#"`description` + `when_to_use` = {n} chars; Claude Code truncates at 1,536."#,
    ),
    rule("SB407", Sev::Info, Imp::Keep, r#"Package is {size}; Claude.ai/API uploads reportedly cap at 8 MB."#),
    rule("SB408", Sev::Warning, Imp::Keep, r#"`agents/openai.yaml` policy contradicts `disable-model-invocation`."#),
    rule(
        "SB409",
        Sev::Error,
        Imp::Keep,
        r#"Plugin content changed since version {v} was exported; bump it (stale caches)."#,
    ),
    rule(
        "SB410",
        Sev::Warning,
        Imp::Keep,
        r#"Body uses Claude Code substitutions ({list}) that {target} doesn't expand."#,
    ),
    rule("SB501", Sev::Error, Imp::Block, r#"`{file}` is not a JSON object ({detail})."#),
    rule("SB502", Sev::Error, Imp::Block, r#"Marketplace `name` missing or not kebab-case."#),
    rule("SB503", Sev::Error, Imp::Block, r#"Marketplace name `{name}` is reserved for `github.com/anthropics/*`."#),
    rule("SB504", Sev::Error, Imp::Block, r#"`owner.name` missing."#),
    rule("SB505", Sev::Error, Imp::Keep, r#"Plugin #{i}: no `name`/`source`, or duplicate `{name}` (skipped)."#),
    rule("SB506", Sev::Error, Imp::Keep, r#"Plugin `{name}`: source `{src}` leaves the marketplace root (skipped)."#),
    rule("SB507", Sev::Warning, Imp::Keep, r#"Plugin `{name}`: unsupported source `{type}` (skipped)."#),
    rule("SB508", Sev::Error, Imp::Keep, r#"`plugin.json` `name` missing, or has spaces, control or bidi chars."#),
    rule("SB509", Sev::Warning, Imp::Keep, r#"Plugin `{name}` version `{v}` is not SemVer (missing → commit SHA)."#),
    rule("SB510", Sev::Info, Imp::Keep, r#"Unknown manifest keys {keys} (ignored; `--strict` validate fails)."#),
    rule("SB511", Sev::Warning, Imp::Keep, r#"`{path}` has no SKILL.md or is not `skills/<name>/SKILL.md`."#),
    rule("SB512", Sev::Error, Imp::Block, r#"Repository tree listing truncated; refusing a partial import."#),
    rule("SB513", Sev::Error, Imp::Block, r#"Download `{path}` returned HTTP {status}; nothing saved."#),
    rule("SB601", Sev::Error, Imp::Fix, r#"As `SB320`, for create and rename."#),
    rule("SB602", Sev::Warning, Imp::Keep, r#"`{name}` also in {scope}; one is shadowed."#),
    rule("SB603", Sev::Warning, Imp::Keep, r#"{target} listing needs {n}/{budget} chars; {k} skills truncated."#),
    rule("SB604", Sev::Warning, Imp::Keep, r#"Descriptions of `{a}` and `{b}` overlap ({score})."#),
];

/// The catalogue entry for `id`.
pub fn rule_by_id(id: &str) -> Option<&'static Rule> {
    RULES.binary_search_by(|r| r.id.cmp(id)).ok().map(|i| &RULES[i])
}

/// Fills a message template: each `{key}` found in `args` is replaced by its value; unknown
/// placeholders stay as written, so a missing argument shows rather than vanishes.
pub fn render(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let key = &after[..close];
            args.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A finding of rule `id` in `profile` with its message filled from `args`, not yet located.
/// An id missing from the table (a bug the catalogue test catches) is reported as an error
/// with the bare id, never dropped.
pub fn finding(id: &str, profile: Profile, args: &[(&str, &str)]) -> Finding {
    let (severity, message) = match rule_by_id(id) {
        Some(rule) => (rule.severity(profile), render(rule.message, args)),
        None => (Severity::Error, id.to_string()),
    };
    Finding { rule: id.to_string(), severity, message, path: None, line: None, col: None, fix: None }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
