//! The embedded default store: SQLite through sqlx, WAL mode.
//!
//! Writes go through a pool of exactly one connection, so writers queue in the process
//! instead of fighting over SQLite's lock (no `SQLITE_BUSY`); reads use a separate pool and,
//! in WAL mode, never wait for the writer.

use std::path::Path;
use std::time::Duration;

use purse_core::money::Currency;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use super::*;

const SCHEMA_VERSION: i64 = 1;
const SCHEMA_V1: &str = include_str!("schema.sql");

/// How long idempotency keys are kept: a phone can be offline for a week.
pub const IDEMPOTENCY_RETENTION_SECS: i64 = 8 * 24 * 3600;

#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        migrate(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.read_only(true))
            .await?;
        Ok(SqliteStore { writer, reader })
    }

    /// Checks the ledger's invariants from the postings themselves: every transaction sums
    /// to zero per currency, every stored balance equals the sum of its postings, and no
    /// user balance is negative. Returns the problems found (empty when sound).
    pub async fn audit(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let rows = sqlx::query(
            "SELECT seq, currency, SUM(amount) FROM postings GROUP BY seq, currency
             HAVING SUM(amount) <> 0",
        )
        .fetch_all(&self.reader)
        .await?;
        for r in rows {
            problems.push(format!(
                "transaction {} does not balance",
                r.get::<i64, _>(0)
            ));
        }
        let rows = sqlx::query(
            "SELECT a.ledger_account, a.balance, COALESCE(SUM(p.amount), 0), a.kind
             FROM ledger_accounts a LEFT JOIN postings p ON p.ledger_account = a.ledger_account
             GROUP BY a.ledger_account, a.balance, a.kind",
        )
        .fetch_all(&self.reader)
        .await?;
        for r in rows {
            let (acct, stored, summed, kind): (String, i64, i64, String) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            if stored != summed {
                problems.push(format!(
                    "{acct}: balance {stored} but postings sum to {summed}"
                ));
            }
            if kind == "user" && stored < 0 {
                problems.push(format!("{acct}: negative balance {stored}"));
            }
        }
        Ok(problems)
    }

    /// Forgets idempotency records older than the retention period.
    pub async fn purge_idempotency(&self, now: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM idempotency WHERE created_at < ?")
            .bind(now - IDEMPOTENCY_RETENTION_SECS)
            .execute(&self.writer)
            .await?
            .rows_affected())
    }

    /// Sum of every balance per currency: zero when no money was made or lost.
    pub async fn total_by_currency(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(
            sqlx::query("SELECT currency, SUM(balance) FROM ledger_accounts GROUP BY currency")
                .fetch_all(&self.reader)
                .await?
                .into_iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect(),
        )
    }
}

async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(pool)
        .await?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::Corrupt(format!(
            "database schema {version} is newer than this backend ({SCHEMA_VERSION})"
        )));
    }
    if version < 1 {
        let mut tx = pool.begin().await?;
        sqlx::raw_sql(SCHEMA_V1).execute(&mut *tx).await?;
        sqlx::query("PRAGMA user_version = 1")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}

fn currency(code: &str) -> Result<Currency, StoreError> {
    Currency::from_code(code).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn account_row(r: &SqliteRow) -> Result<AccountRow, StoreError> {
    Ok(AccountRow {
        account_id: r.try_get(0)?,
        name: r.try_get(1)?,
        currency: currency(r.try_get(2)?)?,
        created_at: r.try_get(3)?,
    })
}

fn device_row(r: &SqliteRow) -> Result<DeviceRow, StoreError> {
    Ok(DeviceRow {
        device_id: r.try_get(0)?,
        account_id: r.try_get(1)?,
        name: r.try_get(2)?,
        public_key: r.try_get(3)?,
        payment_public_key: r.try_get(4)?,
        created_at: r.try_get(5)?,
        revoked_at: r.try_get(6)?,
    })
}

fn funding_row(r: &SqliteRow) -> Result<FundingRow, StoreError> {
    Ok(FundingRow {
        source_id: r.try_get(0)?,
        account_id: r.try_get(1)?,
        kind: r.try_get(2)?,
        brand: r.try_get(3)?,
        last4: r.try_get(4)?,
        behaviour: r.try_get(5)?,
        created_at: r.try_get(6)?,
    })
}

// Column lists as macros so queries stay `&'static str` (sqlx refuses runtime-built SQL).
macro_rules! device_cols {
    () => {
        "device_id, account_id, name, public_key, payment_public_key, created_at, revoked_at"
    };
}
macro_rules! funding_cols {
    () => {
        "source_id, account_id, kind, brand, last4, behaviour, created_at"
    };
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

fn is_check_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_check_violation())
}

