//! The skills-folder benchmarks behind `make bench` (`cargo bench --no-default-features --bench git`).
//!
//! stdout carries only `name: value unit` lines, one per figure; progress, each figure's goal and
//! whether it was met go to stderr. Library rows are created through `create_skill`; the files a
//! finished workflow leaves (research plan, clarifications, refinements, decisions, SKILL.md, a
//! reference, evals; about 11 KB per skill) are written straight to disk, as the agents would;
//! a forced reconciliation then marks the workflows completed, as it does for any folder whose
//! files are ahead of the database. The backend is restarted on the same files before timing.
//! Data lives in the system temp dir (not under `target/`, which is inside this project's own
//! repository: the skills folder would be nested and git disabled).
//!
//! Figures, with their goals and the reference implementation's figure in brackets:
//! - `reconcile_startup_1000`, `reconcile_startup_10000`: from `Backend::start` to the startup
//!   reconciliation's report (`reconcile_startup` without force), complete skills;
//!   < 60 ms [617 ms] and < 600 ms [6.9 s]. Median of 3 starts.
//! - `auto_commit_one_skill_in_10000`: the commit after editing one skill's SKILL.md in a
//!   repository of 10,000 skills; < 150 ms [2.6 s]. Median of 9.
//! - `history_first_page_1000_commits`: `get_skill_history` (limit 100) for a skill touched by
//!   1,000 commits interleaved with 1,000 commits of other skills, in a 1,000-skill repository;
//!   < 8 ms [24 ms]. Median of 21.
//! - `initial_commit_10000`: opening the 10,000-skill folder without `.git`: init, ignore rules
//!   and the "record existing skills" commit; < 5 s [22 s]. Median of 3.
//! - `initial_commit_10000_peak_memory`: the peak resident memory (`ru_maxrss`) of a child
//!   process (this binary re-executed) that starts a backend on the folder without `.git`, which
//!   makes that commit, and exits; < 300 MB. Its CPU time goes to stderr: unlike the timed
//!   figure it does not grow when other processes share the cores.
//! - `initial_commit_10000_git_dir_size`, `git_cli_commit_10000_git_dir_size`: the bytes of
//!   `.git` after that commit, and after `git init && git add -A && git commit` on the same
//!   folder (the app's `.git` moved aside meanwhile), counted as file lengths (the allocated
//!   size, on stderr, favours packs further: a loose object takes a whole block);
//!   `initial_commit_10000_size_ratio` is the first over the second, < 1.5.
//! - `reconcile_startup_10000_no_cache`: as `reconcile_startup_10000`, with the detection cache
//!   deleted before each start (a first start, or a deleted cache): every folder is read and
//!   judged; < 200 ms [6.9 s; the reference keeps no cache]. Median of 3.
//! - `history_first_page_2000_commits_no_trailers`: `get_skill_history` (limit 100) over 2,000
//!   commits made by the user's own git (no `Skill-Builder-*` trailers, loose objects), half of
//!   them touching the skill, on top of the 1,000-skill repository; every commit is judged by
//!   its trees; < 10 ms [115 ms]. Median of 21.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use skill_builder::actors::git::{CommitOutcome, CommitRequest, GitSettings};
use skill_builder::commands::{git, skills, workspace};
use skill_builder::protocol::{CreateSkillRequest, ReportStatus};
use skill_builder::{Backend, Config};
use support::{Report, machine_context, median, millis};

const SMALL: usize = 1_000;
const LARGE: usize = 10_000;
const STARTS: usize = 3;
const INITIAL_COMMITS: usize = 3;
const COMMIT_SAMPLES: usize = 9;
const HISTORY_TOUCHES: usize = 1_000;
const HISTORY_SAMPLES: usize = 21;

/// Set in the child process that only makes the initial commit (to the folder's parent).
const CHILD_VAR: &str = "SB_GIT_BENCH_INITIAL_CHILD";
const CHILD_PEAK: &str = "peak_kib: ";

