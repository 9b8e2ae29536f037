//! The embedded default store: SQLite through rusqlite, WAL mode.
//!
//! Writes go to one thread that owns the only writing connection and commits queued writes
//! together ([`super::writer`]), so writers never fight over SQLite's lock. Reads take a
//! connection of their own from a small pool and, in WAL mode, never wait for the writer;
//! they run on the calling task, since an indexed read takes microseconds, less than a
//! hand-off to another thread would.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use purse_core::money::Currency;
use rusqlite::types::Type;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};

use super::writer::Writer;
use super::*;

const SCHEMA_VERSION: i64 = 2;
/// `STEPS[n]` upgrades a database from version `n` to `n + 1`; released steps never change.
const STEPS: &[&str] = &[include_str!("schema.sql"), include_str!("schema_v2.sql")];

/// How long idempotency keys are kept: a phone can be offline for a week.
pub const IDEMPOTENCY_RETENTION_SECS: i64 = 8 * 24 * 3600;

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
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
}

impl SqliteStore {
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let path = path.to_owned();
        let conn = tokio::task::spawn_blocking({
            let path = path.clone();
            move || -> Result<Connection, StoreError> {
                let mut conn = Connection::open(&path)?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                configure(&conn)?;
                migrate(&mut conn)?;
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

    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.inner.writer.write(f).await
    }

    /// Runs `f` on a read-only connection from the pool.
    fn read<T>(
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

    /// Checks the ledger's invariants from the postings themselves: every transaction sums
    /// to zero per currency, every stored balance equals the sum of its postings, and no
    /// user balance is negative. Returns the problems found (empty when sound).
    pub async fn audit(&self) -> Result<Vec<String>, StoreError> {
        self.read(|c| {
            let mut problems = Vec::new();
            let mut stmt = c.prepare(
                "SELECT seq FROM postings GROUP BY seq, currency HAVING SUM(amount) <> 0",
            )?;
            for seq in stmt.query_map([], |r| r.get::<_, i64>(0))? {
                problems.push(format!("transaction {} does not balance", seq?));
            }
            let mut stmt = c.prepare(
                "SELECT a.ledger_account, a.balance, COALESCE(SUM(p.amount), 0), a.kind
                 FROM ledger_accounts a LEFT JOIN postings p ON p.ledger_account = a.ledger_account
                 GROUP BY a.ledger_account, a.balance, a.kind",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            for row in rows {
                let (acct, stored, summed, kind) = row?;
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
        })
    }

    /// Forgets idempotency records older than the retention period.
    pub async fn purge_idempotency(&self, now: i64) -> Result<u64, StoreError> {
        self.write(move |c| {
            Ok(
                c.prepare_cached("DELETE FROM idempotency WHERE created_at < ?")?
                    .execute([now - IDEMPOTENCY_RETENTION_SECS])? as u64,
            )
        })
        .await
    }

    /// The newest ledger sequence (0 for an empty ledger).
    pub async fn newest_seq(&self) -> Result<i64, StoreError> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT COALESCE(MAX(seq), 0) FROM ledger_transactions",
                [],
                |r| r.get(0),
            )?)
        })
    }

    /// Sum of every balance per currency: zero when no money was made or lost.
    pub async fn total_by_currency(&self) -> Result<Vec<(String, i64)>, StoreError> {
        self.read(|c| {
            let mut stmt =
                c.prepare("SELECT currency, SUM(balance) FROM ledger_accounts GROUP BY currency")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::Corrupt(format!(
            "database schema {version} is newer than this backend ({SCHEMA_VERSION})"
        )));
    }
    for from in version..SCHEMA_VERSION {
        let tx = conn.transaction()?;
        tx.execute_batch(STEPS[from as usize])?;
        tx.pragma_update(None, "user_version", from + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// A currency column; an unknown code is a conversion error naming the column.
fn currency_at(r: &Row, i: usize) -> rusqlite::Result<Currency> {
    let code: String = r.get(i)?;
    Currency::from_code(&code)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

fn account_row(r: &Row) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        account_id: r.get(0)?,
        name: r.get(1)?,
        currency: currency_at(r, 2)?,
        created_at: r.get(3)?,
        limit_per_payment: r.get(4)?,
        limit_per_day: r.get(5)?,
    })
}

fn merchant_row(r: &Row) -> rusqlite::Result<MerchantRow> {
    Ok(MerchantRow {
        merchant_id: r.get(0)?,
        account_id: r.get(1)?,
        display_name: r.get(2)?,
        city: r.get(3)?,
        mcc: r.get(4)?,
        webhook_url: r.get(5)?,
        webhook_secret: r.get(6)?,
        static_payload: r.get(7)?,
        created_at: r.get(8)?,
        currency: currency_at(r, 9)?,
    })
}

fn order_row(r: &Row) -> rusqlite::Result<OrderRow> {
    Ok(OrderRow {
        order_id: r.get(0)?,
        merchant_id: r.get(1)?,
        amount: r.get(2)?,
        currency: currency_at(r, 3)?,
        description: r.get(4)?,
        kind: r.get(5)?,
        state: r.get(6)?,
        amount_refunded: r.get(7)?,
        payload: r.get(8)?,
        created_at: r.get(9)?,
        expires_at: r.get(10)?,
        paid_at: r.get(11)?,
        payment_id: r.get(12)?,
        payer_account_id: r.get(13)?,
    })
}

fn payment_row(r: &Row) -> rusqlite::Result<PaymentRow> {
    Ok(PaymentRow {
        payment_id: r.get(0)?,
        intent_id: r.get(1)?,
        payer_account_id: r.get(2)?,
        merchant_id: r.get(3)?,
        order_id: r.get(4)?,
        amount: r.get(5)?,
        currency: currency_at(r, 6)?,
        transaction_id: r.get(7)?,
        created_at: r.get(8)?,
    })
}

fn tx_row(r: &Row) -> rusqlite::Result<TxRow> {
    Ok(TxRow {
        transaction_id: r.get(0)?,
        seq: r.get(1)?,
        kind: r.get(2)?,
        amount: r.get(3)?,
        currency: currency_at(r, 4)?,
        counterparty: r.get(5)?,
        description: r.get(6)?,
        status: r.get(7)?,
        created_at: r.get(8)?,
        order_id: r.get(9)?,
        intent_id: r.get(10)?,
        balance_after: r.get(11)?,
    })
}

fn delivery_row(r: &Row) -> rusqlite::Result<DeliveryRow> {
    Ok(DeliveryRow {
        message_id: r.get(0)?,
        merchant_id: r.get(1)?,
        event_type: r.get(2)?,
        body: r.get(3)?,
        attempts: r.get(4)?,
        created_at: r.get(5)?,
        delivered_at: r.get(6)?,
        last_error: r.get(7)?,
        url: r.get(8)?,
        secret: r.get(9)?,
    })
}

fn device_row(r: &Row) -> rusqlite::Result<DeviceRow> {
    Ok(DeviceRow {
        device_id: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get(2)?,
        public_key: r.get(3)?,
        payment_public_key: r.get(4)?,
        created_at: r.get(5)?,
        revoked_at: r.get(6)?,
    })
}

fn funding_row(r: &Row) -> rusqlite::Result<FundingRow> {
    Ok(FundingRow {
        source_id: r.get(0)?,
        account_id: r.get(1)?,
        kind: r.get(2)?,
        brand: r.get(3)?,
        last4: r.get(4)?,
        behaviour: r.get(5)?,
        created_at: r.get(6)?,
    })
}

fn stored_response(r: &Row) -> rusqlite::Result<StoredResponse> {
    Ok(StoredResponse {
        request_hash: r.get(0)?,
        status: r.get::<_, i64>(1)? as u16,
        body: r.get(2)?,
    })
}

/// Column lists, as macros so that each query is one literal the statement cache keys on.
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

fn constraint(e: &rusqlite::Error, which: std::ffi::c_int) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == which)
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    constraint(e, rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
        || constraint(e, rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

fn is_check_violation(e: &rusqlite::Error) -> bool {
    constraint(e, rusqlite::ffi::SQLITE_CONSTRAINT_CHECK)
}

/// Reads one optional row with a cached statement.
fn one<T>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl FnOnce(&Row) -> rusqlite::Result<T>,
) -> Result<Option<T>, StoreError> {
    Ok(c.prepare_cached(sql)?.query_row(params, map).optional()?)
}

/// Reads every row with a cached statement.
fn all<T>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(params, map)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn post_entry(
    c: &Connection,
    entry: &LedgerEntry,
    user_ledger_account: &str,
) -> Result<Posted, StoreError> {
    if !entry.is_balanced() {
        return Err(StoreError::Conflict("ledger entry does not balance"));
    }
    let seq: i64 = c
        .prepare_cached(
            "INSERT INTO ledger_transactions
                (transaction_id, kind, description, status, created_at, order_id, intent_id)
             VALUES (?, ?, ?, 'completed', ?, ?, ?) RETURNING seq",
        )?
        .query_row(
            params![
                entry.transaction_id,
                entry.kind,
                entry.description,
                entry.created_at,
                entry.order_id,
                entry.intent_id
            ],
            |r| r.get(0),
        )?;
    let mut balance_after = 0;
    for p in &entry.postings {
        let kind = if p.ledger_account.starts_with("user:") {
            "user"
        } else {
            "system"
        };
        c.prepare_cached(
            "INSERT INTO ledger_accounts (ledger_account, currency, kind) VALUES (?, ?, ?)
             ON CONFLICT (ledger_account) DO NOTHING",
        )?
        .execute(params![p.ledger_account, p.currency.code(), kind])?;
        let balance: i64 = c
            .prepare_cached(
                "UPDATE ledger_accounts SET balance = balance + ?, last_seq = ?
                 WHERE ledger_account = ? AND currency = ? RETURNING balance",
            )?
            .query_row(
                params![p.amount, seq, p.ledger_account, p.currency.code()],
                |r| r.get(0),
            )
            .optional()
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
        c.prepare_cached(
            "INSERT INTO postings
                (seq, ledger_account, amount, currency, counterparty, balance_after)
             VALUES (?, ?, ?, ?, ?, ?)",
        )?
        .execute(params![
            seq,
            p.ledger_account,
            p.amount,
            p.currency.code(),
            p.counterparty,
            balance
        ])?;
    }
    Ok(Posted { seq, balance_after })
}

const IDEMPOTENCY_SELECT: &str =
    "SELECT request_hash, status, body FROM idempotency WHERE account_id = ? AND idem_key = ?";

/// The stored answer for this key, checked inside the write transaction (the only writer,
/// so no race): a replay, a reuse of the key for another request, or nothing yet.
fn prior_answer<T>(
    c: &Connection,
    scope: &IdempotencyScope,
) -> Result<Option<Idempotent<T>>, StoreError> {
    let prior = one(
        c,
        IDEMPOTENCY_SELECT,
        params![scope.account_id, scope.key],
        stored_response,
    )?;
    Ok(prior.map(|stored| {
        if stored.request_hash == scope.request_hash {
            Idempotent::Replayed(stored)
        } else {
            Idempotent::KeyReused
        }
    }))
}

fn store_answer(
    c: &Connection,
    scope: IdempotencyScope,
    status: u16,
    body: String,
) -> Result<StoredResponse, StoreError> {
    c.prepare_cached(
        "INSERT INTO idempotency (account_id, idem_key, request_hash, status, body, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        scope.account_id,
        scope.key,
        scope.request_hash,
        i64::from(status),
        body,
        scope.now
    ])?;
    Ok(StoredResponse {
        request_hash: scope.request_hash,
        status,
        body,
    })
}