async fn post_entry(
    tx: &mut Transaction<'static, Sqlite>,
    entry: &LedgerEntry,
    user_ledger_account: &str,
) -> Result<Posted, StoreError> {
    if !entry.is_balanced() {
        return Err(StoreError::Conflict("ledger entry does not balance"));
    }
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO ledger_transactions (transaction_id, kind, description, status, created_at)
         VALUES (?, ?, ?, 'completed', ?) RETURNING seq",
    )
    .bind(&entry.transaction_id)
    .bind(&entry.kind)
    .bind(&entry.description)
    .bind(entry.created_at)
    .fetch_one(&mut **tx)
    .await?;
    let mut balance_after = 0;
    for p in &entry.postings {
        let kind = if p.ledger_account.starts_with("user:") {
            "user"
        } else {
            "system"
        };
        sqlx::query(
            "INSERT INTO ledger_accounts (ledger_account, currency, kind) VALUES (?, ?, ?)
             ON CONFLICT (ledger_account) DO NOTHING",
        )
        .bind(&p.ledger_account)
        .bind(p.currency.code())
        .bind(kind)
        .execute(&mut **tx)
        .await?;
        let balance: i64 = sqlx::query_scalar(
            "UPDATE ledger_accounts SET balance = balance + ?, last_seq = ?
             WHERE ledger_account = ? AND currency = ? RETURNING balance",
        )
        .bind(p.amount)
        .bind(seq)
        .bind(&p.ledger_account)
        .bind(p.currency.code())
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| {
            if is_check_violation(&e) {
                StoreError::Conflict("insufficient funds")
            } else {
                e.into()
            }
        })?
        .ok_or(StoreError::Conflict(
            "currency does not match the ledger account",
        ))?;
        if p.ledger_account == user_ledger_account {
            balance_after = balance;
        }
        sqlx::query(
            "INSERT INTO postings (seq, ledger_account, amount, currency, counterparty)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(seq)
        .bind(&p.ledger_account)
        .bind(p.amount)
        .bind(p.currency.code())
        .bind(&p.counterparty)
        .execute(&mut **tx)
        .await?;
    }
    Ok(Posted { seq, balance_after })
}

