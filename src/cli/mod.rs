//! The headless command line over `src/commands`: same functions as the UI, human output by
//! default, `--json` for machines, a non-zero exit with the error code on failure.

mod args;
mod follow;
mod imports;
mod output;
mod refine_test;
mod secret_input;
mod share;
mod validate;
mod workflow;

use std::io::Read as _;
use std::process::ExitCode;
use std::sync::Arc;

pub use args::Cli;
use args::*;
use serde_json::{Value, json};

use crate::commands::{agent, files, git, locks, node, settings, skills, suggest, usage, workspace};
use crate::events::{EventSink, JsonLinesSink, NullSink};
use crate::protocol::dto::strict::{SETTINGS_READ_ONLY, SKILL_READ_ONLY, parse_patch};
use crate::protocol::*;
use crate::secrets::SecretKey;
use crate::{Backend, Config, config};

/// Reports a command line clap refused: with `--json` anywhere before `--`, as a `CommandError`
/// object (`invalid_input`) on stdout, so scripts parse every failure the same way; help,
/// version and everything else as clap prints it.
pub fn argument_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let json = std::env::args().skip(1).take_while(|a| a != "--").any(|a| a == "--json");
    let informational = matches!(err.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
        || err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
    if !json || informational {
        err.exit();
    }
    output::failure(output::argument_app_error(&err), true, 2)
}

/// Runs one CLI command to completion: starts the backend, runs, shuts down cleanly.
pub async fn run(cli: Cli, command: Group) -> ExitCode {
    let json = cli.json;
    // Validation reads only the folders it is given: no backend, no data dir.
    let command = match command {
        Group::Skill(share::SkillCmd::Validate { dirs, profile }) => return validate::run(dirs, profile, json).await,
        other => other,
    };
    let follow = match &command {
        Group::Refine(cmd) => cmd.follows(),
        Group::Test(cmd) => cmd.follows(),
        _ => false,
    };
    let result = start(&cli, follow).await;
    let backend = match result {
        Ok(backend) => backend,
        Err(err) => return output::failure(err, json, 2),
    };
    let outcome = dispatch(&backend, command, json).await;
    if let Err(err) = backend.shutdown().await {
        tracing::warn!(%err, "shutdown was not clean");
    }
    match outcome {
        Ok(value) => output::success(&value, json),
        Err(err) => output::failure(err, json, 1),
    }
}

async fn start(cli: &Cli, follow: bool) -> Result<Backend, AppError> {
    let data_dir = match &cli.data_dir {
        Some(dir) => dir.clone(),
        None => config::default_data_dir()?,
    };
    // The same daily log file as the window's, so one log tells what both did.
    let log_control = match crate::telemetry::init(&data_dir.join("logs"), None) {
        Ok(control) => Some(Arc::new(control)),
        Err(err) => {
            eprintln!("logging is unavailable: {err}");
            None
        }
    };
    let events: Arc<dyn EventSink> = match (cli.json, follow) {
        (true, _) => Arc::new(JsonLinesSink),
        (false, true) => Arc::new(follow::FollowSink::default()),
        (false, false) => Arc::new(NullSink),
    };
    // Only `workspace reconcile` reconciles from the command line; other commands change nothing else.
    let mut config = Config::new(data_dir).with_events(events).with_startup_reconciliation(false);
    if let Some(path) = &cli.skills_path {
        config = config.with_skills_path(path);
    }
    let backend = Backend::start(config).await?;
    if let Some(control) = log_control {
        backend.attach_log_control(control);
    }
    Ok(backend)
}

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, AppError> {
    Ok(serde_json::to_value(value)?)
}

fn stdin_text() -> Result<String, AppError> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).map_err(|e| AppError::io("stdin", e))?;
    Ok(text)
}

fn secret_key(name: SecretArg) -> SecretKey {
    match name {
        SecretArg::AnthropicApiKey => SecretKey::AnthropicApiKey,
    }
}

/// An API key to check instead of the stored one, read from stdin when asked for.
fn stdin_key(from_stdin: bool) -> Result<Option<String>, AppError> {
    Ok(if from_stdin { Some(secret_input::read_secret("anthropicApiKey")?.expose().clone()) } else { None })
}

fn file_ref(root: RootArg, path: String) -> FileRef {
    let root = match root {
        RootArg::Skills => FileRoot::Skills,
        RootArg::Workspace => FileRoot::Workspace,
        RootArg::Temp => FileRoot::Temp,
    };
    FileRef { root, path }
}

