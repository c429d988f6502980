//! The real `skill-builder` binary (backend.md §1.7, §5): JSON results, `CommandError` objects
//! and exit codes, and two processes on one database contending for one skill's lock.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::*;

/// What one CLI run printed: every stdout line parsed as JSON (events first, result last).
struct Run {
    success: bool,
    exit_code: Option<i32>,
    lines: Vec<Value>,
    stderr: String,
}

impl Run {
    fn result(&self) -> &Value {
        self.lines.last().unwrap_or_else(|| panic!("no output; stderr: {}", self.stderr))
    }

    fn ok(&self) -> &Value {
        assert!(self.success, "the command failed: {:?}\nstderr: {}", self.lines, self.stderr);
        self.result()
    }

    fn failed_with(&self, code: &str) -> &Value {
        assert!(!self.success, "the command should have failed: {:?}", self.lines);
        assert_eq!(self.result()["code"], code, "{:?}\nstderr: {}", self.lines, self.stderr);
        self.result()
    }
}

fn parse_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn run(root: &Path, args: &[&str]) -> Run {
    let output = sb(root).args(args).output().unwrap();
    Run {
        success: output.status.success(),
        exit_code: output.status.code(),
        lines: parse_lines(&output.stdout),
        stderr: String::from_utf8_lossy(&output.stderr).to_string(),
    }
}

/// Polls `locks check` until the state is `state`, returning the last answer.
fn wait_for_lock_state(root: &Path, name: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let answer = run(root, &["locks", "check", name]).ok().clone();
        if answer["state"] == state {
            return answer;
        }
        assert!(Instant::now() < deadline, "the lock never became {state}: {answer}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts `locks hold` in the background.
fn hold(root: &Path, name: &str, extra: &[&str]) -> Proc {
    let mut command = sb(root);
    command.args(["locks", "hold", name]).args(extra).stderr(Stdio::null());
    Proc::spawn(command)
}

#[test]
fn create_list_delete_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let created = run(root, &["skills", "create", "cli-skill", "--domain", "Sales", "--tag", "KPI", "--tag", "ops"]);
    let summary = created.ok();
    assert_eq!(summary["name"], "cli-skill");
    assert_eq!(summary["source"], "skill-builder");
    assert_eq!(summary["tags"], serde_json::json!(["kpi", "ops"]));
    assert!(created.lines.iter().any(|l| l["event"] == "skills-changed"), "events are JSON lines too");
    assert!(root.join("skills/cli-skill/context").is_dir());

    let listed = run(root, &["skills", "list"]);
    let names: Vec<&str> = listed.ok().as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["cli-skill"]);
    let filtered = run(root, &["skills", "list", "--tag", "missing"]);
    assert!(filtered.ok().as_array().unwrap().is_empty());
    let tags = run(root, &["skills", "all-tags"]);
    assert_eq!(*tags.ok(), serde_json::json!(["kpi", "ops"]));

    let deleted = run(root, &["skills", "delete", "cli-skill"]);
    let report = deleted.ok();
    assert!(report["checkpointSha"].is_string() || report["trashPath"].is_string(), "a recoverable delete: {report}");
    assert!(!root.join("skills/cli-skill").exists());
    assert!(run(root, &["skills", "list"]).ok().as_array().unwrap().is_empty());
    assert!(run(root, &["locks", "list"]).ok().as_array().unwrap().is_empty(), "no lock survives a command");
}

