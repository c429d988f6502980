//! What the content scan looks for (skill-format §2.4, SB350–SB354, SB356): invisible and
//! bidirectional Unicode, instruction-override phrasing, download-and-execute, credential
//! paths and exfiltration URLs, secret shapes, native executable headers. Pure over one
//! file's bytes, so its verdict can be cached by content hash.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

/// One thing found in a file's content: rule, 1-based line (0: the whole file) and a detail
/// for the message. A secret's detail is its kind, never its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: &'static str,
    pub line: usize,
    pub detail: String,
}

/// At most this many hits per rule and file, so a hostile file cannot flood the report.
const MAX_HITS_PER_RULE: usize = 5;

const OVERRIDES: &[&str] = &[
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+)?(of\s+)?(the\s+|your\s+)?(previous|prior|above|earlier|preceding|system|original)\s+(instructions|prompts?|messages|rules|directions|guidelines)",
    r"\bforget\s+(everything|all)\s+(you|above|before)",
    r"\b(bypass|disable|ignore)\s+(the\s+)?(system\s+prompt|safety\s+(rules|guidelines|checks)|guardrails|permission\s+(checks|prompts))",
    r"\byou\s+are\s+no\s+longer\s+(bound|restricted|limited)",
    r"\b(do\s+not|don't|never)\s+(tell|inform|alert|notify|mention\s+(this\s+)?to)\s+the\s+user",
    r"\bwithout\s+(telling|informing|notifying|asking)\s+the\s+user",
    r"<\|im_start\|>|<\|im_end\|>|\[/?INST\]",
];

const DOWNLOAD_EXEC: &[&str] = &[
    r"\b(curl|wget)\b[^\n|]*\|\s*(sudo\s+)?(env\s+)?(ba|z|da|k|fi)?sh\b",
    r"\b(curl|wget)\b[^\n|]*\|\s*(sudo\s+)?(python[0-9.]*|perl|ruby|node|php)\b",
    r"<\(\s*(curl|wget)\b",
    r"\b(ba|z)?sh\s+-c\s+.?\$\(\s*(curl|wget)\b",
    r"\b(iwr|irm|invoke-webrequest|invoke-restmethod)\b[^\n]*\|\s*(iex|invoke-expression)\b",
    r"\b(iex|invoke-expression)\b[^\n]*\b(downloadstring|iwr|irm|invoke-webrequest|invoke-restmethod)\b",
    r"\bbase64\s+(-d|--decode|-D)\b[^\n]*\|\s*(ba|z)?sh\b",
    r"\beval\s*\(?\s*.?\$\(\s*(curl|wget)\b",
    r"\beval\s*\(\s*(atob|base64\.b64decode|buffer\.from)\s*\(",
    r"\bexec\s*\(\s*(base64\.b64decode|__import__\(\s*.base64|zlib\.decompress)",
];

const CREDENTIALS: &[&str] = &[
    r"(~|\$home|%userprofile%)[/\\]\.ssh\b|\bid_(rsa|ed25519|ecdsa|dsa)\b",
    r"\.aws[/\\](credentials|config)\b",
    r"(^|[\s/~])\.(netrc|git-credentials|npmrc|pypirc|pgpass)\b",
    r"\.docker[/\\]config\.json|\.kube[/\\]config\b|\.config[/\\]gh[/\\]hosts\.yml|/etc/shadow\b|\.gnupg[/\\]",
    r"\b(pastebin\.com|paste\.ee|hastebin\.com|ghostbin\.|rentry\.co|transfer\.sh|webhook\.site|requestbin\.|pipedream\.net|ngrok(-free)?\.(io|app|dev)|interact\.sh|burpcollaborator\.net|oast\.(fun|me|pro|live|site|online))",
    r"\b(discord(app)?\.com/api/webhooks|hooks\.slack\.com/services)\b",
];

const SECRETS: &[(&str, &str)] = &[
    (r"\bsk-ant-[A-Za-z0-9_-]{20,}", "Anthropic API key"),
    (r"\bgh[pousr]_[A-Za-z0-9]{36,}", "GitHub token"),
    (r"\bgithub_pat_[A-Za-z0-9_]{22,}", "GitHub token"),
    (r"\b(AKIA|ASIA)[0-9A-Z]{16}\b", "AWS access key"),
    (r"-----BEGIN ([A-Z]+ )?PRIVATE KEY-----", "private key"),
    (r"\bxox[baprs]-[A-Za-z0-9-]{10,}", "Slack token"),
    (r"\bsk-(proj-)?[A-Za-z0-9]{32,}", "OpenAI API key"),
    (r"\bAIza[0-9A-Za-z_-]{35}\b", "Google API key"),
    (r"\bglpat-[A-Za-z0-9_-]{20,}", "GitLab token"),
    (r"\b[sr]k_live_[0-9A-Za-z]{24,}", "Stripe key"),
    (r"\bnpm_[A-Za-z0-9]{36}\b", "npm token"),
];

fn compile(patterns: impl Iterator<Item = &'static str>) -> Vec<Regex> {
    patterns.filter_map(|p| RegexBuilder::new(p).case_insensitive(true).build().ok()).collect()
}

