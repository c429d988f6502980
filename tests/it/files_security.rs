//! File commands cannot make code run or escape, and leave normal modes (issue 8, items 4 and
//! 9; backend.md §7): git's folder and the agents' configuration are refused, a folder swapped
//! for a symlink mid-call never leads outside, a symlinked skill folder is not listed, new user
//! files get the usual mode and attachments stay in the user's own data dir.

#![cfg(unix)]

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use base64::Engine as _;
use skill_builder::commands::files;
use skill_builder::protocol::*;

use crate::support::*;

fn at(root: FileRoot, path: &str) -> FileRef {
    FileRef { root, path: path.into() }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn reason(err: AppError) -> String {
    assert_eq!(err.code(), ErrorCode::PathRejected, "{err:?}");
    wire(err)["details"]["reason"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn git_folders_and_agent_settings_cannot_be_written() {
    let env = Env::start().await;
    create(&env.backend, "docs").await;
    let b = &env.backend;
    std::fs::write(env.skills().join("docs/notes.md"), "n").unwrap();
    let refused = [
        at(FileRoot::Skills, ".git/config"),
        at(FileRoot::Skills, ".GIT/hooks/pre-commit"),
        at(FileRoot::Skills, "docs/.git/config"),
        at(FileRoot::Workspace, ".claude/settings.json"),
        at(FileRoot::Workspace, ".claude/settings.local.json"),
        at(FileRoot::Workspace, ".claude/agents/research.md"),
        at(FileRoot::Workspace, ".mcp.json"),
        at(FileRoot::Temp, "x/.Git/config"),
    ];
    let config_before = std::fs::read(env.skills().join(".git/config")).unwrap();
    for file in refused {
        let write = files::write_file(b, file.clone(), "[core]\n\tfsmonitor = touch pwned\n".into(), None).await;
        assert_eq!(reason(error(write)), "managed_path", "write {file:?}");
        let copy = files::copy_file(b, at(FileRoot::Skills, "docs/notes.md"), file.clone(), true).await;
        assert_eq!(reason(error(copy)), "managed_path", "copy {file:?}");
    }
    assert_eq!(std::fs::read(env.skills().join(".git/config")).unwrap(), config_before);
    assert!(!env.workspace().join(".claude/settings.json").exists());
    assert!(!env.workspace().join(".mcp.json").exists());

    // git's files are not readable either; what the app deploys in `.claude/` is, and the
    // user's CLAUDE.md stays writable.
    let read = files::read_file(b, at(FileRoot::Skills, ".git/config")).await;
    assert_eq!(reason(error(read)), "managed_path");
    std::fs::create_dir_all(env.workspace().join(".claude/agents")).unwrap();
    std::fs::write(env.workspace().join(".claude/agents/research.md"), "agent").unwrap();
    let agent = files::read_file(b, at(FileRoot::Workspace, ".claude/agents/research.md")).await.unwrap();
    assert_eq!(agent.content, "agent");
    files::write_file(b, at(FileRoot::Workspace, ".claude/CLAUDE.md"), "## Customization\n".into(), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_skill_folder_that_is_a_symlink_is_not_listed() {
    let env = Env::start().await;
    create(&env.backend, "linked").await;
    let outside = env.root().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "secret").unwrap();
    std::fs::remove_dir_all(env.skills().join("linked")).unwrap();
    symlink(&outside, env.skills().join("linked")).unwrap();
    let listing = files::list_skill_files(&env.backend, "linked", FileRoot::Skills).await;
    assert_eq!(reason(error(listing)), "symlink_escape");
}

/// A thread keeps exchanging a folder of the skill with a symlink to an outside folder
/// (`renameat2(RENAME_EXCHANGE)`, so the name always exists) while 600 reads, writes and copies
/// go through it. Checking the path and opening it later leaked content and wrote outside.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_swapped_for_a_symlink_never_leads_outside() {
    let env = Env::start().await;
    create(&env.backend, "race").await;
    let b = &env.backend;
    let skill = env.skills().join("race");
    let outside = env.root().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("a.md"), "OUTSIDE SECRET").unwrap();
    std::fs::create_dir(skill.join("refs")).unwrap();
    std::fs::write(skill.join("refs/a.md"), "inside").unwrap();
    symlink(&outside, skill.join("swap")).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicUsize::new(0));
    let swapper = {
        let (stop, swaps, skill) = (stop.clone(), swaps.clone(), skill.clone());
        std::thread::spawn(move || {
            let dir = rustix::fs::open(&skill, rustix::fs::OFlags::DIRECTORY, rustix::fs::Mode::empty()).unwrap();
            while !stop.load(Ordering::Relaxed) {
                if rustix::fs::renameat_with(&dir, "refs", &dir, "swap", rustix::fs::RenameFlags::EXCHANGE).is_ok() {
                    swaps.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };

    let (mut leaks, mut ok, mut errors) = (0, 0, Vec::new());
    for i in 0..600 {
        let outcome = match i % 4 {
            0 => files::read_file(b, at(FileRoot::Skills, "race/refs/a.md")).await.map(|f| f.content),
            1 => files::write_file(b, at(FileRoot::Skills, &format!("race/refs/w{i}.md")), "w".into(), None)
                .await
                .map(|f| f.content),
            2 => files::copy_file(
                b,
                at(FileRoot::Skills, "race/refs/a.md"),
                at(FileRoot::Skills, &format!("race/copies/c{i}.md")),
                false,
            )
            .await
            .map(|()| std::fs::read_to_string(skill.join(format!("copies/c{i}.md"))).unwrap()),
            _ => files::copy_file(
                b,
                at(FileRoot::Workspace, "notes.md"),
                at(FileRoot::Skills, &format!("race/refs/c{i}.md")),
                false,
            )
            .await
            .map(|()| String::new()),
        };
        match outcome {
            Ok(content) if content.contains("OUTSIDE") => leaks += 1,
            Ok(_) => ok += 1,
            Err(err) => errors.push(err),
        }
        if i == 2 {
            std::fs::write(env.workspace().join("notes.md"), "notes").unwrap();
        }
    }
    stop.store(true, Ordering::Relaxed);
    swapper.join().unwrap();

    let written_outside: Vec<_> = std::fs::read_dir(&outside).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!((leaks, written_outside), (0, vec![std::ffi::OsString::from("a.md")]), "{ok} calls succeeded");
    assert_eq!(std::fs::read_to_string(outside.join("a.md")).unwrap(), "OUTSIDE SECRET");
    assert!(swaps.load(Ordering::Relaxed) > 600, "the folder was swapped throughout");
    let unexpected: Vec<_> =
        errors.iter().filter(|e| !matches!(e.code(), ErrorCode::PathRejected | ErrorCode::NotFound)).collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    assert!(ok > 0, "calls that found the real folder succeeded");
    eprintln!("{ok} of 600 calls succeeded, {} refused, {} swaps", errors.len(), swaps.load(Ordering::Relaxed));
}

#[tokio::test]
async fn user_files_get_the_usual_mode_and_keep_their_own() {
    let env = Env::start().await;
    create(&env.backend, "modes").await;
    let b = &env.backend;
    let dir = env.skills().join("modes");
    // What any program creating a file here would get: 0666 less the umask.
    std::fs::File::create(dir.join("reference")).unwrap();
    let usual = mode(&dir.join("reference"));

    files::write_file(b, at(FileRoot::Skills, "modes/new.md"), "x".into(), None).await.unwrap();
    assert_eq!(mode(&dir.join("new.md")), usual);
    files::copy_file(b, at(FileRoot::Skills, "modes/new.md"), at(FileRoot::Skills, "modes/copy.md"), false)
        .await
        .unwrap();
    assert_eq!(mode(&dir.join("copy.md")), usual);
    assert_eq!(mode(&env.skills().join(".gitignore")), usual, "the managed .gitignore");

    std::fs::write(dir.join("run.sh"), "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(dir.join("run.sh"), std::fs::Permissions::from_mode(0o750)).unwrap();
    files::write_file(b, at(FileRoot::Skills, "modes/run.sh"), "#!/bin/sh\necho\n".into(), None).await.unwrap();
    assert_eq!(mode(&dir.join("run.sh")), 0o750, "a rewrite keeps the file's mode");
}

#[tokio::test]
async fn attachments_stay_in_a_private_folder_of_the_data_dir() {
    let env = Env::start().await;
    let encoded = base64::engine::general_purpose::STANDARD.encode(b"pic");
    let path = files::write_base64_to_temp_file(&env.backend, "photo.png", &encoded).await.unwrap();
    let data = env.data().canonicalize().unwrap();
    assert!(Path::new(&path).starts_with(data.join("tmp")), "{path}");
    assert!(!Path::new(&path).starts_with(std::env::temp_dir().join("skill-builder")));
    assert_eq!(mode(&data.join("tmp")), 0o700);
}
