//! The skill-format benchmarks behind `make bench` (`cargo bench --no-default-features --bench
//! skill_format`): validation, import and export (skill-format §2, §3.1, §3.2).
//!
//! stdout carries only `name: value unit` lines, one per figure; progress, each figure's goal and
//! whether it was met go to stderr. Data lives in the system temp dir.
//!
//! Figures, with their goals:
//! - `validate_1000_skills`: `validate_skill_dir` (what `skill-builder skill validate DIR…` runs
//!   for each folder: the rule catalogue for the library profile and the security gate) over
//!   1,000 folders, one after the other as the CLI does. The folders are the real skills of
//!   `tests/fixtures/skills` (anthropics/skills) copied round-robin, 125 copies of each of the 8,
//!   each under its own name (about 71 MB in all, scripts, HTML templates and references
//!   included); the files are in the page cache. The scan cache is process-wide, so copies
//!   after the first of each skill hit it, as they would in one CLI run. < 100 ms. Median of 3.
//! - `import_10mb_zip`: `upload_skill` of a 10 MB `.zip` (a SKILL.md, 40 text references of
//!   about 50 KB deflated, 8 binary assets of 1 MB stored) into Settings → Skills, replacing
//!   the previous copy; staging, limits, inspection, security gate, atomic rename and row.
//!   < 150 ms. Median of 7.
//! - `export_10mb_skill`: `export_skill` of the same files as a library skill, `claude-code`
//!   profile, `.zip` container: validation, security gate, deterministic archive, hash.
//!   < 100 ms. Median of 7.

mod support;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use skill_builder::commands::{imports, skills, validation};
use skill_builder::export::export_skill;
use skill_builder::protocol::validation::Profile;
use skill_builder::protocol::{ConflictChoice, CreateSkillRequest, ExportContainer, ExportOptions, UploadOptions};
use skill_builder::{Backend, Config};
use support::{Report, machine_context, median, millis};

const SKILLS: usize = 1_000;
const VALIDATE_RUNS: usize = 3;
const SAMPLES: usize = 7;
const NAME: &str = "big-skill";

fn main() -> Result<()> {
    if let Ok(filter) = std::env::var("SB_BENCH_TRACE") {
        tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).init();
    }
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("tokio runtime")?;
    let scratch = tempfile::Builder::new().prefix("skill-builder-format-bench-").tempdir()?;
    eprintln!("skill_format bench: data under {}", scratch.path().display());
    let mut report = Report::default();
    machine_context("before")?;
    let only = std::env::var("SB_FORMAT_BENCH_ONLY").unwrap_or_default();
    if only.is_empty() || only == "validate" {
        let dirs = copy_fixtures(&scratch.path().join("validate"))?;
        let mut samples = Vec::new();
        for _ in 0..VALIDATE_RUNS {
            let t = Instant::now();
            runtime.block_on(async {
                for dir in &dirs {
                    validation::validate_skill_dir(dir.clone(), Profile::Library).await?;
                }
                anyhow::Ok(())
            })?;
            samples.push(millis(t.elapsed()));
        }
        eprintln!("  validate runs: {samples:.1?} ms");
        report.figure("validate_1000_skills", median(samples), "ms", Some(100.0), None);
        breakdown(&dirs)?;
    }
    if only.is_empty() || only == "import" {
        runtime.block_on(import_and_export(scratch.path(), &mut report))?;
    }
    machine_context("after")?;
    report.finish("skill_format", started);
    Ok(())
}

/// Where validation's time goes, on stderr: the rules alone, the security gate alone.
fn breakdown(dirs: &[PathBuf]) -> Result<()> {
    let t = Instant::now();
    for dir in dirs {
        skill_builder::skill::validate::validate_dir(dir, Profile::Library)?;
    }
    let rules = millis(t.elapsed());
    let t = Instant::now();
    for dir in dirs {
        skill_builder::skill::security::scan_dir(dir)?;
    }
    eprintln!("  of which: rules {rules:.1} ms, security gate {:.1} ms", millis(t.elapsed()));
    Ok(())
}

