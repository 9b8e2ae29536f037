//! PostgreSQL, for deployments that outgrow one SQLite file: several backend processes on
//! one database. The statements are the shared ones ([`crate::store::sql`]); this module
//! adds the pool, the transactions and their retries.
//!
//! Writes run at `SERIALIZABLE`: the rules read, decide and write inside one transaction
//! (an order is paid once, a balance never goes below zero, a nonce is used once), and
//! serializable isolation keeps every such decision as if the transactions had run one
//! after another, whatever the number of backends, with no lock named in the rules. A
//! transaction that collides with another (SQLSTATE `40001`, or `40P01` for a deadlock)
//! is undone whole and run again after a jittered, growing pause, a bounded number of
//! times. Reads run on a `REPEATABLE READ READ ONLY` snapshot, which never collides.
//!
//! The driver is async; the rules' interface is not. The connections' I/O runs on a small
//! runtime of the store's own, and a job blocks only the thread it runs on: a blocking-pool
//! thread for writes, the caller's for reads (under `block_in_place` where the runtime
//! allows it).

mod conn;
pub mod schema;

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio::runtime::{Handle, Runtime, RuntimeFlavor};
use tokio_postgres::NoTls;

use super::{BoxFuture, ReadJob, Store, WriteJob};
use crate::ledger::StoreError;
use crate::store::sql::{self, SqlTx};
use conn::{PgConn, block_on, store_error};

/// How reads begin: one snapshot for every statement of the job, which never collides.
const READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// Runs of one write before its collision is reported.
const MAX_ATTEMPTS: u32 = 12;
/// Connections each backend keeps at most: on the 2-core machine the figures come from, 8
/// did better than 4 or 16 (`cargo bench -p purse-tests --bench pay_load -- --db ...`).
pub const DEFAULT_POOL_SIZE: usize = 8;

/// Where the database is and how many connections to keep.
#[derive(Debug, Clone)]
pub struct PgConfig {
    /// `postgres://user:password@host:port/database` (key=value form also accepted).
    pub url: String,
    pub pool_size: usize,
}

#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    driver: Option<Runtime>,
    /// Test hook: collisions to report before running a write (see [`PgStore::collide`]).
    #[cfg(test)]
    collisions: std::sync::atomic::AtomicU32,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(rt) = self.driver.take() {
            rt.shutdown_background();
        }
    }
}

impl PgStore {
    /// Connects and brings the schema up to date.
    pub async fn open(config: &PgConfig) -> Result<Self, StoreError> {
        let pg: tokio_postgres::Config = config
            .url
            .parse()
            .map_err(|e| StoreError::Unavailable(format!("database address: {e}")))?;
        let driver = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("purse-postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Unavailable(format!("cannot start the driver: {e}")))?;
        let manager = Manager::from_config(
            pg,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(config.pool_size.max(1))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(Duration::from_secs(10)))
            .build()
            .map_err(|e| StoreError::Unavailable(format!("database pool: {e}")))?;
        let store = PgStore {
            inner: Arc::new(Inner {
                pool,
                driver: Some(driver),
                #[cfg(test)]
                collisions: Default::default(),
            }),
        };
        let s = store.clone();
        tokio::task::spawn_blocking(move || {
            let client = s.connection()?;
            schema::upgrade(&client)
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))??;
        Ok(store)
    }

    /// A pooled connection, made on the driver runtime so that its I/O runs there.
    fn connection(&self) -> Result<Object, StoreError> {
        let pool = self.inner.pool.clone();
        let driver = self
            .inner
            .driver
            .as_ref()
            .ok_or_else(|| StoreError::Unavailable("the store is closing".into()))?;
        block_on(driver.spawn(async move { pool.get().await }))
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
            .map_err(|e| StoreError::Unavailable(format!("database: {e}")))
    }

    fn write_now(&self, job: &mut WriteJob) -> Result<(), StoreError> {
        let client = self.connection()?;
        let run = |sql: &str| block_on(client.batch_execute(sql)).map_err(|e| store_error(&e));
        let mut careful = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            run("BEGIN ISOLATION LEVEL SERIALIZABLE")?;
            let conn = PgConn::new(&client, careful);
            let result = self
                .injected_collision()
                .and_then(|()| unwound(|| job(&mut SqlTx::new(&conn))));
            let failure = conn.failure();
            if conn.went_on() && !matches!(failure, Some(StoreError::Conflict(_))) {
                // A rule handled a failed statement and went on, which PostgreSQL's
                // transaction cannot: run it again, each statement undone alone.
                let _ = run("ROLLBACK");
                careful = true;
                continue;
            }
            let outcome = match (result, failure) {
                (Ok(()), None) => match run("COMMIT") {
                    Ok(()) => return Ok(()),
                    Err(e) => Err(e),
                },
                (_, Some(e @ StoreError::Conflict(_))) | (Err(e @ StoreError::Conflict(_)), _) => {
                    let _ = run("ROLLBACK");
                    Err(e)
                }
                (Ok(()), Some(_)) => {
                    // A rule handled a failed statement and committed: the same, or the
                    // commit would quietly undo everything.
                    let _ = run("ROLLBACK");
                    careful = true;
                    continue;
                }
                (Err(e), _) => {
                    let _ = run("ROLLBACK");
                    return Err(e);
                }
            };
            match outcome {
                Err(StoreError::Conflict(why)) if attempt < MAX_ATTEMPTS => {
                    tracing::debug!(attempt, %why, "transaction collided; running it again");
                    std::thread::sleep(backoff(attempt));
                }
                other => return other,
            }
        }
    }

