//! A circuit breaker per merchant endpoint: after repeated failures the endpoint is left
//! alone for a while instead of holding a deliverer on every message, and then tried with
//! one message before the rest.
//!
//! Kept in the memory of each deliverer: another backend on the same database learns of a
//! failing endpoint on its own, after the same few failures.

use std::collections::HashMap;
use std::time::Duration;

/// Consecutive failures that open a closed breaker.
pub const TRIP_AFTER: u32 = 5;
/// The first pause; each time the breaker opens again without a success between, twice as
/// long, up to [`MAX_PAUSE`].
pub const FIRST_PAUSE: Duration = Duration::from_secs(30);
pub const MAX_PAUSE: Duration = Duration::from_secs(600);

#[derive(Debug, Default, Clone)]
struct Breaker {
    failures: u32,
    /// Times opened since the last success.
    opened: u32,
    open_until_ms: i64,
}

/// The breakers of every endpoint a deliverer has sent to, by merchant id.
#[derive(Debug, Default)]
pub struct Breakers(HashMap<String, Breaker>);

impl Breakers {
    /// When the endpoint may be tried again, if it is paused at `now_ms`.
    pub fn paused_until(&self, endpoint: &str, now_ms: i64) -> Option<i64> {
        self.0
            .get(endpoint)
            .map(|b| b.open_until_ms)
            .filter(|until| *until > now_ms)
    }

    /// Every endpoint paused at `now_ms`, with the end of its pause.
    pub fn paused(&self, now_ms: i64) -> HashMap<String, i64> {
        self.0
            .iter()
            .filter(|(_, b)| b.open_until_ms > now_ms)
            .map(|(m, b)| (m.clone(), b.open_until_ms))
            .collect()
    }

    pub fn succeeded(&mut self, endpoint: &str) {
        self.0.remove(endpoint);
    }

    /// Counts a failure; returns the end of the pause when it opened the breaker. After a
    /// pause one failure opens it again (the endpoint had its one try).
    pub fn failed(&mut self, endpoint: &str, now_ms: i64) -> Option<i64> {
        let b = self.0.entry(endpoint.to_owned()).or_default();
        b.failures += 1;
        let threshold = if b.opened > 0 { 1 } else { TRIP_AFTER };
        if b.failures < threshold {
            return None;
        }
        let pause = FIRST_PAUSE
            .saturating_mul(1 << b.opened.min(16))
            .min(MAX_PAUSE);
        b.failures = 0;
        b.opened += 1;
        b.open_until_ms = now_ms + pause.as_millis() as i64;
        Some(b.open_until_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_repeated_failures_then_gives_one_try_and_backs_off() {
        let mut b = Breakers::default();
        for _ in 1..TRIP_AFTER {
            assert_eq!(b.failed("m", 0), None);
            assert_eq!(b.paused_until("m", 0), None);
        }
        assert_eq!(b.failed("m", 0), Some(30_000));
        assert_eq!(b.paused_until("m", 29_999), Some(30_000));
        assert_eq!(b.paused_until("m", 30_000), None, "one try after the pause");
        assert_eq!(b.failed("m", 30_000), Some(90_000), "twice as long");
        assert_eq!(b.paused_until("other", 30_000), None, "per endpoint");
        let mut until = 90_000;
        for _ in 0..10 {
            until = b.failed("m", until).unwrap();
        }
        assert_eq!(b.paused_until("m", until - 1), Some(until));
        assert_eq!(
            b.failed("m", until),
            Some(until + MAX_PAUSE.as_millis() as i64)
        );
    }

    #[test]
    fn a_success_closes_it() {
        let mut b = Breakers::default();
        for _ in 0..TRIP_AFTER {
            b.failed("m", 0);
        }
        b.succeeded("m");
        assert_eq!(b.paused_until("m", 1), None);
        for _ in 1..TRIP_AFTER {
            assert_eq!(b.failed("m", 1), None, "counting from zero again");
        }
    }
}
