//! Growing delays after failed unlocks.
//!
//! The state is plain data that the wallet persists in its cache, so quitting and restarting
//! the app (or re-running the CLI) does not reset the count.

use serde::{Deserialize, Serialize};

/// After `free_attempts` consecutive failures, each further failure locks the wallet for
/// `base_delay_secs * 2^(extra failures)`, capped at `max_delay_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub free_attempts: u32,
    pub base_delay_secs: i64,
    pub max_delay_secs: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            free_attempts: 3,
            base_delay_secs: 30,
            max_delay_secs: 3600,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutState {
    pub failures: u32,
    /// Unix seconds before which no unlock is attempted.
    pub locked_until: i64,
}

impl LockoutPolicy {
    /// `Err(seconds to wait)` while the wallet is locked out.
    pub fn check(&self, state: LockoutState, now: i64) -> Result<(), i64> {
        if now < state.locked_until {
            Err(state.locked_until - now)
        } else {
            Ok(())
        }
    }

    pub fn after_failure(&self, state: LockoutState, now: i64) -> LockoutState {
        let failures = state.failures.saturating_add(1);
        let locked_until = match failures.checked_sub(self.free_attempts) {
            Some(extra) if failures >= self.free_attempts => {
                let factor = 1i64.checked_shl(extra.min(30)).unwrap_or(i64::MAX);
                now + self
                    .base_delay_secs
                    .saturating_mul(factor)
                    .min(self.max_delay_secs)
            }
            _ => state.locked_until,
        };
        LockoutState {
            failures,
            locked_until,
        }
    }

    pub fn after_success(&self) -> LockoutState {
        LockoutState::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_cap() {
        let p = LockoutPolicy::default();
        let mut s = LockoutState::default();
        let now = 1_000;
        s = p.after_failure(s, now);
        s = p.after_failure(s, now);
        assert_eq!(p.check(s, now), Ok(()), "two failures are free");
        s = p.after_failure(s, now);
        assert_eq!(p.check(s, now), Err(30));
        s = p.after_failure(s, now + 30);
        assert_eq!(p.check(s, now + 30), Err(60));
        s = p.after_failure(s, now + 90);
        assert_eq!(p.check(s, now + 90), Err(120));
        for _ in 0..40 {
            s = p.after_failure(s, now);
        }
        assert_eq!(p.check(s, now), Err(3600));
        assert_eq!(p.check(s, now + 3600), Ok(()));
        assert_eq!(p.after_success(), LockoutState::default());
    }
}
