//! Time as the backend reads and prints it: Unix seconds, RFC 3339 for webhooks, and the
//! savings fund's clock, which tests and demos may move forward (the daily job's days).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use purse_core::calendar::civil_from_days;
use tokio::sync::Notify;

/// The savings fund's clock: real time plus an offset that starts at zero. Moving it wakes
/// whoever waits on [`Clock::changed`] (the savings job), so a test that advances days sees
/// them accrued without waiting for midnight. Clones share one offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
    moved: Arc<Notify>,
}

impl Clock {
    pub fn now(&self) -> i64 {
        unix_now() + self.offset.load(Ordering::Relaxed)
    }

    /// Moves the clock by `secs` (never backwards: a negative step is ignored).
    pub fn advance(&self, secs: i64) {
        if secs > 0 {
            self.offset.fetch_add(secs, Ordering::Relaxed);
            self.moved.notify_one();
        }
    }

    /// Starts the clock `secs` from real time (a backend that runs in the past or future,
    /// for demos and tests).
    pub fn with_offset(secs: i64) -> Self {
        let clock = Clock::default();
        clock.offset.store(secs, Ordering::Relaxed);
        clock
    }

    /// Resolves when the clock is moved.
    pub async fn changed(&self) {
        self.moved.notified().await;
    }
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn unix_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `2026-11-25T02:22:29Z` for a Unix time.
pub fn rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// (year, month) of a Unix time, UTC.
pub fn year_month(unix: i64) -> (u16, u8) {
    let (y, m, _) = civil_from_days(unix.div_euclid(86_400));
    (y.clamp(0, 9999) as u16, m as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(year_month(0), (1970, 1));
        assert_eq!(year_month(951_782_400), (2000, 2)); // 2000-02-29
        assert_eq!(year_month(1_795_000_000), (2026, 11));
        assert_eq!(year_month(1_798_761_599), (2026, 12)); // 2026-12-31 23:59:59
        assert_eq!(rfc3339(951_825_599), "2000-02-29T11:59:59Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
