//! The wallet's local SQLite cache (rusqlite, WAL): the account and its wrapped keys, the
//! last known balance, the transaction history, and the lockout and session state.
//!
//! It is a cache: the backend's ledger is the truth, and everything here but the wrapped
//! keys can be fetched again. No secret is stored in clear.

mod encryption;
mod intents;
mod joining;
mod paycode;
mod schema;
mod sqlcipher_crypto;

pub use encryption::{CacheKey, encrypt_in_place, is_plaintext};
pub use intents::{IntentKind, IntentRecord, IntentState};
pub use joining::{JoinKind, JoiningRecord};
pub use paycode::PayCodeKeyRecord;

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::api::types::{Transaction, TransactionKind, TransactionPage, TransactionStatus};
use crate::money::{Currency, Money};

pub use schema::VERSION as SCHEMA_VERSION;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("wallet cache: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "wallet cache was written by a newer Purse (schema {found}, this build reads up to {supported})"
    )]
    TooNew { found: u32, supported: u32 },
    #[error("wallet cache holds an invalid value: {0}")]
    Corrupt(String),
    /// The key does not open this cache (another wallet's key file, or not a cache at all).
    #[error("the wallet cache cannot be opened with this key")]
    WrongKey,
    #[error("wallet cache key: {0}")]
    Key(String),
}

/// The enrolled account as this device knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub account_id: String,
    pub device_id: String,
    pub name: String,
    pub currency: Currency,
    pub backend_url: String,
    pub device_public_key: String,
    pub payment_public_key: String,
    pub device_key_wrapped: Vec<u8>,
    pub payment_key_wrapped: Vec<u8>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachedBalance {
    pub balance: Money,
    pub as_of_seq: i64,
    pub fetched_at: i64,
}

pub struct Cache {
    conn: Connection,
}

impl Cache {
    /// Opens (or creates) the cache at `path`, encrypted under `key`. An unencrypted cache
    /// must first go through [`encrypt_in_place`].
    pub fn open(path: &Path, key: &CacheKey) -> Result<Self, CacheError> {
        let conn = Connection::open(path)?;
        encryption::apply(&conn, key)?;
        Self::init(conn)
    }

