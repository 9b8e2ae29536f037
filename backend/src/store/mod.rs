//! The backend's storage, behind a narrow interface of its own.
//!
//! Handlers speak only to [`Store`]: domain operations, each one atomic. The SQLite
//! implementation is the embedded default; a networked SQL engine (PostgreSQL and its
//! distributed kin) takes its place by implementing the same trait with a Postgres
//! driver: the SQL is kept to what both dialects share (see `sqlite::schema`).

pub mod sqlite;
mod writer;

use std::future::Future;

use purse_core::money::Currency;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    /// The write could not be carried out (the writer stopped, a commit failed): nothing of
    /// it took effect.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// The operation would break an invariant (a user balance below zero, a duplicate).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub account_id: String,
    pub name: String,
    pub currency: Currency,
    pub created_at: i64,
    /// Limits the account chose; `None` is the backend's maximum.
    pub limit_per_payment: Option<i64>,
    pub limit_per_day: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct DeviceRow {
    pub device_id: String,
    pub account_id: String,
    pub name: String,
    /// Base64 SEC1 points.
    pub public_key: String,
    pub payment_public_key: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct FundingRow {
    pub source_id: String,
    pub account_id: String,
    pub kind: String,
    pub brand: String,
    pub last4: String,
    /// What the sandbox provider will do with a charge (`approve` or `decline:<code>`).
    pub behaviour: String,
    pub created_at: i64,
}

/// One posting as the account sees it, joined with its transaction.
#[derive(Debug, Clone)]
pub struct TxRow {
    pub transaction_id: String,
    pub seq: i64,
    pub kind: String,
    pub amount: i64,
    pub currency: Currency,
    pub counterparty: String,
    pub description: String,
    pub status: String,
    pub created_at: i64,
    pub order_id: Option<String>,
    pub intent_id: Option<String>,
    /// The account's balance right after this transaction (absent on schema-1 rows).
    pub balance_after: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct MerchantRow {
    pub merchant_id: String,
    pub account_id: String,
    pub display_name: String,
    pub city: String,
    pub mcc: String,
    /// The merchant account's currency.
    pub currency: Currency,
    pub webhook_url: Option<String>,
    pub webhook_secret: String,
    pub static_payload: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct OrderRow {
    pub order_id: String,
    pub merchant_id: String,
    pub amount: i64,
    pub currency: Currency,
    pub description: String,
    /// `dynamic` (its own code) or `static` (made for a payment to the static code).
    pub kind: String,
    pub state: String,
    pub amount_refunded: i64,
    pub payload: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub paid_at: Option<i64>,
    pub payment_id: Option<String>,
    pub payer_account_id: Option<String>,
}

impl OrderRow {
    /// The state as of `now`: a waiting order past its expiry is closed.
    pub fn state_at(&self, now: i64) -> &str {
        if self.state == "waiting" && now > self.expires_at {
            "closed"
        } else {
            &self.state
        }
    }
}

#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub payment_id: String,
    pub intent_id: String,
    pub payer_account_id: String,
    pub merchant_id: String,
    pub order_id: String,
    pub amount: i64,
    pub currency: Currency,
    pub transaction_id: String,
    pub created_at: i64,
}

/// What the route answers and, when something happened a merchant should hear of, the
/// webhook message to queue in the same transaction.
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// `(event type, JSON body)`.
    pub webhook: Option<(String, String)>,
}

impl Answer {
    /// A 500 problem stored as the answer: only for "cannot happen" serialisation failures.
    pub fn internal() -> Self {
        Answer {
            status: 500,
            body: r#"{"type":"about:blank","title":"Internal Server Error","status":500,"code":"internal_error","detail":"the server could not complete the request"}"#.into(),
            webhook: None,
        }
    }
}

/// A payment to settle: everything checked that needs no database has been checked.
#[derive(Debug, Clone)]
pub struct PaymentDraft {
    pub scope: IdempotencyScope,
    pub payment_id: String,
    pub transaction_id: String,
    pub message_id: String,
    pub intent_id: String,
    pub payer: AccountRow,
    pub merchant: MerchantRow,
    /// The order paid; `None` for the static code, for which `static_order_id` is created.
    pub order_id: Option<String>,
    pub static_order_id: String,
    pub amount: i64,
    pub description: String,
    /// The backend's maxima; the account's own limits apply when lower.
    pub max_per_payment: i64,
    pub max_per_day: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayRefusal {
    OrderNotFound,
    OrderPaid,
    OrderClosed,
    OrderExpired,
    AmountMismatch { expected: i64 },
    IntentUsed,
    LimitPerPayment { limit: i64 },
    LimitPerDay { limit: i64, spent: i64 },
    InsufficientFunds,
}

// One per request, moved once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum PayResult {
    Paid {
        payment: PaymentRow,
        order: OrderRow,
        /// The payer's side of the ledger transaction.
        payer_tx: TxRow,
    },
    Refused(PayRefusal),
}

#[derive(Debug, Clone)]
pub struct RefundDraft {
    pub scope: IdempotencyScope,
    pub refund_id: String,
    pub transaction_id: String,
    pub message_id: String,
    pub merchant: MerchantRow,
    pub order_id: String,
    pub amount: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundRefusal {
    OrderNotFound,
    NotPaid,
    Exceeds { refundable: i64 },
    InsufficientFunds,
}

// One per request, moved once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum RefundResult {
    Refunded {
        order: OrderRow,
        /// The merchant's side of the ledger transaction.
        merchant_tx: TxRow,
    },
    Refused(RefundRefusal),
}

/// A webhook message waiting for (another) delivery attempt.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub message_id: String,
    pub merchant_id: String,
    pub event_type: String,
    pub body: String,
    pub attempts: i64,
    pub url: Option<String>,
    pub secret: String,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
    pub last_error: Option<String>,
}

