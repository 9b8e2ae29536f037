//! What every handler shares: the store, the configuration, and the two wake-ups (the
//! ledger moved; a webhook was queued).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};

use crate::billers::{BillerSystem, Catalogue, FxTable, SandboxBillers};
use crate::ledger::devices::recovery::RecoveryPolicy;
use crate::ledger::limits::Maxima;
use crate::ledger::rate::RateLimit;
use crate::store::{Database, Store};

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub db: Database,
    /// The backend's key file ([`crate::vault`]): beside a SQLite file (`FILE.key`) when
    /// unset; required with PostgreSQL, where every backend must use the same one.
    pub key_file: Option<PathBuf>,
    /// The base URLs clients use (`https://api.example.com`) when behind a TLS-terminating
    /// proxy or load balancer: signatures cover the URL the client used, so the server must
    /// know it. The listen address is known besides ([`crate::public_address`]).
    pub public_urls: Vec<String>,
    /// The most an account may pay at once and per UTC day, in major units of its currency;
    /// an account may choose lower limits.
    pub max_per_payment_major: i64,
    pub max_per_day_major: i64,
    /// Waits between webhook attempts; after the last, a message is given up.
    pub webhook_retry: Vec<Duration>,
    /// Proxies whose `X-Forwarded-For` names the client for per-address limits (a load
    /// balancer's addresses); from anyone else the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Request rate limits ([`crate::throttle`]); `None` turns them off (benchmarks, and
    /// tests that are not about them).
    pub rate_limits: Option<crate::throttle::Limits>,
    /// Where webhooks may go: public https addresses, and loopback only in development.
    pub webhook_targets: crate::webhooks::Targets,
    /// From a proved recovery code to the new device's enrollment; every other device is
    /// told and may cancel meanwhile. SECURITY.md says why a day.
    pub recovery_cool_off_secs: i64,
    /// After a recovery, how long the new device's payments are capped, and the cap (major
    /// units of the account's currency, per payment and per day).
    pub recovery_restricted_secs: i64,
    pub recovery_cap_major: i64,
    /// How long a pairing code is good for.
    pub pairing_ttl_secs: i64,
    /// Pairing and recovery attempts allowed per account and per client address.
    pub device_attempts: DeviceAttempts,
    /// Catalogue files loaded after the shipped one (`--billers FILE`): their billers are
    /// added to the store's catalogue, replacing those of the same id.
    pub biller_files: Vec<PathBuf>,
    /// How long a price for a payment in another currency holds.
    pub quote_ttl_secs: i64,
    /// The most an account may redeem from savings at once per UTC day, in major units of
    /// its currency; beyond it a redemption is standard (next business day).
    pub savings_instant_cap_major: i64,
    /// Where the savings fund's daily returns come from (the sandbox: a schedule of annual
    /// rates).
    pub savings_rates: crate::fund::RateSchedule,
    /// The savings fund's calendar: which day it is for subscriptions, redemptions and the
    /// daily job. Tests and demos move it forward; signatures, nonces and authorizations
    /// keep to real time ([`AppState::now`]), so a phone's requests stay fresh.
    pub fund_clock: crate::clock::Clock,
    /// How long a device's pay-code secret is good for, and how long a charge above the
    /// customer's limit waits for confirmation (tests shorten both).
    pub paycode_key_ttl_secs: i64,
    pub paycode_confirm_secs: i64,
}

/// Rate limits on pairing and recovery tries (fixed windows, kept in the database).
#[derive(Debug, Clone, Copy)]
pub struct DeviceAttempts {
    pub per_account: RateLimit,
    pub per_ip: RateLimit,
}

impl Default for DeviceAttempts {
    fn default() -> Self {
        DeviceAttempts {
            per_account: RateLimit {
                max: 10,
                window_secs: 3_600,
            },
            per_ip: RateLimit {
                max: 30,
                window_secs: 3_600,
            },
        }
    }
}