impl Store for SqliteStore {
    async fn create_account(
        &self,
        account: AccountRow,
        device: DeviceRow,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO accounts (account_id, name, currency, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&account.account_id)
        .bind(&account.name)
        .bind(account.currency.code())
        .bind(account.created_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO ledger_accounts (ledger_account, currency, kind) VALUES (?, ?, 'user')",
        )
        .bind(user_ledger_account(&account.account_id))
        .bind(account.currency.code())
        .execute(&mut *tx)
        .await?;
        sqlx::query(concat!(
            "INSERT INTO devices (",
            device_cols!(),
            ") VALUES (?, ?, ?, ?, ?, ?, NULL)"
        ))
        .bind(&device.device_id)
        .bind(&account.account_id)
        .bind(&device.name)
        .bind(&device.public_key)
        .bind(&device.payment_public_key)
        .bind(device.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict("device already enrolled")
            } else {
                e.into()
            }
        })?;
        tx.commit().await?;
        Ok(())
    }

    async fn account(&self, account_id: &str) -> Result<Option<AccountRow>, StoreError> {
        sqlx::query(
            "SELECT account_id, name, currency, created_at FROM accounts WHERE account_id = ?",
        )
        .bind(account_id)
        .fetch_optional(&self.reader)
        .await?
        .as_ref()
        .map(account_row)
        .transpose()
    }

    async fn device(&self, device_id: &str) -> Result<Option<DeviceRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            device_cols!(),
            " FROM devices WHERE device_id = ?"
        ))
        .bind(device_id)
        .fetch_optional(&self.reader)
        .await?
        .as_ref()
        .map(device_row)
        .transpose()
    }

    async fn devices(&self, account_id: &str) -> Result<Vec<DeviceRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            device_cols!(),
            " FROM devices WHERE account_id = ? ORDER BY created_at, device_id"
        ))
        .bind(account_id)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(device_row)
        .collect()
    }

    async fn revoke_device(
        &self,
        account_id: &str,
        device_id: &str,
        now: i64,
    ) -> Result<Option<DeviceRow>, StoreError> {
        sqlx::query(concat!(
            "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?)
             WHERE account_id = ? AND device_id = ? RETURNING ",
            device_cols!()
        ))
        .bind(now)
        .bind(account_id)
        .bind(device_id)
        .fetch_optional(&self.writer)
        .await?
        .as_ref()
        .map(device_row)
        .transpose()
    }

    async fn remember_nonce(
        &self,
        device_id: &str,
        nonce: &str,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO nonces (device_id, nonce, expires_at) VALUES (?, ?, ?)
             ON CONFLICT (device_id, nonce) DO NOTHING",
        )
        .bind(device_id)
        .bind(nonce)
        .bind(expires_at)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn purge_nonces(&self, now: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM nonces WHERE expires_at < ?")
            .bind(now)
            .execute(&self.writer)
            .await?
            .rows_affected())
    }

    async fn link_funding(
        &self,
        s: FundingRow,
        fingerprint: &str,
    ) -> Result<FundingRow, StoreError> {
        let mut tx = self.writer.begin().await?;
        let existing = sqlx::query(concat!(
            "SELECT ",
            funding_cols!(),
            " FROM funding_sources WHERE account_id = ? AND fingerprint = ?"
        ))
        .bind(&s.account_id)
        .bind(fingerprint)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            return funding_row(&row);
        }
        sqlx::query(concat!(
            "INSERT INTO funding_sources (",
            funding_cols!(),
            ", fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(&s.source_id)
        .bind(&s.account_id)
        .bind(&s.kind)
        .bind(&s.brand)
        .bind(&s.last4)
        .bind(&s.behaviour)
        .bind(s.created_at)
        .bind(fingerprint)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(s)
    }

    async fn funding_sources(&self, account_id: &str) -> Result<Vec<FundingRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            funding_cols!(),
            " FROM funding_sources WHERE account_id = ? ORDER BY created_at, source_id"
        ))
        .bind(account_id)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(funding_row)
        .collect()
    }

    async fn funding_source(
        &self,
        account_id: &str,
        source_id: &str,
    ) -> Result<Option<FundingRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            funding_cols!(),
            " FROM funding_sources WHERE account_id = ? AND source_id = ?"
        ))
        .bind(account_id)
        .bind(source_id)
        .fetch_optional(&self.reader)
        .await?
        .as_ref()
        .map(funding_row)
        .transpose()
    }

    async fn idempotent_response(
        &self,
        account_id: &str,
        key: &str,
    ) -> Result<Option<StoredResponse>, StoreError> {
        Ok(sqlx::query(
            "SELECT request_hash, status, body FROM idempotency WHERE account_id = ? AND idem_key = ?",
        )
        .bind(account_id)
        .bind(key)
        .fetch_optional(&self.reader)
        .await?
        .map(|r| StoredResponse {
            request_hash: r.get(0),
            status: r.get::<i64, _>(1) as u16,
            body: r.get(2),
        }))
    }

    async fn post_idempotent<F>(
        &self,
        scope: IdempotencyScope,
        entry: Option<LedgerEntry>,
        user_ledger_account: &str,
        respond: F,
    ) -> Result<Idempotent<Option<Posted>>, StoreError>
    where
        F: FnOnce(Option<Posted>) -> (u16, String) + Send,
    {
        let mut tx = self.writer.begin().await?;
        // Checked again inside the write transaction: the only writer, so no race.
        let prior = sqlx::query(
            "SELECT request_hash, status, body FROM idempotency WHERE account_id = ? AND idem_key = ?",
        )
        .bind(&scope.account_id)
        .bind(&scope.key)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(r) = prior {
            let stored = StoredResponse {
                request_hash: r.get(0),
                status: r.get::<i64, _>(1) as u16,
                body: r.get(2),
            };
            return Ok(if stored.request_hash == scope.request_hash {
                Idempotent::Replayed(stored)
            } else {
                Idempotent::KeyReused
            });
        }
        let posted = match &entry {
            Some(e) => Some(post_entry(&mut tx, e, user_ledger_account).await?),
            None => None,
        };
        let (status, body) = respond(posted);
        sqlx::query(
            "INSERT INTO idempotency (account_id, idem_key, request_hash, status, body, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&scope.account_id)
        .bind(&scope.key)
        .bind(&scope.request_hash)
        .bind(i64::from(status))
        .bind(&body)
        .bind(scope.now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Idempotent::Fresh(
            posted,
            StoredResponse {
                request_hash: scope.request_hash,
                status,
                body,
            },
        ))
    }

    async fn balance(&self, account_id: &str) -> Result<(i64, i64), StoreError> {
        let row =
            sqlx::query("SELECT balance, last_seq FROM ledger_accounts WHERE ledger_account = ?")
                .bind(user_ledger_account(account_id))
                .fetch_optional(&self.reader)
                .await?
                .ok_or(StoreError::NotFound)?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    async fn transactions(
        &self,
        account_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<(Vec<TxRow>, bool), StoreError> {
        let limit = limit.clamp(1, 100);
        // Resolve the cursor first so the page is one index range scan.
        let below: i64 = match starting_after {
            None => i64::MAX,
            Some(id) => {
                match sqlx::query_scalar(
                    "SELECT seq FROM ledger_transactions WHERE transaction_id = ?",
                )
                .bind(id)
                .fetch_optional(&self.reader)
                .await?
                {
                    Some(seq) => seq,
                    None => return Ok((Vec::new(), false)),
                }
            }
        };
        let rows = sqlx::query(
            "SELECT t.transaction_id, t.seq, t.kind, p.amount, p.currency, p.counterparty,
                    t.description, t.status, t.created_at
             FROM postings p JOIN ledger_transactions t ON t.seq = p.seq
             WHERE p.ledger_account = ? AND p.seq < ?
             ORDER BY p.seq DESC
             LIMIT ?",
        )
        .bind(user_ledger_account(account_id))
        .bind(below)
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.reader)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(TxRow {
                transaction_id: r.try_get(0)?,
                seq: r.try_get(1)?,
                kind: r.try_get(2)?,
                amount: r.try_get(3)?,
                currency: currency(r.try_get(4)?)?,
                counterparty: r.try_get(5)?,
                description: r.try_get(6)?,
                status: r.try_get(7)?,
                created_at: r.try_get(8)?,
            });
        }
        let has_more = out.len() > limit as usize;
        out.truncate(limit as usize);
        Ok((out, has_more))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny() -> Currency {
        Currency::from_code("CNY").unwrap()
    }

    async fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
        s.create_account(
            AccountRow {
                account_id: "a1".into(),
                name: "A".into(),
                currency: cny(),
                created_at: 1,
            },
            DeviceRow {
                device_id: "d1".into(),
                account_id: "a1".into(),
                name: "p".into(),
                public_key: "k1".into(),
                payment_public_key: "p1".into(),
                created_at: 1,
                revoked_at: None,
            },
        )
        .await
        .unwrap();
        (dir, s)
    }

    fn entry(id: &str, user_amount: i64) -> LedgerEntry {
        LedgerEntry {
            transaction_id: id.into(),
            kind: "topup".into(),
            description: String::new(),
            created_at: 2,
            postings: vec![
                Posting {
                    ledger_account: "user:a1".into(),
                    amount: user_amount,
                    currency: cny(),
                    counterparty: "x".into(),
                },
                Posting {
                    ledger_account: "system:test:CNY".into(),
                    amount: -user_amount,
                    currency: cny(),
                    counterparty: "A".into(),
                },
            ],
        }
    }

    fn scope(key: &str) -> IdempotencyScope {
        IdempotencyScope {
            account_id: "a1".into(),
            key: key.into(),
            request_hash: key.into(),
            now: 2,
        }
    }

    #[tokio::test]
    async fn user_balance_never_goes_below_zero() {
        let (_d, s) = store().await;
        s.post_idempotent(scope("k1"), Some(entry("t1", 500)), "user:a1", |_| {
            (201, "{}".into())
        })
        .await
        .unwrap();
        let e = s
            .post_idempotent(scope("k2"), Some(entry("t2", -501)), "user:a1", |_| {
                (201, "{}".into())
            })
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Conflict("insufficient funds")),
            "{e:?}"
        );
        assert_eq!(s.balance("a1").await.unwrap().0, 500);
        assert!(
            s.idempotent_response("a1", "k2").await.unwrap().is_none(),
            "rolled back whole"
        );
        assert!(s.audit().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn unbalanced_entries_are_refused() {
        let (_d, s) = store().await;
        let mut e = entry("t1", 500);
        e.postings[1].amount = -499;
        assert!(matches!(
            s.post_idempotent(scope("k"), Some(e), "user:a1", |_| (201, "{}".into()))
                .await,
            Err(StoreError::Conflict(_))
        ));
    }

    #[tokio::test]
    async fn ledger_is_append_only() {
        let (_d, s) = store().await;
        s.post_idempotent(scope("k1"), Some(entry("t1", 500)), "user:a1", |_| {
            (201, "{}".into())
        })
        .await
        .unwrap();
        for sql in [
            "UPDATE postings SET amount = 1",
            "DELETE FROM postings",
            "UPDATE ledger_transactions SET description = 'x'",
            "DELETE FROM ledger_transactions",
        ] {
            let e = sqlx::query(sql).execute(&s.writer).await.unwrap_err();
            assert!(e.to_string().contains("append-only"), "{sql}: {e}");
        }
    }

    #[tokio::test]
    async fn nonces_are_single_use_until_purged() {
        let (_d, s) = store().await;
        assert!(s.remember_nonce("d1", "n", 100).await.unwrap());
        assert!(!s.remember_nonce("d1", "n", 100).await.unwrap());
        assert!(
            s.remember_nonce("d2", "n", 100).await.unwrap(),
            "per device"
        );
        assert_eq!(s.purge_nonces(101).await.unwrap(), 2);
        assert!(s.remember_nonce("d1", "n", 200).await.unwrap());
    }

    #[tokio::test]
    async fn idempotency_records_are_kept_a_week_then_purged() {
        let (_d, s) = store().await;
        s.post_idempotent(scope("k1"), None, "user:a1", |_| (402, "{}".into()))
            .await
            .unwrap();
        assert_eq!(s.purge_idempotency(2 + 7 * 24 * 3600).await.unwrap(), 0);
        assert_eq!(
            s.purge_idempotency(3 + IDEMPOTENCY_RETENTION_SECS)
                .await
                .unwrap(),
            1
        );
    }

    #[tokio::test]
    async fn reopening_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            let (_d, s) = store().await;
            drop(s);
        }
        let s = SqliteStore::open(&path).await.unwrap();
        s.create_account(
            AccountRow {
                account_id: "a9".into(),
                name: "Z".into(),
                currency: cny(),
                created_at: 1,
            },
            DeviceRow {
                device_id: "d9".into(),
                account_id: "a9".into(),
                name: "p".into(),
                public_key: "k9".into(),
                payment_public_key: "p9".into(),
                created_at: 1,
                revoked_at: None,
            },
        )
        .await
        .unwrap();
        drop(s);
        let s = SqliteStore::open(&path).await.unwrap();
        assert!(s.account("a9").await.unwrap().is_some());
        assert!(s.device("d9").await.unwrap().is_some());
    }
}