#[test]
fn errors_print_a_command_error_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let bad = run(root, &["skills", "create", "Bad_Name"]);
    let error = bad.failed_with("invalid_input");
    assert_eq!(bad.exit_code, Some(1));
    assert!(error["message"].as_str().unwrap().contains("Bad_Name"));
    assert_eq!(error["details"]["field"], "name");
    assert!(!root.join("skills/Bad_Name").exists());

    run(root, &["skills", "delete", "ghost"]).failed_with("not_found");
    run(root, &["locks", "check", "ghost"]).failed_with("not_found");
    let traversal = run(root, &["files", "read", "../data/skill-builder.db"]);
    assert_eq!(traversal.failed_with("path_rejected")["details"]["reason"], "invalid_component");
    run(root, &["skills", "create", "dupe"]).ok();
    run(root, &["skills", "create", "dupe"]).failed_with("already_exists");
    run(root, &["settings", "save", "{\"maxParallelAgents\": 99}"]).failed_with("invalid_input");
    run(root, &["settings", "save", "not json"]).failed_with("invalid_input");

    // A database from a newer version fails at startup: exit code 2, the error still JSON.
    let conn = open_db(&root.join("data"));
    conn.execute("INSERT INTO schema_migrations VALUES (99, 'future.sql', 'x', 'later')", []).unwrap();
    drop(conn);
    let refused = run(root, &["skills", "list"]);
    assert_eq!(refused.failed_with("conflict")["details"]["reason"], "database_too_new");
    assert_eq!(refused.exit_code, Some(2));
}

#[test]
fn files_and_usage_commands_work_headless() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    run(root, &["skills", "create", "docs"]).ok();
    let mut write = sb(root);
    write.args(["files", "write", "docs/SKILL.md"]).stdin(Stdio::piped());
    let mut child = write.spawn().unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(b"---\nname: docs\n---\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let written = parse_lines(&output.stdout).pop().unwrap();
    let read = run(root, &["files", "read", "docs/SKILL.md"]);
    assert_eq!(read.ok()["content"], "---\nname: docs\n---\n");
    assert_eq!(read.ok()["sha256"], written["sha256"]);
    let listing = run(root, &["files", "list", "docs"]);
    assert_eq!(listing.ok()["entries"].as_array().unwrap().len(), 3);
    let summary = run(root, &["usage", "summary", "--include-mock"]);
    assert_eq!(summary.ok()["runCount"], 0);
    run(root, &["usage", "recent-runs", "--limit", "0"]).failed_with("invalid_input");
}

#[test]
fn a_second_process_sees_the_lock_and_reclaims_it_after_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    run(root, &["skills", "create", "contended"]).ok();
    let mut holder = hold(root, "contended", &["--for-ms", "30000"]);

    let seen = wait_for_lock_state(root, "contended", "other");
    assert_eq!(seen["holder"]["pid"], holder.pid());
    let refused = run(root, &["locks", "acquire", "contended"]);
    let error = refused.failed_with("skill_locked");
    assert_eq!(error["details"]["holder"]["pid"], holder.pid());
    assert_eq!(error["details"]["holder"]["purpose"], "edit");
    assert!(error["message"].as_str().unwrap().contains(&holder.pid().to_string()));
    run(root, &["skills", "tags", "contended", "x"]).failed_with("skill_locked");
    run(root, &["skills", "delete", "contended"]).failed_with("skill_locked");
    run(root, &["locks", "release", "contended"]).failed_with("skill_locked");
    let listed = run(root, &["locks", "list"]);
    assert_eq!(listed.ok()[0]["pid"], holder.pid());
    assert_eq!(listed.ok()[0]["mine"], false);

    holder.sigkill();
    let after = run(root, &["locks", "check", "contended"]);
    assert_eq!(after.ok()["state"], "free", "a SIGKILLed holder's lock is reclaimed");
    let acquired = run(root, &["locks", "acquire", "contended"]);
    assert_eq!(acquired.ok()["mine"], true);
    assert_eq!(
        scalar(&open_db(&root.join("data")), "SELECT count(*) FROM skill_locks"),
        0,
        "released when that process exited"
    );
    run(root, &["skills", "tags", "contended", "x"]).ok();
}