fn main() -> Result<()> {
    if let Ok(root) = std::env::var(CHILD_VAR) {
        return initial_commit_child(Path::new(&root));
    }
    // `SB_BENCH_TRACE=skill_builder=debug` prints the phases of each figure to stderr.
    if let Ok(filter) = std::env::var("SB_BENCH_TRACE") {
        tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).init();
    }
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("tokio runtime")?;
    let scratch = tempfile::Builder::new().prefix("skill-builder-git-bench-").tempdir()?;
    eprintln!("git bench: data under {}", scratch.path().display());
    let mut report = Report::default();
    machine_context("before")?;
    // `SB_GIT_BENCH_ONLY=initial` stops after the initial-commit figure (for profiling);
    // `=cold` measures only the cold-cache figures (reconciliation without cache, history
    // without trailers).
    let only = std::env::var("SB_GIT_BENCH_ONLY").unwrap_or_default();
    let only_initial = only == "initial";
    let only_cold = only == "cold";
    runtime.block_on(async {
        let large = scratch.path().join("large");
        seed_library(&large, LARGE).await?;
        initial_commit(&mut report, &large).await?;
        initial_commit_memory(&mut report, &large)?;
        initial_commit_size(&mut report, &large)?;
        if only_initial {
            return Ok(());
        }
        settle(&large).await?;
        if !only_cold {
            startup_reconcile(&mut report, "reconcile_startup_10000", &large, 600.0, 6_900.0).await?;
        }
        cold_reconcile(&mut report, &large).await?;
        if !only_cold {
            auto_commit(&mut report, &large).await?;
        }
        let small = scratch.path().join("small");
        seed_library(&small, SMALL).await?;
        settle(&small).await?;
        if !only_cold {
            startup_reconcile(&mut report, "reconcile_startup_1000", &small, 60.0, 617.0).await?;
            history(&mut report, &small).await?;
        }
        history_without_trailers(&mut report, &small).await
    })?;
    machine_context("after")?;
    report.finish("git", started);
    Ok(())
}

fn skill_name(i: usize) -> String {
    format!("skill-{i:05}")
}

fn config(root: &Path) -> Config {
    Config::for_test(root)
}

// ---------------------------------------------------------------------------------------------
// Seeding

