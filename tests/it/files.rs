//! File I/O through `Backend` (backend.md §3.7, §7): round trips, a table of hostile paths,
//! the 5 MB cap, UTF-8, stale writes, managed paths, attachments, raw artifact saves, listings.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use skill_builder::commands::files;
use skill_builder::commands::files::MAX_FILE_BYTES;
use skill_builder::protocol::*;

use crate::support::*;

fn skills_ref(path: &str) -> FileRef {
    FileRef { root: FileRoot::Skills, path: path.into() }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Everything below `dir`, as sorted relative paths.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(dir).unwrap().to_string_lossy().to_string());
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn write_read_copy_and_base64_round_trip() {
    let env = Env::start().await;
    create(&env.backend, "docs").await;
    let b = &env.backend;
    let written = files::write_file(b, skills_ref("docs/references/deep/a.md"), "héllo\n".into(), None).await.unwrap();
    assert_eq!(written.sha256, sha256_hex("héllo\n".as_bytes()));
    assert_eq!(written.size_bytes, 7);
    let read = files::read_file(b, skills_ref("docs/references/deep/a.md")).await.unwrap();
    assert_eq!((read.content.as_str(), read.sha256.as_str()), ("héllo\n", written.sha256.as_str()));
    assert!(read.modified_at.unwrap().ends_with('Z'));

    let again =
        files::write_file(b, skills_ref("docs/references/deep/a.md"), "v2".into(), Some(read.sha256)).await.unwrap();
    assert_eq!(std::fs::read_to_string(env.skills().join("docs/references/deep/a.md")).unwrap(), "v2");

    files::copy_file(b, skills_ref("docs/references/deep/a.md"), skills_ref("docs/copy.md"), false).await.unwrap();
    assert_eq!(std::fs::read_to_string(env.skills().join("docs/copy.md")).unwrap(), "v2");
    let exists = files::copy_file(b, skills_ref("docs/SKILL.md"), skills_ref("docs/copy.md"), false).await;
    assert_eq!(code(exists), ErrorCode::NotFound, "a missing source");
    std::fs::write(env.skills().join("docs/other.md"), "other").unwrap();
    let exists = files::copy_file(b, skills_ref("docs/other.md"), skills_ref("docs/copy.md"), false).await;
    assert_eq!(code(exists), ErrorCode::AlreadyExists);
    assert_eq!(std::fs::read_to_string(env.skills().join("docs/copy.md")).unwrap(), "v2");
    files::copy_file(b, skills_ref("docs/other.md"), skills_ref("docs/copy.md"), true).await.unwrap();
    assert_eq!(std::fs::read_to_string(env.skills().join("docs/copy.md")).unwrap(), "other");
    let to_temp = FileRef { root: FileRoot::Temp, path: "scratch/copy.md".into() };
    files::copy_file(b, skills_ref("docs/copy.md"), to_temp.clone(), false).await.unwrap();
    assert_eq!(files::read_file(b, to_temp).await.unwrap().content, "other");

    let workspace_file = FileRef { root: FileRoot::Workspace, path: "docs/user-context.md".into() };
    files::write_file(b, workspace_file.clone(), "ws".into(), None).await.unwrap();
    assert_eq!(std::fs::read_to_string(env.workspace().join("docs/user-context.md")).unwrap(), "ws");

    let encoded = files::read_file_as_base64(b, skills_ref("docs/references/deep/a.md")).await.unwrap();
    assert_eq!(encoded, BASE64.encode(again.content.as_bytes()));
    assert_eq!(code(files::read_file(b, skills_ref("docs/missing.md")).await), ErrorCode::NotFound);
    assert_eq!(code(files::read_file(b, skills_ref("docs/references")).await), ErrorCode::InvalidInput);
}

