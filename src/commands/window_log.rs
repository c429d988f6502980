//! The window's `console.*` lines, written into the app's own log file (target `window`) at the
//! run-time log level, so one log tells what happened on both sides of the IPC boundary.

use crate::protocol::LogLevel;

/// Longer lines are cut: a page that logs a whole document must not fill the log.
const MAX_CHARS: usize = 4_000;

/// Logs one window line. Token-shaped secrets are blanked before it reaches the file.
pub fn write_window_log(level: LogLevel, message: &str) {
    let clean: String = crate::redact::redact(message, &[]).chars().take(MAX_CHARS).collect();
    match level {
        LogLevel::Error => tracing::error!(target: "window", "{clean}"),
        LogLevel::Warn => tracing::warn!(target: "window", "{clean}"),
        LogLevel::Info => tracing::info!(target: "window", "{clean}"),
        LogLevel::Debug => tracing::debug!(target: "window", "{clean}"),
        LogLevel::Trace => tracing::trace!(target: "window", "{clean}"),
    }
}
