//! The one `skill-builder` binary: a subcommand runs headless; no subcommand opens the window
//! (desktop builds) or prints help.

use std::process::ExitCode;

use clap::Parser;
use skill_builder::cli::{self, Cli};

fn main() -> ExitCode {
    let parsed = match Cli::try_parse() {
        Ok(parsed) => parsed,
        Err(err) => return cli::argument_error(err),
    };
    match parsed.command {
        Some(_) => run_headless(parsed),
        None => open_window(parsed),
    }
}

fn run_headless(mut parsed: Cli) -> ExitCode {
    let Some(command) = parsed.command.take() else { return ExitCode::FAILURE };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("could not start the async runtime: {err}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(cli::run(parsed, command))
}

#[cfg(feature = "desktop")]
fn open_window(parsed: Cli) -> ExitCode {
    skill_builder::desktop::run(parsed.data_dir, parsed.skills_path)
}

#[cfg(not(feature = "desktop"))]
fn open_window(_parsed: Cli) -> ExitCode {
    use clap::CommandFactory;
    match Cli::command().print_help() {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
