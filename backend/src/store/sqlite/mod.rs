//! The embedded default engine: SQLite through rusqlite, WAL mode.
//!
//! Writes go to one thread that owns the only writing connection and commits queued writes
//! together ([`writer`]), so writers never fight over SQLite's lock. Reads take a
//! connection of their own from a small pool and, in WAL mode, never wait for the writer;
//! they run on the calling task, since an indexed read takes microseconds, less than a
//! hand-off to another thread would.

mod conn;
pub mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{BoxFuture, ReadJob, Store, WriteJob};
use crate::ledger::StoreError;
use crate::store::sql::{self, SqlTx};
use writer::Writer;

/// Idle read connections kept open; more are opened under load and closed after.
const IDLE_READERS: usize = 8;
/// Distinct statements each connection keeps prepared.
const STATEMENT_CACHE: usize = 128;

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Writer,
    readers: Mutex<Vec<Connection>>,
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")
}

impl SqliteStore {
    /// Opens (creating or upgrading) the database file.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let path = path.to_owned();
        let conn = tokio::task::spawn_blocking({
            let path = path.clone();
            move || -> Result<Connection, StoreError> {
                let mut conn = Connection::open(&path)?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                configure(&conn)?;
                schema::upgrade(&mut conn)?;
                Ok(conn)
            }
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))??;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path,
                writer: Writer::start(conn)?,
                readers: Mutex::new(Vec::new()),
            }),
        })
    }

    /// Runs `f` on a read-only connection from the pool.
    fn with_reader<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.inner.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&c)?;
                c
            }
        };
        let result = f(&conn);
        let mut idle = self.inner.readers.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        result
    }
}

