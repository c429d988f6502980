//! History against a brute-force reference: the same walk, but each commit judged by diffing its
//! tree against every parent's with the pathspec `<skill>/` (backend.md §6.4 word for word), on a
//! repository of the user's own commits (no trailers), merges, a rename, app commits with
//! trailers, deletions, a revert and commit-time skew.

use std::collections::BTreeMap;

use git2::{DiffOptions, Oid, Repository, Signature, Time};

use super::*;

/// A commit judged by tree diffs alone, as the spec words it.
fn diff_touches(repo: &Repository, commit: &Commit<'_>, names: &[String]) -> bool {
    let tree = commit.tree().unwrap();
    let parents: Vec<Option<Tree<'_>>> = if commit.parent_count() == 0 {
        vec![None]
    } else {
        commit.parents().map(|p| Some(p.tree().unwrap())).collect()
    };
    parents.iter().any(|parent| {
        names.iter().any(|name| {
            let mut opts = DiffOptions::new();
            opts.pathspec(format!("{name}/"));
            repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(&mut opts)).unwrap().deltas().len() > 0
        })
    })
}

fn brute_force(repo: &Repository, skill: &str, limit: usize, before: Option<Oid>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(head) = head_commit(repo).unwrap() else { return out };
    let mut names = vec![skill.to_string()];
    let mut collecting = before.is_none();
    let mut walk = TimeWalk::new(head);
    while let Some(commit) = walk.next(repo).unwrap() {
        if diff_touches(repo, &commit, &names) {
            let message = commit.message().unwrap().to_string();
            for old in trailers(&message, RENAMED_TRAILER) {
                if !names.iter().any(|n| n == old) {
                    names.push(old.to_string());
                }
            }
            if collecting {
                out.push(commit.id().to_string());
                if out.len() >= limit {
                    break;
                }
            }
        }
        if Some(commit.id()) == before {
            collecting = true;
        }
    }
    out
}

/// File contents by path.
type Files = BTreeMap<String, String>;

fn write_tree(repo: &Repository, files: &Files, prefix: &str) -> Oid {
    let mut builder = repo.treebuilder(None).unwrap();
    let mut dirs = std::collections::BTreeSet::new();
    for (path, content) in files.iter().filter_map(|(p, c)| Some((p.strip_prefix(prefix)?, c))) {
        match path.split_once('/') {
            Some((dir, _)) => {
                dirs.insert(dir);
            }
            None => {
                builder.insert(path, repo.blob(content.as_bytes()).unwrap(), 0o100644).unwrap();
            }
        }
    }
    for dir in dirs {
        let sub = write_tree(repo, files, &format!("{prefix}{dir}/"));
        builder.insert(dir, sub, 0o040000).unwrap();
    }
    builder.write().unwrap()
}

/// Writes commits as the user's git would: whole trees, plain messages (unless given trailers).
struct Builder {
    repo: Repository,
    files: Files,
    tip: Oid,
    time: i64,
    _dir: tempfile::TempDir,
}

impl Builder {
    fn commit_on(&self, parents: &[Oid], files: &Files, message: &str, time: i64, head: bool) -> Oid {
        let tree = self.repo.find_tree(write_tree(&self.repo, files, "")).unwrap();
        let me = Signature::new("A User", "user@example.com", &Time::new(time, 0)).unwrap();
        let parents: Vec<Commit<'_>> = parents.iter().map(|p| self.repo.find_commit(*p).unwrap()).collect();
        let parents: Vec<&Commit<'_>> = parents.iter().collect();
        self.repo.commit(head.then_some("HEAD"), &me, &me, message, &tree, &parents).unwrap()
    }

    /// A commit on HEAD applying `changes` (`None` deletes), 10 s after the last one.
    fn step(&mut self, changes: &[(&str, Option<&str>)], message: &str) {
        set(&mut self.files, changes);
        self.time += 10;
        self.tip = self.commit_on(&[self.tip], &self.files, message, self.time, true);
    }

