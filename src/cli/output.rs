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

/// A clap error as `invalid_input`: `field` is the argument clap names (or `arguments`), the
/// reason clap's first paragraph without its `error: ` prefix or usage lines.
pub fn argument_app_error(err: &clap::Error) -> AppError {
    use clap::error::{ContextKind, ContextValue};
    let field = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => arg.clone(),
        Some(ContextValue::Strings(args)) => args.join(", "),
        _ => "arguments".to_string(),
    };
    let rendered = err.render().to_string();
    let reason: Vec<&str> = rendered.lines().take_while(|line| !line.trim().is_empty()).map(str::trim).collect();
    let reason = reason.join(" ");
    AppError::InvalidInput { field, reason: reason.strip_prefix("error: ").unwrap_or(&reason).to_string() }
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
