//! Named crash points for durability tests: `SKILL_BUILDER_CRASH_AT=<point>` makes the process
//! kill itself with SIGKILL when it reaches that point, exactly as a power cut or `kill -9`
//! would stop it there. Tests run the real CLI with the variable set and then check that the
//! next start repairs or reports what was left half-done.
//!
//! Unset (the normal case) a point costs one load of a cached `Option`.
//!
//! Panic points ([`arm_panic`], [`panic_point`]) do the same for supervision tests in-process:
//! an armed point panics once inside an actor, whose supervisor must then restart it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

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

/// Panic points for supervision tests, armed in-process: the next [`panic_point`] call with an
/// armed name panics, once. Unarmed, a point costs one relaxed atomic load.
static ANY_PANIC_ARMED: AtomicBool = AtomicBool::new(false);
static ARMED_PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Makes the next [`panic_point`]`(point)` panic.
pub fn arm_panic(point: &str) {
    if let Ok(mut armed) = ARMED_PANICS.lock() {
        armed.push(point.to_string());
        ANY_PANIC_ARMED.store(true, Ordering::SeqCst);
    }
}

/// Whether any panic point is armed (a supervision test is running): then requests take the
/// path through their actor, where the points are.
pub fn panics_armed() -> bool {
    ANY_PANIC_ARMED.load(Ordering::Relaxed)
}

/// Panics when `point` was armed (and disarms it): an actor handler calls this so a test can
/// show that its supervisor restarts it.
pub fn panic_point(point: &str) {
    if !ANY_PANIC_ARMED.load(Ordering::Relaxed) {
        return;
    }
    let fire = ARMED_PANICS.lock().is_ok_and(|mut armed| match armed.iter().position(|p| p == point) {
        Some(at) => {
            armed.remove(at);
            true
        }
        None => false,
    });
    if fire {
        panic!("panic point {point} reached");
    }
}