fn queue_webhook(
    c: &Connection,
    message_id: &str,
    merchant: &MerchantRow,
    webhook: Option<(String, String)>,
    now: i64,
) -> Result<(), StoreError> {
    let (Some((event_type, body)), Some(_)) = (webhook, &merchant.webhook_url) else {
        return Ok(());
    };
    c.prepare_cached(
        "INSERT INTO webhook_deliveries
            (message_id, merchant_id, event_type, body, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        message_id,
        merchant.merchant_id,
        event_type,
        body,
        now * 1000,
        now
    ])?;
    Ok(())
}

fn user_balance(c: &Connection, account_id: &str) -> Result<i64, StoreError> {
    Ok(one(
        c,
        "SELECT balance FROM ledger_accounts WHERE ledger_account = ?",
        [user_ledger_account(account_id)],
        |r| r.get(0),
    )?
    .unwrap_or(0))
}

const ORDER_SELECT: &str = concat!("SELECT ", order_cols!(), " FROM orders WHERE order_id = ?");

fn order_in(c: &Connection, order_id: &str) -> Result<Option<OrderRow>, StoreError> {
    one(c, ORDER_SELECT, [order_id], order_row)
}

fn insert_order(c: &Connection, o: &OrderRow) -> Result<(), StoreError> {
    c.prepare_cached(concat!(
        "INSERT INTO orders (",
        order_cols!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))?
    .execute(params![
        o.order_id,
        o.merchant_id,
        o.amount,
        o.currency.code(),
        o.description,
        o.kind,
        o.state,
        o.amount_refunded,
        o.payload,
        o.created_at,
        o.expires_at,
        o.paid_at,
        o.payment_id,
        o.payer_account_id
    ])?;
    Ok(())
}

