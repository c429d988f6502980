//! The command line: `skill-builder [--data-dir DIR] [--skills-path DIR] [--json] <group> <cmd>`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "skill-builder", version, about = "Build, refine, test, import and export Agent Skills.")]
pub struct Cli {
    /// App data folder (database, logs, workspace).
    #[arg(long, global = true, env = "SKILL_BUILDER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Skills folder for this run only (not saved to settings).
    #[arg(long, global = true)]
    pub skills_path: Option<PathBuf>,
    /// Print results, errors and events as JSON.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Group>,
}

#[derive(Debug, Subcommand)]
pub enum Group {
    /// Application settings.
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// The Skills Library.
    #[command(subcommand)]
    Skills(SkillsCmd),
    /// Skill locks shared by every running instance.
    #[command(subcommand)]
    Locks(LocksCmd),
    /// Files in the skills folder, the workspace and the temp folder.
    #[command(subcommand)]
    Files(FilesCmd),
    /// Agent usage and cost.
    #[command(subcommand)]
    Usage(UsageCmd),
    /// Workflow sessions, the workspace and reconciliation of the skills folder.
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// A skill's git history: commits, diffs, restore.
    #[command(subcommand)]
    Git(GitCmd),
    /// Node.js and the other startup dependencies.
    #[command(subcommand)]
    Node(NodeCmd),
    /// Claude agents run by this instance.
    #[command(subcommand)]
    Agents(AgentsCmd),
    /// One skill's packaging: export.
    #[command(subcommand)]
    Skill(super::share::SkillCmd),
    /// Feedback issues for this project.
    #[command(subcommand)]
    Feedback(super::share::FeedbackCmd),
    /// Settings → Skills: uploaded and GitHub-imported skills the agents use.
    #[command(subcommand)]
    Imported(crate::cli::imports::ImportedCmd),
    /// Skills from GitHub repositories, and the GitHub sign-in.
    #[command(subcommand)]
    Github(crate::cli::imports::GithubCmd),
    /// Claude Code marketplaces (repositories with `.claude-plugin/marketplace.json`).
    #[command(subcommand)]
    Marketplace(crate::cli::imports::MarketplaceCmd),
    /// A skill's build workflow: steps, reviews, gates, reset and Validate.
    #[command(subcommand)]
    Workflow(WorkflowCmd),
    /// Refine sessions: multi-turn edits of a skill with diffs, save or discard.
    #[command(subcommand)]
    Refine(super::refine_test::RefineCmd),
    /// The skill tester: with and without the skill, evals with mean ± sd under cost caps.
    #[command(subcommand)]
    Test(super::refine_test::TestCmd),
}

/// The target a skill is checked against (skill-format §3.1).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProfileArg {
    Library,
    Spec,
    ClaudeAi,
    ClaudeCode,
    Codex,
    Plugin,
}