    /// Runs `f` once in a transaction opened with `begin`, committed when it returns `Ok`
    /// and rolled back otherwise (a panic included).
    fn once<T>(
        &self,
        begin: &str,
        f: impl FnOnce(&PgConn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let client = self.connection()?;
        let run = |sql: &str| block_on(client.batch_execute(sql)).map_err(|e| store_error(&e));
        run(begin)?;
        let result = unwound(|| f(&PgConn::new(&client, false)));
        run(if result.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
        result
    }

    fn read_now(&self, job: ReadJob<'_>) -> Result<(), StoreError> {
        self.once(READ, |c| job(&mut SqlTx::new(c)))
    }

    /// Runs `f` in one transaction of its own, never run again: for tools that move a whole
    /// store, not for the rules.
    pub(crate) fn in_transaction<T>(
        &self,
        f: impl FnOnce(&dyn crate::store::sql::Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.once("BEGIN ISOLATION LEVEL SERIALIZABLE", |c| f(c))
    }

    #[cfg(not(test))]
    fn injected_collision(&self) -> Result<(), StoreError> {
        Ok(())
    }

    #[cfg(test)]
    fn injected_collision(&self) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering;
        let left = &self.inner.collisions;
        if left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(StoreError::Conflict("injected".into()));
        }
        Ok(())
    }

    /// Test hook: the next `n` write attempts collide before they run.
    #[cfg(test)]
    pub fn collide(&self, n: u32) {
        self.inner
            .collisions
            .store(n, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Runs a job, a panic in it turned into an error: the connection's transaction is then
/// ended like any failed job's, never handed back to the pool still open.
fn unwound<T>(job: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))
        .unwrap_or_else(|_| Err(StoreError::Corrupt("a store operation panicked".into())))
}

/// The pause before run `attempt + 1`: doubling from 2 ms to at most 256 ms, with full jitter
/// so that colliding backends do not collide again in step.
fn backoff(attempt: u32) -> Duration {
    use std::hash::{BuildHasher, RandomState};
    let ceiling_ms = 2u64 << attempt.min(7);
    let random = RandomState::new().hash_one(std::time::Instant::now());
    Duration::from_micros(random % (ceiling_ms * 1000) + 100)
}

/// Runs blocking work from async code: under `block_in_place` on a multi-threaded runtime,
/// where the runtime then moves its other tasks off this thread; as it is elsewhere.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

impl Store for PgStore {
    fn run_write(&self, mut job: WriteJob) -> BoxFuture<'_, Result<(), StoreError>> {
        let store = self.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || store.write_now(&mut job))
                .await
                .map_err(|e| StoreError::Unavailable(format!("the write stopped: {e}")))?
        })
    }

    fn run_read<'a>(&'a self, job: ReadJob<'a>) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(std::future::ready(blocking(|| self.read_now(job))))
    }

    fn audit(&self) -> BoxFuture<'_, Result<Vec<String>, StoreError>> {
        Box::pin(std::future::ready(blocking(|| {
            self.once(READ, |c| sql::audit(c))
        })))
    }

    fn shared(&self) -> bool {
        true
    }

    fn total_by_currency(&self) -> BoxFuture<'_, Result<Vec<(String, i64)>, StoreError>> {
        Box::pin(std::future::ready(blocking(|| {
            self.once(READ, |c| sql::total_by_currency(c))
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Database;
    use crate::store::scratch::{POSTGRES_VAR, scratch};

    /// A store on a new database, or `None` when the environment offers no server.
    async fn store() -> Option<(tempfile::TempDir, PgStore)> {
        let dir = tempfile::tempdir().unwrap();
        match scratch(dir.path(), "unused.db").await {
            Database::Postgres(config) => Some((dir, PgStore::open(&config).await.unwrap())),
            Database::Sqlite(_) => {
                eprintln!("{POSTGRES_VAR} is not set: nothing to test here");
                None
            }
        }
    }

    async fn count_runs(s: &PgStore) -> (Result<u32, StoreError>, u32) {
        let runs = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = runs.clone();
        let d: &dyn Store = s;
        let result = d
            .write(move |tx| {
                let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                tx.bump_rate("retry-test", 0)?;
                Ok(n)
            })
            .await;
        (result, runs.load(std::sync::atomic::Ordering::SeqCst))
    }

    #[tokio::test]
    async fn a_collided_write_runs_again_and_commits_once() {
        let Some((_d, s)) = store().await else { return };
        s.collide(3);
        let (result, runs) = count_runs(&s).await;
        assert_eq!(result.unwrap(), 1, "the collisions came before the job ran");
        assert_eq!(runs, 1);
        let d: &dyn Store = &s;
        assert_eq!(d.read(|r| r.rate_count("retry-test", 0)).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn retries_are_bounded_and_the_collision_is_reported() {
        let Some((_d, s)) = store().await else { return };
        s.collide(MAX_ATTEMPTS);
        let (result, runs) = count_runs(&s).await;
        assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
        assert_eq!(runs, 0);
        let d: &dyn Store = &s;
        assert_eq!(d.read(|r| r.rate_count("retry-test", 0)).await.unwrap(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn real_serialization_failures_are_retried_until_every_write_lands() {
        let Some((_d, s)) = store().await else { return };
        let mut tasks = Vec::new();
        for _ in 0..32 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let d: &dyn Store = &s;
                // Read, then write the same row: concurrent runs collide at SERIALIZABLE.
                d.write(|tx| {
                    let seen = tx.rate_count("hot", 0)?;
                    tx.bump_rate("hot", 0)?;
                    Ok(seen)
                })
                .await
            }));
        }
        let mut seen = Vec::new();
        for t in tasks {
            seen.push(t.await.unwrap().unwrap());
        }
        seen.sort();
        assert_eq!(seen, (0..32).collect::<Vec<_>>(), "as if one after another");
    }

    #[tokio::test]
    async fn the_ledger_is_append_only_and_the_schema_is_current() {
        let Some((_d, s)) = store().await else { return };
        let client = s.connection().unwrap();
        block_on(client.batch_execute(
            "INSERT INTO ledger_transactions (seq, transaction_id, kind, description, status,
                created_at) VALUES (1, 't1', 'topup', '', 'completed', 1);
             INSERT INTO ledger_accounts (ledger_account, currency, kind)
                VALUES ('system:x', 'CNY', 'system');
             INSERT INTO postings (seq, ledger_account, amount, currency, counterparty)
                VALUES (1, 'system:x', 5, 'CNY', 'x');",
        ))
        .unwrap();
        for sql in [
            "UPDATE postings SET amount = 1",
            "DELETE FROM postings",
            "UPDATE ledger_transactions SET description = 'x'",
            "DELETE FROM ledger_transactions",
        ] {
            let e = block_on(client.batch_execute(sql)).unwrap_err();
            assert!(
                store_error(&e).to_string().contains("append-only"),
                "{sql}: {e}"
            );
        }
        let version: i64 = block_on(client.query_one("SELECT version FROM schema_version", &[]))
            .unwrap()
            .get(0);
        assert_eq!(version, crate::store::sql::schema::VERSION);
    }

    /// Every column and index as PostgreSQL describes them, in name order.
    fn schema_of(client: &Object) -> Vec<String> {
        let rows = block_on(client.query(
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' '
                || is_nullable || ' ' || COALESCE(column_default, '')
             FROM information_schema.columns WHERE table_schema = 'public'
             UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
             UNION ALL SELECT tgname || ' ' || tgrelid::regclass::text FROM pg_trigger
                WHERE NOT tgisinternal
             ORDER BY 1",
            &[],
        ))
        .unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_upgraded_database_equals_a_fresh_one() {
        let Some((_d, fresh)) = store().await else {
            return;
        };
        let want = schema_of(&fresh.connection().unwrap());
        for start in [1, 5, crate::store::sql::schema::VERSION - 1] {
            let dir = tempfile::tempdir().unwrap();
            let Database::Postgres(config) = scratch(dir.path(), "x").await else {
                unreachable!()
            };
            let (client, conn) = tokio_postgres::connect(&config.url, NoTls).await.unwrap();
            tokio::spawn(conn);
            tokio::task::block_in_place(|| schema::upgrade_to(&client, start)).unwrap_or(());
            client
                .batch_execute(
                    "INSERT INTO accounts (account_id, name, currency, created_at)
                     VALUES ('acct_old', 'Old', 'CNY', 1)",
                )
                .await
                .unwrap();
            let upgraded = PgStore::open(&config).await.unwrap();
            assert_eq!(
                schema_of(&upgraded.connection().unwrap()),
                want,
                "from {start}"
            );
            let d: &dyn Store = &upgraded;
            assert!(d.read(|r| r.account("acct_old")).await.unwrap().is_some());
        }
    }
}