impl Store for SqliteStore {
    fn run_write(&self, job: WriteJob) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.inner.writer.write(move |c| job(&mut SqlTx::new(c))))
    }

    fn run_read<'a>(&'a self, job: ReadJob<'a>) -> BoxFuture<'a, Result<(), StoreError>> {
        let result = self.with_reader(|c| {
            // One snapshot for every statement of the job.
            c.execute_batch("BEGIN")?;
            let result = job(&mut SqlTx::new(c));
            c.execute_batch("COMMIT")?;
            result
        });
        Box::pin(std::future::ready(result))
    }

    fn audit(&self) -> BoxFuture<'_, Result<Vec<String>, StoreError>> {
        Box::pin(std::future::ready(self.with_reader(|c| sql::audit(c))))
    }

    fn total_by_currency(&self) -> BoxFuture<'_, Result<Vec<(String, i64)>, StoreError>> {
        Box::pin(std::future::ready(
            self.with_reader(|c| sql::total_by_currency(c)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::rows::{AccountRow, DeviceRow, StoredResponse};
    use crate::ledger::{LedgerAccount, LedgerEntry, Tx};
    use crate::store::IDEMPOTENCY_RETENTION_SECS;
    use purse_core::api::types::TransactionKind;
    use purse_core::money::{Currency, Money};

    fn cny() -> Currency {
        Currency::from_code("CNY").unwrap()
    }

    fn enroll(tx: &mut dyn Tx, n: u32) -> Result<(), StoreError> {
        tx.insert_account(&AccountRow {
            account_id: format!("a{n}"),
            name: "A".into(),
            currency: cny(),
            created_at: 1,
            limit_per_payment: None,
            limit_per_day: None,
        })?;
        tx.insert_device(&DeviceRow {
            device_id: format!("d{n}"),
            account_id: format!("a{n}"),
            name: "p".into(),
            public_key: format!("k{n}"),
            payment_public_key: format!("p{n}"),
            created_at: 1,
            revoked_at: None,
            restricted_until: None,
        })
    }

    async fn store() -> (tempfile::TempDir, Arc<dyn Store>) {
        let dir = tempfile::tempdir().unwrap();
        let s: Arc<dyn Store> =
            Arc::new(SqliteStore::open(&dir.path().join("t.db")).await.unwrap());
        s.write(|tx| enroll(tx, 1)).await.unwrap();
        (dir, s)
    }

    fn entry(id: &str, user_amount: i64) -> LedgerEntry {
        LedgerEntry {
            transaction_id: id.into(),
            kind: TransactionKind::Topup,
            description: String::new(),
            created_at: 2,
            order_id: None,
            intent_id: None,
            postings: LedgerEntry::transfer(
                (LedgerAccount::system("test", cny()), "A"),
                (LedgerAccount::user("a1"), "x"),
                Money::new(user_amount, cny()),
            ),
        }
    }

    fn answer() -> StoredResponse {
        StoredResponse {
            request_hash: "h".into(),
            status: 201,
            body: "{}".into(),
        }
    }

    #[tokio::test]
    async fn user_balance_never_goes_below_zero_and_a_failed_write_leaves_nothing() {
        let (_d, s) = store().await;
        s.write(|tx| tx.post(&entry("t1", 500))).await.unwrap();
        let e = s
            .write(|tx| {
                tx.store_idempotent("a1", "k2", &answer(), 2)?;
                tx.post(&entry("t2", -501))
            })
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NegativeBalance), "{e:?}");
        assert_eq!(s.balance("a1").await.unwrap().0, 500);
        assert!(
            s.read(|r| r.idempotent("a1", "k2"))
                .await
                .unwrap()
                .is_none(),
            "rolled back whole"
        );
        assert!(s.audit().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn unbalanced_entries_and_wrong_currencies_are_refused() {
        let (_d, s) = store().await;
        let mut e = entry("t1", 500);
        e.postings[1].amount.minor = 499;
        assert!(matches!(
            s.write(move |tx| tx.post(&e)).await,
            Err(StoreError::Unbalanced(_))
        ));
        let usd = Currency::from_code("USD").unwrap();
        let mut e = entry("t2", 500);
        for p in &mut e.postings {
            p.amount.currency = usd;
        }
        assert!(matches!(
            s.write(move |tx| tx.post(&e)).await,
            Err(StoreError::Unbalanced(_))
        ));
    }

    #[tokio::test]
    async fn ledger_is_append_only() {
        let (_d, s) = SqliteStore::open_for_test().await;
        let d: &dyn Store = &s;
        d.write(|tx| enroll(tx, 1)).await.unwrap();
        d.write(|tx| tx.post(&entry("t1", 500))).await.unwrap();
        for sql in [
            "UPDATE postings SET amount = 1",
            "DELETE FROM postings",
            "UPDATE ledger_transactions SET description = 'x'",
            "DELETE FROM ledger_transactions",
        ] {
            let e = s
                .inner
                .writer
                .write(move |c| Ok(c.execute(sql, [])?))
                .await
                .unwrap_err();
            assert!(e.to_string().contains("append-only"), "{sql}: {e}");
        }
    }

    #[tokio::test]
    async fn nonces_are_single_use_until_purged() {
        let (_d, s) = store().await;
        let add = |device: &'static str, expires| {
            let s = s.clone();
            async move {
                s.write(move |tx| tx.insert_nonce(device, "n", expires))
                    .await
                    .unwrap()
            }
        };
        assert!(add("d1", 100).await);
        assert!(!add("d1", 100).await);
        assert!(add("d2", 100).await, "per device");
        assert_eq!(s.write(|tx| tx.purge_nonces(101)).await.unwrap(), 2);
        assert!(add("d1", 200).await);
    }

    #[tokio::test]
    async fn idempotency_records_are_kept_a_week_then_purged() {
        let (_d, s) = store().await;
        s.write(|tx| tx.store_idempotent("a1", "k1", &answer(), 2))
            .await
            .unwrap();
        let purge = |before| {
            let s = s.clone();
            async move {
                s.write(move |tx| tx.purge_idempotency(before))
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            purge(2 + 7 * 24 * 3600 - IDEMPOTENCY_RETENTION_SECS).await,
            0
        );
        assert_eq!(purge(3).await, 1);
    }

    #[tokio::test]
    async fn a_duplicate_device_is_refused_as_such() {
        let (_d, s) = store().await;
        let e = s.write(|tx| enroll(tx, 1)).await.unwrap_err();
        assert!(matches!(e, StoreError::Duplicate(_)), "{e:?}");
    }

    #[tokio::test]
    async fn reopening_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let s: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
        s.write(|tx| enroll(tx, 9)).await.unwrap();
        drop(s);
        let s: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
        assert!(s.read(|r| r.account("a9")).await.unwrap().is_some());
        assert!(s.read(|r| r.device("d9")).await.unwrap().is_some());
    }

    impl SqliteStore {
        async fn open_for_test() -> (tempfile::TempDir, SqliteStore) {
            let dir = tempfile::tempdir().unwrap();
            let s = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
            (dir, s)
        }
    }
}
