//! The transaction interface the rules run on: read rows, insert rows, post a balanced
//! journal entry. Every engine implements it (SQLite by default; a networked SQL engine
//! next), and the unit tests implement it in memory, so the rules never name an engine.
//!
//! Calls are synchronous: a rule is a short run of indexed statements inside one
//! transaction that the engine opened and will commit or roll back as a whole. An `Err`
//! from a rule undoes everything it wrote.

use purse_core::money::Money;

use super::bills::{BillReads, BillWrites};
use super::devices::{DeviceReads, DeviceWrites};
use super::entry::{LedgerAccount, LedgerEntry, Posted};
use super::paycodes::{PayCodeReads, PayCodeWrites};
use super::people::{PeopleReads, PeopleWrites};
use super::requests::{RequestReads, RequestWrites};
use super::rows::*;
use super::savings::{SavingsReads, SavingsWrites};
use super::transfers::{TransferReads, TransferWrites};
use super::withdrawals::{WithdrawalReads, WithdrawalWrites};

/// What can go wrong below the rules. Engine errors arrive as text: no engine's error type
/// leaks into the rules or the routes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The engine failed (I/O, a constraint the rules should have kept, a bad statement).
    #[error("database: {0}")]
    Engine(String),
    /// The write could not be carried out (the writer stopped, a commit failed): nothing of
    /// it took effect.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A row with this key exists already.
    #[error("already exists: {0}")]
    Duplicate(&'static str),
    /// Posting would take a user's ledger account below zero.
    #[error("a user balance would go below zero")]
    NegativeBalance,
    /// An entry that does not balance, or a posting in another currency than its account.
    #[error("ledger entry refused: {0}")]
    Unbalanced(&'static str),
    #[error("not found")]
    NotFound,
    /// A row broke a rule the schema checks (a `CHECK` constraint).
    #[error("constraint: {0}")]
    Constraint(String),
    /// The transaction collided with a concurrent one (a serialization failure or a
    /// deadlock on a networked engine): nothing of it took effect, and running it again may
    /// succeed. The store retries these itself; a caller sees one only when retries ran out.
    #[error("concurrent update: {0}")]
    Conflict(String),
    /// Stored data that cannot be read back (an unknown state, currency or kind).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

impl From<purse_core::money::MoneyError> for StoreError {
    fn from(e: purse_core::money::MoneyError) -> Self {
        StoreError::Corrupt(format!("amount: {e}"))
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A page of a list, newest first, and whether more follow.
pub type Page<T> = (Vec<T>, bool);

/// Reads, inside a read or a write transaction. Each service's reads are a supertrait
/// declared beside its rules.
pub trait Reads:
    DeviceReads
    + PeopleReads
    + TransferReads
    + RequestReads
    + WithdrawalReads
    + BillReads
    + SavingsReads
    + PayCodeReads
{
    fn account(&mut self, account_id: &str) -> Result<Option<AccountRow>>;
    fn device(&mut self, device_id: &str) -> Result<Option<DeviceRow>>;
    fn devices(&mut self, account_id: &str) -> Result<Vec<DeviceRow>>;
    fn funding_sources(&mut self, account_id: &str) -> Result<Vec<FundingRow>>;
    fn funding_source(&mut self, account_id: &str, source_id: &str) -> Result<Option<FundingRow>>;
    fn funding_by_fingerprint(
        &mut self,
        account_id: &str,
        fingerprint: &str,
    ) -> Result<Option<FundingRow>>;
    /// The answer stored under an idempotency key of this account.
    fn idempotent(&mut self, account_id: &str, key: &str) -> Result<Option<StoredResponse>>;
    /// A ledger account's balance and the sequence it is as of; `None` before its first
    /// posting (user accounts exist from enrollment).
    fn balance(&mut self, account: &LedgerAccount) -> Result<Option<(Money, i64)>>;
    /// The account's transactions, newest first, before the one named by `starting_after`.
    fn transactions(
        &mut self,
        account_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<Page<TxRow>>;
    fn transaction_of(&mut self, account_id: &str, transaction_id: &str) -> Result<Option<TxRow>>;
    /// The account's transactions after ledger sequence `after`, oldest first.
    fn events(&mut self, account_id: &str, after: i64, limit: u32) -> Result<Vec<TxRow>>;
    /// Attempts counted in a rate-limit bucket's window (0 when none).
    fn rate_count(&mut self, bucket: &str, window_start: i64) -> Result<i64>;
    /// The newest ledger sequence (0 for an empty ledger).
    fn newest_seq(&mut self) -> Result<i64>;
    /// The newest device notice's sequence, of any account (0 when there is none).
    fn newest_notice_seq(&mut self) -> Result<i64>;
    /// Paid by the account on UTC day `day` (Unix days), in its currency's minor units.
    fn spent_on(&mut self, account_id: &str, day: i64) -> Result<i64>;
    fn merchant(&mut self, merchant_id: &str) -> Result<Option<MerchantRow>>;
    fn merchant_of_account(&mut self, account_id: &str) -> Result<Option<MerchantRow>>;
    /// A merchant whose name has this confusable skeleton ([`super::merchants`]), if any.
    fn merchant_named_like(&mut self, skeleton: &str) -> Result<Option<String>>;
    /// Up to `limit` merchants stored before skeletons were kept: id and display name.
    fn merchants_without_skeleton(&mut self, limit: u32) -> Result<Vec<(String, String)>>;
    fn order(&mut self, order_id: &str) -> Result<Option<OrderRow>>;
    fn orders(
        &mut self,
        merchant_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<Page<OrderRow>>;
    fn payment(&mut self, payer_account_id: &str, intent_id: &str) -> Result<Option<PaymentRow>>;
    /// Webhook messages due at `now_ms`, oldest first.
    fn due_deliveries(&mut self, now_ms: i64, limit: u32) -> Result<Vec<DeliveryRow>>;
    /// A merchant's webhook messages, newest first.
    fn deliveries(&mut self, merchant_id: &str, limit: u32) -> Result<Vec<DeliveryRow>>;
}

/// Writes, inside one write transaction.
pub trait Tx:
    Reads
    + DeviceWrites
    + PeopleWrites
    + TransferWrites
    + RequestWrites
    + WithdrawalWrites
    + BillWrites
    + SavingsWrites
    + PayCodeWrites
{
    /// An account and its (empty) user ledger account. `Duplicate` if the id exists.
    fn insert_account(&mut self, account: &AccountRow) -> Result<()>;
    /// `Duplicate` if the device id or its key exists.
    fn insert_device(&mut self, device: &DeviceRow) -> Result<()>;
    /// Marks a device of this account revoked (the first time is kept).
    fn revoke_device(
        &mut self,
        account_id: &str,
        device_id: &str,
        now: i64,
    ) -> Result<Option<DeviceRow>>;
    /// Records a request nonce until `expires_at`. `false` if the device used it before.
    fn insert_nonce(&mut self, device_id: &str, nonce: &str, expires_at: i64) -> Result<bool>;
    fn purge_nonces(&mut self, now: i64) -> Result<u64>;
    /// Counts one attempt in a rate-limit bucket's window; returns the window's count.
    fn bump_rate(&mut self, bucket: &str, window_start: i64) -> Result<i64>;
    /// Forgets rate-limit windows that started before `before`.
    fn purge_rates(&mut self, before: i64) -> Result<u64>;
    /// Forgets idempotency records made before `before`.
    fn purge_idempotency(&mut self, before: i64) -> Result<u64>;
    fn insert_funding(&mut self, source: &FundingRow, fingerprint: &str) -> Result<()>;
    fn store_idempotent(
        &mut self,
        account_id: &str,
        key: &str,
        response: &StoredResponse,
        now: i64,
    ) -> Result<()>;
    /// Sets the limits an account chose (`None` leaves one as it is).
    fn set_limits(
        &mut self,
        account_id: &str,
        per_payment: Option<Money>,
        per_day: Option<Money>,
    ) -> Result<()>;
    fn add_spent(&mut self, account_id: &str, day: i64, amount: Money) -> Result<()>;
    /// `Duplicate` if the account is a merchant already. `name_skeleton` is the display
    /// name's confusable skeleton ([`super::merchants::name_skeleton`]).
    fn insert_merchant(&mut self, merchant: &MerchantRow, name_skeleton: &str) -> Result<()>;
    fn set_merchant_skeleton(&mut self, merchant_id: &str, name_skeleton: &str) -> Result<()>;
    fn insert_order(&mut self, order: &OrderRow) -> Result<()>;
    /// Writes an order's state and what came with it (state, refunded amount, payment).
    fn update_order(&mut self, order: &OrderRow) -> Result<()>;
    fn insert_payment(&mut self, payment: &PaymentRow) -> Result<()>;
    fn insert_refund(&mut self, refund: &RefundRow) -> Result<()>;
    /// Posts a balanced entry. `Unbalanced` if it does not sum to zero per currency or a
    /// posting's currency is not its account's; `NegativeBalance` if a user account would
    /// go below zero.
    fn post(&mut self, entry: &LedgerEntry) -> Result<Posted>;
    fn queue_webhook(&mut self, message: &WebhookMessage, due_ms: i64) -> Result<()>;
    /// Points a merchant's webhooks at `url` (`None`: nowhere), signed with `secret` (as the
    /// vault sealed it); messages not yet delivered go to the new address with the new secret.
    fn set_merchant_webhook(
        &mut self,
        merchant_id: &str,
        url: Option<&str>,
        secret: &str,
    ) -> Result<()>;
    /// Makes one of the merchant's messages due at `now_ms`, delivered or not (a resend: the
    /// same message id, which receivers use to drop a repeat). False if it has no such
    /// message.
    fn redeliver(&mut self, merchant_id: &str, message_id: &str, now_ms: i64) -> Result<bool>;
    /// Makes a message due again only at `until_ms`: the deliverer that leased it sends it
    /// meanwhile, and no other does.
    fn lease_delivery(&mut self, message_id: &str, until_ms: i64) -> Result<()>;
    /// Records a delivery attempt: delivered, or due again at `next_attempt_ms` (`None`:
    /// given up).
    fn record_delivery(
        &mut self,
        message_id: &str,
        delivered_at_ms: Option<i64>,
        next_attempt_ms: Option<i64>,
        error: Option<&str>,
    ) -> Result<()>;
}