fn filter(args: FilterArgs) -> UsageFilter {
    UsageFilter {
        hide_cancelled: args.hide_cancelled,
        include_mock: args.include_mock,
        from: args.from,
        to: args.to,
        skill_name: args.skill,
    }
}

fn enum_arg<T: serde::de::DeserializeOwned>(field: &str, raw: Option<String>) -> Result<Option<T>, AppError> {
    raw.map(|r| serde_json::from_value(Value::String(r)).map_err(|_| AppError::invalid(field, "unknown value")))
        .transpose()
}

async fn dispatch(b: &Backend, command: Group, json: bool) -> Result<Value, AppError> {
    match command {
        Group::Imported(cmd) => imports::imported(b, cmd).await,
        Group::Github(cmd) => imports::github(b, cmd).await,
        Group::Marketplace(cmd) => imports::marketplace(b, cmd).await,
        Group::Settings(cmd) => match cmd {
            SettingsCmd::Get => to_json(settings::get_settings(b).await?),
            SettingsCmd::Save { patch } => {
                let patch: SettingsPatch = parse_patch("patch", &patch, SETTINGS_READ_ONLY)?;
                if patch.anthropic_api_key.is_some() {
                    return Err(AppError::invalid(
                        "anthropicApiKey",
                        "secrets are not taken on the command line; use `settings set-secret anthropic-api-key` \
                         (reads stdin) or `settings clear-secret anthropic-api-key`",
                    ));
                }
                to_json(settings::save_settings(b, patch).await?)
            }
            SettingsCmd::SetSecret { name } => {
                let value = secret_input::read_secret(secret_key(name).field_name())?;
                to_json(settings::set_secret(b, secret_key(name), value).await?)
            }
            SettingsCmd::ClearSecret { name } => to_json(settings::clear_secret(b, secret_key(name)).await?),
            SettingsCmd::TestApiKey { api_key_stdin } => {
                to_json(settings::test_api_key(b, stdin_key(api_key_stdin)?).await?)
            }
            SettingsCmd::ListModels { api_key_stdin } => {
                to_json(settings::list_models(b, stdin_key(api_key_stdin)?).await?)
            }
            SettingsCmd::SetLogLevel { level } => {
                let level = match level {
                    LevelArg::Error => LogLevel::Error,
                    LevelArg::Warn => LogLevel::Warn,
                    LevelArg::Info => LogLevel::Info,
                    LevelArg::Debug => LogLevel::Debug,
                    LevelArg::Trace => LogLevel::Trace,
                };
                to_json(settings::set_log_level(b, level).await?)
            }
            SettingsCmd::LogFilePath => to_json(settings::get_log_file_path(b)),
            SettingsCmd::DefaultSkillsPath => to_json(settings::get_default_skills_path()?),
            SettingsCmd::DataDir => to_json(settings::get_data_dir(b)),
        },
        Group::Skills(cmd) => match cmd {
            SkillsCmd::List { source, status, tag, search, sort } => {
                let filter = SkillFilter {
                    source: enum_arg("source", source)?,
                    status: enum_arg("status", status)?,
                    tag,
                    search,
                    sort: enum_arg("sort", sort)?,
                };
                let list = skills::list_skills(b, Some(filter)).await?;
                if json { to_json(list) } else { Ok(Value::String(output::skills_table(&list))) }
            }
            SkillsCmd::Create { name, domain, skill_type, description, tags } => {
                let req = CreateSkillRequest {
                    name,
                    domain,
                    skill_type,
                    description,
                    tags: Some(tags),
                    ..CreateSkillRequest::default()
                };
                to_json(skills::create_skill(b, req).await?)
            }
            SkillsCmd::Delete { name, keep_files } => to_json(skills::delete_skill(b, &name, !keep_files).await?),
            SkillsCmd::Rename { old, new } => to_json(skills::rename_skill(b, &old, &new).await?),
            SkillsCmd::Tags { name, tags } => to_json(skills::update_skill_tags(b, &name, tags).await?),
            SkillsCmd::Metadata { name, patch } => {
                to_json(skills::update_skill_metadata(b, &name, parse_patch("patch", &patch, SKILL_READ_ONLY)?).await?)
            }
            SkillsCmd::AllTags => to_json(skills::get_all_tags(b).await?),
            SkillsCmd::InstalledNames => to_json(skills::get_installed_skill_names(b).await?),
            SkillsCmd::Suggest { fields, domain, description } => {
                let req = SuggestFieldsRequest { fields, domain, description, ..SuggestFieldsRequest::default() };
                to_json(suggest::suggest_skill_fields(b, req).await?)
            }
        },
        Group::Locks(cmd) => match cmd {
            LocksCmd::Acquire { name, purpose } => to_json(locks::acquire_lock(b, &name, lock_purpose(purpose)).await?),
            LocksCmd::Release { name, force } => to_json(locks::release_lock(b, &name, force).await?),
            LocksCmd::Check { name } => to_json(locks::check_lock(b, &name).await?),
            LocksCmd::List => to_json(locks::get_locked_skills(b).await?),
            LocksCmd::Hold(args) => hold(b, args, json).await,
        },
        Group::Files(cmd) => match cmd {
            FilesCmd::List { skill, root } => {
                let root = file_ref(root, String::new()).root;
                to_json(files::list_skill_files(b, &skill, root).await?)
            }
            FilesCmd::Read { path, root } => {
                let file = files::read_file(b, file_ref(root, path)).await?;
                if json { to_json(file) } else { Ok(Value::String(file.content)) }
            }
            FilesCmd::Write { path, root, expected_sha256 } => {
                to_json(files::write_file(b, file_ref(root, path), stdin_text()?, expected_sha256).await?)
            }
            FilesCmd::Copy { src, dest, root, overwrite } => {
                to_json(files::copy_file(b, file_ref(root, src), file_ref(root, dest), overwrite).await?)
            }
            FilesCmd::ReadBase64 { path, root } => to_json(files::read_file_as_base64(b, file_ref(root, path)).await?),
            FilesCmd::WriteTemp { file_name } => {
                to_json(files::write_base64_to_temp_file(b, &file_name, &stdin_text()?).await?)
            }
            FilesCmd::SaveRaw { skill, file_name } => {
                to_json(files::save_raw_file(b, &skill, &file_name, stdin_text()?).await?)
            }
        },
        Group::Usage(cmd) => match cmd {
            UsageCmd::Summary(f) => to_json(usage::get_usage_summary(b, Some(filter(f))).await?),
            UsageCmd::RecentRuns { limit } => to_json(usage::get_recent_runs(b, limit).await?),
            UsageCmd::RecentSessions { limit, filter: f } => {
                to_json(usage::get_recent_workflow_sessions(b, limit, Some(filter(f))).await?)
            }
            UsageCmd::SessionRuns { session_id, include_reset } => {
                to_json(usage::get_session_agent_runs(b, &session_id, include_reset).await?)
            }
            UsageCmd::StepRuns { skill, step } => to_json(usage::get_step_agent_runs(b, &skill, step).await?),
            UsageCmd::ByStep(f) => to_json(usage::get_usage_by_step(b, Some(filter(f))).await?),
            UsageCmd::ByModel(f) => to_json(usage::get_usage_by_model(b, Some(filter(f))).await?),
            UsageCmd::Reset => to_json(usage::reset_usage(b).await?),
        },
        Group::Workspace(cmd) => match cmd {
            WorkspaceCmd::Path => to_json(workspace::get_workspace_path(b)),
            WorkspaceCmd::CreateSession { skill, kind } => {
                let kind = match kind {
                    SessionKindArg::Workflow => SessionKind::Workflow,
                    SessionKindArg::Test => SessionKind::Test,
                };
                to_json(workspace::create_workflow_session(b, &skill, kind).await?)
            }
            WorkspaceCmd::EndSession { session_id } => to_json(workspace::end_workflow_session(b, &session_id).await?),
            WorkspaceCmd::Clear => to_json(workspace::clear_workspace(b).await?),
            WorkspaceCmd::Reconcile { force } => to_json(workspace::reconcile_startup(b, force).await?),
            WorkspaceCmd::ResolveOrphan { skill, action } => {
                let action = enum_arg("action", Some(action))?.ok_or_else(|| AppError::invalid("action", "missing"))?;
                to_json(workspace::resolve_orphan(b, &skill, action).await?)
            }
            WorkspaceCmd::ResolveDiscovered { folder, action, register_as } => {
                let action = enum_arg("action", Some(action))?.ok_or_else(|| AppError::invalid("action", "missing"))?;
                let register_as = enum_arg("registerAs", register_as)?;
                to_json(workspace::resolve_discovered(b, &folder, action, register_as).await?)
            }
        },
        Group::Git(cmd) => match cmd {
            GitCmd::History { skill, limit, before } => {
                to_json(git::get_skill_history(b, &skill, limit, before).await?)
            }
            GitCmd::Diff { skill, from, to } => to_json(git::get_skill_diff(b, &skill, &from, to).await?),
            GitCmd::Restore { skill, sha } => to_json(git::restore_skill_version(b, &skill, &sha).await?),
        },
        Group::Agents(cmd) => match cmd {
            AgentsCmd::Feedback { text } => {
                let handle = agent::start_agent(b, StartAgentRequest::Feedback { text }).await?;
                wait_for_agents(b).await?;
                to_json(handle)
            }
            AgentsCmd::List => to_json(agent::list_active_agents(b).await?),
        },
        Group::Skill(cmd) => share::skill(b, cmd).await,
        Group::Feedback(cmd) => share::feedback(b, cmd).await,
        Group::Workflow(cmd) => workflow::dispatch(b, cmd).await,
        Group::Refine(cmd) => refine_test::refine(b, cmd, json).await,
        Group::Test(cmd) => refine_test::test(b, cmd).await,
        Group::Node(cmd) => match cmd {
            NodeCmd::Check => to_json(node::check_node().await),
            NodeCmd::Deps => to_json(node::check_startup_deps(b).await?),
        },
    }
}

