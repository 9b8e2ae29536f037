//! The records and enums that cross the boundary: plain data, copied across, converted from
//! the core's types here so the core's own types stay free of FFI concerns.

use purse_core::api::types as core;
use purse_core::{Currency, MoneyError};

use crate::error::PurseError;

/// An amount in integer minor units of an ISO 4217 currency (12.34 CNY is `1234`, "CNY").
/// Never a float: format it with the platform's currency formatter.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Money {
    pub minor: i64,
    /// ISO 4217 code ("CNY"); checked whenever money comes back in.
    pub currency: String,
}

impl From<purse_core::Money> for Money {
    fn from(m: purse_core::Money) -> Self {
        Money {
            minor: m.minor,
            currency: m.currency.code().to_owned(),
        }
    }
}

impl TryFrom<Money> for purse_core::Money {
    type Error = PurseError;

    fn try_from(m: Money) -> Result<Self, PurseError> {
        Ok(purse_core::Money::new(m.minor, currency(&m.currency)?))
    }
}

pub(crate) fn currency(code: &str) -> Result<Currency, PurseError> {
    Currency::from_code(code).map_err(|e: MoneyError| PurseError::InvalidInput {
        reason: e.to_string(),
    })
}

/// Parses what a person typed or a code printed: `"12.34 CNY"`.
#[uniffi::export]
pub fn parse_money(text: String) -> Result<Money, PurseError> {
    Ok(purse_core::Money::parse(&text)?.into())
}

/// Parses an amount typed in a known currency (`"12.34"`, `"12"`), refusing more decimals
/// than the currency has.
#[uniffi::export]
pub fn parse_amount(amount: String, currency_code: String) -> Result<Money, PurseError> {
    Ok(purse_core::Money::parse_amount(&amount, currency(&currency_code)?)?.into())
}

/// How many digits the currency's minor unit has (2 for CNY, 0 for JPY, 3 for KWD), from
/// the same ISO 4217 table that made the minor units. Screens scale `minor` by this, never
/// by the platform's own currency table, which may disagree (and be off by a power of ten).
#[uniffi::export]
pub fn currency_digits(currency_code: String) -> Result<u8, PurseError> {
    Ok(currency(&currency_code)?.exponent())
}

/// `"12.34 CNY"`: for logs and tests; screens use the platform's locale-aware formatter.
#[uniffi::export]
pub fn format_money(money: Money) -> String {
    match purse_core::Money::try_from(money.clone()) {
        Ok(m) => m.to_string(),
        Err(_) => format!("{} {}", money.minor, money.currency),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TransactionKind {
    Topup,
    Payment,
    Refund,
    TransferIn,
    TransferOut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TransactionStatus {
    Completed,
    Pending,
    Failed,
}

/// One movement on the account, from the account's side: `amount` is negative when money
/// left it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Transaction {
    pub transaction_id: String,
    pub seq: i64,
    pub kind: TransactionKind,
    pub amount: Money,
    pub counterparty: String,
    pub description: String,
    pub status: TransactionStatus,
    /// Unix seconds.
    pub created_at: i64,
    pub order_id: Option<String>,
}

impl From<core::Transaction> for Transaction {
    fn from(t: core::Transaction) -> Self {
        Transaction {
            transaction_id: t.transaction_id,
            seq: t.seq,
            kind: match t.kind {
                core::TransactionKind::Topup => TransactionKind::Topup,
                core::TransactionKind::Payment => TransactionKind::Payment,
                core::TransactionKind::Refund => TransactionKind::Refund,
                core::TransactionKind::TransferIn => TransactionKind::TransferIn,
                core::TransactionKind::TransferOut => TransactionKind::TransferOut,
            },
            amount: t.amount.into(),
            counterparty: t.counterparty,
            description: t.description,
            status: match t.status {
                core::TransactionStatus::Completed => TransactionStatus::Completed,
                core::TransactionStatus::Pending => TransactionStatus::Pending,
                core::TransactionStatus::Failed => TransactionStatus::Failed,
            },
            created_at: t.created_at,
            order_id: t.order_id,
        }
    }
}

/// A page of history, newest first; pass the last `transaction_id` for the next page.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransactionPage {
    pub transactions: Vec<Transaction>,
    pub has_more: bool,
}

/// Something that happened to the account, with the balance right after it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Event {
    pub transaction: Transaction,
    pub balance: Money,
}

impl From<core::Event> for Event {
    fn from(e: core::Event) -> Self {
        Event {
            transaction: e.transaction.into(),
            balance: e.balance.into(),
        }
    }
}