    /// A side branch from HEAD applying `changes`, merged back after one more commit on HEAD.
    fn branch_and_merge(
        &mut self,
        side_changes: &[(&str, Option<&str>)],
        main_changes: &[(&str, Option<&str>)],
        name: &str,
    ) {
        let mut side = self.files.clone();
        set(&mut side, side_changes);
        let side_tip = self.commit_on(&[self.tip], &side, &format!("{name}: side edit"), self.time + 5, false);
        self.step(main_changes, &format!("{name}: main edit"));
        set(&mut self.files, side_changes);
        self.time += 10;
        let message = format!("Merge branch '{name}'");
        self.tip = self.commit_on(&[self.tip, side_tip], &self.files, &message, self.time, true);
    }
}

fn set(files: &mut Files, changes: &[(&str, Option<&str>)]) {
    for (path, content) in changes {
        match content {
            Some(text) => files.insert(path.to_string(), text.to_string()),
            None => files.remove(*path),
        };
    }
}

/// A history of user commits with merges, a rename, a revert, app commits and clock skew.
fn scenario() -> Builder {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let mut b = Builder { repo, files: Files::new(), tip: Oid::ZERO_SHA1, time: 1_000, _dir: dir };
    set(&mut b.files, &[("a/SKILL.md", Some("a1")), ("b/SKILL.md", Some("b1")), ("README", Some("r1"))]);
    b.tip = b.commit_on(&[], &b.files, "start", b.time, true);
    b.step(&[("a/SKILL.md", Some("a2"))], "edit a");
    b.step(&[("b/ref.md", Some("b2"))], "edit b");
    b.step(&[("README", Some("r2"))], "readme only");
    b.step(&[("a/x/deep.md", Some("d1")), ("b/SKILL.md", Some("b3"))], "both");
    b.step(&[("a/x/deep.md", None)], "remove a deep file");
    b.step(&[("c/SKILL.md", Some("c1"))], "add c");
    b.step(&[("a/SKILL.md", Some("a1"))], "revert a to its first text");
    // An app commit whose trailers tell the truth.
    b.step(
        &[("b/SKILL.md", Some("b4"))],
        "b: metadata updated\n\nSkill-Builder-Event: metadata\nSkill-Builder-Skill: b\n",
    );
    // The side edits a while main edits b: the merge differs from its first parent under a/.
    b.branch_and_merge(&[("a/side.md", Some("s1"))], &[("b/SKILL.md", Some("b5"))], "side");
    // The side edits c while main edits the README: a/ is the same in every parent.
    b.branch_and_merge(&[("c/SKILL.md", Some("c2"))], &[("README", Some("r3"))], "other");
    // Clock skew: a commit older than its parent.
    set(&mut b.files, &[("a/SKILL.md", Some("a3"))]);
    b.tip = b.commit_on(&[b.tip], &b.files, "skewed edit of a", 1_005, true);
    b.step(&[("b/SKILL.md", None), ("b/ref.md", None)], "delete b");
    b.step(&[("b/SKILL.md", Some("b6"))], "b again");
    // Rename a to a2 (the app's trailer), then a new, unrelated skill takes the name a.
    let moved: Vec<(String, String)> =
        b.files.iter().filter(|(p, _)| p.starts_with("a/")).map(|(p, c)| (p.clone(), c.clone())).collect();
    for (path, content) in moved {
        b.files.remove(&path);
        b.files.insert(format!("a2/{}", &path[2..]), content);
    }
    b.step(&[], "a2: renamed from a\n\nSkill-Builder-Renamed-From: a\n");
    b.step(&[("a2/SKILL.md", Some("a4"))], "edit a2");
    b.step(&[("a/SKILL.md", Some("new a"))], "a new skill called a");
    b
}