    pub fn open_in_memory() -> Result<Self, CacheError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Self, CacheError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::upgrade(&mut conn)?;
        Ok(Cache { conn })
    }

    pub fn account(&self) -> Result<Option<AccountRecord>, CacheError> {
        Ok(self
            .conn
            .query_row(
                "SELECT account_id, device_id, name, currency, backend_url, device_public_key,
                        payment_public_key, device_key_wrapped, payment_key_wrapped, created_at
                 FROM account WHERE id = 1",
                [],
                |r| {
                    Ok(AccountRecord {
                        account_id: r.get(0)?,
                        device_id: r.get(1)?,
                        name: r.get(2)?,
                        currency: currency_column(r, 3)?,
                        backend_url: r.get(4)?,
                        device_public_key: r.get(5)?,
                        payment_public_key: r.get(6)?,
                        device_key_wrapped: r.get(7)?,
                        payment_key_wrapped: r.get(8)?,
                        created_at: r.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    /// Stores the account once, at enrollment. A second enrollment is refused.
    pub fn save_account(&self, a: &AccountRecord) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO account (id, account_id, device_id, name, currency, backend_url,
                device_public_key, payment_public_key, device_key_wrapped, payment_key_wrapped,
                created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                a.account_id,
                a.device_id,
                a.name,
                a.currency.code(),
                a.backend_url,
                a.device_public_key,
                a.payment_public_key,
                a.device_key_wrapped,
                a.payment_key_wrapped,
                a.created_at
            ],
        )?;
        Ok(())
    }

    pub fn balance(&self) -> Result<Option<CachedBalance>, CacheError> {
        self.conn
            .query_row(
                "SELECT minor, currency, as_of_seq, fetched_at FROM balance WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get(2)?,
                        r.get(3)?,
                    ))
                },
            )
            .optional()?
            .map(|(minor, code, as_of_seq, fetched_at)| {
                Ok(CachedBalance {
                    balance: Money::new(minor, currency(&code)?),
                    as_of_seq,
                    fetched_at,
                })
            })
            .transpose()
    }

    /// Records a balance unless the cache already holds a newer one (responses can arrive
    /// out of order).
    pub fn set_balance(&self, b: CachedBalance) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO balance (id, minor, currency, as_of_seq, fetched_at)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET minor = excluded.minor,
                currency = excluded.currency, as_of_seq = excluded.as_of_seq,
                fetched_at = excluded.fetched_at
             WHERE excluded.as_of_seq >= balance.as_of_seq",
            params![
                b.balance.minor,
                b.balance.currency.code(),
                b.as_of_seq,
                b.fetched_at
            ],
        )?;
        Ok(())
    }

    /// Inserts or refreshes transactions (the backend may change a status later).
    pub fn upsert_transactions(&mut self, txs: &[Transaction]) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO transactions (transaction_id, seq, kind, amount_minor, currency,
                    counterparty, description, status, created_at, order_id, intent_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (transaction_id) DO UPDATE SET status = excluded.status",
            )?;
            for t in txs {
                stmt.execute(params![
                    t.transaction_id,
                    t.seq,
                    t.kind.as_str(),
                    t.amount.minor,
                    t.amount.currency.code(),
                    t.counterparty,
                    t.description,
                    t.status.as_str(),
                    t.created_at,
                    t.order_id,
                    t.intent_id
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The sequence up to which the whole history has been fetched.
    pub fn synced_seq(&self) -> Result<i64, CacheError> {
        Ok(self
            .conn
            .query_row("SELECT history_seq FROM sync_state WHERE id = 1", [], |r| {
                r.get(0)
            })?)
    }

    pub fn set_synced_seq(&self, seq: i64) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE sync_state SET history_seq = max(history_seq, ?1) WHERE id = 1",
            params![seq],
        )?;
        Ok(())
    }

    pub fn newest_seq(&self) -> Result<Option<i64>, CacheError> {
        Ok(self
            .conn
            .query_row("SELECT max(seq) FROM transactions", [], |r| r.get(0))?)
    }

    pub fn transaction_count(&self) -> Result<i64, CacheError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))?)
    }

    /// A page of history, newest first. `starting_after` is the id of the last transaction
    /// of the previous page; an unknown id gives an empty page.
    pub fn history_page(
        &self,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<TransactionPage, CacheError> {
        let limit = limit.clamp(1, 500);
        // Resolve the cursor first: a single `seq < ?` lets SQLite walk the index.
        let below = match starting_after {
            None => i64::MAX,
            Some(id) => match self
                .conn
                .prepare_cached("SELECT seq FROM transactions WHERE transaction_id = ?1")?
                .query_row(params![id], |r| r.get(0))
                .optional()?
            {
                Some(seq) => seq,
                None => {
                    return Ok(TransactionPage {
                        data: Vec::new(),
                        has_more: false,
                    });
                }
            },
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT transaction_id, seq, kind, amount_minor, currency, counterparty,
                    description, status, created_at, order_id, intent_id
             FROM transactions
             WHERE seq < ?1
             ORDER BY seq DESC
             LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![below, i64::from(limit) + 1], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, Option<String>>(10)?,
            ))
        })?;
        let mut data = Vec::with_capacity(limit as usize + 1);
        for row in rows {
            let (
                id,
                seq,
                kind,
                minor,
                code,
                counterparty,
                description,
                status,
                created_at,
                order_id,
                intent_id,
            ) = row?;
            data.push(Transaction {
                transaction_id: id,
                seq,
                kind: TransactionKind::parse(&kind)
                    .ok_or_else(|| CacheError::Corrupt(format!("transaction kind {kind:?}")))?,
                amount: Money::new(minor, currency(&code)?),
                counterparty,
                description,
                status: TransactionStatus::parse(&status)
                    .ok_or_else(|| CacheError::Corrupt(format!("transaction status {status:?}")))?,
                created_at,
                order_id,
                intent_id,
            });
        }
        let has_more = data.len() > limit as usize;
        data.truncate(limit as usize);
        Ok(TransactionPage { data, has_more })
    }

    /// The sealed session blob and when it was last used.
    pub fn session(&self) -> Result<Option<(Vec<u8>, i64)>, CacheError> {
        Ok(self
            .conn
            .query_row(
                "SELECT session_blob, session_last_used FROM security
                 WHERE id = 1 AND session_blob IS NOT NULL",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn set_session(&self, blob: Option<&[u8]>, last_used: i64) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE security SET session_blob = ?1, session_last_used = ?2 WHERE id = 1",
            params![blob, last_used],
        )?;
        Ok(())
    }

    pub fn touch_session(&self, last_used: i64) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE security SET session_last_used = ?1 WHERE id = 1 AND session_blob IS NOT NULL",
            params![last_used],
        )?;
        Ok(())
    }
}