/// A response stored under an idempotency key, replayed for every repeat of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
}

/// Scope of an idempotent write: the key is per account, and the hash of the request says
/// whether a repeat is the same request.
#[derive(Debug, Clone)]
pub struct IdempotencyScope {
    pub account_id: String,
    pub key: String,
    pub request_hash: String,
    pub now: i64,
}

/// The outcome of an idempotent write.
#[derive(Debug)]
pub enum Idempotent<T> {
    /// Done now; the response was stored with it.
    Fresh(T, StoredResponse),
    /// The same request was done before: here is its response.
    Replayed(StoredResponse),
    /// The key was used for a different request.
    KeyReused,
}

/// One balanced ledger transaction: postings that sum to zero, per currency.
#[derive(Debug, Clone)]
pub struct LedgerEntry {
    pub transaction_id: String,
    pub kind: String,
    pub description: String,
    pub created_at: i64,
    pub postings: Vec<Posting>,
    pub order_id: Option<String>,
    pub intent_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Posting {
    /// `user:<account_id>` or `system:<name>:<currency>`.
    pub ledger_account: String,
    pub amount: i64,
    pub currency: Currency,
    /// Who is on the other side, as this account's history shows it.
    pub counterparty: String,
}

impl LedgerEntry {
    /// Postings must balance per currency, and no amount may be zero.
    pub fn is_balanced(&self) -> bool {
        let mut sums: Vec<(Currency, i128)> = Vec::new();
        for p in &self.postings {
            if p.amount == 0 {
                return false;
            }
            match sums.iter_mut().find(|(c, _)| *c == p.currency) {
                Some((_, s)) => *s += i128::from(p.amount),
                None => sums.push((p.currency, i128::from(p.amount))),
            }
        }
        !self.postings.is_empty() && sums.iter().all(|(_, s)| *s == 0)
    }
}

/// Result of posting a ledger entry: the sequence it got and the balance of the user's
/// ledger account after it.
#[derive(Debug, Clone, Copy)]
pub struct Posted {
    pub seq: i64,
    pub balance_after: i64,
}

pub trait Store: Send + Sync + 'static {
    /// Creates an account with its first device. `Conflict` if the device id exists.
    fn create_account(
        &self,
        account: AccountRow,
        device: DeviceRow,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn account(
        &self,
        account_id: &str,
    ) -> impl Future<Output = Result<Option<AccountRow>, StoreError>> + Send;

    fn device(
        &self,
        device_id: &str,
    ) -> impl Future<Output = Result<Option<DeviceRow>, StoreError>> + Send;

    fn devices(
        &self,
        account_id: &str,
    ) -> impl Future<Output = Result<Vec<DeviceRow>, StoreError>> + Send;

    /// Marks a device of this account revoked (idempotent: the first time is kept).
    fn revoke_device(
        &self,
        account_id: &str,
        device_id: &str,
        now: i64,
    ) -> impl Future<Output = Result<Option<DeviceRow>, StoreError>> + Send;

    /// Records a request nonce until `expires_at`. `false` if the device used it before.
    fn remember_nonce(
        &self,
        device_id: &str,
        nonce: &str,
        expires_at: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Drops nonces whose signatures have expired; returns how many.
    fn purge_nonces(&self, now: i64) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Links a funding source, or returns the one already linked with this fingerprint.
    fn link_funding(
        &self,
        source: FundingRow,
        fingerprint: &str,
    ) -> impl Future<Output = Result<FundingRow, StoreError>> + Send;

    fn funding_sources(
        &self,
        account_id: &str,
    ) -> impl Future<Output = Result<Vec<FundingRow>, StoreError>> + Send;

    fn funding_source(
        &self,
        account_id: &str,
        source_id: &str,
    ) -> impl Future<Output = Result<Option<FundingRow>, StoreError>> + Send;

    fn idempotent_response(
        &self,
        account_id: &str,
        key: &str,
    ) -> impl Future<Output = Result<Option<StoredResponse>, StoreError>> + Send;

    /// Posts `entry` (if any) and stores the response `respond` builds from the result, in
    /// one transaction: either both happen or neither, so a repeat can never post twice.
    /// `Conflict` if a user account would go below zero.
    fn post_idempotent<F>(
        &self,
        scope: IdempotencyScope,
        entry: Option<LedgerEntry>,
        user_ledger_account: &str,
        respond: F,
    ) -> impl Future<Output = Result<Idempotent<Option<Posted>>, StoreError>> + Send
    where
        F: FnOnce(Option<Posted>) -> (u16, String) + Send + 'static;

    /// The user's balance in minor units and the ledger sequence it is as of.
    fn balance(
        &self,
        account_id: &str,
    ) -> impl Future<Output = Result<(i64, i64), StoreError>> + Send;

    /// A page of the account's transactions, newest first, and whether more follow.
    fn transactions(
        &self,
        account_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> impl Future<Output = Result<(Vec<TxRow>, bool), StoreError>> + Send;

    /// One transaction as this account's history shows it.
    fn transaction_of(
        &self,
        account_id: &str,
        transaction_id: &str,
    ) -> impl Future<Output = Result<Option<TxRow>, StoreError>> + Send;

    /// The account's transactions after ledger sequence `after`, oldest first: its event
    /// stream.
    fn events(
        &self,
        account_id: &str,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<TxRow>, StoreError>> + Send;

    /// Sets the limits an account chose (`None` leaves one as it is).
    fn set_limits(
        &self,
        account_id: &str,
        per_payment: Option<i64>,
        per_day: Option<i64>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Paid by the account on UTC day `day` (Unix days).
    fn spent_on(
        &self,
        account_id: &str,
        day: i64,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// `Conflict` if the account is a merchant already.
    fn create_merchant(
        &self,
        merchant: MerchantRow,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn merchant(
        &self,
        merchant_id: &str,
    ) -> impl Future<Output = Result<Option<MerchantRow>, StoreError>> + Send;

    fn merchant_of_account(
        &self,
        account_id: &str,
    ) -> impl Future<Output = Result<Option<MerchantRow>, StoreError>> + Send;

    /// Creates an order; with a scope, once per idempotency key (`respond` builds the answer
    /// stored with it).
    fn create_order<F>(
        &self,
        order: OrderRow,
        scope: Option<IdempotencyScope>,
        respond: F,
    ) -> impl Future<Output = Result<Idempotent<()>, StoreError>> + Send
    where
        F: FnOnce() -> (u16, String) + Send + 'static;

    fn order(
        &self,
        order_id: &str,
    ) -> impl Future<Output = Result<Option<OrderRow>, StoreError>> + Send;

    /// A merchant's orders, newest first, and whether more follow.
    fn orders(
        &self,
        merchant_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> impl Future<Output = Result<(Vec<OrderRow>, bool), StoreError>> + Send;

    /// Closes a waiting order (the merchant cancelled it). Returns the order as it is after.
    fn close_order(
        &self,
        merchant_id: &str,
        order_id: &str,
        now: i64,
    ) -> impl Future<Output = Result<Option<OrderRow>, StoreError>> + Send;

    /// Settles a payment in one transaction: idempotency, the order's state, limits, the
    /// balance, the ledger, the order, the payment row, the merchant's webhook and the stored
    /// answer. A refusal is stored as the answer too, so the first answer is the final one.
    fn pay<F>(
        &self,
        draft: PaymentDraft,
        respond: F,
    ) -> impl Future<Output = Result<Idempotent<PayResult>, StoreError>> + Send
    where
        F: FnOnce(&PayResult) -> Answer + Send + 'static;

    fn payment(
        &self,
        payer_account_id: &str,
        intent_id: &str,
    ) -> impl Future<Output = Result<Option<PaymentRow>, StoreError>> + Send;

    /// Refunds part or all of a paid order, in one transaction like [`Store::pay`].
    fn refund<F>(
        &self,
        draft: RefundDraft,
        respond: F,
    ) -> impl Future<Output = Result<Idempotent<RefundResult>, StoreError>> + Send
    where
        F: FnOnce(&RefundResult) -> Answer + Send + 'static;

    /// Webhook messages due at `now_ms`, oldest first.
    fn due_deliveries(
        &self,
        now_ms: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DeliveryRow>, StoreError>> + Send;

    /// Records an attempt: delivered, or failed and due again at `next_attempt_ms` (`None`:
    /// given up).
    fn record_delivery(
        &self,
        message_id: &str,
        delivered_at_ms: Option<i64>,
        next_attempt_ms: Option<i64>,
        error: Option<&str>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every webhook message of a merchant, newest first (for the merchant's own view).
    fn deliveries(
        &self,
        merchant_id: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<DeliveryRow>, StoreError>> + Send;
}

pub fn user_ledger_account(account_id: &str) -> String {
    format!("user:{account_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(amount: i64, code: &str) -> Posting {
        Posting {
            ledger_account: "x".into(),
            amount,
            currency: Currency::from_code(code).unwrap(),
            counterparty: String::new(),
        }
    }

    #[test]
    fn balance_rule() {
        let e = |postings| LedgerEntry {
            transaction_id: "t".into(),
            kind: "topup".into(),
            description: String::new(),
            created_at: 0,
            postings,
            order_id: None,
            intent_id: None,
        };
        assert!(e(vec![p(5, "CNY"), p(-5, "CNY")]).is_balanced());
        assert!(!e(vec![p(5, "CNY"), p(-4, "CNY")]).is_balanced());
        assert!(!e(vec![p(5, "CNY"), p(-5, "USD")]).is_balanced());
        assert!(!e(vec![p(0, "CNY"), p(0, "CNY")]).is_balanced());
        assert!(!e(vec![]).is_balanced());
        assert!(
            e(vec![
                p(i64::MAX, "CNY"),
                p(i64::MAX, "CNY"),
                p(i64::MIN, "CNY"),
                p(i64::MIN + 2, "CNY")
            ])
            .is_balanced()
        );
    }
}
