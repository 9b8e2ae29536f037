//! Request rate limits: how often one device may move money, one account top up or look
//! people up, one client address enroll accounts, make requests at all, or fail a signature.
//! Beyond its limit a caller gets `429 rate_limited` with `Retry-After`, and nothing of the
//! request is done.
//!
//! Each limit is a GCRA bucket (the `governor` crate): a burst, refilled at a steady rate.
//! The buckets live in this backend's memory; behind a load balancer each backend counts
//! its own, so a client spread over N backends gets up to N times the rate. The attempts
//! that must hold across backends (pairing and recovery codes) are counted in the database
//! instead (`ledger::rate`). The client address is the TCP peer's.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// One limit: `burst` at once, then one more every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub burst: u32,
    pub every: Duration,
}

impl Limit {
    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst.max(1)).expect("at least one");
        Quota::with_period(self.every.max(Duration::from_millis(1)))
            .expect("a positive period")
            .allow_burst(burst)
    }
}

/// The limits a backend enforces. The defaults leave a person's use untouched and stop a
/// script: a phone pays a few times a minute, not thirty times a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Payments, transfers, bill payments, withdrawals, savings moves, pay-code charges and
    /// refunds, per device.
    pub money_moves: Limit,
    /// Top-ups and linking cards and bank accounts, per account.
    pub topups: Limit,
    /// Finding people and codes (recipients, receive codes, money requests), per account.
    pub lookups: Limit,
    /// New accounts, per client address.
    pub enrollments: Limit,
    /// Requests of any kind, per client address.
    pub requests: Limit,
    /// Signatures that did not verify, per client address; beyond it, every signed request
    /// from the address is refused until the bucket refills.
    pub failed_signatures: Limit,
}

impl Default for Limits {
    fn default() -> Self {
        let limit = |burst, secs: u64| Limit {
            burst,
            every: Duration::from_secs(secs),
        };
        Limits {
            money_moves: limit(30, 2),
            topups: limit(10, 120),
            lookups: limit(20, 2),
            enrollments: limit(20, 180),
            requests: Limit {
                burst: 600,
                every: Duration::from_millis(10),
            },
            failed_signatures: limit(20, 3),
        }
    }
}

/// What a request counts against, besides its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    MoneyMove,
    Topup,
    Lookup,
    Other,
}

impl Class {
    /// The class of a signed request, by method and route.
    pub fn of(method: &str, path: &str) -> Class {
        let path = path.split('?').next().unwrap_or(path);
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            (
                "POST",
                [
                    "v1",
                    "payments" | "transfers" | "bill-payments" | "withdrawals",
                ]
                | ["v1", "savings", "moves"]
                | ["v1", "paycode", "charges"]
                | ["v1", "paycode", "charges", _, "confirm"]
                | ["v1", "merchant", "orders", _, "refunds"],
            ) => Class::MoneyMove,
            ("POST", ["v1", "topups"] | ["v1", "funding", "cards" | "banks"]) => Class::Topup,
            ("GET", ["v1", "recipients"] | ["v1", "receive-codes", _])
            | ("POST", ["v1", "requests"]) => Class::Lookup,
            _ => Class::Other,
        }
    }
}

/// Refused: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    pub retry_after: Duration,
}

impl Throttled {
    /// Whole seconds to wait, at least one (what `Retry-After` carries).
    pub fn retry_after_secs(self) -> i64 {
        self.retry_after.as_secs_f64().ceil().max(1.0) as i64
    }
}

/// Every bucket of a backend.
pub struct Throttle {
    money_moves: DefaultKeyedRateLimiter<String>,
    topups: DefaultKeyedRateLimiter<String>,
    lookups: DefaultKeyedRateLimiter<String>,
    enrollments: DefaultKeyedRateLimiter<String>,
    requests: DefaultKeyedRateLimiter<String>,
    failed_signatures: DefaultKeyedRateLimiter<String>,
    /// Addresses that failed too many signatures, until when.
    shut_out: std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>,
    clock: DefaultClock,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Throttle(..)")
    }
}

impl Throttle {
    pub fn new(limits: &Limits) -> Throttle {
        let keyed = |l: Limit| DefaultKeyedRateLimiter::keyed(l.quota());
        Throttle {
            money_moves: keyed(limits.money_moves),
            topups: keyed(limits.topups),
            lookups: keyed(limits.lookups),
            enrollments: keyed(limits.enrollments),
            requests: keyed(limits.requests),
            failed_signatures: keyed(limits.failed_signatures),
            shut_out: Default::default(),
            clock: DefaultClock::default(),
        }
    }

    fn take(&self, bucket: &DefaultKeyedRateLimiter<String>, key: &str) -> Result<(), Throttled> {
        bucket
            .check_key(&key.to_owned())
            .map_err(|not_until| Throttled {
                retry_after: not_until.wait_time_from(self.clock.now()),
            })
    }