#[derive(Debug, Subcommand)]
pub enum WorkflowCmd {
    /// Runs one agent step (0, 2, 4 or 5) and waits for it.
    Run {
        name: String,
        step: u8,
        /// Print a progress line when the step ends.
        #[arg(long)]
        follow: bool,
    },
    /// The workflow state: step statuses, current step, disabled steps.
    Status { name: String },
    /// Saves answers: a JSON array of {"id","text","choice"?}, or --autofill with the recommendations.
    Answer {
        name: String,
        answers: Option<String>,
        /// Fill every empty answer with its recommendation (questions, or refinements with --refinements).
        #[arg(long)]
        autofill: bool,
        #[arg(long)]
        refinements: bool,
        /// The revision the answers are based on (default: the current one).
        #[arg(long)]
        revision: Option<u32>,
    },
    /// Completes a review step (1 or 3): runs its gate, or starts the next step; waits.
    Complete { name: String, step: u8 },
    /// Applies a gate decision (gate 1 or 2) and waits for the step it starts.
    Gate { name: String, gate: u8, decision: String },
    /// Resets the workflow to a step; --preview lists what would be deleted and changes nothing.
    Reset {
        name: String,
        step: u8,
        #[arg(long)]
        preview: bool,
    },
    /// Checks a step's files (6 = Validate).
    Verify { name: String, step: u8 },
    /// Lints the skill and runs the validate agent; waits.
    Validate { name: String },
    /// Packages the skill as a `.skill` archive for Claude Code (default: <data dir>/exports/).
    Package {
        name: String,
        #[arg(long)]
        dest: Option<std::path::PathBuf>,
    },
    /// Runs every step, answers each review with the recommendations and validates.
    RunAll {
        name: String,
        #[arg(long)]
        follow: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgentsCmd {
    /// Draft a GitHub issue from feedback text with an agent; waits for it and prints events
    /// as they stream (with --json).
    Feedback { text: String },
    /// Agents running in this process (always empty for a fresh CLI process).
    List,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Show the settings (secrets only as set/unset).
    Get,
    /// Apply a JSON patch, e.g. '{"maxParallelAgents": 2}'. Secrets are refused here: use
    /// `settings set-secret`, which reads them from stdin.
    Save { patch: String },
    /// Store a secret read from stdin (or a prompt without echo on a terminal).
    SetSecret { name: SecretArg },
    /// Remove a stored secret.
    ClearSecret { name: SecretArg },
    /// Check an API key: the stored one, or with --api-key-stdin one read from stdin.
    TestApiKey {
        #[arg(long)]
        api_key_stdin: bool,
    },
    /// List the Claude models the key can use (the stored key, or one read from stdin).
    ListModels {
        #[arg(long)]
        api_key_stdin: bool,
    },
    /// Change the log level now and for later starts.
    SetLogLevel { level: LevelArg },
    /// Print today's log file path.
    LogFilePath,
    /// Print the default skills folder.
    DefaultSkillsPath,
    /// Print the app data folder.
    DataDir,
}

/// The secrets the CLI can set (the GitHub token comes only from sign-in).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SecretArg {
    AnthropicApiKey,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LevelArg {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

#[derive(Debug, Subcommand)]
pub enum SkillsCmd {
    /// List skills, newest first.
    List {
        #[arg(long)]
        source: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        #[arg(long)]
        search: Option<String>,
        /// recently_updated (default), name or recently_created.
        #[arg(long)]
        sort: Option<String>,
    },
    /// Create a skill; only the name is required.
    Create {
        name: String,
        #[arg(long)]
        domain: Option<String>,
        #[arg(long = "type")]
        skill_type: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Repeat for several tags.
        #[arg(long = "tag")]
        tags: Vec<String>,
    },
    /// Delete a skill (its folder goes to the app's trash first).
    Delete {
        name: String,
        /// Keep the folder on disk; only forget the skill.
        #[arg(long)]
        keep_files: bool,
    },
    /// Rename a skill, its folders and its SKILL.md name.
    Rename { old: String, new: String },
    /// Replace a skill's tags.
    Tags { name: String, tags: Vec<String> },
    /// Apply a JSON metadata patch, e.g. '{"domain": null}'.
    Metadata { name: String, patch: String },
    /// Every tag in use.
    AllTags,
    /// Names in the library and the workspace registry.
    InstalledNames,
    /// Suggest values for fields (name, description, domain, scope, audience, challenges, …).
    Suggest {
        #[arg(required = true)]
        fields: Vec<String>,
        #[arg(long)]
        domain: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PurposeArg {
    Workflow,
    Refine,
    Test,
    Edit,
}

#[derive(Debug, Subcommand)]
pub enum LocksCmd {
    /// Take a skill's lock (released when this process exits).
    Acquire {
        name: String,
        #[arg(long, value_enum, default_value = "edit")]
        purpose: PurposeArg,
    },
    /// Release a lock; --force takes another live instance's lock away.
    Release {
        name: String,
        #[arg(long)]
        force: bool,
    },
    /// Show who holds a skill's lock.
    Check { name: String },
    /// Every held lock.
    List,
    /// Reserve a skill for a while (e.g. while editing it by hand), then release it.
    Hold(HoldArgs),
}

#[derive(Debug, Args)]
pub struct HoldArgs {
    pub name: String,
    /// How long to hold the lock each time.
    #[arg(long, default_value_t = 60_000)]
    pub for_ms: u64,
    /// Try this many times; a busy lock is retried after a millisecond.
    #[arg(long, default_value_t = 1)]
    pub times: u32,
    /// What the lock is for, as other instances see it.
    #[arg(long, value_enum, default_value = "edit")]
    pub purpose: PurposeArg,
    /// Hold until standard input closes (Ctrl-D, or the end of a pipe) instead of `--for-ms`;
    /// a line `{"held": <name>, "pid": <pid>}` says when the lock is taken. The lock is released
    /// and this instance exits cleanly when input ends.
    #[arg(long, conflicts_with_all = ["for_ms", "times"])]
    pub until_stdin_closes: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RootArg {
    Skills,
    Workspace,
    Temp,
}

#[derive(Debug, Subcommand)]
pub enum FilesCmd {
    /// List a skill's files.
    List {
        skill: String,
        #[arg(long, value_enum, default_value = "skills")]
        root: RootArg,
    },
    /// Print a text file.
    Read {
        path: String,
        #[arg(long, value_enum, default_value = "skills")]
        root: RootArg,
    },
    /// Write a text file atomically from stdin.
    Write {
        path: String,
        #[arg(long, value_enum, default_value = "skills")]
        root: RootArg,
        /// Refuse if the file changed since it had this sha256.
        #[arg(long)]
        expected_sha256: Option<String>,
    },
    /// Copy a file inside the allowed folders.
    Copy {
        src: String,
        dest: String,
        #[arg(long, value_enum, default_value = "skills")]
        root: RootArg,
        #[arg(long)]
        overwrite: bool,
    },
    /// Print a file as base64.
    ReadBase64 {
        path: String,
        #[arg(long, value_enum, default_value = "skills")]
        root: RootArg,
    },
    /// Save base64 from stdin as a new attachment; prints its path.
    WriteTemp { file_name: String },
    /// Save a workflow JSON artifact from stdin.
    SaveRaw { skill: String, file_name: String },
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    #[arg(long)]
    pub hide_cancelled: bool,
    #[arg(long)]
    pub include_mock: bool,
    #[arg(long)]
    pub from: Option<String>,
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long)]
    pub skill: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UsageCmd {
    Summary(FilterArgs),
    RecentRuns {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    RecentSessions {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[command(flatten)]
        filter: FilterArgs,
    },
    SessionRuns {
        session_id: String,
        #[arg(long)]
        include_reset: bool,
    },
    StepRuns {
        skill: String,
        step: u8,
    },
    ByStep(FilterArgs),
    ByModel(FilterArgs),
    /// Hide all recorded usage (nothing is deleted).
    Reset,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SessionKindArg {
    Workflow,
    Test,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCmd {
    /// Print the agents' workspace folder.
    Path,
    /// Open a workflow or test session for a skill.
    CreateSession {
        skill: String,
        #[arg(long, value_enum, default_value = "test")]
        kind: SessionKindArg,
    },
    /// End a session.
    EndSession { session_id: String },
    /// Remove empty scratch folders from the workspace (refused while agents run).
    Clear,
    /// Compare the skills folder with the library; --force runs a new pass.
    Reconcile {
        #[arg(long)]
        force: bool,
    },
    /// Resolve an orphan: keep, reset_to_detected, restore_artifacts, reimport, delete_record, delete_all.
    ResolveOrphan { skill: String, action: String },
    /// Resolve a discovered folder: register, ignore, delete.
    ResolveDiscovered {
        folder: String,
        action: String,
        /// skill-builder or imported (default: from what the folder holds).
        #[arg(long)]
        register_as: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum GitCmd {
    /// Commits that touched a skill, newest first.
    History {
        skill: String,
        #[arg(long)]
        limit: Option<u32>,
        /// Continue after this commit (the last sha of the previous page).
        #[arg(long)]
        before: Option<String>,
    },
    /// A skill's changes between two commits, or from a commit to the working folder.
    Diff {
        skill: String,
        from: String,
        #[arg(long)]
        to: Option<String>,
    },
    /// Restore a skill to a commit (checkpointed first, so it can be undone).
    Restore { skill: String, sha: String },
}

#[derive(Debug, Subcommand)]
pub enum NodeCmd {
    /// Find Node.js.
    Check,
    /// Check every startup dependency.
    Deps,
}
