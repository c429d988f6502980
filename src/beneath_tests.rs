//! Unit tests of `beneath.rs`: escapes through static symlinks, in-root links, the portable
//! walk, created parents and listings.

use std::os::unix::fs::symlink;

use super::*;

fn reason<T: std::fmt::Debug>(result: Result<T, AppError>) -> &'static str {
    match result {
        Err(AppError::PathRejected { reason, .. }) => reason,
        other => panic!("expected path_rejected, got {other:?}"),
    }
}

/// A root with `inside.txt`, and links out (`out`, `link.txt`), dangling and in-root.
fn fixture() -> (tempfile::TempDir, tempfile::TempDir, Root) {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let dir = tempfile::tempdir().unwrap();
    symlink(outside.path(), dir.path().join("out")).unwrap();
    symlink(outside.path().join("secret.txt"), dir.path().join("link.txt")).unwrap();
    symlink(dir.path().join("missing"), dir.path().join("dangling")).unwrap();
    std::fs::write(dir.path().join("inside.txt"), "inside").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    symlink(dir.path().join("inside.txt"), dir.path().join("inner-link.txt")).unwrap();
    symlink(dir.path().join("sub"), dir.path().join("inner-dir")).unwrap();
    let root = Root::open(dir.path()).unwrap();
    (outside, dir, root)
}

#[test]
fn symlinks_are_never_followed_in_or_out() {
    let (outside, _dir, root) = fixture();
    for rel in ["out/secret.txt", "link.txt", "dangling", "inner-link.txt", "inner-dir/x", "dangling/x"] {
        assert_eq!(reason(root.read(rel, 100)), "symlink_escape", "read {rel}");
    }
    for rel in ["out/new.txt", "link.txt", "dangling", "inner-link.txt", "inner-dir/new.txt", "out/deeper/new.txt"] {
        assert_eq!(reason(root.write(rel, b"pwned", true)), "symlink_escape", "write {rel}");
    }
    assert_eq!(reason(root.list("out", 10, |_| false)), "symlink_escape");
    assert_eq!(reason(root.list("inner-dir", 10, |_| false)), "symlink_escape");
    let names: Vec<_> = std::fs::read_dir(outside.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["secret.txt"]);
    assert_eq!(std::fs::read_to_string(outside.path().join("secret.txt")).unwrap(), "secret");
}

#[test]
fn the_portable_walk_refuses_links_too() {
    let (_outside, _dir, root) = fixture();
    for parts in [&["out", "secret.txt"][..], &["link.txt"], &["inner-dir", "x"]] {
        let err = root.walk(parts, OFlags::RDONLY).unwrap_err();
        assert!(matches!(err, Errno::LOOP | Errno::NOTDIR), "{parts:?}: {err:?}");
        assert_eq!(reason::<()>(Err(root.error(err, parts, "x"))), "symlink_escape", "{parts:?}");
    }
    assert!(root.walk(&["inside.txt"], OFlags::RDONLY).is_ok());
}

#[test]
fn writes_create_parents_and_respect_replace() {
    let (_outside, dir, root) = fixture();
    let meta = root.write("sub/new/deeper/a.md", b"one", true).unwrap();
    assert_eq!((meta.kind, meta.len), (Kind::File, 3));
    assert_eq!(std::fs::read_to_string(dir.path().join("sub/new/deeper/a.md")).unwrap(), "one");
    let err = root.write("sub/new/deeper/a.md", b"two", false).unwrap_err();
    assert!(matches!(err, AppError::AlreadyExists { .. }), "{err:?}");
    root.write("sub/new/deeper/a.md", b"two", true).unwrap();
    assert_eq!(root.read("sub/new/deeper/a.md", 100).unwrap().0, b"two");
    assert!(matches!(root.read("sub/new/deeper/a.md", 2), Err(AppError::TooLarge { limit: 2, actual: 3, .. })));
    assert!(matches!(root.read("sub/missing.md", 2), Err(AppError::NotFound { .. })));
    assert!(matches!(root.read("inside.txt/x", 2), Err(AppError::NotFound { .. })));
    assert!(matches!(root.read("sub", 2), Err(AppError::InvalidInput { .. })));
    assert_eq!(root.stat("sub/new").unwrap().map(|m| m.kind), Some(Kind::Dir));
    assert_eq!(root.stat("link.txt").unwrap().map(|m| m.kind), Some(Kind::Symlink));
    assert!(root.stat("nothing/here").unwrap().is_none());
}

#[test]
fn listings_show_links_without_following_them_and_skip_what_is_asked() {
    let (_outside, _dir, root) = fixture();
    root.write("sub/a/b.md", b"b", true).unwrap();
    root.write("sub/.git/config", b"x", true).unwrap();
    let listing = root.list("sub", 100, |n| n == ".git").unwrap().unwrap();
    let paths: Vec<_> = listing.entries.iter().map(|(p, m)| (p.as_str(), m.kind)).collect();
    assert_eq!(paths, [("a", Kind::Dir), ("a/b.md", Kind::File)]);
    let all = root.list("", 100, |_| false);
    assert!(all.is_err(), "the root itself is not a listable relative path");
    assert!(root.list("missing", 100, |_| false).unwrap().is_none());
    let capped = root.list("sub", 1, |_| false).unwrap().unwrap();
    assert!(capped.truncated);
    assert_eq!(capped.entries.len(), 1);
}
