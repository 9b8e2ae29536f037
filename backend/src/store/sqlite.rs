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

const SCHEMA_VERSION: i64 = 2;
/// `STEPS[n]` upgrades a database from version `n` to `n + 1`; released steps never change.
const STEPS: &[&str] = &[include_str!("schema.sql"), include_str!("schema_v2.sql")];

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

    /// The newest ledger sequence (0 for an empty ledger).
    pub async fn newest_seq(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM ledger_transactions")
                .fetch_one(&self.reader)
                .await?,
        )
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
    for from in version..SCHEMA_VERSION {
        let mut tx = pool.begin().await?;
        sqlx::raw_sql(STEPS[from as usize])
            .execute(&mut *tx)
            .await?;
        // PRAGMA takes no bound parameters; the value is our own integer.
        let set: &'static str = match from + 1 {
            1 => "PRAGMA user_version = 1",
            2 => "PRAGMA user_version = 2",
            _ => return Err(StoreError::Corrupt("no such schema step".into())),
        };
        sqlx::query(set).execute(&mut *tx).await?;
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
        limit_per_payment: r.try_get(4)?,
        limit_per_day: r.try_get(5)?,
    })
}

fn merchant_row(r: &SqliteRow) -> Result<MerchantRow, StoreError> {
    Ok(MerchantRow {
        merchant_id: r.try_get(0)?,
        account_id: r.try_get(1)?,
        display_name: r.try_get(2)?,
        city: r.try_get(3)?,
        mcc: r.try_get(4)?,
        webhook_url: r.try_get(5)?,
        webhook_secret: r.try_get(6)?,
        static_payload: r.try_get(7)?,
        created_at: r.try_get(8)?,
        currency: currency(r.try_get(9)?)?,
    })
}

fn order_row(r: &SqliteRow) -> Result<OrderRow, StoreError> {
    Ok(OrderRow {
        order_id: r.try_get(0)?,
        merchant_id: r.try_get(1)?,
        amount: r.try_get(2)?,
        currency: currency(r.try_get(3)?)?,
        description: r.try_get(4)?,
        kind: r.try_get(5)?,
        state: r.try_get(6)?,
        amount_refunded: r.try_get(7)?,
        payload: r.try_get(8)?,
        created_at: r.try_get(9)?,
        expires_at: r.try_get(10)?,
        paid_at: r.try_get(11)?,
        payment_id: r.try_get(12)?,
        payer_account_id: r.try_get(13)?,
    })
}

fn payment_row(r: &SqliteRow) -> Result<PaymentRow, StoreError> {
    Ok(PaymentRow {
        payment_id: r.try_get(0)?,
        intent_id: r.try_get(1)?,
        payer_account_id: r.try_get(2)?,
        merchant_id: r.try_get(3)?,
        order_id: r.try_get(4)?,
        amount: r.try_get(5)?,
        currency: currency(r.try_get(6)?)?,
        transaction_id: r.try_get(7)?,
        created_at: r.try_get(8)?,
    })
}

fn tx_row(r: &SqliteRow) -> Result<TxRow, StoreError> {
    Ok(TxRow {
        transaction_id: r.try_get(0)?,
        seq: r.try_get(1)?,
        kind: r.try_get(2)?,
        amount: r.try_get(3)?,
        currency: currency(r.try_get(4)?)?,
        counterparty: r.try_get(5)?,
        description: r.try_get(6)?,
        status: r.try_get(7)?,
        created_at: r.try_get(8)?,
        order_id: r.try_get(9)?,
        intent_id: r.try_get(10)?,
        balance_after: r.try_get(11)?,
    })
}