/// A QR code found in an image or camera frame.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScannedCode {
    /// The decoded text: resolve it with `Wallet.resolve`.
    pub payload: String,
    /// Corners in image pixels (top-left, top-right, bottom-right, bottom-left), x then y:
    /// where to draw the highlight.
    pub corners: Vec<i32>,
}

impl From<purse_core::scan::FoundCode> for ScannedCode {
    fn from(f: purse_core::scan::FoundCode) -> Self {
        ScannedCode {
            payload: f.payload,
            corners: f.corners.iter().flat_map(|c| [c.x, c.y]).collect(),
        }
    }
}

/// What the payer is about to pay, from the backend: show `merchant_name` (verified), and
/// warn when `claimed_name` differs (`name_mismatch`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Quote {
    pub merchant_id: String,
    /// The backend's name for the merchant: the one to show.
    pub merchant_name: String,
    pub city: String,
    pub currency: String,
    /// The order's fixed amount; `None` for a static code, where the payer types it.
    pub amount: Option<Money>,
    pub order_id: Option<String>,
    pub description: String,
    /// Unix seconds after which the order cannot be paid.
    pub expires_at: Option<i64>,
    /// The name printed in the code, if any.
    pub claimed_name: Option<String>,
    /// The amount printed in the code, if any.
    pub claimed_amount: Option<Money>,
    /// The code names the merchant differently from the backend: show both.
    pub name_mismatch: bool,
    /// The code prints an amount other than the order's.
    pub amount_mismatch: bool,
}

impl From<purse_core::pay::PayQuote> for Quote {
    fn from(q: purse_core::pay::PayQuote) -> Self {
        let (name_mismatch, amount_mismatch) = (q.name_mismatch(), q.amount_mismatch());
        let c = q.quote;
        Quote {
            merchant_id: c.merchant_id,
            merchant_name: c.merchant_name,
            city: c.city,
            currency: c.currency.code().to_owned(),
            amount: c.amount.map(Into::into),
            order_id: c.order_id,
            description: c.description,
            expires_at: c.expires_at,
            claimed_name: q.claimed_name,
            claimed_amount: q.claimed_amount.map(Into::into),
            name_mismatch,
            amount_mismatch,
        }
    }
}

impl TryFrom<Quote> for purse_core::pay::PayQuote {
    type Error = PurseError;

    fn try_from(q: Quote) -> Result<Self, PurseError> {
        Ok(purse_core::pay::PayQuote {
            quote: core::Quote {
                merchant_id: q.merchant_id,
                merchant_name: q.merchant_name,
                city: q.city,
                currency: currency(&q.currency)?,
                order_id: q.order_id,
                amount: q.amount.map(TryInto::try_into).transpose()?,
                description: q.description,
                expires_at: q.expires_at,
            },
            claimed_name: q.claimed_name,
            claimed_amount: q.claimed_amount.map(TryInto::try_into).transpose()?,
        })
    }
}

/// A settled payment.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Payment {
    pub payment_id: String,
    pub intent_id: String,
    pub merchant_id: String,
    pub merchant_name: String,
    pub order_id: String,
    pub amount: Money,
    pub transaction: Transaction,
    /// The payer's balance right after it.
    pub balance: Money,
    pub created_at: i64,
}

impl From<core::Payment> for Payment {
    fn from(p: core::Payment) -> Self {
        Payment {
            payment_id: p.payment_id,
            intent_id: p.intent_id,
            merchant_id: p.merchant_id,
            merchant_name: p.merchant_name,
            order_id: p.order_id,
            amount: p.amount.into(),
            transaction: p.transaction.into(),
            balance: p.balance.into(),
            created_at: p.created_at,
        }
    }
}

/// How a payment ended, as far as the wallet knows.
// Lowered into a buffer at the boundary, where a box would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PaymentOutcome {
    /// The backend settled it: show success.
    Completed { payment: Payment },
    /// The answer did not arrive: show "pending", never "failed". `settle(intent_id)`,
    /// `reconcile` or the event stream settles it; the money cannot move twice.
    Pending { intent_id: String },
}

impl From<purse_core::pay::PaymentOutcome> for PaymentOutcome {
    fn from(o: purse_core::pay::PaymentOutcome) -> Self {
        match o {
            purse_core::pay::PaymentOutcome::Completed(p) => PaymentOutcome::Completed {
                payment: (*p).into(),
            },
            purse_core::pay::PaymentOutcome::Pending { intent_id } => {
                PaymentOutcome::Pending { intent_id }
            }
        }
    }
}

