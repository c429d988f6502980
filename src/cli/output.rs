//! How CLI results and errors are printed.

use std::process::ExitCode;

use serde_json::Value;

use crate::protocol::{AppError, CommandError, SkillSummary};

pub fn success(value: &Value, json: bool) -> ExitCode {
    match value {
        Value::Null if !json => {}
        Value::String(text) if !json => println!("{text}"),
        other => match if json { serde_json::to_string(other) } else { serde_json::to_string_pretty(other) } {
            Ok(text) => println!("{text}"),
            Err(err) => eprintln!("could not print the result: {err}"),
        },
    }
    ExitCode::SUCCESS
}

/// Prints the error (a `CommandError` object with `--json`) and returns the exit code.
pub fn failure(err: AppError, json: bool, code: u8) -> ExitCode {
    let wire = CommandError::from(err);
    if json {
        println!("{}", serde_json::to_string(&wire).unwrap_or_else(|_| wire.message.clone()));
    } else {
        eprintln!("{wire}");
    }
    ExitCode::from(code)
}

/// A plain table of skills for people.
pub fn skills_table(skills: &[SkillSummary]) -> String {
    if skills.is_empty() {
        return "No skills yet. Create one with `skill-builder skills create <name>`.".into();
    }
    let width = skills.iter().map(|s| s.name.len()).max().unwrap_or(4).max(4);
    let mut out = format!("{:<width$}  {:<13}  {:<24}  TAGS", "NAME", "SOURCE", "DOMAIN");
    for skill in skills {
        let domain: String = skill.domain.as_deref().unwrap_or("-").chars().take(24).collect();
        out.push_str(&format!(
            "\n{:<width$}  {:<13}  {:<24}  {}",
            skill.name,
            skill.source.as_str(),
            domain,
            skill.tags.join(", ")
        ));
    }
    out
}