#[test]
fn a_clean_exit_releases_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    run(root, &["skills", "create", "brief"]).ok();
    let mut holder = hold(root, "brief", &["--for-ms", "300"]);
    let mut last = Value::Null;
    while let Some(line) = holder.next_line() {
        last = serde_json::from_str(&line).unwrap();
    }
    assert!(holder.wait(Duration::from_secs(20)).success());
    assert_eq!(last, serde_json::json!({ "held": 1, "busy": 0 }));
    assert_eq!(scalar(&open_db(&root.join("data")), "SELECT count(*) FROM skill_locks"), 0);
    assert_eq!(run(root, &["locks", "check", "brief"]).ok()["state"], "free");
}

/// A hold interval in microseconds since the epoch.
#[derive(Debug, Clone, Copy)]
struct Interval {
    from: u128,
    to: u128,
}

/// Runs one racer to completion and returns its hold intervals and its summary line.
fn finish_racer(mut racer: Proc) -> (Vec<Interval>, Value) {
    let mut intervals = Vec::new();
    let mut summary = Value::Null;
    while let Some(line) = racer.next_line() {
        let value: Value = serde_json::from_str(&line).unwrap();
        if let (Some(from), Some(to)) = (value["acquiredAtUs"].as_str(), value["releasedAtUs"].as_str()) {
            intervals.push(Interval { from: from.parse().unwrap(), to: to.parse().unwrap() });
        } else if value.get("held").is_some() {
            summary = value;
        }
    }
    assert!(racer.wait(Duration::from_secs(60)).success(), "a racer failed: {summary}");
    (intervals, summary)
}

/// How many times the lock passed from one racer to the other, in time order (1 when one racer
/// finished before the other held it even once).
fn handovers(a: &[Interval], b: &[Interval]) -> usize {
    let mut starts: Vec<(u128, bool)> =
        a.iter().map(|i| (i.from, true)).chain(b.iter().map(|i| (i.from, false))).collect();
    starts.sort();
    starts.windows(2).filter(|pair| pair[0].1 != pair[1].1).count()
}

#[test]
fn two_processes_racing_for_one_lock_never_both_hold_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    run(root, &["skills", "create", "raced"]).ok();
    let args = ["--for-ms", "2", "--times", "100"];
    let first = hold(root, "raced", &args);
    let second = hold(root, "raced", &args);
    let waiter = std::thread::spawn(move || finish_racer(second));
    let (a, a_summary) = finish_racer(first);
    let (b, b_summary) = waiter.join().unwrap();

    assert_eq!(a_summary["held"].as_u64(), Some(a.len() as u64));
    assert_eq!(b_summary["held"].as_u64(), Some(b.len() as u64));
    let switches = handovers(&a, &b);
    assert!(!a.is_empty() && !b.is_empty(), "both racers must make progress: {a_summary} {b_summary}");
    let busy = a_summary["busy"].as_u64().unwrap() + b_summary["busy"].as_u64().unwrap();
    assert!(busy > 0, "the racers never contended ({switches} handovers): {a_summary} {b_summary}");
    assert_eq!(a_summary["held"].as_u64().unwrap() + a_summary["busy"].as_u64().unwrap(), 100);
    for x in &a {
        assert!(x.from <= x.to);
        for y in &b {
            assert!(x.to < y.from || y.to < x.from, "both held the lock at once: {x:?} and {y:?}");
        }
    }
    assert_eq!(scalar(&open_db(&root.join("data")), "SELECT count(*) FROM skill_locks"), 0);
}

#[test]
fn the_cli_writes_the_apps_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    assert!(run(root, &["skills", "create", "logged"]).success);
    let logs: Vec<_> = std::fs::read_dir(root.join("data/logs")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(logs.len(), 1, "one daily file: {logs:?}");
    let name = logs[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(name.starts_with("skill-builder.") && name.ends_with(".log"), "{name}");
    assert!(!std::fs::read_to_string(&logs[0]).unwrap().is_empty(), "the command left lines in the log");
}