    /// Counts a request from `ip`.
    pub fn request(&self, ip: &str) -> Result<(), Throttled> {
        self.take(&self.requests, ip)
    }

    /// Counts an enrollment from `ip`.
    pub fn enrollment(&self, ip: &str) -> Result<(), Throttled> {
        self.take(&self.enrollments, ip)
    }

    /// Counts a signature from `ip` that did not verify. `Err` once the address has failed
    /// too often: it is then shut out of signed requests until its bucket refills.
    pub fn failed_signature(&self, ip: &str) -> Result<(), Throttled> {
        self.take(&self.failed_signatures, ip).inspect_err(|t| {
            let until = std::time::Instant::now() + t.retry_after;
            self.shut_out
                .lock()
                .expect("shut-out list")
                .insert(ip.to_owned(), until);
        })
    }

    /// `Err` while `ip` is shut out for failing signatures.
    pub fn signatures_blocked(&self, ip: &str) -> Result<(), Throttled> {
        let now = std::time::Instant::now();
        match self.shut_out.lock().expect("shut-out list").get(ip) {
            Some(until) if *until > now => Err(Throttled {
                retry_after: *until - now,
            }),
            _ => Ok(()),
        }
    }

    /// Counts a verified request of `class` by `device_id` of `account_id`.
    pub fn signed(&self, class: Class, device_id: &str, account_id: &str) -> Result<(), Throttled> {
        match class {
            Class::MoneyMove => self.take(&self.money_moves, device_id),
            Class::Topup => self.take(&self.topups, account_id),
            Class::Lookup => self.take(&self.lookups, account_id),
            Class::Other => Ok(()),
        }
    }

    /// Forgets buckets that are full again (they would allow a whole burst): keeps memory
    /// bounded by recent callers. The janitor calls it.
    pub fn forget_idle(&self) {
        for bucket in [
            &self.money_moves,
            &self.topups,
            &self.lookups,
            &self.enrollments,
            &self.requests,
            &self.failed_signatures,
        ] {
            bucket.retain_recent();
            bucket.shrink_to_fit();
        }
        let now = std::time::Instant::now();
        self.shut_out
            .lock()
            .expect("shut-out list")
            .retain(|_, until| *until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tight() -> Limits {
        let l = Limit {
            burst: 3,
            every: Duration::from_secs(60),
        };
        Limits {
            money_moves: l,
            topups: l,
            lookups: l,
            enrollments: l,
            requests: l,
            failed_signatures: l,
        }
    }

    #[test]
    fn a_burst_then_refused_with_how_long_to_wait_per_key() {
        let t = Throttle::new(&tight());
        for _ in 0..3 {
            t.signed(Class::MoneyMove, "dev_a", "acct_1").unwrap();
        }
        let refused = t.signed(Class::MoneyMove, "dev_a", "acct_1").unwrap_err();
        assert!(refused.retry_after <= Duration::from_secs(60));
        assert!((1..=60).contains(&refused.retry_after_secs()));
        // Another device of the same account, and other classes, have their own buckets.
        t.signed(Class::MoneyMove, "dev_b", "acct_1").unwrap();
        t.signed(Class::Topup, "dev_a", "acct_1").unwrap();
        for _ in 0..10 {
            t.signed(Class::Other, "dev_a", "acct_1").unwrap();
        }
    }

    #[test]
    fn an_address_that_fails_too_many_signatures_is_shut_out() {
        let t = Throttle::new(&tight());
        for _ in 0..3 {
            t.signatures_blocked("10.0.0.9").unwrap();
            t.failed_signature("10.0.0.9").unwrap();
        }
        assert!(t.failed_signature("10.0.0.9").is_err());
        assert!(t.signatures_blocked("10.0.0.9").is_err());
        assert!(t.signatures_blocked("10.0.0.8").is_ok());
        t.forget_idle();
        assert!(
            t.signatures_blocked("10.0.0.9").is_err(),
            "kept while shut out"
        );
    }

    #[test]
    fn routes_fall_in_their_class() {
        for (m, p, c) in [
            ("POST", "/v1/payments", Class::MoneyMove),
            ("POST", "/v1/transfers", Class::MoneyMove),
            ("POST", "/v1/savings/moves", Class::MoneyMove),
            ("POST", "/v1/paycode/charges/ch_1/confirm", Class::MoneyMove),
            (
                "POST",
                "/v1/merchant/orders/ord_1/refunds",
                Class::MoneyMove,
            ),
            ("GET", "/v1/payments/int_1", Class::Other),
            ("POST", "/v1/topups", Class::Topup),
            ("POST", "/v1/funding/cards", Class::Topup),
            ("GET", "/v1/recipients?phone=%2B1", Class::Lookup),
            ("GET", "/v1/receive-codes/rc_1", Class::Lookup),
            ("POST", "/v1/requests", Class::Lookup),
            ("GET", "/v1/balance", Class::Other),
        ] {
            assert_eq!(Class::of(m, p), c, "{m} {p}");
        }
    }
}