#[cfg(unix)]
#[tokio::test]
async fn hostile_paths_are_rejected_with_their_reason_and_touch_nothing() {
    use std::os::unix::fs::symlink;
    let env = Env::start().await;
    create(&env.backend, "docs").await;
    let outside = env.root().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "secret").unwrap();
    symlink(&outside, env.skills().join("docs/escape")).unwrap();
    symlink(outside.join("secret.txt"), env.skills().join("docs/secret-link.txt")).unwrap();
    std::fs::write(env.skills().join("docs/inside.txt"), "inside").unwrap();
    symlink(env.skills().join("docs/inside.txt"), env.skills().join("docs/inner-link.txt")).unwrap();
    let long_component = format!("docs/{}", "a".repeat(256));
    let long_path = "a/".repeat(600);

    // (path, reason) for reads and writes alike: no link is followed, even one that stays inside.
    let table: &[(&str, &str)] = &[
        ("", "empty"),
        ("../x", "invalid_component"),
        ("docs/../../outside/secret.txt", "invalid_component"),
        ("docs/./SKILL.md", "invalid_component"),
        ("docs//a.md", "invalid_component"),
        ("docs\\..\\x", "invalid_component"),
        ("docs/CON", "invalid_component"),
        ("docs/trailing.", "invalid_component"),
        ("/etc/passwd", "absolute"),
        ("\\etc\\passwd", "absolute"),
        ("C:\\x", "absolute"),
        ("docs/a\0b", "nul_byte"),
        (&long_component, "too_long"),
        (&long_path, "too_long"),
        ("docs/escape/secret.txt", "symlink_escape"),
        ("docs/escape/new.txt", "symlink_escape"),
        ("docs/secret-link.txt", "symlink_escape"),
        ("docs/inner-link.txt", "symlink_escape"),
    ];
    let b = &env.backend;
    for (path, reason) in table {
        let outcomes = vec![
            ("write", files::write_file(b, skills_ref(path), "pwned".into(), None).await.map(drop)),
            ("copy-dest", files::copy_file(b, skills_ref("docs/inside.txt"), skills_ref(path), true).await),
            ("read", files::read_file(b, skills_ref(path)).await.map(drop)),
            ("base64", files::read_file_as_base64(b, skills_ref(path)).await.map(drop)),
            ("copy-src", files::copy_file(b, skills_ref(path), skills_ref("docs/copied.txt"), true).await),
        ];
        for (operation, outcome) in outcomes {
            let err = error(outcome);
            assert_eq!(err.code(), ErrorCode::PathRejected, "{operation} {path:?}");
            let wire = wire(err);
            assert_eq!(wire["details"]["reason"], *reason, "{operation} {path:?}");
            assert!(wire["details"]["path"].is_string());
        }
    }
    assert_eq!(tree(&outside), ["secret.txt"]);
    assert_eq!(std::fs::read_to_string(outside.join("secret.txt")).unwrap(), "secret");
    assert_eq!(std::fs::read_to_string(env.skills().join("docs/inside.txt")).unwrap(), "inside");
    assert!(!env.skills().join("docs/copied.txt").exists());
    assert!(!env.root().join("x").exists());

    let temp_escape = FileRef { root: FileRoot::Temp, path: "../data/skill-builder.db".into() };
    assert_eq!(code(files::read_file(b, temp_escape).await), ErrorCode::PathRejected);
    let ws_escape = FileRef { root: FileRoot::Workspace, path: "../skill-builder.db".into() };
    assert_eq!(code(files::read_file_as_base64(b, ws_escape).await), ErrorCode::PathRejected);
}

#[tokio::test]
async fn oversize_content_is_too_large_and_the_old_file_survives() {
    let env = Env::start().await;
    create(&env.backend, "big").await;
    let b = &env.backend;
    files::write_file(b, skills_ref("big/notes.md"), "old".into(), None).await.unwrap();
    let over = "a".repeat(MAX_FILE_BYTES as usize + 1);
    let err = error(files::write_file(b, skills_ref("big/notes.md"), over.clone(), None).await);
    assert_eq!(err.code(), ErrorCode::TooLarge);
    let details = wire(err)["details"].clone();
    assert_eq!(
        (details["limit"].as_u64(), details["actual"].as_u64()),
        (Some(MAX_FILE_BYTES), Some(MAX_FILE_BYTES + 1))
    );
    assert_eq!(std::fs::read_to_string(env.skills().join("big/notes.md")).unwrap(), "old");
    assert_eq!(tree(&env.skills().join("big")), ["context", "notes.md", "references"], "no temp file left");

    std::fs::write(env.skills().join("big/huge.md"), &over).unwrap();
    assert_eq!(code(files::read_file(b, skills_ref("big/huge.md")).await), ErrorCode::TooLarge);
    assert_eq!(code(files::read_file_as_base64(b, skills_ref("big/huge.md")).await), ErrorCode::TooLarge);
    let copy = files::copy_file(b, skills_ref("big/huge.md"), skills_ref("big/notes.md"), true).await;
    assert_eq!(code(copy), ErrorCode::TooLarge);
    assert_eq!(std::fs::read_to_string(env.skills().join("big/notes.md")).unwrap(), "old");
    let raw = format!("{{\"pad\":\"{over}\"}}");
    assert_eq!(code(files::save_raw_file(b, "big", "decisions.json", raw).await), ErrorCode::TooLarge);
    let attachment = BASE64.encode(over.as_bytes());
    assert_eq!(code(files::write_base64_to_temp_file(b, "big.bin", &attachment).await), ErrorCode::TooLarge);
}