fn delivery_row(r: &SqliteRow) -> Result<DeliveryRow, StoreError> {
    Ok(DeliveryRow {
        message_id: r.try_get(0)?,
        merchant_id: r.try_get(1)?,
        event_type: r.try_get(2)?,
        body: r.try_get(3)?,
        attempts: r.try_get(4)?,
        created_at: r.try_get(5)?,
        delivered_at: r.try_get(6)?,
        last_error: r.try_get(7)?,
        url: r.try_get(8)?,
        secret: r.try_get(9)?,
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
macro_rules! account_cols {
    () => {
        "account_id, name, currency, created_at, limit_per_payment, limit_per_day"
    };
}
macro_rules! merchant_cols {
    () => {
        "m.merchant_id, m.account_id, m.display_name, m.city, m.mcc, m.webhook_url,
         m.webhook_secret, m.static_payload, m.created_at, a.currency
         FROM merchants m JOIN accounts a ON a.account_id = m.account_id"
    };
}
macro_rules! order_cols {
    () => {
        "order_id, merchant_id, amount, currency, description, kind, state, amount_refunded,
         payload, created_at, expires_at, paid_at, payment_id, payer_account_id"
    };
}
macro_rules! payment_cols {
    () => {
        "payment_id, intent_id, payer_account_id, merchant_id, order_id, amount, currency,
         transaction_id, created_at"
    };
}
macro_rules! tx_cols {
    () => {
        "t.transaction_id, t.seq, t.kind, p.amount, p.currency, p.counterparty,
         t.description, t.status, t.created_at, t.order_id, t.intent_id, p.balance_after
         FROM postings p JOIN ledger_transactions t ON t.seq = p.seq"
    };
}
macro_rules! delivery_cols {
    () => {
        "d.message_id, d.merchant_id, d.event_type, d.body, d.attempts, d.created_at,
         d.delivered_at, d.last_error, m.webhook_url, m.webhook_secret
         FROM webhook_deliveries d JOIN merchants m ON m.merchant_id = d.merchant_id"
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
        "INSERT INTO ledger_transactions
            (transaction_id, kind, description, status, created_at, order_id, intent_id)
         VALUES (?, ?, ?, 'completed', ?, ?, ?) RETURNING seq",
    )
    .bind(&entry.transaction_id)
    .bind(&entry.kind)
    .bind(&entry.description)
    .bind(entry.created_at)
    .bind(&entry.order_id)
    .bind(&entry.intent_id)
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
            "INSERT INTO postings
                (seq, ledger_account, amount, currency, counterparty, balance_after)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(seq)
        .bind(&p.ledger_account)
        .bind(p.amount)
        .bind(p.currency.code())
        .bind(&p.counterparty)
        .bind(balance)
        .execute(&mut **tx)
        .await?;
    }
    Ok(Posted { seq, balance_after })
}

/// The stored answer for this key, checked inside the write transaction (the only writer,
/// so no race): a replay, a reuse of the key for another request, or nothing yet.
async fn prior_answer<T>(
    tx: &mut Transaction<'static, Sqlite>,
    scope: &IdempotencyScope,
) -> Result<Option<Idempotent<T>>, StoreError> {
    let prior = sqlx::query(
        "SELECT request_hash, status, body FROM idempotency WHERE account_id = ? AND idem_key = ?",
    )
    .bind(&scope.account_id)
    .bind(&scope.key)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(prior.map(|r| {
        let stored = StoredResponse {
            request_hash: r.get(0),
            status: r.get::<i64, _>(1) as u16,
            body: r.get(2),
        };
        if stored.request_hash == scope.request_hash {
            Idempotent::Replayed(stored)
        } else {
            Idempotent::KeyReused
        }
    }))
}

async fn store_answer(
    tx: &mut Transaction<'static, Sqlite>,
    scope: IdempotencyScope,
    status: u16,
    body: String,
) -> Result<StoredResponse, StoreError> {
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
    .execute(&mut **tx)
    .await?;
    Ok(StoredResponse {
        request_hash: scope.request_hash,
        status,
        body,
    })
}

async fn queue_webhook(
    tx: &mut Transaction<'static, Sqlite>,
    message_id: &str,
    merchant: &MerchantRow,
    webhook: Option<(String, String)>,
    now: i64,
) -> Result<(), StoreError> {
    let (Some((event_type, body)), Some(_)) = (webhook, &merchant.webhook_url) else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO webhook_deliveries
            (message_id, merchant_id, event_type, body, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(message_id)
    .bind(&merchant.merchant_id)
    .bind(event_type)
    .bind(body)
    .bind(now * 1000)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn user_balance(
    tx: &mut Transaction<'static, Sqlite>,
    account_id: &str,
) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT balance FROM ledger_accounts WHERE ledger_account = ?")
            .bind(user_ledger_account(account_id))
            .fetch_optional(&mut **tx)
            .await?
            .unwrap_or(0),
    )
}

async fn order_in(
    tx: &mut Transaction<'static, Sqlite>,
    order_id: &str,
) -> Result<Option<OrderRow>, StoreError> {
    sqlx::query(concat!(
        "SELECT ",
        order_cols!(),
        " FROM orders WHERE order_id = ?"
    ))
    .bind(order_id)
    .fetch_optional(&mut **tx)
    .await?
    .as_ref()
    .map(order_row)
    .transpose()
}

async fn insert_order(
    tx: &mut Transaction<'static, Sqlite>,
    o: &OrderRow,
) -> Result<(), StoreError> {
    sqlx::query(concat!(
        "INSERT INTO orders (",
        order_cols!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(&o.order_id)
    .bind(&o.merchant_id)
    .bind(o.amount)
    .bind(o.currency.code())
    .bind(&o.description)
    .bind(&o.kind)
    .bind(&o.state)
    .bind(o.amount_refunded)
    .bind(&o.payload)
    .bind(o.created_at)
    .bind(o.expires_at)
    .bind(o.paid_at)
    .bind(&o.payment_id)
    .bind(&o.payer_account_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Everything about a payment that can refuse it, checked inside the write transaction.
async fn check_payment(
    tx: &mut Transaction<'static, Sqlite>,
    d: &PaymentDraft,
    day: i64,
) -> Result<Result<Option<OrderRow>, PayRefusal>, StoreError> {
    let now = d.scope.now;
    let used: Option<String> = sqlx::query_scalar(
        "SELECT payment_id FROM payments WHERE payer_account_id = ? AND intent_id = ?",
    )
    .bind(&d.payer.account_id)
    .bind(&d.intent_id)
    .fetch_optional(&mut **tx)
    .await?;
    if used.is_some() {
        return Ok(Err(PayRefusal::IntentUsed));
    }
    let order = match &d.order_id {
        None => None,
        Some(id) => {
            let Some(o) = order_in(tx, id).await? else {
                return Ok(Err(PayRefusal::OrderNotFound));
            };
            if o.merchant_id != d.merchant.merchant_id {
                return Ok(Err(PayRefusal::OrderNotFound));
            }
            match o.state.as_str() {
                "paid" | "refunded" => return Ok(Err(PayRefusal::OrderPaid)),
                "closed" => return Ok(Err(PayRefusal::OrderClosed)),
                _ if now > o.expires_at => return Ok(Err(PayRefusal::OrderExpired)),
                _ => {}
            }
            if o.amount != d.amount {
                return Ok(Err(PayRefusal::AmountMismatch { expected: o.amount }));
            }
            Some(o)
        }
    };
    let per_payment = d
        .payer
        .limit_per_payment
        .map_or(d.max_per_payment, |l| l.min(d.max_per_payment));
    if d.amount > per_payment {
        return Ok(Err(PayRefusal::LimitPerPayment { limit: per_payment }));
    }
    let per_day = d
        .payer
        .limit_per_day
        .map_or(d.max_per_day, |l| l.min(d.max_per_day));
    let spent: i64 =
        sqlx::query_scalar("SELECT spent FROM daily_spend WHERE account_id = ? AND day = ?")
            .bind(&d.payer.account_id)
            .bind(day)
            .fetch_optional(&mut **tx)
            .await?
            .unwrap_or(0);
    if spent.saturating_add(d.amount) > per_day {
        return Ok(Err(PayRefusal::LimitPerDay {
            limit: per_day,
            spent,
        }));
    }
    if user_balance(tx, &d.payer.account_id).await? < d.amount {
        return Ok(Err(PayRefusal::InsufficientFunds));
    }
    Ok(Ok(order))
}

impl Store for SqliteStore {
    async fn create_account(
        &self,
        account: AccountRow,
        device: DeviceRow,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO accounts (account_id, name, currency, created_at, limit_per_payment,
                limit_per_day) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&account.account_id)
        .bind(&account.name)
        .bind(account.currency.code())
        .bind(account.created_at)
        .bind(account.limit_per_payment)
        .bind(account.limit_per_day)
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
        sqlx::query(concat!(
            "SELECT ",
            account_cols!(),
            " FROM accounts WHERE account_id = ?"
        ))
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
        if let Some(prior) = prior_answer(&mut tx, &scope).await? {
            return Ok(prior);
        }
        let posted = match &entry {
            Some(e) => Some(post_entry(&mut tx, e, user_ledger_account).await?),
            None => None,
        };
        let (status, body) = respond(posted);
        let stored = store_answer(&mut tx, scope, status, body).await?;
        tx.commit().await?;
        Ok(Idempotent::Fresh(posted, stored))
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
        let rows = sqlx::query(concat!(
            "SELECT ",
            tx_cols!(),
            " WHERE p.ledger_account = ? AND p.seq < ? ORDER BY p.seq DESC LIMIT ?"
        ))
        .bind(user_ledger_account(account_id))
        .bind(below)
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.reader)
        .await?;
        let mut out = rows.iter().map(tx_row).collect::<Result<Vec<_>, _>>()?;
        let has_more = out.len() > limit as usize;
        out.truncate(limit as usize);
        Ok((out, has_more))
    }

    async fn transaction_of(
        &self,
        account_id: &str,
        transaction_id: &str,
    ) -> Result<Option<TxRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            tx_cols!(),
            " WHERE p.ledger_account = ? AND t.transaction_id = ?"
        ))
        .bind(user_ledger_account(account_id))
        .bind(transaction_id)
        .fetch_optional(&self.reader)
        .await?
        .as_ref()
        .map(tx_row)
        .transpose()
    }

    async fn events(
        &self,
        account_id: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<TxRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            tx_cols!(),
            " WHERE p.ledger_account = ? AND p.seq > ? ORDER BY p.seq LIMIT ?"
        ))
        .bind(user_ledger_account(account_id))
        .bind(after)
        .bind(i64::from(limit.clamp(1, 500)))
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(tx_row)
        .collect()
    }

    async fn set_limits(
        &self,
        account_id: &str,
        per_payment: Option<i64>,
        per_day: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE accounts SET limit_per_payment = COALESCE(?, limit_per_payment),
                limit_per_day = COALESCE(?, limit_per_day) WHERE account_id = ?",
        )
        .bind(per_payment)
        .bind(per_day)
        .bind(account_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn spent_on(&self, account_id: &str, day: i64) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT spent FROM daily_spend WHERE account_id = ? AND day = ?")
                .bind(account_id)
                .bind(day)
                .fetch_optional(&self.reader)
                .await?
                .unwrap_or(0),
        )
    }

    async fn create_merchant(&self, m: MerchantRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO merchants (merchant_id, account_id, display_name, city, mcc,
                webhook_url, webhook_secret, static_payload, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&m.merchant_id)
        .bind(&m.account_id)
        .bind(&m.display_name)
        .bind(&m.city)
        .bind(&m.mcc)
        .bind(&m.webhook_url)
        .bind(&m.webhook_secret)
        .bind(&m.static_payload)
        .bind(m.created_at)
        .execute(&self.writer)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict("already a merchant")
            } else {
                e.into()
            }
        })?;
        Ok(())
    }

    async fn merchant(&self, merchant_id: &str) -> Result<Option<MerchantRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            merchant_cols!(),
            " WHERE m.merchant_id = ?"
        ))
        .bind(merchant_id)
        .fetch_optional(&self.reader)
        .await?
        .as_ref()
        .map(merchant_row)
        .transpose()
    }

    async fn merchant_of_account(
        &self,
        account_id: &str,
    ) -> Result<Option<MerchantRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            merchant_cols!(),
            " WHERE m.account_id = ?"
        ))
        .bind(account_id)
        .fetch_optional(&self.reader)
        .await?
        .as_ref()
        .map(merchant_row)
        .transpose()
    }

    async fn create_order<F>(
        &self,
        order: OrderRow,
        scope: Option<IdempotencyScope>,
        respond: F,
    ) -> Result<Idempotent<()>, StoreError>
    where
        F: FnOnce() -> (u16, String) + Send,
    {
        let mut tx = self.writer.begin().await?;
        if let Some(scope) = &scope
            && let Some(prior) = prior_answer(&mut tx, scope).await?
        {
            return Ok(prior);
        }
        insert_order(&mut tx, &order).await?;
        let (status, body) = respond();
        let stored = match scope {
            Some(scope) => store_answer(&mut tx, scope, status, body).await?,
            None => StoredResponse {
                request_hash: String::new(),
                status,
                body,
            },
        };
        tx.commit().await?;
        Ok(Idempotent::Fresh((), stored))
    }

    async fn order(&self, order_id: &str) -> Result<Option<OrderRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            order_cols!(),
            " FROM orders WHERE order_id = ?"
        ))
        .bind(order_id)
        .fetch_optional(&self.reader)
        .await?
        .as_ref()
        .map(order_row)
        .transpose()
    }

    async fn orders(
        &self,
        merchant_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<(Vec<OrderRow>, bool), StoreError> {
        let limit = limit.clamp(1, 100);
        let below: i64 = match starting_after {
            None => i64::MAX,
            Some(id) => {
                match sqlx::query_scalar(
                    "SELECT seq FROM orders WHERE order_id = ? AND merchant_id = ?",
                )
                .bind(id)
                .bind(merchant_id)
                .fetch_optional(&self.reader)
                .await?
                {
                    Some(seq) => seq,
                    None => return Ok((Vec::new(), false)),
                }
            }
        };
        let mut out = sqlx::query(concat!(
            "SELECT ",
            order_cols!(),
            " FROM orders WHERE merchant_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
        ))
        .bind(merchant_id)
        .bind(below)
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(order_row)
        .collect::<Result<Vec<_>, _>>()?;
        let has_more = out.len() > limit as usize;
        out.truncate(limit as usize);
        Ok((out, has_more))
    }

    async fn close_order(
        &self,
        merchant_id: &str,
        order_id: &str,
        _now: i64,
    ) -> Result<Option<OrderRow>, StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "UPDATE orders SET state = 'closed'
             WHERE order_id = ? AND merchant_id = ? AND state = 'waiting'",
        )
        .bind(order_id)
        .bind(merchant_id)
        .execute(&mut *tx)
        .await?;
        let order = order_in(&mut tx, order_id)
            .await?
            .filter(|o| o.merchant_id == merchant_id);
        tx.commit().await?;
        Ok(order)
    }

    async fn pay<F>(&self, d: PaymentDraft, respond: F) -> Result<Idempotent<PayResult>, StoreError>
    where
        F: FnOnce(&PayResult) -> Answer + Send,
    {
        let now = d.scope.now;
        let day = now.div_euclid(86_400);
        let mut tx = self.writer.begin().await?;
        if let Some(prior) = prior_answer(&mut tx, &d.scope).await? {
            return Ok(prior);
        }
        let result = match check_payment(&mut tx, &d, day).await? {
            Err(refusal) => PayResult::Refused(refusal),
            Ok(existing) => {
                let currency = d.merchant.currency;
                let order_id = match &existing {
                    Some(o) => o.order_id.clone(),
                    None => {
                        insert_order(
                            &mut tx,
                            &OrderRow {
                                order_id: d.static_order_id.clone(),
                                merchant_id: d.merchant.merchant_id.clone(),
                                amount: d.amount,
                                currency,
                                description: d.description.clone(),
                                kind: "static".into(),
                                state: "waiting".into(),
                                amount_refunded: 0,
                                payload: String::new(),
                                created_at: now,
                                expires_at: now,
                                paid_at: None,
                                payment_id: None,
                                payer_account_id: None,
                            },
                        )
                        .await?;
                        d.static_order_id.clone()
                    }
                };
                let payer_ledger = user_ledger_account(&d.payer.account_id);
                let description = if d.description.is_empty() {
                    format!("Payment to {}", d.merchant.display_name)
                } else {
                    d.description.clone()
                };
                let entry = LedgerEntry {
                    transaction_id: d.transaction_id.clone(),
                    kind: "payment".into(),
                    description: description.clone(),
                    created_at: now,
                    order_id: Some(order_id.clone()),
                    intent_id: Some(d.intent_id.clone()),
                    postings: vec![
                        Posting {
                            ledger_account: payer_ledger.clone(),
                            amount: -d.amount,
                            currency,
                            counterparty: d.merchant.display_name.clone(),
                        },
                        Posting {
                            ledger_account: user_ledger_account(&d.merchant.account_id),
                            amount: d.amount,
                            currency,
                            counterparty: d.payer.name.clone(),
                        },
                    ],
                };
                let posted = post_entry(&mut tx, &entry, &payer_ledger).await?;
                sqlx::query(
                    "UPDATE orders SET state = 'paid', paid_at = ?, payment_id = ?,
                        payer_account_id = ?
                     WHERE order_id = ?",
                )
                .bind(now)
                .bind(&d.payment_id)
                .bind(&d.payer.account_id)
                .bind(&order_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(concat!(
                    "INSERT INTO payments (",
                    payment_cols!(),
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ))
                .bind(&d.payment_id)
                .bind(&d.intent_id)
                .bind(&d.payer.account_id)
                .bind(&d.merchant.merchant_id)
                .bind(&order_id)
                .bind(d.amount)
                .bind(currency.code())
                .bind(&d.transaction_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO daily_spend (account_id, day, spent) VALUES (?, ?, ?)
                     ON CONFLICT (account_id, day) DO UPDATE SET spent = spent + excluded.spent",
                )
                .bind(&d.payer.account_id)
                .bind(day)
                .bind(d.amount)
                .execute(&mut *tx)
                .await?;
                let order = order_in(&mut tx, &order_id)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                PayResult::Paid {
                    payment: PaymentRow {
                        payment_id: d.payment_id.clone(),
                        intent_id: d.intent_id.clone(),
                        payer_account_id: d.payer.account_id.clone(),
                        merchant_id: d.merchant.merchant_id.clone(),
                        order_id: order_id.clone(),
                        amount: d.amount,
                        currency,
                        transaction_id: d.transaction_id.clone(),
                        created_at: now,
                    },
                    order,
                    payer_tx: TxRow {
                        transaction_id: d.transaction_id.clone(),
                        seq: posted.seq,
                        kind: "payment".into(),
                        amount: -d.amount,
                        currency,
                        counterparty: d.merchant.display_name.clone(),
                        description,
                        status: "completed".into(),
                        created_at: now,
                        order_id: Some(order_id),
                        intent_id: Some(d.intent_id.clone()),
                        balance_after: Some(posted.balance_after),
                    },
                }
            }
        };
        let answer = respond(&result);
        queue_webhook(&mut tx, &d.message_id, &d.merchant, answer.webhook, now).await?;
        let stored = store_answer(&mut tx, d.scope, answer.status, answer.body).await?;
        tx.commit().await?;
        Ok(Idempotent::Fresh(result, stored))
    }

    async fn payment(
        &self,
        payer_account_id: &str,
        intent_id: &str,
    ) -> Result<Option<PaymentRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            payment_cols!(),
            " FROM payments WHERE payer_account_id = ? AND intent_id = ?"
        ))
        .bind(payer_account_id)
        .bind(intent_id)
        .fetch_optional(&self.reader)
        .await?
        .as_ref()
        .map(payment_row)
        .transpose()
    }

    async fn refund<F>(
        &self,
        d: RefundDraft,
        respond: F,
    ) -> Result<Idempotent<RefundResult>, StoreError>
    where
        F: FnOnce(&RefundResult) -> Answer + Send,
    {
        let now = d.scope.now;
        let mut tx = self.writer.begin().await?;
        if let Some(prior) = prior_answer(&mut tx, &d.scope).await? {
            return Ok(prior);
        }
        let order = order_in(&mut tx, &d.order_id)
            .await?
            .filter(|o| o.merchant_id == d.merchant.merchant_id);
        let refusal = match &order {
            None => Some(RefundRefusal::OrderNotFound),
            Some(o) if !matches!(o.state.as_str(), "paid" | "refunded") => {
                Some(RefundRefusal::NotPaid)
            }
            Some(o) if d.amount > o.amount - o.amount_refunded => Some(RefundRefusal::Exceeds {
                refundable: o.amount - o.amount_refunded,
            }),
            Some(_) if user_balance(&mut tx, &d.merchant.account_id).await? < d.amount => {
                Some(RefundRefusal::InsufficientFunds)
            }
            Some(_) => None,
        };
        let result = match (refusal, order) {
            (Some(r), _) => RefundResult::Refused(r),
            (None, None) => RefundResult::Refused(RefundRefusal::OrderNotFound),
            (None, Some(o)) => {
                let payer = o
                    .payer_account_id
                    .clone()
                    .ok_or(StoreError::Corrupt("a paid order without a payer".into()))?;
                let payer_name: String =
                    sqlx::query_scalar("SELECT name FROM accounts WHERE account_id = ?")
                        .bind(&payer)
                        .fetch_one(&mut *tx)
                        .await?;
                let merchant_ledger = user_ledger_account(&d.merchant.account_id);
                let description = if d.reason.is_empty() {
                    format!("Refund from {}", d.merchant.display_name)
                } else {
                    format!("Refund from {}: {}", d.merchant.display_name, d.reason)
                };
                let entry = LedgerEntry {
                    transaction_id: d.transaction_id.clone(),
                    kind: "refund".into(),
                    description: description.clone(),
                    created_at: now,
                    order_id: Some(o.order_id.clone()),
                    intent_id: None,
                    postings: vec![
                        Posting {
                            ledger_account: merchant_ledger.clone(),
                            amount: -d.amount,
                            currency: o.currency,
                            counterparty: payer_name,
                        },
                        Posting {
                            ledger_account: user_ledger_account(&payer),
                            amount: d.amount,
                            currency: o.currency,
                            counterparty: d.merchant.display_name.clone(),
                        },
                    ],
                };
                let posted = post_entry(&mut tx, &entry, &merchant_ledger).await?;
                sqlx::query(
                    "UPDATE orders SET state = 'refunded', amount_refunded = amount_refunded + ?
                     WHERE order_id = ?",
                )
                .bind(d.amount)
                .bind(&o.order_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO refunds (refund_id, order_id, amount, currency, reason,
                        transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&d.refund_id)
                .bind(&o.order_id)
                .bind(d.amount)
                .bind(o.currency.code())
                .bind(&d.reason)
                .bind(&d.transaction_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let order = order_in(&mut tx, &o.order_id)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                RefundResult::Refunded {
                    merchant_tx: TxRow {
                        transaction_id: d.transaction_id.clone(),
                        seq: posted.seq,
                        kind: "refund".into(),
                        amount: -d.amount,
                        currency: o.currency,
                        counterparty: entry.postings[0].counterparty.clone(),
                        description,
                        status: "completed".into(),
                        created_at: now,
                        order_id: Some(o.order_id.clone()),
                        intent_id: None,
                        balance_after: Some(posted.balance_after),
                    },
                    order,
                }
            }
        };
        let answer = respond(&result);
        queue_webhook(&mut tx, &d.message_id, &d.merchant, answer.webhook, now).await?;
        let stored = store_answer(&mut tx, d.scope, answer.status, answer.body).await?;
        tx.commit().await?;
        Ok(Idempotent::Fresh(result, stored))
    }

    async fn due_deliveries(
        &self,
        now_ms: i64,
        limit: u32,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            delivery_cols!(),
            " WHERE d.delivered_at IS NULL AND d.next_attempt_at <= ?
              ORDER BY d.next_attempt_at, d.seq LIMIT ?"
        ))
        .bind(now_ms)
        .bind(i64::from(limit))
        .fetch_all(&self.writer)
        .await?
        .iter()
        .map(delivery_row)
        .collect()
    }

    async fn record_delivery(
        &self,
        message_id: &str,
        delivered_at_ms: Option<i64>,
        next_attempt_ms: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        // A message given up on keeps a due time no clock reaches.
        sqlx::query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = ?,
                next_attempt_at = ?, last_error = ? WHERE message_id = ?",
        )
        .bind(delivered_at_ms)
        .bind(next_attempt_ms.unwrap_or(i64::MAX))
        .bind(error)
        .bind(message_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn deliveries(
        &self,
        merchant_id: &str,
        limit: u32,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            delivery_cols!(),
            " WHERE d.merchant_id = ? ORDER BY d.seq DESC LIMIT ?"
        ))
        .bind(merchant_id)
        .bind(i64::from(limit.clamp(1, 100)))
        .fetch_all(&self.reader)
        .await?
        .iter()
        .map(delivery_row)
        .collect()
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
                limit_per_payment: None,
                limit_per_day: None,
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
            order_id: None,
            intent_id: None,
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
                limit_per_payment: None,
                limit_per_day: None,
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
