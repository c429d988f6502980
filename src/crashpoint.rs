//! Named crash points for durability tests: `SKILL_BUILDER_CRASH_AT=<point>` makes the process
//! kill itself with SIGKILL when it reaches that point, exactly as a power cut or `kill -9`
//! would stop it there. Tests run the real CLI with the variable set and then check that the
//! next start repairs or reports what was left half-done.
//!
//! Unset (the normal case) a point costs one load of a cached `Option`.

use std::sync::OnceLock;

/// The environment variable naming the point to die at.
pub const CRASH_AT_VAR: &str = "SKILL_BUILDER_CRASH_AT";

fn armed() -> Option<&'static str> {
    static POINT: OnceLock<Option<String>> = OnceLock::new();
    POINT.get_or_init(|| std::env::var(CRASH_AT_VAR).ok().filter(|p| !p.is_empty())).as_deref()
}

/// Dies at once, without unwinding or running destructors, when `point` is the armed one.
pub fn hit(point: &str) {
    if armed() == Some(point) {
        tracing::error!(point, "crash point reached; killing this process");
        kill_self();
    }
}

#[cfg(unix)]
fn kill_self() {
    // SAFETY: `kill` on our own pid has no memory-safety preconditions.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    std::process::abort();
}

#[cfg(not(unix))]
fn kill_self() {
    std::process::abort();
}
