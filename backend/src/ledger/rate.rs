//! Attempt limits, kept in the database so that several backend processes share them: a
//! fixed window per bucket (`"recovery:ip:127.0.0.1"`), counted by the store.

use super::tx::{Reads, Result, Tx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window_secs: i64,
}

/// Counts one attempt in `bucket`; `Err(seconds)` to wait when the window is full. A
/// refused attempt counts too, so hammering does not reopen the window.
pub fn take(
    tx: &mut dyn Tx,
    bucket: &str,
    limit: RateLimit,
    now: i64,
) -> Result<std::result::Result<(), i64>> {
    let window = limit.window_secs.max(1);
    let start = now - now.rem_euclid(window);
    let count = tx.bump_rate(bucket, start)?;
    if count > i64::from(limit.max) {
        return Ok(Err((start + window - now).max(1)));
    }
    Ok(Ok(()))
}

/// Whether `bucket`'s window is full now, without counting: `Some(seconds)` to wait. For
/// limits on failures, counted by [`take`] only when an attempt fails.
pub fn full(r: &mut dyn Reads, bucket: &str, limit: RateLimit, now: i64) -> Result<Option<i64>> {
    let window = limit.window_secs.max(1);
    let start = now - now.rem_euclid(window);
    Ok((r.rate_count(bucket, start)? >= i64::from(limit.max))
        .then(|| (start + window - now).max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::memory::Memory;

    #[test]
    fn a_full_window_refuses_until_the_next_and_buckets_are_apart() {
        let mut m = Memory::default();
        let limit = RateLimit {
            max: 3,
            window_secs: 60,
        };
        for _ in 0..3 {
            assert_eq!(take(&mut m, "a", limit, 125).unwrap(), Ok(()));
        }
        assert_eq!(take(&mut m, "a", limit, 130).unwrap(), Err(50));
        assert_eq!(take(&mut m, "b", limit, 130).unwrap(), Ok(()));
        assert_eq!(take(&mut m, "a", limit, 180).unwrap(), Ok(()));
        assert_eq!(full(&mut m, "a", limit, 181).unwrap(), None);
        assert_eq!(full(&mut m, "b", limit, 130).unwrap(), None);
        take(&mut m, "b", limit, 130).unwrap().ok();
        assert_eq!(full(&mut m, "b", limit, 130).unwrap(), None, "two of three");
        take(&mut m, "b", limit, 130).unwrap().ok();
        assert_eq!(full(&mut m, "b", limit, 130).unwrap(), Some(50));
    }
}
