//! Injected time. Every timestamp the backend writes comes from a [`Clock`], in one format:
//! RFC 3339 UTC with milliseconds and `Z` (fixed width, so text order is time order).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

/// The source of "now".
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Now, formatted as the backend stores timestamps.
    fn now_str(&self) -> String {
        format_timestamp(self.now())
    }
}

/// Formats a time the way every table and DTO stores it, e.g. `2026-11-25T18:25:03.123Z`.
pub fn format_timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that tests move by hand.
#[derive(Debug, Default)]
pub struct ManualClock {
    millis: AtomicI64,
}

impl ManualClock {
    pub fn at_millis(millis: i64) -> Arc<Self> {
        Arc::new(ManualClock { millis: AtomicI64::new(millis) })
    }

    pub fn advance_millis(&self, by: i64) {
        self.millis.fetch_add(by, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.millis.load(Ordering::SeqCst)).unwrap_or_default()
    }
}

/// The shared clock handle the backend passes around.
pub type SharedClock = Arc<dyn Clock>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_fixed_width_and_millis() {
        let clock = ManualClock::at_millis(1_764_095_103_123);
        assert_eq!(clock.now_str(), "2025-11-25T18:25:03.123Z");
        clock.advance_millis(877);
        assert_eq!(clock.now_str(), "2025-11-25T18:25:04.000Z");
    }
}