impl Config {
    /// Defaults for everything but where to listen and the database file.
    pub fn new(listen: SocketAddr, db: impl Into<Database>) -> Self {
        Config {
            listen,
            db: db.into(),
            key_file: None,
            public_urls: Vec::new(),
            max_per_payment_major: 5_000,
            max_per_day_major: 20_000,
            webhook_retry: crate::webhooks::default_schedule(),
            webhook_targets: crate::webhooks::Targets::default(),
            rate_limits: Some(crate::throttle::Limits::default()),
            trusted_proxies: Vec::new(),
            pairing_ttl_secs: crate::ledger::devices::pairing::PAIRING_TTL_SECS,
            recovery_cool_off_secs: 86_400,
            recovery_restricted_secs: 3 * 86_400,
            recovery_cap_major: 500,
            device_attempts: DeviceAttempts::default(),
            biller_files: Vec::new(),
            quote_ttl_secs: 300,
            savings_instant_cap_major: 10_000,
            savings_rates: crate::fund::RateSchedule::default(),
            fund_clock: crate::clock::Clock::default(),
            paycode_key_ttl_secs: crate::ledger::paycodes::KEY_TTL_SECS,
            paycode_confirm_secs: crate::ledger::paycodes::CONFIRM_SECS,
        }
    }

    /// Where the backend's key file is: `key_file`, else beside the SQLite file.
    pub fn key_path(&self) -> anyhow::Result<PathBuf> {
        match (&self.key_file, &self.db) {
            (Some(path), _) => Ok(path.clone()),
            (None, Database::Sqlite(db)) => {
                let mut name = db.as_os_str().to_owned();
                name.push(".key");
                Ok(PathBuf::from(name))
            }
            (None, Database::Postgres(_)) => anyhow::bail!(
                "--key-file is required with PostgreSQL: every backend on the database must \
                 use the same key file, and it must not live in the database"
            ),
        }
    }

    pub fn recovery_policy(&self) -> RecoveryPolicy {
        RecoveryPolicy {
            cool_off_secs: self.recovery_cool_off_secs,
            restricted_secs: self.recovery_restricted_secs,
        }
    }

    pub fn maxima(&self) -> Maxima {
        Maxima {
            per_payment_major: self.max_per_payment_major,
            per_day_major: self.max_per_day_major,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    /// The newest ledger sequence: event-stream long-polls wait for it to move.
    pub ledger: Arc<watch::Sender<i64>>,
    /// Wakes the webhook deliverer when a message is queued.
    pub webhooks: Arc<Notify>,
    /// How billers answer (the sandbox's).
    pub billers: Arc<dyn BillerSystem>,
    /// Exchange rates for payments to billers in another currency.
    pub fx: Arc<FxTable>,
    /// The key outside the database: fingerprints and sealed secrets.
    pub vault: Arc<crate::vault::Vault>,
    /// The addresses this backend answers for (signatures cover them).
    pub public: Arc<crate::public_address::PublicAddresses>,
    /// Request rate limits, when on.
    pub throttle: Option<Arc<crate::throttle::Throttle>>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        config: Config,
        newest_seq: i64,
        catalogue: &Catalogue,
        vault: crate::vault::Vault,
        public: crate::public_address::PublicAddresses,
    ) -> Self {
        let throttle = config
            .rate_limits
            .as_ref()
            .map(|l| Arc::new(crate::throttle::Throttle::new(l)));
        AppState {
            store,
            config: Arc::new(config),
            ledger: Arc::new(watch::Sender::new(newest_seq)),
            webhooks: Arc::new(Notify::new()),
            billers: Arc::new(SandboxBillers::new(catalogue.sandbox.clone())),
            fx: Arc::new(catalogue.fx.clone()),
            vault: Arc::new(vault),
            public: Arc::new(public),
            throttle,
        }
    }

    pub fn now(&self) -> i64 {
        crate::clock::unix_now()
    }

    /// Now on the savings fund's calendar (real time unless a test or demo moved it).
    pub fn fund_now(&self) -> i64 {
        self.config.fund_clock.now()
    }

    /// Wakes event-stream waiters for something that is not a ledger move (a notice).
    pub fn stream_moved(&self) {
        self.ledger.send_modify(|_| {});
    }

    /// Tells event-stream waiters that the ledger reached `seq`.
    pub fn ledger_moved(&self, seq: i64) {
        self.ledger.send_if_modified(|cur| {
            if seq > *cur {
                *cur = seq;
                true
            } else {
                false
            }
        });
    }
}