/// Waits until this process has no live agent (they stop by themselves after one-shot runs).
async fn wait_for_agents(b: &Backend) -> Result<(), AppError> {
    while agent::has_running_agents(b).await? {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Ok(())
}

fn lock_purpose(purpose: PurposeArg) -> LockPurpose {
    match purpose {
        PurposeArg::Workflow => LockPurpose::Workflow,
        PurposeArg::Refine => LockPurpose::Refine,
        PurposeArg::Test => LockPurpose::Test,
        PurposeArg::Edit => LockPurpose::Edit,
    }
}

fn micros_now() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros())
}

/// `locks hold`: takes the lock, holds it, releases it; `--times` repeats, retrying a busy lock.
/// Each successful hold is reported with its wall-clock interval in microseconds.
async fn hold(b: &Backend, args: HoldArgs, json: bool) -> Result<Value, AppError> {
    let purpose = lock_purpose(args.purpose);
    if args.until_stdin_closes {
        return hold_until_stdin_closes(b, &args.name, purpose).await;
    }
    let mut held = Vec::new();
    let mut busy = 0u32;
    for _ in 0..args.times {
        match locks::acquire_lock(b, &args.name, purpose).await {
            Ok(_) => {
                let acquired = micros_now();
                tokio::time::sleep(std::time::Duration::from_millis(args.for_ms)).await;
                let released = micros_now();
                locks::release_lock(b, &args.name, false).await?;
                if json {
                    println!(
                        "{}",
                        json!({ "acquiredAtUs": acquired.to_string(), "releasedAtUs": released.to_string() })
                    );
                }
                held.push((acquired, released));
            }
            Err(AppError::SkillLocked { .. }) => {
                busy += 1;
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            Err(err) => return Err(err),
        }
    }
    Ok(json!({ "held": held.len(), "busy": busy }))
}

/// `locks hold --until-stdin-closes`: takes the lock (a held lock is an error, not retried),
/// says so on stdout at once, and lets it go when stdin ends.
async fn hold_until_stdin_closes(b: &Backend, name: &str, purpose: LockPurpose) -> Result<Value, AppError> {
    locks::acquire_lock(b, name, purpose).await?;
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", json!({ "held": name, "pid": std::process::id() }))
            .map_err(|e| AppError::io("stdout", e))?;
        out.flush().map_err(|e| AppError::io("stdout", e))?;
    }
    tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink()))
        .await
        .map_err(|e| AppError::Internal(format!("stdin reader: {e}")))?
        .map_err(|e| AppError::io("stdin", e))?;
    // The clean shutdown that follows releases every lock still ours: one force-released
    // meanwhile belongs to someone else now, and this instance must not probe or touch it.
    Ok(json!({ "released": name }))
}
