//! The wire protocol under `/v1`: request and response bodies, shared by the client here and
//! the reference backend. Money is always `{"minor": <integer>, "currency": "<ISO 4217>"}`;
//! times are Unix seconds.

use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money};

macro_rules! wire {
    ($($item:item)*) => {
        $(
            #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
            $item
        )*
    };
}

wire! {
    /// Registers a new account with this device's two public keys.
    ///
    /// The request itself must be signed by the device key (keyid = the device id derived
    /// from it), which proves possession of the device key; `payment_key_proof` is the
    /// payment key's signature over `purse-payment-key-proof:v1:{device_id}:{payment_public_key}`.
    pub struct EnrollRequest {
        pub name: String,
        pub currency: Currency,
        /// Base64 of the 65-byte uncompressed P-256 point.
        pub device_public_key: String,
        pub payment_public_key: String,
        /// Base64 of a 64-byte `r || s` signature.
        pub payment_key_proof: String,
        pub device_name: String,
    }

    pub struct Account {
        pub account_id: String,
        pub name: String,
        pub currency: Currency,
        pub created_at: i64,
    }

    pub struct EnrollResponse {
        pub account: Account,
        pub device_id: String,
    }

    pub struct Balance {
        pub available: Money,
        /// The ledger sequence the balance is as of; it only grows.
        pub as_of_seq: i64,
    }

    pub struct Device {
        pub device_id: String,
        pub name: String,
        pub public_key: String,
        pub created_at: i64,
        pub revoked_at: Option<i64>,
    }

    pub struct DeviceList {
        pub data: Vec<Device>,
    }

    /// Links a card with the sandbox funding provider. The full number never leaves the
    /// provider; Purse keeps brand and last four digits.
    pub struct LinkCardRequest {
        pub number: String,
        pub exp_month: u8,
        pub exp_year: u16,
    }

    /// Links a bank account (SEPA-style IBAN) with the sandbox funding provider.
    pub struct LinkBankRequest {
        pub iban: String,
        pub holder_name: String,
    }

    pub struct FundingSource {
        pub source_id: String,
        pub kind: FundingKind,
        /// "visa", "mastercard", "amex"... for cards; the bank's country for banks.
        pub brand: String,
        pub last4: String,
        pub created_at: i64,
    }

    pub struct FundingSourceList {
        pub data: Vec<FundingSource>,
    }

    /// Adds money from a linked source. Must carry an `Idempotency-Key`.
    pub struct TopupRequest {
        pub source_id: String,
        pub amount: Money,
    }

    pub struct Topup {
        pub topup_id: String,
        pub transaction: Transaction,
        pub balance: Money,
    }

    /// One movement on the account, from the account's point of view: `amount` is positive
    /// for money in, negative for money out.
    pub struct Transaction {
        pub transaction_id: String,
        /// Ledger order; newer transactions have larger values.
        pub seq: i64,
        pub kind: TransactionKind,
        pub amount: Money,
        pub counterparty: String,
        pub description: String,
        pub status: TransactionStatus,
        pub created_at: i64,
    }

    pub struct TransactionPage {
        pub data: Vec<Transaction>,
        pub has_more: bool,
    }

    /// RFC 9457 problem details, with Purse's extension members.
    pub struct Problem {
        #[serde(rename = "type", default = "about_blank")]
        pub problem_type: String,
        pub title: String,
        pub status: u16,
        #[serde(default)]
        pub detail: String,
        /// Stable machine-readable code: callers branch on this, never on the text.
        pub code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub decline_code: Option<String>,
        #[serde(default)]
        pub request_id: String,
    }
}

fn about_blank() -> String {
    "about:blank".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FundingKind {
    Card,
    Bank,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransactionKind {
    Topup,
    Payment,
    Refund,
    TransferIn,
    TransferOut,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransactionStatus {
    Completed,
    Pending,
    Failed,
}

impl TransactionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionKind::Topup => "topup",
            TransactionKind::Payment => "payment",
            TransactionKind::Refund => "refund",
            TransactionKind::TransferIn => "transfer_in",
            TransactionKind::TransferOut => "transfer_out",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            TransactionKind::Topup,
            TransactionKind::Payment,
            TransactionKind::Refund,
            TransactionKind::TransferIn,
            TransactionKind::TransferOut,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

impl TransactionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionStatus::Completed => "completed",
            TransactionStatus::Pending => "pending",
            TransactionStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            TransactionStatus::Completed,
            TransactionStatus::Pending,
            TransactionStatus::Failed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// The stable error codes of the protocol. The backend emits them; the client maps them.
pub mod codes {
    pub const SIGNATURE_MISSING: &str = "signature_missing";
    pub const SIGNATURE_MALFORMED: &str = "signature_malformed";
    pub const SIGNATURE_INVALID: &str = "signature_invalid";
    pub const SIGNATURE_COVERAGE: &str = "signature_coverage";
    pub const DIGEST_MISMATCH: &str = "digest_mismatch";
    pub const SIGNATURE_EXPIRED: &str = "signature_expired";
    pub const SIGNATURE_FROM_FUTURE: &str = "signature_from_future";
    pub const NONCE_REPLAYED: &str = "nonce_replayed";
    pub const UNKNOWN_KEY: &str = "unknown_key";
    pub const DEVICE_REVOKED: &str = "device_revoked";
    pub const ALREADY_ENROLLED: &str = "already_enrolled";
    pub const INVALID_REQUEST: &str = "invalid_request";
    pub const NOT_FOUND: &str = "not_found";
    pub const IDEMPOTENCY_KEY_MISSING: &str = "idempotency_key_missing";
    pub const IDEMPOTENCY_KEY_REUSED: &str = "idempotency_key_reused";
    pub const CARD_INVALID: &str = "card_invalid";
    pub const IBAN_INVALID: &str = "iban_invalid";
    pub const CARD_DECLINED: &str = "card_declined";
    pub const BANK_DECLINED: &str = "bank_declined";
    pub const CURRENCY_MISMATCH: &str = "currency_mismatch";
    pub const AMOUNT_INVALID: &str = "amount_invalid";
    pub const INSUFFICIENT_FUNDS: &str = "insufficient_funds";
    pub const INTERNAL: &str = "internal_error";
}