/// Where a watched payment stands; the core decides which answer is final.
// Lowered into a buffer at the boundary, where a box would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, uniffi::Enum)]
pub enum PaymentUpdate {
    /// The answer is not in yet; the core keeps asking (never a second payment).
    Pending { intent_id: String },
    /// Settled: show the receipt.
    Completed { payment: Payment },
    /// The backend refused the payment: final.
    Failed { error: PurseError },
    /// The core cannot ask from here (device revoked, locked out...): the payment stays
    /// pending and `reconcile` settles it later. Not a failure of the payment.
    Unresolved { error: PurseError },
}

impl From<purse_core::wallet::PaymentUpdate> for PaymentUpdate {
    fn from(u: purse_core::wallet::PaymentUpdate) -> Self {
        use purse_core::wallet::PaymentUpdate as Core;
        match u {
            Core::Pending { intent_id } => PaymentUpdate::Pending { intent_id },
            Core::Completed(p) => PaymentUpdate::Completed {
                payment: (*p).into(),
            },
            Core::Failed(e) => PaymentUpdate::Failed { error: e.into() },
            Core::Unresolved(e) => PaymentUpdate::Unresolved { error: e.into() },
        }
    }
}

/// A linked card or bank account.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FundingSource {
    pub source_id: String,
    pub is_card: bool,
    pub brand: String,
    pub last4: String,
}

impl From<core::FundingSource> for FundingSource {
    fn from(f: core::FundingSource) -> Self {
        FundingSource {
            source_id: f.source_id,
            is_card: matches!(f.kind, core::FundingKind::Card),
            brand: f.brand,
            last4: f.last4,
        }
    }
}

/// The account's spending limits and what was spent today (UTC).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Limits {
    pub per_payment: Money,
    pub per_day: Money,
    pub max_per_payment: Money,
    pub max_per_day: Money,
    pub spent_today: Money,
}

impl From<core::Limits> for Limits {
    fn from(l: core::Limits) -> Self {
        Limits {
            per_payment: l.per_payment.into(),
            per_day: l.per_day.into(),
            max_per_payment: l.max_per_payment.into(),
            max_per_day: l.max_per_day.into(),
            spent_today: l.spent_today.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OrderState {
    Waiting,
    Paid,
    Closed,
    Refunded,
}

/// A merchant's order and the payload of its QR code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Order {
    pub order_id: String,
    pub amount: Money,
    pub description: String,
    pub state: OrderState,
    pub amount_refunded: Money,
    /// The EMVCo payload to show as a QR code.
    pub payload: String,
    pub expires_at: i64,
}

impl From<core::Order> for Order {
    fn from(o: core::Order) -> Self {
        Order {
            order_id: o.order_id,
            amount: o.amount.into(),
            description: o.description,
            state: match o.state {
                core::OrderState::Waiting => OrderState::Waiting,
                core::OrderState::Paid => OrderState::Paid,
                core::OrderState::Closed => OrderState::Closed,
                core::OrderState::Refunded => OrderState::Refunded,
            },
            amount_refunded: o.amount_refunded.into(),
            payload: o.payload,
            expires_at: o.expires_at,
        }
    }
}

/// A registered merchant; `webhook_secret` is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MerchantRegistration {
    pub merchant_id: String,
    pub display_name: String,
    /// The merchant's static code: payers type the amount.
    pub static_payload: String,
    pub webhook_secret: String,
}

/// A refund and the merchant's balance after it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Refund {
    pub refund_id: String,
    pub order: Order,
    pub balance: Money,
}

/// The enrolled account, from the wallet's own records (no network).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Account {
    pub account_id: String,
    pub device_id: String,
    pub name: String,
    pub currency: String,
    pub backend_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_coming_back_in_is_checked() {
        let ok = Money {
            minor: 1234,
            currency: "CNY".into(),
        };
        assert_eq!(
            purse_core::Money::try_from(ok).unwrap(),
            purse_core::Money::parse("12.34 CNY").unwrap()
        );
        let bad = Money {
            minor: 1,
            currency: "XYZ".into(),
        };
        assert!(matches!(
            purse_core::Money::try_from(bad),
            Err(PurseError::InvalidInput { .. })
        ));
        assert_eq!(parse_money("12.34 CNY".into()).unwrap().minor, 1234);
        assert!(parse_amount("1.234".into(), "CNY".into()).is_err());
    }
}
