//! `GitCore`: the repository of the skills folder and its state, owned by the `GitActor` and
//! used only on a blocking thread. Opening follows backend.md §6.2: adopt a repository whose
//! work tree is the skills folder, initialise one in an empty or skills-only folder, refuse
//! anything else with a reason the UI can show; never rewrite the user's history or ignore lines.

use std::path::{Path, PathBuf};

use git2::{Repository, RepositoryState, Signature, Time};

use super::commit;
use super::lock::{LOCK_FILE, RepoLock};
use crate::clock::SharedClock;
use crate::protocol::{AppError, GitDisabledReason, GitReadiness, GitStatus};

/// Lines of the managed `.gitignore` block: OS and editor noise and our import staging.
const IGNORE_BEGIN: &str = "# >>> skill-builder";
const IGNORE_END: &str = "# <<< skill-builder";
const IGNORE_LINES: &[&str] =
    &[".DS_Store", "._*", "Thumbs.db", "Desktop.ini", "*.swp", "*.swo", "*~", "*.tmp", ".skill-builder-staging/"];
/// A folder with more files than this (outside recognisable skill folders) is not turned into a
/// repository without the user's say: it is probably not a skills folder.
const MAX_UNRECOGNISED_FILES: usize = 10_000;
/// Identity of automatic commits when git has no `user.name`/`user.email`.
const FALLBACK_NAME: &str = "Skill Builder";
const FALLBACK_EMAIL: &str = "skill-builder@localhost";
/// How long opening waits for another instance creating the repository (its first commit of a
/// large folder can take a while); past it git is off until the next request tries again.
const OPEN_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// What the user decided about git in Settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GitSettings {
    pub auto_commit: bool,
    pub allow_nested: bool,
}

impl Default for GitSettings {
    fn default() -> Self {
        GitSettings { auto_commit: true, allow_nested: false }
    }
}

/// The repository, its state and what is needed to (re)open it.
pub struct GitCore {
    pub root: Option<PathBuf>,
    pub settings: GitSettings,
    pub repo: Option<Repository>,
    pub status: GitStatus,
    pub clock: SharedClock,
    /// Folders that must never become a repository (the app data dir, the workspace).
    pub protected: Vec<PathBuf>,
    /// The skills folder did not exist at the last open, or another instance kept the
    /// repository locked: the next request that finds the folder opens (and initialises) it.
    retry_open: bool,
}

impl GitCore {
    pub fn new(clock: SharedClock, protected: Vec<PathBuf>) -> Self {
        GitCore {
            root: None,
            settings: GitSettings::default(),
            repo: None,
            status: GitStatus::disabled(GitDisabledReason::NotConfigured, "No skills folder is configured"),
            clock,
            protected,
            retry_open: false,
        }
    }

    /// A core for `root` that opens it on its first request: after a panic, the actor (or
    /// its lost core) starts again from the last folder and settings it was given.
    pub fn reopening(
        clock: SharedClock,
        protected: Vec<PathBuf>,
        root: Option<PathBuf>,
        settings: GitSettings,
    ) -> Self {
        let retry_open = root.is_some();
        GitCore { root, settings, retry_open, ..GitCore::new(clock, protected) }
    }

    /// Opens (or initialises) the repository of `root`; the outcome is in `status`.
    pub fn open(&mut self) {
        self.repo = None;
        let notice = self.status.notice.take();
        let Some(root) = self.root.clone() else {
            self.status = GitStatus::disabled(GitDisabledReason::NotConfigured, "No skills folder is configured");
            return;
        };
        self.retry_open = !root.is_dir();
        if self.retry_open {
            let message = if crate::config::default_skills_path().is_ok_and(|d| d == root) {
                format!("The skills folder {} does not exist yet", root.display())
            } else {
                format!("The skills folder {} is missing or unreachable; is its drive connected?", root.display())
            };
            self.status = GitStatus {
                path: Some(root.display().to_string()),
                notice,
                ..GitStatus::disabled(GitDisabledReason::NotConfigured, message)
            };
            return;
        }
        match self.open_repo(&root) {
            Ok(repo) => {
                // Changes an earlier commit could not record (this or another instance).
                let notice = notice.or_else(|| super::pending::notice(&super::pending::read(repo.path())));
                self.status = GitStatus {
                    state: GitReadiness::Ready,
                    reason: None,
                    message: None,
                    repo_state: repo_state(&repo),
                    path: Some(root.display().to_string()),
                    notice,
                };
                self.repo = Some(repo);
            }
            Err(status) => {
                tracing::warn!(root = %root.display(), message = ?status.message, "git is disabled for the skills folder");
                self.status = GitStatus { path: Some(root.display().to_string()), notice, ..status };
            }
        }
    }