fn currency_column(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Currency> {
    let code: String = r.get(idx)?;
    Currency::from_code(&code).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn currency(code: &str) -> Result<Currency, CacheError> {
    Currency::from_code(code).map_err(|e| CacheError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny() -> Currency {
        Currency::from_code("CNY").unwrap()
    }

    pub(crate) fn tx(seq: i64) -> Transaction {
        Transaction {
            transaction_id: format!("tx_{seq:08}"),
            seq,
            kind: TransactionKind::Topup,
            amount: Money::new(seq * 100, cny()),
            counterparty: "Visa •••• 4242".into(),
            description: "Top-up".into(),
            status: TransactionStatus::Completed,
            created_at: 1_700_000_000 + seq,
            order_id: None,
            intent_id: None,
        }
    }

    fn account() -> AccountRecord {
        AccountRecord {
            account_id: "acct_1".into(),
            device_id: "dev_1".into(),
            name: "Ada".into(),
            currency: cny(),
            backend_url: "http://127.0.0.1:1".into(),
            device_public_key: "pk".into(),
            payment_public_key: "pk2".into(),
            device_key_wrapped: vec![1, 2, 3],
            payment_key_wrapped: vec![4, 5, 6],
            created_at: 1,
        }
    }

    #[test]
    fn account_round_trip_and_single_enrollment() {
        let c = Cache::open_in_memory().unwrap();
        assert_eq!(c.account().unwrap(), None);
        c.save_account(&account()).unwrap();
        assert_eq!(c.account().unwrap(), Some(account()));
        assert!(c.save_account(&account()).is_err());
    }

    #[test]
    fn pages_walk_newest_first_without_gaps() {
        let mut c = Cache::open_in_memory().unwrap();
        let all: Vec<_> = (1..=25).map(tx).collect();
        c.upsert_transactions(&all).unwrap();
        c.upsert_transactions(&all[..3]).unwrap();
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = c.history_page(10, after.as_deref()).unwrap();
            seen.extend(page.data.iter().map(|t| t.seq));
            if !page.has_more {
                break;
            }
            after = page.data.last().map(|t| t.transaction_id.clone());
        }
        assert_eq!(seen, (1..=25).rev().collect::<Vec<_>>());
        assert_eq!(c.newest_seq().unwrap(), Some(25));
        assert!(c.history_page(10, Some("nope")).unwrap().data.is_empty());
    }

    #[test]
    fn newer_balance_wins() {
        let c = Cache::open_in_memory().unwrap();
        let b = |minor, seq| CachedBalance {
            balance: Money::new(minor, cny()),
            as_of_seq: seq,
            fetched_at: 0,
        };
        c.set_balance(b(500, 5)).unwrap();
        c.set_balance(b(300, 3)).unwrap();
        assert_eq!(c.balance().unwrap().unwrap().balance.minor, 500);
        c.set_balance(b(700, 7)).unwrap();
        assert_eq!(c.balance().unwrap().unwrap().balance.minor, 700);
    }

    #[test]
    fn session_state_persists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let key = CacheKey::generate().unwrap();
        {
            let c = Cache::open(&path, &key).unwrap();
            c.set_session(Some(b"sealed"), 42).unwrap();
        }
        let c = Cache::open(&path, &key).unwrap();
        assert_eq!(c.session().unwrap(), Some((b"sealed".to_vec(), 42)));
        c.set_session(None, 0).unwrap();
        assert_eq!(c.session().unwrap(), None);
    }

    #[test]
    fn no_private_key_in_clear() {
        // The schema has no column a clear private key could go in: only *_wrapped blobs and
        // the session blob, both ciphertexts.
        let c = Cache::open_in_memory().unwrap();
        let cols: Vec<String> = c
            .conn
            .prepare("SELECT name FROM pragma_table_info('account') UNION ALL SELECT name FROM pragma_table_info('security')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            cols.iter()
                .filter(|c| c.contains("key"))
                .all(|c| c.ends_with("_wrapped") || c.ends_with("public_key"))
        );
    }
}