/// Everything about a payment that can refuse it, checked inside the write transaction.
fn check_payment(
    c: &Connection,
    d: &PaymentDraft,
    day: i64,
) -> Result<Result<Option<OrderRow>, PayRefusal>, StoreError> {
    let now = d.scope.now;
    let used: Option<String> = one(
        c,
        "SELECT payment_id FROM payments WHERE payer_account_id = ? AND intent_id = ?",
        params![d.payer.account_id, d.intent_id],
        |r| r.get(0),
    )?;
    if used.is_some() {
        return Ok(Err(PayRefusal::IntentUsed));
    }
    let order = match &d.order_id {
        None => None,
        Some(id) => {
            let Some(o) = order_in(c, id)? else {
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
    let spent = spent_on(c, &d.payer.account_id, day)?;
    if spent.saturating_add(d.amount) > per_day {
        return Ok(Err(PayRefusal::LimitPerDay {
            limit: per_day,
            spent,
        }));
    }
    if user_balance(c, &d.payer.account_id)? < d.amount {
        return Ok(Err(PayRefusal::InsufficientFunds));
    }
    Ok(Ok(order))
}

fn spent_on(c: &Connection, account_id: &str, day: i64) -> Result<i64, StoreError> {
    Ok(one(
        c,
        "SELECT spent FROM daily_spend WHERE account_id = ? AND day = ?",
        params![account_id, day],
        |r| r.get(0),
    )?
    .unwrap_or(0))
}

/// Resolves a page cursor (`sql`'s parameters, when there is a cursor) to the sequence
/// number below which the page starts; `None` when the cursor names nothing.
fn cursor_seq(
    c: &Connection,
    sql: &str,
    cursor: Option<impl rusqlite::Params>,
) -> Result<Option<i64>, StoreError> {
    match cursor {
        None => Ok(Some(i64::MAX)),
        Some(params) => one(c, sql, params, |r| r.get(0)),
    }
}

/// Splits a `limit + 1` read into the page and whether more follow.
fn page<T>(mut rows: Vec<T>, limit: u32) -> (Vec<T>, bool) {
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    (rows, has_more)
}

/// Moves the money of an accepted payment: the static code's order (if any) is created,
/// the ledger posts payer -> merchant, the order is marked paid, the payment and the day's
/// spending recorded.
fn settle_payment(
    c: &Connection,
    d: &PaymentDraft,
    existing: Option<OrderRow>,
    day: i64,
) -> Result<PayResult, StoreError> {
    let now = d.scope.now;
    let currency = d.merchant.currency;
    let order_id = match existing {
        Some(o) => o.order_id,
        None => {
            insert_order(
                c,
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
            )?;
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
    let posted = post_entry(c, &entry, &payer_ledger)?;
    let order = one(
        c,
        concat!(
            "UPDATE orders SET state = 'paid', paid_at = ?, payment_id = ?, payer_account_id = ?
             WHERE order_id = ? RETURNING ",
            order_cols!()
        ),
        params![now, d.payment_id, d.payer.account_id, order_id],
        order_row,
    )?
    .ok_or(StoreError::NotFound)?;
    c.prepare_cached(concat!(
        "INSERT INTO payments (",
        payment_cols!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))?
    .execute(params![
        d.payment_id,
        d.intent_id,
        d.payer.account_id,
        d.merchant.merchant_id,
        order_id,
        d.amount,
        currency.code(),
        d.transaction_id,
        now
    ])?;
    c.prepare_cached(
        "INSERT INTO daily_spend (account_id, day, spent) VALUES (?, ?, ?)
         ON CONFLICT (account_id, day) DO UPDATE SET spent = spent + excluded.spent",
    )?
    .execute(params![d.payer.account_id, day, d.amount])?;
    Ok(PayResult::Paid {
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
    })
}

/// Moves the money of an accepted refund: merchant -> payer, and the order's refunded sum.
fn settle_refund(c: &Connection, d: &RefundDraft, o: OrderRow) -> Result<RefundResult, StoreError> {
    let now = d.scope.now;
    let payer = o
        .payer_account_id
        .clone()
        .ok_or(StoreError::Corrupt("a paid order without a payer".into()))?;
    let payer_name: String = one(
        c,
        "SELECT name FROM accounts WHERE account_id = ?",
        [&payer],
        |r| r.get(0),
    )?
    .ok_or(StoreError::NotFound)?;
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
                counterparty: payer_name.clone(),
            },
            Posting {
                ledger_account: user_ledger_account(&payer),
                amount: d.amount,
                currency: o.currency,
                counterparty: d.merchant.display_name.clone(),
            },
        ],
    };
    let posted = post_entry(c, &entry, &merchant_ledger)?;
    let order = one(
        c,
        concat!(
            "UPDATE orders SET state = 'refunded', amount_refunded = amount_refunded + ?
             WHERE order_id = ? RETURNING ",
            order_cols!()
        ),
        params![d.amount, o.order_id],
        order_row,
    )?
    .ok_or(StoreError::NotFound)?;
    c.prepare_cached(
        "INSERT INTO refunds (refund_id, order_id, amount, currency, reason,
            transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        d.refund_id,
        o.order_id,
        d.amount,
        o.currency.code(),
        d.reason,
        d.transaction_id,
        now
    ])?;
    Ok(RefundResult::Refunded {
        merchant_tx: TxRow {
            transaction_id: d.transaction_id.clone(),
            seq: posted.seq,
            kind: "refund".into(),
            amount: -d.amount,
            currency: o.currency,
            counterparty: payer_name,
            description,
            status: "completed".into(),
            created_at: now,
            order_id: Some(o.order_id.clone()),
            intent_id: None,
            balance_after: Some(posted.balance_after),
        },
        order,
    })
}

impl Store for SqliteStore {
    async fn create_account(
        &self,
        account: AccountRow,
        device: DeviceRow,
    ) -> Result<(), StoreError> {
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO accounts (account_id, name, currency, created_at, limit_per_payment,
                    limit_per_day) VALUES (?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                account.account_id,
                account.name,
                account.currency.code(),
                account.created_at,
                account.limit_per_payment,
                account.limit_per_day
            ])?;
            c.prepare_cached(
                "INSERT INTO ledger_accounts (ledger_account, currency, kind)
                 VALUES (?, ?, 'user')",
            )?
            .execute(params![
                user_ledger_account(&account.account_id),
                account.currency.code()
            ])?;
            c.prepare_cached(concat!(
                "INSERT INTO devices (",
                device_cols!(),
                ") VALUES (?, ?, ?, ?, ?, ?, NULL)"
            ))?
            .execute(params![
                device.device_id,
                account.account_id,
                device.name,
                device.public_key,
                device.payment_public_key,
                device.created_at
            ])
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict("device already enrolled")
                } else {
                    e.into()
                }
            })?;
            Ok(())
        })
        .await
    }

    async fn account(&self, account_id: &str) -> Result<Option<AccountRow>, StoreError> {
        self.read(|c| {
            one(
                c,
                concat!(
                    "SELECT ",
                    account_cols!(),
                    " FROM accounts WHERE account_id = ?"
                ),
                [account_id],
                account_row,
            )
        })
    }

    async fn device(&self, device_id: &str) -> Result<Option<DeviceRow>, StoreError> {
        self.read(|c| {
            one(
                c,
                concat!(
                    "SELECT ",
                    device_cols!(),
                    " FROM devices WHERE device_id = ?"
                ),
                [device_id],
                device_row,
            )
        })
    }

    async fn devices(&self, account_id: &str) -> Result<Vec<DeviceRow>, StoreError> {
        self.read(|c| {
            all(
                c,
                concat!(
                    "SELECT ",
                    device_cols!(),
                    " FROM devices WHERE account_id = ? ORDER BY created_at, device_id"
                ),
                [account_id],
                device_row,
            )
        })
    }

    async fn revoke_device(
        &self,
        account_id: &str,
        device_id: &str,
        now: i64,
    ) -> Result<Option<DeviceRow>, StoreError> {
        let (account_id, device_id) = (account_id.to_owned(), device_id.to_owned());
        self.write(move |c| {
            one(
                c,
                concat!(
                    "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?)
                     WHERE account_id = ? AND device_id = ? RETURNING ",
                    device_cols!()
                ),
                params![now, account_id, device_id],
                device_row,
            )
        })
        .await
    }

    async fn remember_nonce(
        &self,
        device_id: &str,
        nonce: &str,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let (device_id, nonce) = (device_id.to_owned(), nonce.to_owned());
        self.write(move |c| {
            let added = c
                .prepare_cached(
                    "INSERT INTO nonces (device_id, nonce, expires_at) VALUES (?, ?, ?)
                     ON CONFLICT (device_id, nonce) DO NOTHING",
                )?
                .execute(params![device_id, nonce, expires_at])?;
            Ok(added == 1)
        })
        .await
    }

    async fn purge_nonces(&self, now: i64) -> Result<u64, StoreError> {
        self.write(move |c| {
            Ok(c.prepare_cached("DELETE FROM nonces WHERE expires_at < ?")?
                .execute([now])? as u64)
        })
        .await
    }

    async fn link_funding(
        &self,
        s: FundingRow,
        fingerprint: &str,
    ) -> Result<FundingRow, StoreError> {
        let fingerprint = fingerprint.to_owned();
        self.write(move |c| {
            let existing = one(
                c,
                concat!(
                    "SELECT ",
                    funding_cols!(),
                    " FROM funding_sources WHERE account_id = ? AND fingerprint = ?"
                ),
                params![s.account_id, fingerprint],
                funding_row,
            )?;
            if let Some(row) = existing {
                return Ok(row);
            }
            c.prepare_cached(concat!(
                "INSERT INTO funding_sources (",
                funding_cols!(),
                ", fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ))?
            .execute(params![
                s.source_id,
                s.account_id,
                s.kind,
                s.brand,
                s.last4,
                s.behaviour,
                s.created_at,
                fingerprint
            ])?;
            Ok(s)
        })
        .await
    }

    async fn funding_sources(&self, account_id: &str) -> Result<Vec<FundingRow>, StoreError> {
        self.read(|c| {
            all(
                c,
                concat!(
                    "SELECT ",
                    funding_cols!(),
                    " FROM funding_sources WHERE account_id = ? ORDER BY created_at, source_id"
                ),
                [account_id],
                funding_row,
            )
        })
    }

    async fn funding_source(
        &self,
        account_id: &str,
        source_id: &str,
    ) -> Result<Option<FundingRow>, StoreError> {
        self.read(|c| {
            one(
                c,
                concat!(
                    "SELECT ",
                    funding_cols!(),
                    " FROM funding_sources WHERE account_id = ? AND source_id = ?"
                ),
                [account_id, source_id],
                funding_row,
            )
        })
    }

    async fn idempotent_response(
        &self,
        account_id: &str,
        key: &str,
    ) -> Result<Option<StoredResponse>, StoreError> {
        self.read(|c| one(c, IDEMPOTENCY_SELECT, [account_id, key], stored_response))
    }

    async fn post_idempotent<F>(
        &self,
        scope: IdempotencyScope,
        entry: Option<LedgerEntry>,
        user_ledger_account: &str,
        respond: F,
    ) -> Result<Idempotent<Option<Posted>>, StoreError>
    where
        F: FnOnce(Option<Posted>) -> (u16, String) + Send + 'static,
    {
        let user_ledger_account = user_ledger_account.to_owned();
        self.write(move |c| {
            if let Some(prior) = prior_answer(c, &scope)? {
                return Ok(prior);
            }
            let posted = match &entry {
                Some(e) => Some(post_entry(c, e, &user_ledger_account)?),
                None => None,
            };
            let (status, body) = respond(posted);
            let stored = store_answer(c, scope, status, body)?;
            Ok(Idempotent::Fresh(posted, stored))
        })
        .await
    }

    async fn balance(&self, account_id: &str) -> Result<(i64, i64), StoreError> {
        self.read(|c| {
            one(
                c,
                "SELECT balance, last_seq FROM ledger_accounts WHERE ledger_account = ?",
                [user_ledger_account(account_id)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .ok_or(StoreError::NotFound)
        })
    }

    async fn transactions(
        &self,
        account_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<(Vec<TxRow>, bool), StoreError> {
        let limit = limit.clamp(1, 100);
        self.read(|c| {
            // Resolve the cursor first so the page is one index range scan.
            let Some(below) = cursor_seq(
                c,
                "SELECT seq FROM ledger_transactions WHERE transaction_id = ?",
                starting_after.map(|id| [id]),
            )?
            else {
                return Ok((Vec::new(), false));
            };
            let rows = all(
                c,
                concat!(
                    "SELECT ",
                    tx_cols!(),
                    " WHERE p.ledger_account = ? AND p.seq < ? ORDER BY p.seq DESC LIMIT ?"
                ),
                params![user_ledger_account(account_id), below, i64::from(limit) + 1],
                tx_row,
            )?;
            Ok(page(rows, limit))
        })
    }

    async fn transaction_of(
        &self,
        account_id: &str,
        transaction_id: &str,
    ) -> Result<Option<TxRow>, StoreError> {
        self.read(|c| {
            one(
                c,
                concat!(
                    "SELECT ",
                    tx_cols!(),
                    " WHERE p.ledger_account = ? AND t.transaction_id = ?"
                ),
                params![user_ledger_account(account_id), transaction_id],
                tx_row,
            )
        })
    }

    async fn events(
        &self,
        account_id: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<TxRow>, StoreError> {
        self.read(|c| {
            all(
                c,
                concat!(
                    "SELECT ",
                    tx_cols!(),
                    " WHERE p.ledger_account = ? AND p.seq > ? ORDER BY p.seq LIMIT ?"
                ),
                params![
                    user_ledger_account(account_id),
                    after,
                    i64::from(limit.clamp(1, 500))
                ],
                tx_row,
            )
        })
    }

    async fn set_limits(
        &self,
        account_id: &str,
        per_payment: Option<i64>,
        per_day: Option<i64>,
    ) -> Result<(), StoreError> {
        let account_id = account_id.to_owned();
        self.write(move |c| {
            c.prepare_cached(
                "UPDATE accounts SET limit_per_payment = COALESCE(?, limit_per_payment),
                    limit_per_day = COALESCE(?, limit_per_day) WHERE account_id = ?",
            )?
            .execute(params![per_payment, per_day, account_id])?;
            Ok(())
        })
        .await
    }

    async fn spent_on(&self, account_id: &str, day: i64) -> Result<i64, StoreError> {
        self.read(|c| spent_on(c, account_id, day))
    }

    async fn create_merchant(&self, m: MerchantRow) -> Result<(), StoreError> {
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO merchants (merchant_id, account_id, display_name, city, mcc,
                    webhook_url, webhook_secret, static_payload, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                m.merchant_id,
                m.account_id,
                m.display_name,
                m.city,
                m.mcc,
                m.webhook_url,
                m.webhook_secret,
                m.static_payload,
                m.created_at
            ])
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict("already a merchant")
                } else {
                    e.into()
                }
            })?;
            Ok(())
        })
        .await
    }

    async fn merchant(&self, merchant_id: &str) -> Result<Option<MerchantRow>, StoreError> {
        self.read(|c| {
            one(
                c,
                concat!("SELECT ", merchant_cols!(), " WHERE m.merchant_id = ?"),
                [merchant_id],
                merchant_row,
            )
        })
    }

    async fn merchant_of_account(
        &self,
        account_id: &str,
    ) -> Result<Option<MerchantRow>, StoreError> {
        self.read(|c| {
            one(
                c,
                concat!("SELECT ", merchant_cols!(), " WHERE m.account_id = ?"),
                [account_id],
                merchant_row,
            )
        })
    }

    async fn create_order<F>(
        &self,
        order: OrderRow,
        scope: Option<IdempotencyScope>,
        respond: F,
    ) -> Result<Idempotent<()>, StoreError>
    where
        F: FnOnce() -> (u16, String) + Send + 'static,
    {
        self.write(move |c| {
            if let Some(scope) = &scope
                && let Some(prior) = prior_answer(c, scope)?
            {
                return Ok(prior);
            }
            insert_order(c, &order)?;
            let (status, body) = respond();
            let stored = match scope {
                Some(scope) => store_answer(c, scope, status, body)?,
                None => StoredResponse {
                    request_hash: String::new(),
                    status,
                    body,
                },
            };
            Ok(Idempotent::Fresh((), stored))
        })
        .await
    }

    async fn order(&self, order_id: &str) -> Result<Option<OrderRow>, StoreError> {
        self.read(|c| order_in(c, order_id))
    }

    async fn orders(
        &self,
        merchant_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<(Vec<OrderRow>, bool), StoreError> {
        let limit = limit.clamp(1, 100);
        self.read(|c| {
            let Some(below) = cursor_seq(
                c,
                "SELECT seq FROM orders WHERE order_id = ? AND merchant_id = ?",
                starting_after.map(|id| [id, merchant_id]),
            )?
            else {
                return Ok((Vec::new(), false));
            };
            let rows = all(
                c,
                concat!(
                    "SELECT ",
                    order_cols!(),
                    " FROM orders WHERE merchant_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
                ),
                params![merchant_id, below, i64::from(limit) + 1],
                order_row,
            )?;
            Ok(page(rows, limit))
        })
    }

    async fn close_order(
        &self,
        merchant_id: &str,
        order_id: &str,
        _now: i64,
    ) -> Result<Option<OrderRow>, StoreError> {
        let (merchant_id, order_id) = (merchant_id.to_owned(), order_id.to_owned());
        self.write(move |c| {
            c.prepare_cached(
                "UPDATE orders SET state = 'closed'
                 WHERE order_id = ? AND merchant_id = ? AND state = 'waiting'",
            )?
            .execute([&order_id, &merchant_id])?;
            Ok(order_in(c, &order_id)?.filter(|o| o.merchant_id == merchant_id))
        })
        .await
    }

    async fn pay<F>(&self, d: PaymentDraft, respond: F) -> Result<Idempotent<PayResult>, StoreError>
    where
        F: FnOnce(&PayResult) -> Answer + Send + 'static,
    {
        self.write(move |c| {
            let now = d.scope.now;
            let day = now.div_euclid(86_400);
            if let Some(prior) = prior_answer(c, &d.scope)? {
                return Ok(prior);
            }
            let result = match check_payment(c, &d, day)? {
                Err(refusal) => PayResult::Refused(refusal),
                Ok(existing) => settle_payment(c, &d, existing, day)?,
            };
            let answer = respond(&result);
            queue_webhook(c, &d.message_id, &d.merchant, answer.webhook, now)?;
            let stored = store_answer(c, d.scope, answer.status, answer.body)?;
            Ok(Idempotent::Fresh(result, stored))
        })
        .await
    }

    async fn payment(
        &self,
        payer_account_id: &str,
        intent_id: &str,
    ) -> Result<Option<PaymentRow>, StoreError> {
        self.read(|c| {
            one(
                c,
                concat!(
                    "SELECT ",
                    payment_cols!(),
                    " FROM payments WHERE payer_account_id = ? AND intent_id = ?"
                ),
                [payer_account_id, intent_id],
                payment_row,
            )
        })
    }

    async fn refund<F>(
        &self,
        d: RefundDraft,
        respond: F,
    ) -> Result<Idempotent<RefundResult>, StoreError>
    where
        F: FnOnce(&RefundResult) -> Answer + Send + 'static,
    {
        self.write(move |c| {
            let now = d.scope.now;
            if let Some(prior) = prior_answer(c, &d.scope)? {
                return Ok(prior);
            }
            let order =
                order_in(c, &d.order_id)?.filter(|o| o.merchant_id == d.merchant.merchant_id);
            let result = match order {
                None => RefundResult::Refused(RefundRefusal::OrderNotFound),
                Some(o) if !matches!(o.state.as_str(), "paid" | "refunded") => {
                    RefundResult::Refused(RefundRefusal::NotPaid)
                }
                Some(o) if d.amount > o.amount - o.amount_refunded => {
                    RefundResult::Refused(RefundRefusal::Exceeds {
                        refundable: o.amount - o.amount_refunded,
                    })
                }
                Some(_) if user_balance(c, &d.merchant.account_id)? < d.amount => {
                    RefundResult::Refused(RefundRefusal::InsufficientFunds)
                }
                Some(o) => settle_refund(c, &d, o)?,
            };
            let answer = respond(&result);
            queue_webhook(c, &d.message_id, &d.merchant, answer.webhook, now)?;
            let stored = store_answer(c, d.scope, answer.status, answer.body)?;
            Ok(Idempotent::Fresh(result, stored))
        })
        .await
    }

    async fn due_deliveries(
        &self,
        now_ms: i64,
        limit: u32,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        self.read(|c| {
            all(
                c,
                concat!(
                    "SELECT ",
                    delivery_cols!(),
                    " WHERE d.delivered_at IS NULL AND d.next_attempt_at <= ?
                      ORDER BY d.next_attempt_at, d.seq LIMIT ?"
                ),
                params![now_ms, i64::from(limit)],
                delivery_row,
            )
        })
    }

    async fn record_delivery(
        &self,
        message_id: &str,
        delivered_at_ms: Option<i64>,
        next_attempt_ms: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let message_id = message_id.to_owned();
        let error = error.map(str::to_owned);
        self.write(move |c| {
            // A message given up on keeps a due time no clock reaches.
            c.prepare_cached(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = ?,
                    next_attempt_at = ?, last_error = ? WHERE message_id = ?",
            )?
            .execute(params![
                delivered_at_ms,
                next_attempt_ms.unwrap_or(i64::MAX),
                error,
                message_id
            ])?;
            Ok(())
        })
        .await
    }

    async fn deliveries(
        &self,
        merchant_id: &str,
        limit: u32,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        self.read(|c| {
            all(
                c,
                concat!(
                    "SELECT ",
                    delivery_cols!(),
                    " WHERE d.merchant_id = ? ORDER BY d.seq DESC LIMIT ?"
                ),
                params![merchant_id, i64::from(limit.clamp(1, 100))],
                delivery_row,
            )
        })
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
            let e = s.write(move |c| Ok(c.execute(sql, [])?)).await.unwrap_err();
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