    /// The open repository, reopening it when it vanished (a deleted `.git` is re-created and the
    /// current files recorded) and refreshing the merge/rebase/detached state.
    pub fn ensure(&mut self) -> Result<&Repository, AppError> {
        let root = self.root.clone();
        let reopen = match (&self.repo, &root) {
            (Some(_), Some(root)) => !root.join(".git").exists(),
            (None, Some(root)) => self.retry_open && root.is_dir(),
            _ => false,
        };
        if reopen {
            if self.repo.is_some() {
                tracing::warn!("the skills folder's .git disappeared; opening it again");
            }
            self.open();
        }
        match &self.repo {
            Some(repo) => {
                self.status.repo_state = repo_state(repo);
                Ok(repo)
            }
            None => Err(self.unavailable()),
        }
    }

    /// `git_failed{unavailable}` with the reason git is disabled.
    pub fn unavailable(&self) -> AppError {
        let message = self.status.message.clone().unwrap_or_else(|| "git is not available".into());
        AppError::Git { reason: "unavailable", message }
    }

    /// Author and committer of automatic commits: the repository's or the global git identity,
    /// else a fixed one, at the injected clock's time (tests get fixed dates).
    pub fn signature(&self, repo: &Repository) -> Result<Signature<'static>, AppError> {
        let config = repo.config().ok();
        let get = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok()).filter(|v| !v.trim().is_empty());
        let name = get("user.name").unwrap_or_else(|| FALLBACK_NAME.into());
        let email = get("user.email").unwrap_or_else(|| FALLBACK_EMAIL.into());
        let time = Time::new(self.clock.now().timestamp(), 0);
        Signature::new(&name, &email, &time).or_else(|_| Ok(Signature::new(FALLBACK_NAME, FALLBACK_EMAIL, &time)?))
    }

    /// Opens the repository of `root`, or creates it. Both happen under the repository lock, so
    /// an instance starting while another creates the repository waits for its first commit and
    /// then opens it, instead of finding half a repository.
    fn open_repo(&mut self, root: &Path) -> Result<Repository, GitStatus> {
        let failed = |message: String| GitStatus::disabled(GitDisabledReason::OpenFailed, message);
        let dot_git = root.join(".git");
        if !dot_git.exists() {
            self.refuse_to_init(root)?;
            // The lock file lives in `.git`, so it is made first; an instance that finds it
            // waits on the lock below.
            match std::fs::create_dir(&dot_git) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(failed(format!("cannot create {}: {e}", dot_git.display())));
                }
                _ => {}
            }
        }
        let git_dir = if dot_git.is_dir() {
            dot_git
        } else {
            // `.git` is a file naming the git directory (a linked worktree or a submodule).
            Repository::open(root).map_err(|e| failed(e.message().to_string()))?.path().to_path_buf()
        };
        let _lock = match RepoLock::acquire(&git_dir, OPEN_LOCK_WAIT) {
            Ok(lock) => lock,
            Err(err) => {
                self.retry_open = true;
                return Err(failed(format!("{err}; it is opened again with the next change")));
            }
        };
        match Repository::open(root) {
            Ok(repo) if repo.is_bare() => Err(failed("the skills folder holds a bare repository".into())),
            Ok(repo) => {
                self.adopt(&repo, root);
                Ok(repo)
            }
            Err(_) if holds_only_lock(&git_dir) || super::create::interrupted(&git_dir) => self.init(root),
            Err(e) => Err(failed(e.message().to_string())),
        }
    }

    /// A folder inside another repository (unless nested ones are allowed), home, the root, the
    /// app's folders and big unrelated folders do not become repositories.
    fn refuse_to_init(&self, root: &Path) -> Result<(), GitStatus> {
        if let Ok(outer) = Repository::discover(root) {
            let outer_root = outer.workdir().map(Path::to_path_buf).unwrap_or_default();
            if !self.settings.allow_nested {
                return Err(GitStatus::disabled(
                    GitDisabledReason::InsideOtherRepo,
                    format!(
                        "The skills folder is inside the git repository at {}; allow nested repositories in \
                         Settings to give it its own history",
                        outer_root.display()
                    ),
                ));
            }
        }
        self.refuse_unsafe_location(root).map_err(|m| GitStatus::disabled(GitDisabledReason::OpenFailed, m))
    }

    /// The managed ignore block and the first commit, built aside and moved into `.git`
    /// (`create.rs`). The caller holds the lock.
    fn init(&self, root: &Path) -> Result<Repository, GitStatus> {
        let failed = |message: String| GitStatus::disabled(GitDisabledReason::OpenFailed, message);
        super::create::create(root, |repo| self.signature(repo)).map_err(|e| failed(e.to_string()))
    }

    /// Adds the managed ignore block to an adopted repository and commits that one file when the
    /// repository is in a state where we may commit. Failures only cost the block.
    fn adopt(&self, repo: &Repository, root: &Path) {
        match ensure_ignore_block(root) {
            Ok(false) => {}
            Ok(true) if repo_state(repo).is_none() => {
                let result = self.signature(repo).and_then(|sig| {
                    let message = commit::message("skill-builder: add managed .gitignore rules", "gitignore", &[], &[]);
                    commit::commit_paths(repo, &sig, &[".gitignore".to_string()], &message, false)
                });
                if let Err(err) = result {
                    tracing::warn!(%err, "could not commit the managed .gitignore block");
                }
            }
            Ok(true) => tracing::info!("added the managed .gitignore block; it is committed with the next change"),
            Err(err) => tracing::warn!(%err, "could not add the managed .gitignore block"),
        }
    }

    /// Home, the file-system root, the app's own folders and big unrelated folders are refused.
    fn refuse_unsafe_location(&self, root: &Path) -> Result<(), String> {
        let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        if canonical.parent().is_none() {
            return Err("refusing to create a repository at the file-system root".into());
        }
        if dirs::home_dir().and_then(|h| h.canonicalize().ok()).is_some_and(|home| home == canonical) {
            return Err("refusing to turn your home folder into a repository; choose a folder inside it".into());
        }
        for protected in &self.protected {
            let protected = protected.canonicalize().unwrap_or_else(|_| protected.clone());
            if canonical.starts_with(&protected) || protected.starts_with(&canonical) {
                return Err(format!("refusing to create a repository over the app's folder {}", protected.display()));
            }
        }
        let count = count_unrecognised_files(root, MAX_UNRECOGNISED_FILES + 1);
        if count > MAX_UNRECOGNISED_FILES {
            return Err(format!(
                "the folder holds more than {MAX_UNRECOGNISED_FILES} files outside skill folders; \
                 choose a dedicated skills folder"
            ));
        }
        Ok(())
    }
}