static OVERRIDE_RE: LazyLock<Vec<Regex>> = LazyLock::new(|| compile(OVERRIDES.iter().copied()));
static DOWNLOAD_RE: LazyLock<Vec<Regex>> = LazyLock::new(|| compile(DOWNLOAD_EXEC.iter().copied()));
static CREDENTIAL_RE: LazyLock<Vec<Regex>> = LazyLock::new(|| compile(CREDENTIALS.iter().copied()));
/// Secret shapes are case-sensitive (an `akia…` word is prose).
static SECRET_RE: LazyLock<Vec<(Regex, &'static str)>> =
    LazyLock::new(|| SECRETS.iter().filter_map(|(p, kind)| Regex::new(p).ok().map(|r| (r, *kind))).collect());

/// Whether every pattern compiled (a test holds this; a broken pattern would silently match
/// nothing).
#[cfg(test)]
pub fn all_compiled() -> bool {
    OVERRIDE_RE.len() == OVERRIDES.len()
        && DOWNLOAD_RE.len() == DOWNLOAD_EXEC.len()
        && CREDENTIAL_RE.len() == CREDENTIALS.len()
        && SECRET_RE.len() == SECRETS.len()
}

/// Invisible or direction-changing code points (zero-width, bidi embeddings, overrides and
/// isolates, word joiners, invisible operators, tag characters, a BOM after the start).
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x061C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069
        | 0xFEFF | 0xE0000..=0xE007F)
}

/// The kind of native executable `bytes` starts with: ELF, PE (MZ), Mach-O (also fat).
pub fn native_executable(bytes: &[u8]) -> Option<&'static str> {
    let magic: &[(&[u8], &str)] = &[
        (b"\x7fELF", "ELF"),
        (b"MZ", "PE"),
        (b"\xfe\xed\xfa\xce", "Mach-O"),
        (b"\xfe\xed\xfa\xcf", "Mach-O"),
        (b"\xce\xfa\xed\xfe", "Mach-O"),
        (b"\xcf\xfa\xed\xfe", "Mach-O"),
        (b"\xca\xfe\xba\xbe", "Mach-O universal"),
    ];
    magic.iter().find(|(m, _)| bytes.starts_with(m)).map(|(_, kind)| *kind)
}

/// A match that is a documentation placeholder (`sk-ant-xxxx…`, `…EXAMPLE`), not a secret.
fn placeholder(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let tail: Vec<char> = text.chars().rev().take(12).collect();
    ["XXXX", "EXAMPLE", "YOUR", "REDACTED", "0000", "…", "..."].iter().any(|p| upper.contains(p))
        || tail.windows(2).all(|w| w[0] == w[1])
}

/// Scans one file's bytes.
pub fn scan(bytes: &[u8]) -> Vec<Hit> {
    let mut hits = Vec::new();
    if let Some(kind) = native_executable(bytes) {
        hits.push(Hit { rule: "SB356", line: 0, detail: kind.to_string() });
        return hits;
    }
    if bytes.iter().take(8192).any(|b| *b == 0) {
        return hits;
    }
    let text = String::from_utf8_lossy(bytes);
    let mut counts = [0usize; 5];
    let mut push = |hits: &mut Vec<Hit>, slot: usize, rule: &'static str, line: usize, detail: String| {
        if counts[slot] < MAX_HITS_PER_RULE {
            counts[slot] += 1;
            hits.push(Hit { rule, line, detail });
        }
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let mut prev = '\0';
        for (at, c) in line.char_indices() {
            let emoji_join = c == '\u{200D}' && (prev as u32 >= 0x1F000 || (0x2600..=0x27BF).contains(&(prev as u32)));
            let leading_bom = c == '\u{FEFF}' && n == 1 && at == 0;
            if is_invisible(c) && !emoji_join && !leading_bom {
                push(&mut hits, 0, "SB350", n, format!("{:04X}", c as u32));
                break;
            }
            prev = c;
        }
        if line.is_ascii() && line.len() < 8 {
            continue;
        }
        if OVERRIDE_RE.iter().any(|r| r.is_match(line)) {
            push(&mut hits, 1, "SB351", n, String::new());
        }
        if DOWNLOAD_RE.iter().any(|r| r.is_match(line)) {
            push(&mut hits, 2, "SB352", n, String::new());
        }
        if CREDENTIAL_RE.iter().any(|r| r.is_match(line)) {
            push(&mut hits, 3, "SB353", n, String::new());
        }
        let secret = SECRET_RE.iter().find(|(r, _)| r.find_iter(line).any(|m| !placeholder(m.as_str())));
        if let Some((_, kind)) = secret {
            push(&mut hits, 4, "SB354", n, (*kind).to_string());
        }
    }
    if text.starts_with("#!") {
        hits.push(Hit { rule: "SB355", line: 1, detail: "shebang".into() });
    }
    // In a SKILL.md (the caller decides): Claude Code hooks and `` !`cmd` `` lines, which run
    // a shell when the skill loads.
    if let Some(i) = text.lines().position(|l| l.starts_with("hooks:")) {
        hits.push(Hit { rule: "SB355", line: i + 1, detail: "hooks".into() });
    }
    if let Some(i) = text.lines().position(|l| l.trim_start().starts_with("!`")) {
        hits.push(Hit { rule: "SB355", line: i + 1, detail: "inline shell".into() });
    }
    hits
}
