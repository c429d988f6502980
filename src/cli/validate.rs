//! `skill-builder skill validate DIR… [--profile P] [--json]`: validates each folder (rules and
//! security gate) without starting a backend. Prints one report per folder (a JSON array with
//! `--json`) and exits 1 when any finding is an error, or a folder cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::args::ProfileArg;
use super::output;
use crate::commands::validation;
use crate::protocol::validation::{Finding, Profile, Severity, ValidationReport};

/// One folder's result in `--json` output.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FolderReport {
    dir: String,
    #[serde(flatten)]
    report: ValidationReport,
}

fn profile(arg: ProfileArg) -> Profile {
    match arg {
        ProfileArg::Library => Profile::Library,
        ProfileArg::Spec => Profile::Spec,
        ProfileArg::ClaudeAi => Profile::ClaudeAi,
        ProfileArg::ClaudeCode => Profile::ClaudeCode,
        ProfileArg::Codex => Profile::Codex,
        ProfileArg::Plugin => Profile::Plugin,
    }
}

pub async fn run(dirs: Vec<PathBuf>, arg: ProfileArg, json: bool) -> ExitCode {
    let profile = profile(arg);
    let mut reports = Vec::new();
    for dir in dirs {
        match validation::validate_skill_dir(dir.clone(), profile).await {
            Ok(report) => reports.push(FolderReport { dir: dir.display().to_string(), report }),
            Err(err) => return output::failure(err, json, 1),
        }
    }
    let failed = reports.iter().any(|r| r.report.has_errors());
    if json {
        match serde_json::to_string(&reports) {
            Ok(text) => println!("{text}"),
            Err(err) => eprintln!("could not print the result: {err}"),
        }
    } else {
        for folder in &reports {
            println!("{}", human(folder));
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn human(folder: &FolderReport) -> String {
    let findings = &folder.report.findings;
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let mut out = format!(
        "{}: {} errors, {} warnings, {} notes",
        folder.dir,
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    for finding in findings {
        out.push_str(&format!("\n  {}", line(finding)));
    }
    out
}

fn line(f: &Finding) -> String {
    let severity = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let place = match (&f.path, f.line, f.col) {
        (Some(path), Some(line), Some(col)) => format!("{path}:{line}:{col}: "),
        (Some(path), Some(line), None) => format!("{path}:{line}: "),
        (Some(path), None, _) => format!("{path}: "),
        _ => String::new(),
    };
    format!("{severity} {} {place}{}", f.rule, f.message)
}
