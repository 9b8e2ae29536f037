//! The rows the rules read and write: typed states and `Money`, never strings and bare
//! integers. Each engine maps them to its columns (by name) and back.

use purse_core::api::types::{FundingKind, OrderState, Transaction};
use purse_core::money::{Currency, Money};

use crate::funding::Behaviour;

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub account_id: String,
    pub name: String,
    pub currency: Currency,
    pub created_at: i64,
    /// Limits the account chose; `None` is the backend's maximum.
    pub limit_per_payment: Option<Money>,
    pub limit_per_day: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub device_id: String,
    pub account_id: String,
    pub name: String,
    /// Base64 SEC1 points.
    pub public_key: String,
    pub payment_public_key: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// A recovered device's payments are capped until then.
    pub restricted_until: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct FundingRow {
    pub source_id: String,
    pub account_id: String,
    pub kind: FundingKind,
    pub brand: String,
    pub last4: String,
    /// What the sandbox provider will do with a charge.
    pub behaviour: Behaviour,
    pub created_at: i64,
}

/// One posting as the account sees it: the wire's transaction (so a new field is one edit
/// in the core and one column) and the balance it left.
#[derive(Debug, Clone)]
pub struct TxRow {
    pub transaction: Transaction,
    /// The account's balance right after this transaction (absent on schema-1 rows).
    pub balance_after: Option<Money>,
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

/// Whether an order has a code of its own or was made for a payment to the static code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    Dynamic,
    Static,
}

impl OrderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderKind::Dynamic => "dynamic",
            OrderKind::Static => "static",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [OrderKind::Dynamic, OrderKind::Static]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct OrderRow {
    pub order_id: String,
    pub merchant_id: String,
    pub amount: Money,
    pub description: String,
    pub kind: OrderKind,
    /// As stored; [`OrderRow::state_at`] says what it is at a given time.
    pub state: OrderState,
    pub amount_refunded: Money,
    pub payload: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub paid_at: Option<i64>,
    pub payment_id: Option<String>,
    pub payer_account_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub payment_id: String,
    pub intent_id: String,
    pub payer_account_id: String,
    pub merchant_id: String,
    pub order_id: String,
    pub amount: Money,
    pub transaction_id: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct RefundRow {
    pub refund_id: String,
    pub order_id: String,
    pub amount: Money,
    pub reason: String,
    pub transaction_id: String,
    pub created_at: i64,
}

/// A webhook message to queue in the transaction that caused it.
#[derive(Debug, Clone)]
pub struct WebhookMessage {
    pub message_id: String,
    pub merchant_id: String,
    pub event_type: String,
    pub body: String,
    pub created_at: i64,
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