/// 1,000 folders `<i>/<fixture>` copied round-robin from `tests/fixtures/skills`.
fn copy_fixtures(root: &Path) -> Result<Vec<PathBuf>> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/skills");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("SKILL.md").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut dirs = Vec::with_capacity(SKILLS);
    let mut bytes = 0u64;
    for i in 0..SKILLS {
        let name = &names[i % names.len()];
        let dest = root.join(format!("{i:04}")).join(name);
        bytes += copy_tree(&fixtures.join(name), &dest)?;
        dirs.push(dest);
    }
    eprintln!("  copied {} fixtures into {SKILLS} folders, {:.1} MB", names.len(), bytes as f64 / 1e6);
    Ok(dirs)
}

fn copy_tree(from: &Path, to: &Path) -> Result<u64> {
    std::fs::create_dir_all(to)?;
    let mut bytes = 0;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            bytes += copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        } else if kind.is_file() {
            bytes += std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(bytes)
}

/// The files of the 10 MB skill: text references and incompressible assets.
fn big_skill_files() -> Vec<(String, Vec<u8>, bool)> {
    let skill_md = format!(
        "---\nname: {NAME}\ndescription: Reconciles large ledgers. Use when matching statements against invoices.\n---\n# Big skill\n\nSee [the first reference](references/ref-00.md).\n"
    );
    let mut files = vec![("SKILL.md".to_string(), skill_md.into_bytes(), true)];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for r in 0..40 {
        let mut text = format!("# Reference {r}\n\n");
        let mut line = 0;
        while text.len() < 150_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            text.push_str(&format!(
                "- Rule {r}.{line}: match field {} against column {} within {} days.\n",
                seed >> 40,
                (seed >> 20) & 0xfff,
                seed & 0x3f
            ));
            line += 1;
        }
        files.push((format!("references/ref-{r:02}.md"), text.into_bytes(), true));
    }
    for a in 0..8 {
        let mut bytes = Vec::with_capacity(1 << 20);
        while bytes.len() < 1 << 20 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            bytes.extend_from_slice(&seed.to_le_bytes());
        }
        files.push((format!("assets/blob-{a}.bin"), bytes, false));
    }
    files
}

fn write_zip(path: &Path, files: &[(String, Vec<u8>, bool)]) -> Result<u64> {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path)?);
    for (name, bytes, deflate) in files {
        let method = if *deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(format!("{NAME}/{name}"), options)?;
        zip.write_all(bytes)?;
    }
    zip.finish()?;
    Ok(std::fs::metadata(path)?.len())
}

async fn import_and_export(root: &Path, report: &mut Report) -> Result<()> {
    let files = big_skill_files();
    let zip_path = root.join(format!("{NAME}.zip"));
    let size = write_zip(&zip_path, &files)?;
    eprintln!("  {NAME}.zip: {:.1} MB, {} files", size as f64 / 1e6, files.len());
    let backend = Backend::start(Config::for_test(&root.join("app"))).await?;
    let mut samples = Vec::new();
    for _ in 0..SAMPLES {
        let options = UploadOptions { on_conflict: Some(ConflictChoice::Replace), ..UploadOptions::default() };
        let t = Instant::now();
        imports::upload_skill(&backend, zip_path.clone(), options).await?;
        samples.push(millis(t.elapsed()));
    }
    eprintln!("  import samples: {samples:.1?} ms");
    report.figure("import_10mb_zip", median(samples), "ms", Some(150.0), None);

    skills::create_skill(&backend, CreateSkillRequest { name: NAME.into(), ..CreateSkillRequest::default() }).await?;
    let dir = backend.skills_path().await?.join(NAME);
    for (name, bytes, _) in &files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().context("parent")?)?;
        std::fs::write(path, bytes)?;
    }
    let out = root.join("exports");
    std::fs::create_dir_all(&out)?;
    let mut samples = Vec::new();
    for i in 0..SAMPLES {
        let options =
            ExportOptions { profile: Profile::ClaudeCode, container: ExportContainer::Zip, ..ExportOptions::default() };
        let t = Instant::now();
        let result = export_skill(&backend, NAME, Some(out.join(format!("{i}.zip"))), options).await?;
        samples.push(millis(t.elapsed()));
        if i == 0 {
            eprintln!("  export: {:.1} MB archive", result.size_bytes as f64 / 1e6);
        }
    }
    eprintln!("  export samples: {samples:.1?} ms");
    report.figure("export_10mb_skill", median(samples), "ms", Some(100.0), None);
    backend.shutdown().await?;
    Ok(())
}