#[tokio::test]
async fn exactly_five_megabytes_is_accepted() {
    let env = Env::start().await;
    create(&env.backend, "big").await;
    let b = &env.backend;
    let limit = "b".repeat(MAX_FILE_BYTES as usize);
    files::write_file(b, skills_ref("big/limit.md"), limit.clone(), None).await.unwrap();
    assert_eq!(files::read_file(b, skills_ref("big/limit.md")).await.unwrap().size_bytes as u64, MAX_FILE_BYTES);
    let encoded = files::read_file_as_base64(b, skills_ref("big/limit.md")).await.unwrap();
    let path = files::write_base64_to_temp_file(b, "limit.bin", &encoded).await.unwrap();
    assert_eq!(std::fs::metadata(path).unwrap().len(), MAX_FILE_BYTES);
}

#[tokio::test]
async fn non_utf8_files_are_invalid_input_but_readable_as_base64() {
    let env = Env::start().await;
    create(&env.backend, "bin").await;
    let bytes = [0xff, 0xfe, 0x00, 0x41];
    std::fs::write(env.skills().join("bin/blob.dat"), bytes).unwrap();
    let err = error(files::read_file(&env.backend, skills_ref("bin/blob.dat")).await);
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(wire(err)["details"]["reason"].as_str().unwrap().contains("not_utf8"));
    let encoded = files::read_file_as_base64(&env.backend, skills_ref("bin/blob.dat")).await.unwrap();
    assert_eq!(BASE64.decode(encoded).unwrap(), bytes);
}

#[tokio::test]
async fn a_stale_expected_sha256_is_a_conflict_and_changes_nothing() {
    let env = Env::start().await;
    create(&env.backend, "edit").await;
    let b = &env.backend;
    let first = files::write_file(b, skills_ref("edit/SKILL.md"), "mine".into(), None).await.unwrap();
    std::fs::write(env.skills().join("edit/SKILL.md"), "changed by an agent").unwrap();
    let err =
        error(files::write_file(b, skills_ref("edit/SKILL.md"), "overwrite".into(), Some(first.sha256.clone())).await);
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(wire(err)["details"]["reason"], "stale_content");
    assert_eq!(std::fs::read_to_string(env.skills().join("edit/SKILL.md")).unwrap(), "changed by an agent");
    let missing = files::write_file(b, skills_ref("edit/new.md"), "x".into(), Some(first.sha256)).await;
    assert_eq!(code(missing), ErrorCode::Conflict, "an expected hash for a file that does not exist");
    assert!(!env.skills().join("edit/new.md").exists());
    let current = files::read_file(b, skills_ref("edit/SKILL.md")).await.unwrap();
    files::write_file(b, skills_ref("edit/SKILL.md"), "merged".into(), Some(current.sha256)).await.unwrap();
    assert_eq!(std::fs::read_to_string(env.skills().join("edit/SKILL.md")).unwrap(), "merged");
}

#[tokio::test]
async fn managed_paths_are_refused() {
    let env = Env::start().await;
    create(&env.backend, "art").await;
    let b = &env.backend;
    std::fs::write(env.skills().join("art/notes.md"), "n").unwrap();
    let managed = [
        skills_ref("art/context/decisions.json"),
        skills_ref("art/context/new/deeper.md"),
        FileRef { root: FileRoot::Workspace, path: ".claude/agents/research.md".into() },
        FileRef { root: FileRoot::Workspace, path: ".claude/.skill-builder-manifest.json".into() },
    ];
    for file in managed {
        let err = error(files::write_file(b, file.clone(), "x".into(), None).await);
        assert_eq!(err.code(), ErrorCode::PathRejected, "{file:?}");
        assert_eq!(wire(err)["details"]["reason"], "managed_path");
        let copy = files::copy_file(b, skills_ref("art/notes.md"), file.clone(), true).await;
        assert_eq!(wire(error(copy))["details"]["reason"], "managed_path");
    }
    assert!(env.skills().join("art/context").read_dir().unwrap().next().is_none());
    assert!(!env.workspace().join(".claude/agents").exists());
    // Reading a managed path is fine.
    std::fs::write(env.skills().join("art/context/clarifications.md"), "view").unwrap();
    assert_eq!(files::read_file(b, skills_ref("art/context/clarifications.md")).await.unwrap().content, "view");
}

