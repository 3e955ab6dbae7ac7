//! The one source of "now" for use cases, so tests can move time forward instead of waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Debug)]
pub enum Clock {
    System,
    /// A clock that only moves when told to; for tests.
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// A manual clock starting at the current system time.
    pub fn manual() -> Self {
        Self::Manual(Arc::new(AtomicI64::new(Self::System.now_us())))
    }

    /// Microseconds since the Unix epoch, UTC.
    pub fn now_us(&self) -> i64 {
        match self {
            Self::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
                .unwrap_or(0),
            Self::Manual(now) => now.load(Ordering::SeqCst),
        }
    }

    /// Seconds since the Unix epoch, UTC.
    pub fn now_secs(&self) -> i64 {
        self.now_us().div_euclid(1_000_000)
    }

    /// Moves a manual clock forward; a system clock cannot be moved.
    pub fn advance(&self, by: std::time::Duration) {
        if let Self::Manual(now) = self {
            let micros = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
            now.fetch_add(micros, Ordering::SeqCst);
        }
    }
}