/// The in-progress operation that makes automatic commits unsafe, if any.
pub fn repo_state(repo: &Repository) -> Option<String> {
    let state = match repo.state() {
        RepositoryState::Clean => None,
        RepositoryState::Merge => Some("merge"),
        RepositoryState::Revert | RepositoryState::RevertSequence => Some("revert"),
        RepositoryState::CherryPick | RepositoryState::CherryPickSequence => Some("cherry_pick"),
        RepositoryState::Bisect => Some("bisect"),
        RepositoryState::Rebase | RepositoryState::RebaseInteractive | RepositoryState::RebaseMerge => Some("rebase"),
        RepositoryState::ApplyMailbox | RepositoryState::ApplyMailboxOrRebase => Some("apply_mailbox"),
    };
    match state {
        Some(state) => Some(state.to_string()),
        None if repo.head_detached().unwrap_or(false) => Some("detached_head".into()),
        None => None,
    }
}

/// Appends the managed block to `.gitignore` when it is missing; the user's lines are kept as
/// they are. Returns whether the file changed.
pub fn ensure_ignore_block(root: &Path) -> Result<bool, AppError> {
    let path = root.join(".gitignore");
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(AppError::io(&path, e)),
    };
    if existing.lines().any(|l| l.trim() == IGNORE_BEGIN) {
        return Ok(false);
    }
    let mut text = existing;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(IGNORE_BEGIN);
    text.push('\n');
    for line in IGNORE_LINES {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(IGNORE_END);
    text.push('\n');
    crate::atomic::write_atomic(&path, text.as_bytes())?;
    Ok(true)
}

/// A `.git` folder holding only our lock file: made by an instance that is about to create the
/// repository, or that died before it could; whoever holds the lock creates it.
fn holds_only_lock(git_dir: &Path) -> bool {
    std::fs::read_dir(git_dir).is_ok_and(|d| d.filter_map(Result::ok).all(|e| e.file_name() == LOCK_FILE))
}

/// Counts files up to `stop`, skipping `.git` and the contents of top-level folders that look
/// like skills (a `SKILL.md` or a `context/` folder): a large library is still a skills folder.
fn count_unrecognised_files(root: &Path, stop: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![(root.to_path_buf(), true)];
    while let Some((dir, top)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let Ok(kind) = entry.file_type() else { continue };
            let path = entry.path();
            if kind.is_dir() {
                let skill_like = top && (path.join("SKILL.md").exists() || path.join("context").is_dir());
                if entry.file_name() != ".git" && !skill_like {
                    stack.push((path, false));
                }
            } else {
                count += 1;
                if count >= stop {
                    return count;
                }
            }
        }
    }
    count
}