/// Every commit, tree and blob of the repository moved into one pack, loose copies removed.
fn pack_everything(repo: &Repository) {
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    for branch in repo.branches(None).unwrap() {
        walk.push(branch.unwrap().0.get().target().unwrap()).unwrap();
    }
    let mut pack = repo.packbuilder().unwrap();
    pack.insert_walk(&mut walk).unwrap();
    let objects = repo.path().join("objects");
    pack.write(&objects.join("pack"), 0o644).unwrap();
    for dir in std::fs::read_dir(&objects).unwrap() {
        let dir = dir.unwrap().path();
        if dir.file_name().unwrap().len() == 2 {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }
}

#[test]
fn history_by_subtree_ids_equals_tree_diffs_on_user_commits_merges_and_a_rename() {
    let built = scenario();
    let repo = &built.repo;
    compare_with_brute_force(repo);
    // The side branches are reachable only through the merges; packed trees are read whole.
    pack_everything(repo);
    assert!(repo.odb().unwrap().reader(repo.head().unwrap().peel_to_tree().unwrap().id()).is_err(), "no stream");
    compare_with_brute_force(repo);
}

fn compare_with_brute_force(repo: &Repository) {
    for skill in ["a2", "a", "b", "c", "missing"] {
        let all = brute_force(repo, skill, usize::MAX, None);
        let ours: Vec<String> = history(repo, skill, usize::MAX, None).unwrap().into_iter().map(|c| c.sha).collect();
        assert_eq!(ours, all, "whole history of {skill}");
        for limit in [1, 2, 3, 5] {
            let mut befores: Vec<Option<Oid>> = vec![None];
            befores.extend(all.iter().map(|sha| Some(Oid::from_str(sha).unwrap())));
            for before in befores {
                let page: Vec<String> =
                    history(repo, skill, limit, before).unwrap().into_iter().map(|c| c.sha).collect();
                assert_eq!(page, brute_force(repo, skill, limit, before), "{skill}, limit {limit}, before {before:?}");
            }
        }
    }
    let a2 = brute_force(repo, "a2", usize::MAX, None);
    let summaries: Vec<String> = a2
        .iter()
        .map(|sha| repo.find_commit(Oid::from_str(sha).unwrap()).unwrap().summary().unwrap().unwrap().to_string())
        .collect();
    // The scenario exercises what it claims: the rename is followed, a merge that brought in a
    // side edit counts, a merge with the same `a` on both sides does not, the revert counts.
    let expected =
        ["a2: renamed from a", "Merge branch 'side'", "side: side edit", "revert a to its first text", "start"];
    for expected in expected {
        assert!(summaries.iter().any(|s| s == expected), "{expected} in {summaries:?}");
    }
    for unexpected in ["Merge branch 'other'", "a new skill called a", "readme only", "b: metadata updated"] {
        assert!(!summaries.iter().any(|s| s == unexpected), "{unexpected} not in {summaries:?}");
    }
}

/// A reader that hands out a few bytes at a time, so entries straddle every read.
struct Trickle<R>(R, usize);

impl<R: std::io::Read> std::io::Read for Trickle<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let len = buf.len().min(self.1);
        self.0.read(&mut buf[..len])
    }
}

#[test]
fn a_streamed_tree_scan_finds_what_libgit2_finds() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let blob = repo.blob(b"x").unwrap();
    let sub = repo.treebuilder(None).unwrap().write().unwrap();
    let mut builder = repo.treebuilder(None).unwrap();
    // Folders sort as `name/`: `a-b` < `a.b` < `a/` < `a0`, and files named like folders.
    let mut names: Vec<String> = ["a", "a-b", "a.b", "a0", "a_", "b", "b-", "b.md", "z"].map(String::from).to_vec();
    names.extend((0..1_500).map(|i| format!("skill-{i:05}")));
    for (i, name) in names.iter().enumerate() {
        if i % 3 == 1 {
            builder.insert(name, blob, 0o100644).unwrap();
        } else {
            builder.insert(name, sub, 0o040000).unwrap();
        }
    }
    let tree = repo.find_tree(builder.write().unwrap()).unwrap();
    let odb = repo.odb().unwrap();
    let mut wanted: Vec<Vec<String>> = names.iter().map(|n| vec![n.clone()]).collect();
    wanted.extend([
        vec!["a0".into(), "a".into()],
        vec!["skill-01499".into(), "a-b".into()],
        vec!["a/".into()],
        vec!["skill-9".into()],
        vec!["".into()],
        vec!["zz".into(), "b".into()],
    ]);
    for (k, names) in wanted.iter().enumerate() {
        let expected: Vec<Option<Oid>> = names.iter().map(|n| entry(&tree, n)).collect();
        let (reader, _, kind) = odb.reader(tree.id()).unwrap();
        assert_eq!(kind, ObjectType::Tree);
        let ours = scan_tree(Trickle(reader, 1 + k % 29), names).unwrap();
        assert_eq!(ours, Some(expected), "{names:?}");
    }
    assert_eq!(scan_tree(&b"40000 a\0short"[..], &["a".into()]).unwrap(), None, "a truncated entry");
}
