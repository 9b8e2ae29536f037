//! Where the rows live: a [`Store`] runs a closure in a read or a write transaction of its
//! engine and hands it the rules' transaction interface ([`crate::ledger::Tx`]). The rules
//! are written once in [`crate::ledger`]; an engine implements only that interface, its
//! schema and its migrations. SQLite is the embedded default.

#[cfg(test)]
mod conformance;
pub mod migrate;
pub mod postgres;
pub mod scratch;
#[macro_use]
pub mod sql;
pub mod sqlite;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use crate::ledger::{LedgerAccount, Reads, StoreError, Tx};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A write: runs inside one transaction, committed only if it returns `Ok`. An engine may run
/// it more than once (a networked engine retries a transaction that collided with another),
/// so it must not spend what it captured: only the run that commits takes effect.
pub type WriteJob = Box<dyn FnMut(&mut dyn Tx) -> Result<(), StoreError> + Send>;
/// A read: runs on a consistent snapshot.
pub type ReadJob<'a> = Box<dyn FnOnce(&mut dyn Reads) -> Result<(), StoreError> + Send + 'a>;

/// Which engine holds the rows, and where.
#[derive(Debug, Clone)]
pub enum Database {
    /// A SQLite file, created if missing: the embedded default.
    Sqlite(PathBuf),
    /// A PostgreSQL database, shared by any number of backends.
    Postgres(postgres::PgConfig),
}

impl Database {
    /// A `postgres://` or `postgresql://` address, or else a SQLite file's path.
    pub fn parse(target: &str) -> Database {
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            Database::Postgres(postgres::PgConfig {
                url: target.to_owned(),
                pool_size: postgres::DEFAULT_POOL_SIZE,
            })
        } else {
            Database::Sqlite(PathBuf::from(target))
        }
    }

    /// Opens (creating or upgrading) the store.
    pub async fn open(&self) -> Result<Arc<dyn Store>, StoreError> {
        Ok(match self {
            Database::Sqlite(path) => Arc::new(sqlite::SqliteStore::open(path).await?),
            Database::Postgres(config) => Arc::new(postgres::PgStore::open(config).await?),
        })
    }
}

impl From<PathBuf> for Database {
    fn from(path: PathBuf) -> Self {
        Database::Sqlite(path)
    }
}

impl std::str::FromStr for Database {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Database::parse(s))
    }
}

impl std::fmt::Display for Database {
    /// Where the rows are, without a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(c) => match c.url.parse::<tokio_postgres::Config>() {
                Ok(pg) => {
                    let host = match pg.get_hosts().first() {
                        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
                        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
                        None => "localhost".into(),
                    };
                    let port = pg.get_ports().first().copied().unwrap_or(5432);
                    let db = pg.get_dbname().unwrap_or("");
                    write!(f, "postgres://{host}:{port}/{db}")
                }
                Err(_) => f.write_str("postgres (an address that does not parse)"),
            },
        }
    }
}

/// How long idempotency keys are kept: a phone can be offline for a week.
pub const IDEMPOTENCY_RETENTION_SECS: i64 = 8 * 24 * 3600;

/// An engine. Object-safe, so the server holds `Arc<dyn Store>` and picks the engine at
/// start; callers use the typed [`read`](trait.Store.html#method.read) and
/// [`write`](trait.Store.html#method.write) on `dyn Store`.
pub trait Store: Send + Sync + 'static {
    /// Runs `job` in a write transaction; resolves once it is durably committed (or not at
    /// all: then nothing of it took effect).
    fn run_write(&self, job: WriteJob) -> BoxFuture<'_, Result<(), StoreError>>;

    fn run_read<'a>(&'a self, job: ReadJob<'a>) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Checks the ledger from the postings themselves: every transaction sums to zero per
    /// currency, every stored balance equals the sum of its postings, no user balance is
    /// negative. Returns the problems found (empty when sound).
    fn audit(&self) -> BoxFuture<'_, Result<Vec<String>, StoreError>>;

    /// Sum of every balance per currency: zero when no money was made or lost.
    fn total_by_currency(&self) -> BoxFuture<'_, Result<Vec<(String, i64)>, StoreError>>;

    /// Whether other backends may write to the same rows (a networked engine): each backend
    /// then looks for their writes, since only its own wake its waiters at once.
    fn shared(&self) -> bool {
        false
    }
}

impl dyn Store {
    /// Runs `f` in one write transaction and returns what it returned, once committed. `f`
    /// may run more than once (see [`WriteJob`]).
    pub async fn write<T: Send + 'static>(
        &self,
        mut f: impl FnMut(&mut dyn Tx) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let slot = Arc::new(Mutex::new(None));
        let out = slot.clone();
        self.run_write(Box::new(move |tx| {
            let value = f(tx)?;
            *out.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
            Ok(())
        }))
        .await?;
        let value = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
        value.ok_or_else(|| StoreError::Unavailable("the write returned nothing".into()))
    }

    pub async fn read<T: Send>(
        &self,
        f: impl FnOnce(&mut dyn Reads) -> Result<T, StoreError> + Send,
    ) -> Result<T, StoreError> {
        let mut slot = None;
        self.run_read(Box::new(|r| {
            slot = Some(f(r)?);
            Ok(())
        }))
        .await?;
        slot.ok_or_else(|| StoreError::Unavailable("the read returned nothing".into()))
    }

    /// A user's balance in minor units and the ledger sequence it is as of.
    pub async fn balance(&self, account_id: &str) -> Result<(i64, i64), StoreError> {
        let account = LedgerAccount::user(account_id);
        self.read(move |r| r.balance(&account))
            .await?
            .map(|(m, seq)| (m.minor, seq))
            .ok_or(StoreError::NotFound)
    }
}