/// The files a finished workflow leaves in a skill folder.
fn write_complete(dir: &Path, name: &str, i: usize) -> Result<()> {
    let questions: Vec<String> = (1..=12)
        .map(|q| {
            format!(
                r#"{{"id":"Q{q}","title":"Question {q} about {name}","priority":"required","text":"How does {name} handle case {q} of area {}?","choices":[{{"key":"A","text":"The first way"}},{{"key":"B","text":"The second way"}}],"answer":{{"text":"The first way, because of rule {q}","choice":"A","source":"user","updated_at":null}}}}"#,
                i % 97
            )
        })
        .collect();
    let files = [
        (
            "context/research-plan.md",
            format!(
                "---\nschema: skill-builder/research-plan\nversion: 1\nskill_type: domain\ndomain: Area {}\ntopic_relevance: relevant\n---\n## Dimension scores\n\n| dimension | score |\n|---|---|\n| metrics | 5 |\n| entities | 4 |\n\n## Selected dimensions\n\n- metrics for {name}\n",
                i % 37
            ),
        ),
        (
            "context/clarifications.json",
            format!(
                r#"{{"schema":"skill-builder/clarifications","version":1,"skill":"{name}","revision":3,"scope":{{"recommendation":"ok"}},"sections":[{{"title":"Metrics","questions":[{}]}}]}}"#,
                questions.join(",")
            ),
        ),
        (
            "context/refinements.json",
            format!(
                r#"{{"schema":"skill-builder/refinements","version":1,"none_needed_reason":null,"refinements":[{{"parent":"Q1","id":"R1.1","title":"Window for {name}","rationale":"Needed","choices":[]}}]}}"#
            ),
        ),
        (
            "context/decisions.json",
            format!(
                r#"{{"schema":"skill-builder/decisions","version":1,"round":1,"decisions":[{}]}}"#,
                (1..=8)
                    .map(|d| format!(
                        r#"{{"id":"D{d}","title":"Decision {d}","sources":["Q{d}"],"decision":"Use rule {d} for {name}","implication":"Reports follow rule {d}","status":"resolved"}}"#
                    ))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ),
        (
            "SKILL.md",
            format!(
                "---\nname: {name}\ndescription: Answers questions about area {} for {name}\n---\n# {name}\n\n{}",
                i % 37,
                "Use the decisions below when you answer.\n".repeat(30)
            ),
        ),
        ("references/guide.md", format!("# Guide for {name}\n\n{}", "A line of guidance.\n".repeat(50))),
        ("evals/evals.json", format!(r#"{{"cases":[{{"prompt":"What is {name}?"}},{{"prompt":"Explain rule 1"}},{{"prompt":"Explain rule 2"}}]}}"#)),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().context("parent")?)?;
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// Creates `count` skills through `create_skill`, then writes their finished files.
async fn seed_library(root: &Path, count: usize) -> Result<()> {
    let t = Instant::now();
    let backend = Backend::start(config(root)).await?;
    for i in 0..count {
        let request = CreateSkillRequest {
            name: skill_name(i),
            domain: Some(format!("Area {}", i % 37)),
            tags: Some(vec![format!("team-{}", i % 7)]),
            ..CreateSkillRequest::default()
        };
        skills::create_skill(&backend, request).await?;
    }
    let skills_dir = root.join("skills");
    for i in 0..count {
        let name = skill_name(i);
        write_complete(&skills_dir.join(&name), &name, i)?;
    }
    backend.shutdown().await?;
    eprintln!("  seeded {count} complete skills in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// One forced reconciliation marks every workflow completed and records the files in git; the
/// timed starts then find a settled library, as a user's next start would.
async fn settle(root: &Path) -> Result<()> {
    let t = Instant::now();
    let backend = Backend::start(config(root)).await?;
    let report = workspace::reconcile_startup(&backend, true).await?;
    let status = backend.git().status().await?;
    backend.shutdown().await?;
    eprintln!(
        "  settled: {} workflows advanced, git {:?}, in {:.1} s",
        report.auto_fixed,
        status.state,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Figures

async fn initial_commit(report: &mut Report, root: &Path) -> Result<()> {
    let skills_dir = root.join("skills");
    let backend = Backend::start(config(root)).await?;
    let mut samples = Vec::with_capacity(INITIAL_COMMITS);
    for _ in 0..INITIAL_COMMITS {
        std::fs::remove_dir_all(skills_dir.join(".git"))?;
        let t = Instant::now();
        let status = backend.git().reopen(Some(skills_dir.clone()), GitSettings::default()).await?;
        samples.push(t.elapsed().as_secs_f64());
        if status.path.is_none() || status.reason.is_some() {
            bail!("git did not open the library: {status:?}");
        }
    }
    let repo = git2::Repository::open(&skills_dir)?;
    let head = repo.head()?.peel_to_commit()?;
    if head.summary()? != Some("record existing skills") || head.tree()?.len() != LARGE + 1 {
        bail!("unexpected initial commit {:?} with {} entries", head.summary()?, head.tree()?.len());
    }
    backend.shutdown().await?;
    report.figure("initial_commit_10000", median(samples), "s", Some(5.0), Some(22.0));
    Ok(())
}

/// Child mode: start a backend on `root`, whose skills folder has no `.git` (the commit happens
/// during the start), and print the process's peak resident memory.
fn initial_commit_child(root: &Path) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("tokio runtime")?;
    runtime.block_on(async {
        let backend = Backend::start(config(root)).await?;
        let status = backend.git().status().await?;
        if status.reason.is_some() {
            bail!("git did not open the library: {status:?}");
        }
        backend.shutdown().await?;
        Ok(())
    })?;
    let (peak, cpu) = peak_rss_kib()?;
    println!("{CHILD_PEAK}{peak} {cpu}");
    Ok(())
}

/// `ru_maxrss` of this process, in KiB (Linux reports KiB, macOS bytes), and its CPU seconds.
fn peak_rss_kib() -> Result<(u64, f64)> {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            bail!("getrusage failed");
        }
        usage
    };
    let max = u64::try_from(usage.ru_maxrss)?;
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    Ok((if cfg!(target_os = "macos") { max / 1024 } else { max }, cpu))
}

fn initial_commit_memory(report: &mut Report, root: &Path) -> Result<()> {
    std::fs::remove_dir_all(root.join("skills/.git"))?;
    let output = Command::new(std::env::current_exe()?).env(CHILD_VAR, root).output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("the commit child failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let line = stdout.lines().find_map(|l| l.strip_prefix(CHILD_PEAK)).context("the child printed no peak")?;
    let (kib, cpu) = line.trim().split_once(' ').context("peak and CPU time")?;
    let kib: f64 = kib.parse()?;
    report.figure("initial_commit_10000_peak_memory", kib / 1024.0, "MB", Some(300.0), None);
    // CPU time does not depend on how busy the machine is, unlike the timed figure.
    let cpu: f64 = cpu.parse()?;
    eprintln!("  initial commit child: {cpu:.2} s of CPU (user + system), backend start included");
    Ok(())
}

/// (file lengths, allocated bytes) of everything below `dir`.
fn dir_size(dir: &Path) -> Result<(u64, u64)> {
    let mut apparent = 0;
    let mut allocated = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                use std::os::unix::fs::MetadataExt;
                apparent += meta.len();
                allocated += meta.blocks() * 512;
            }
        }
    }
    Ok((apparent, allocated))
}

/// The git command-line tool in `dir`, without the user's configuration.
fn git_cli(dir: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Bench", "-c", "user.email=bench@localhost"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .context("the git command-line tool")?;
    if !status.success() {
        bail!("git {args:?} failed");
    }
    Ok(())
}

fn initial_commit_size(report: &mut Report, root: &Path) -> Result<()> {
    let skills = root.join("skills");
    let ours = dir_size(&skills.join(".git"))?;
    let aside = root.join("git-of-the-app");
    std::fs::rename(skills.join(".git"), &aside)?;
    let t = Instant::now();
    let theirs = git_cli(&skills, &["init", "-q", "-b", "main"])
        .and_then(|()| git_cli(&skills, &["add", "-A"]))
        .and_then(|()| git_cli(&skills, &["commit", "-q", "-m", "record existing skills"]))
        .and_then(|()| dir_size(&skills.join(".git")));
    let cli_secs = t.elapsed().as_secs_f64();
    std::fs::remove_dir_all(skills.join(".git"))?;
    std::fs::rename(&aside, skills.join(".git"))?;
    let theirs = theirs?;
    let mb = |bytes: u64| bytes as f64 / 1e6;
    eprintln!(
        "  .git allocated on disk: the app {:.1} MB, git add -A && git commit {:.1} MB (which took {cli_secs:.1} s)",
        mb(ours.1),
        mb(theirs.1)
    );
    report.figure("initial_commit_10000_git_dir_size", mb(ours.0), "MB", None, None);
    report.figure("git_cli_commit_10000_git_dir_size", mb(theirs.0), "MB", None, None);
    report.figure("initial_commit_10000_size_ratio", ours.0 as f64 / theirs.0 as f64, "x", Some(1.5), None);
    Ok(())
}

async fn startup_reconcile(report: &mut Report, name: &str, root: &Path, goal: f64, reference: f64) -> Result<()> {
    let mut samples = Vec::with_capacity(STARTS);
    for _ in 0..STARTS {
        let t = Instant::now();
        let backend = Backend::start(config(root).with_startup_reconciliation(true)).await?;
        let result = workspace::reconcile_startup(&backend, false).await?;
        samples.push(millis(t.elapsed()));
        if result.status != ReportStatus::Completed || !result.orphans.is_empty() || result.auto_fixed != 0 {
            bail!("{name}: unexpected report {:?}", (result.status, result.orphans.len(), result.auto_fixed));
        }
        backend.shutdown().await?;
    }
    report.figure(name, median(samples), "ms", Some(goal), Some(reference));
    Ok(())
}

async fn auto_commit(report: &mut Report, root: &Path) -> Result<()> {
    let backend = Backend::start(config(root)).await?;
    let mut samples = Vec::with_capacity(COMMIT_SAMPLES);
    for k in 0..COMMIT_SAMPLES {
        let name = skill_name(k * 1_000 + 7);
        let path = root.join("skills").join(&name).join("SKILL.md");
        let text = std::fs::read_to_string(&path)?;
        std::fs::write(&path, format!("{text}\nEdited in sample {k}.\n"))?;
        let req = CommitRequest::auto(std::slice::from_ref(&name), format!("{name}: metadata updated"), "metadata");
        let t = Instant::now();
        let outcome = backend.git().commit(req).await?;
        samples.push(millis(t.elapsed()));
        if !matches!(outcome, CommitOutcome::Committed { .. }) {
            bail!("no commit for {name}: {outcome:?}");
        }
    }
    backend.shutdown().await?;
    report.figure("auto_commit_one_skill_in_10000", median(samples), "ms", Some(150.0), Some(2_600.0));
    Ok(())
}

async fn history(report: &mut Report, root: &Path) -> Result<()> {
    let t = Instant::now();
    let backend = Backend::start(config(root)).await?;
    let target = skill_name(500);
    let skills_dir = root.join("skills");
    for i in 0..HISTORY_TOUCHES {
        let other = skill_name(if i % SMALL == 500 { 501 } else { i % SMALL });
        for name in [target.clone(), other] {
            let path: PathBuf = skills_dir.join(&name).join("references/guide.md");
            std::fs::write(&path, format!("# Guide for {name}\n\nRevision {i}.\n"))?;
            let req =
                CommitRequest::auto(std::slice::from_ref(&name), format!("{name}: references updated"), "metadata");
            backend.git().commit(req).await?;
        }
    }
    backend.shutdown().await?;
    eprintln!("  committed {} edits in {:.1} s", 2 * HISTORY_TOUCHES, t.elapsed().as_secs_f64());
    let backend = Backend::start(config(root)).await?;
    let mut samples = Vec::with_capacity(HISTORY_SAMPLES);
    for _ in 0..=HISTORY_SAMPLES {
        let t = Instant::now();
        let page = git::get_skill_history(&backend, &target, Some(100), None).await?;
        samples.push(millis(t.elapsed()));
        if page.len() != 100 {
            bail!("expected a full page, got {}", page.len());
        }
    }
    samples.remove(0);
    backend.shutdown().await?;
    report.figure("history_first_page_1000_commits", median(samples), "ms", Some(8.0), Some(24.0));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Cold caches: the paths that no cache of ours answers.

/// `reconcile_startup_10000_no_cache`: the startup pass with the detection cache deleted.
async fn cold_reconcile(report: &mut Report, root: &Path) -> Result<()> {
    let cache = config(root).data_dir.join("cache").join("reconcile.json");
    let mut samples = Vec::with_capacity(STARTS);
    for _ in 0..STARTS {
        match std::fs::remove_file(&cache) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err.into()),
            _ => {}
        }
        let t = Instant::now();
        let backend = Backend::start(config(root).with_startup_reconciliation(true)).await?;
        let result = workspace::reconcile_startup(&backend, false).await?;
        samples.push(millis(t.elapsed()));
        if result.status != ReportStatus::Completed || !result.orphans.is_empty() || result.auto_fixed != 0 {
            bail!("no-cache reconciliation: unexpected report {:?}", (result.status, result.orphans.len()));
        }
        backend.shutdown().await?;
        if !cache.exists() {
            bail!("the pass did not write its detection cache");
        }
    }
    report.figure("reconcile_startup_10000_no_cache", median(samples), "ms", Some(200.0), Some(6_900.0));
    Ok(())
}

/// `history_first_page_2000_commits_no_trailers`: the user's own commits, written as their git
/// would (a new blob, subtree and root tree per commit, loose objects, plain messages), alternating
/// between the target skill and the others.
async fn history_without_trailers(report: &mut Report, root: &Path) -> Result<()> {
    const USER_COMMITS: usize = 2 * HISTORY_TOUCHES;
    let t = Instant::now();
    let target = skill_name(250);
    let repo = git2::Repository::open(root.join("skills"))?;
    let mut parent = repo.head()?.peel_to_commit()?;
    let start = parent.time().seconds();
    for i in 0..USER_COMMITS {
        let name = if i % 2 == 0 { target.clone() } else { skill_name((i * 7) % SMALL) };
        let name = if name == target && i % 2 == 1 { skill_name(251) } else { name };
        let blob = repo.blob(format!("# Guide for {name}\n\nMy own revision {i}.\n").as_bytes())?;
        let root_tree = parent.tree()?;
        let skill_tree = repo.find_tree(root_tree.get_name(&name).context("skill folder")?.id())?;
        let refs = repo.find_tree(skill_tree.get_name("references").context("references")?.id())?;
        let mut refs = repo.treebuilder(Some(&refs))?;
        refs.insert("guide.md", blob, 0o100644)?;
        let refs = refs.write()?;
        let mut skill = repo.treebuilder(Some(&skill_tree))?;
        skill.insert("references", refs, 0o040000)?;
        let skill = skill.write()?;
        let mut top = repo.treebuilder(Some(&root_tree))?;
        top.insert(&name, skill, 0o040000)?;
        let tree = repo.find_tree(top.write()?)?;
        let when = git2::Time::new(start + 1 + i as i64, 0);
        let me = git2::Signature::new("A User", "user@example.com", &when)?;
        let oid = repo.commit(Some("HEAD"), &me, &me, &format!("Edit the guide of {name}"), &tree, &[&parent])?;
        parent = repo.find_commit(oid)?;
    }
    drop(parent);
    drop(repo);
    eprintln!("  committed {USER_COMMITS} user edits in {:.1} s", t.elapsed().as_secs_f64());
    let backend = Backend::start(config(root)).await?;
    let mut samples = Vec::with_capacity(HISTORY_SAMPLES);
    for _ in 0..=HISTORY_SAMPLES {
        let t = Instant::now();
        let page = git::get_skill_history(&backend, &target, Some(100), None).await?;
        samples.push(millis(t.elapsed()));
        if page.len() != 100 || page.iter().any(|c| c.event.is_some() || !c.summary.ends_with(target.as_str())) {
            bail!("expected a full page of the user's commits, got {}", page.len());
        }
    }
    samples.remove(0);
    backend.shutdown().await?;
    report.figure("history_first_page_2000_commits_no_trailers", median(samples), "ms", Some(10.0), Some(115.0));
    Ok(())
}