#[tokio::test]
async fn attachments_get_a_fresh_folder_each_and_validate_their_input() {
    let env = Env::start().await;
    let b = &env.backend;
    let first = files::write_base64_to_temp_file(b, "photo.png", &BASE64.encode(b"one")).await.unwrap();
    let second = files::write_base64_to_temp_file(b, "photo.png", &BASE64.encode(b"two")).await.unwrap();
    assert_ne!(first, second);
    for (path, content) in [(&first, "one"), (&second, "two")] {
        let path = Path::new(path);
        assert!(path.is_absolute());
        assert!(path.starts_with(env.data().canonicalize().unwrap().join("tmp/attachments")), "{path:?}");
        assert_eq!(path.file_name().unwrap(), "photo.png");
        assert_eq!(std::fs::read_to_string(path).unwrap(), content);
    }
    let err = error(files::write_base64_to_temp_file(b, "x.txt", "not base64!!").await);
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(wire(err)["details"]["reason"].as_str().unwrap().contains("bad_base64"));
    for name in ["../escape.txt", "a/b.txt", "", "/abs.txt", ".."] {
        let err = error(files::write_base64_to_temp_file(b, name, "eA==").await);
        assert_eq!(err.code(), ErrorCode::PathRejected, "{name:?}");
    }
    assert!(!env.data().join("tmp/escape.txt").exists());
}

#[tokio::test]
async fn save_raw_file_writes_only_known_json_artifacts() {
    let env = Env::start().await;
    create(&env.backend, "raw").await;
    let b = &env.backend;
    for name in ["clarifications.json", "refinements.json", "decisions.json"] {
        let content = format!("{{\"file\":\"{name}\"}}");
        files::save_raw_file(b, "raw", name, content.clone()).await.unwrap();
        assert_eq!(std::fs::read_to_string(env.skills().join("raw/context").join(name)).unwrap(), content);
    }
    for view in ["clarifications.md", "decisions.md", "validation-report.md"] {
        assert_eq!(code(files::save_raw_file(b, "raw", view, "# x".into()).await), ErrorCode::NotSupported, "{view}");
    }
    for other in ["notes.json", "../decisions.json", "context/decisions.json", "SKILL.md", ""] {
        assert_eq!(code(files::save_raw_file(b, "raw", other, "{}".into()).await), ErrorCode::InvalidInput, "{other}");
    }
    for broken in ["{\"unterminated\": ", "not json", "[1, 2]", "\"string\""] {
        let err = files::save_raw_file(b, "raw", "decisions.json", broken.into()).await;
        assert_eq!(code(err), ErrorCode::InvalidInput, "{broken}");
    }
    assert_eq!(
        std::fs::read_to_string(env.skills().join("raw/context/decisions.json")).unwrap(),
        "{\"file\":\"decisions.json\"}"
    );
    assert_eq!(code(files::save_raw_file(b, "missing", "decisions.json", "{}".into()).await), ErrorCode::NotFound);
    assert_eq!(code(files::save_raw_file(b, "../raw", "decisions.json", "{}".into()).await), ErrorCode::InvalidInput);
    assert!(!env.skills().join("missing").exists());
    let leftovers: Vec<String> =
        tree(&env.skills().join("raw/context")).into_iter().filter(|p| p.ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn list_skill_files_lists_recursively_without_following_symlinks() {
    let env = Env::start().await;
    create(&env.backend, "tree").await;
    let b = &env.backend;
    let dir = env.skills().join("tree");
    std::fs::write(dir.join("SKILL.md"), "12345").unwrap();
    std::fs::create_dir_all(dir.join("references/deep")).unwrap();
    std::fs::write(dir.join("references/deep/a.md"), "a").unwrap();
    std::fs::create_dir_all(dir.join(".git/objects")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref").unwrap();
    let outside = env.root().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "s").unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("link")).unwrap();

    let listing = files::list_skill_files(b, "tree", FileRoot::Skills).await.unwrap();
    assert!(!listing.truncated);
    let entries: Vec<(&str, bool, bool, u64)> = listing
        .entries
        .iter()
        .map(|e| (e.relative_path.as_str(), e.is_directory, e.is_symlink, e.size_bytes))
        .collect();
    assert_eq!(
        entries,
        [
            ("SKILL.md", false, false, 5),
            ("context", true, false, 0),
            ("link", false, true, 0),
            ("references", true, false, 0),
            ("references/deep", true, false, 0),
            ("references/deep/a.md", false, false, 1),
        ]
    );
    let workspace = files::list_skill_files(b, "tree", FileRoot::Workspace).await.unwrap();
    assert!(workspace.entries.is_empty(), "a missing folder is an empty listing");
    assert_eq!(code(files::list_skill_files(b, "nope", FileRoot::Skills).await), ErrorCode::NotFound);
    assert_eq!(code(files::list_skill_files(b, "../tree", FileRoot::Skills).await), ErrorCode::InvalidInput);
    assert_eq!(code(files::list_skill_files(b, "tree", FileRoot::Temp).await), ErrorCode::InvalidInput);
}
