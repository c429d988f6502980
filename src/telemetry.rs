//! Logging: `tracing` to a daily rolling file in the app data dir (14 kept) and to stderr,
//! behind a reload handle so `set_log_level` takes effect without a restart.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Registry, reload};

use crate::protocol::{AppError, LogLevel};

const LOG_PREFIX: &str = "skill-builder";
const LOG_SUFFIX: &str = "log";

/// Runtime control over logging; keep it alive for as long as logs should be written.
pub struct LogControl {
    filter: reload::Handle<EnvFilter, Registry>,
    _file_guard: WorkerGuard,
}

impl LogControl {
    /// Swaps the level filter at run time.
    pub fn set_level(&self, level: LogLevel) -> Result<(), AppError> {
        self.filter
            .reload(EnvFilter::new(filter_for(level.as_str())))
            .map_err(|e| AppError::Internal(format!("could not change the log level: {e}")))
    }
}

/// Our crate at `level`, dependencies one notch quieter so debug logs stay readable.
fn filter_for(level: &str) -> String {
    format!("warn,skill_builder={level}")
}

/// Today's log file in `logs_dir`.
pub fn log_file_path(logs_dir: &Path, today: &str) -> PathBuf {
    logs_dir.join(format!("{LOG_PREFIX}.{today}.{LOG_SUFFIX}"))
}

/// Installs the global subscriber. `SKILL_BUILDER_LOG` overrides the initial filter.
pub fn init(logs_dir: &Path, stderr_level: Option<&str>) -> Result<LogControl, AppError> {
    std::fs::create_dir_all(logs_dir).map_err(|e| AppError::io(logs_dir, e))?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_PREFIX)
        .filename_suffix(LOG_SUFFIX)
        .max_log_files(14)
        .build(logs_dir)
        .map_err(|e| AppError::Internal(format!("could not open the log file: {e}")))?;
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let initial = std::env::var("SKILL_BUILDER_LOG").unwrap_or_else(|_| filter_for("info"));
    let (filter, handle) = reload::Layer::new(EnvFilter::new(initial));
    let file_layer = tracing_subscriber::fmt::layer().with_writer(file_writer).with_ansi(false);
    let stderr_layer = stderr_level.map(|level| {
        tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(EnvFilter::new(filter_for(level)))
    });
    tracing_subscriber::registry()
        .with(filter)
        .with(file_layer)
        .with(stderr_layer)
        .try_init()
        .map_err(|e| AppError::Internal(format!("logging was already set up: {e}")))?;
    Ok(LogControl { filter: handle, _file_guard: guard })
}

use tracing_subscriber::Layer as _;
