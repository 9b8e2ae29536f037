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

mod bills;
mod devices;
mod paycodes;
mod people;
mod savings;
mod transfers;
mod withdrawals;
pub use bills::*;
pub use devices::*;
pub use paycodes::*;
pub use people::*;
pub use savings::*;
pub use transfers::*;
pub use withdrawals::*;

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
        /// The public half of the recovery code the wallet made and showed once.
        pub recovery: RecoverySetup,
    }

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Device {
        pub device_id: String,
        pub name: String,
        pub public_key: String,
        pub created_at: i64,
        pub revoked_at: Option<i64>,
        /// A recovered device's payments are capped until then.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub restricted_until: Option<i64>,
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

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Topup {
        pub topup_id: String,
        pub transaction: Transaction,
        pub balance: Money,
    }

    /// One movement on the account, from the account's point of view: `amount` is positive
    /// for money in, negative for money out.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
        /// The merchant's order, for payments and refunds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub order_id: Option<String>,
        /// The payer's intent id, for payments: how a wallet matches a settled payment to
        /// the intent it sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub intent_id: Option<String>,
    }

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct TransactionPage {
        pub data: Vec<Transaction>,
        pub has_more: bool,
    }

    /// Registers the signing account as a merchant. One merchant per account.
    pub struct RegisterMerchantRequest {
        /// The name payers are shown, as the backend verified it.
        pub display_name: String,
        pub city: String,
        /// ISO 18245 merchant category code; "5999" when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mcc: Option<String>,
        /// Where `order.paid` and `order.refunded` notifications go (HTTPS, or HTTP to
        /// loopback).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub webhook_url: Option<String>,
    }

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Merchant {
        pub merchant_id: String,
        pub account_id: String,
        pub display_name: String,
        pub city: String,
        pub mcc: String,
        pub currency: Currency,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub webhook_url: Option<String>,
        /// The merchant's static code (EMVCo initiation 11): payers type the amount.
        pub static_payload: String,
        pub created_at: i64,
    }

    /// The answer to a registration: the only time the webhook secret is shown.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct MerchantRegistration {
        pub merchant: Merchant,
        /// `whsec_` + base64 of the HMAC-SHA256 key that signs webhooks (Standard Webhooks).
        pub webhook_secret: String,
    }

    /// A dynamic order: its code carries the amount and the order id.
    pub struct CreateOrderRequest {
        pub amount: Money,
        #[serde(default)]
        pub description: String,
        /// Seconds until an unpaid order closes: 1 to 86400, 900 when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expires_in: Option<i64>,
    }

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Order {
        pub order_id: String,
        pub merchant_id: String,
        pub amount: Money,
        pub description: String,
        pub state: OrderState,
        /// How much of a paid order has been refunded so far.
        pub amount_refunded: Money,
        /// The EMVCo payload of the order's code (initiation 12); empty for payments made
        /// with the static code.
        pub payload: String,
        pub created_at: i64,
        pub expires_at: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub paid_at: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub payment_id: Option<String>,
    }

    pub struct OrderList {
        pub data: Vec<Order>,
        pub has_more: bool,
    }

    /// Refunds part or all of a paid order. Must carry an `Idempotency-Key`.
    pub struct RefundRequest {
        pub amount: Money,
        #[serde(default)]
        pub reason: String,
    }

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Refund {
        pub refund_id: String,
        pub order: Order,
        /// The refund as the merchant's account sees it.
        pub transaction: Transaction,
        pub balance: Money,
    }

    /// What a payer is about to pay, as the backend knows it: the merchant's verified name
    /// (never the name a QR code claims), and for an order its amount and expiry.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Quote {
        pub merchant_id: String,
        pub merchant_name: String,
        pub city: String,
        pub currency: Currency,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub order_id: Option<String>,
        /// Fixed for an order; absent for a static code (the payer types it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amount: Option<Money>,
        #[serde(default)]
        pub description: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub expires_at: Option<i64>,
    }

    /// Pays a merchant. The `Idempotency-Key` must equal `authorization.intent_id`, and
    /// `payee_id`, `order_id` and `amount` must equal the authorization's.
    pub struct PaymentRequest {
        pub payee_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub order_id: Option<String>,
        pub amount: Money,
        pub authorization: crate::sign::PaymentAuthorization,
        /// Base64 of the payment key's 64-byte `r || s` signature over the authorization.
        pub authorization_signature: String,
    }

    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Payment {
        pub payment_id: String,
        pub intent_id: String,
        pub merchant_id: String,
        pub merchant_name: String,
        /// The order paid; payments to a static code get an order of their own.
        pub order_id: String,
        pub amount: Money,
        /// The payment as the payer's account sees it.
        pub transaction: Transaction,
        pub balance: Money,
        pub created_at: i64,
    }

    /// The account's spending limits. The backend's maxima cap what a user may set.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Limits {
        pub per_payment: Money,
        pub per_day: Money,
        pub max_per_payment: Money,
        pub max_per_day: Money,
        /// Paid today (UTC) so far.
        pub spent_today: Money,
    }

    pub struct SetLimitsRequest {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub per_payment: Option<Money>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub per_day: Option<Money>,
    }

    /// One change to the account: a transaction and the balance right after it.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Event {
        /// Pass the last one seen as `after` to get only newer events.
        pub cursor: i64,
        pub transaction: Transaction,
        pub balance: Money,
    }

    pub struct EventPage {
        pub data: Vec<Event>,
        /// The cursor to ask from next (the last event's, or the one given).
        pub next_cursor: i64,
        /// Notices about the account's devices after `notices_after`, oldest first.
        #[serde(default)]
        pub notices: Vec<Notice>,
        #[serde(default)]
        pub next_notice_cursor: i64,
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
        /// For `rate_limited`: seconds until a try is counted again (also `Retry-After`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub retry_after: Option<i64>,
        #[serde(default)]
        pub request_id: String,
    }
}

fn about_blank() -> String {
    "about:blank".into()
}

/// The industry's order shape: waiting for payment, then paid or closed (expired or
/// cancelled); a paid order with any refund is refunded (`amount_refunded` says how much).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    Waiting,
    Paid,
    Closed,
    Refunded,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Waiting => "waiting",
            OrderState::Paid => "paid",
            OrderState::Closed => "closed",
            OrderState::Refunded => "refunded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            OrderState::Waiting,
            OrderState::Paid,
            OrderState::Closed,
            OrderState::Refunded,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum FundingKind {
    Card,
    Bank,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum TransactionKind {
    Topup,
    Payment,
    Refund,
    TransferIn,
    TransferOut,
    /// Money held for a withdrawal to a bank account.
    Withdrawal,
    /// A withdrawal the bank sent back: the held money returns.
    WithdrawalReturn,
    /// A bill paid or a phone topped up (or the money held for it until the biller
    /// confirms).
    BillPayment,
    /// A bill payment the biller rejected: the money comes back.
    BillRefund,
    /// Money moved from the wallet into savings (fund shares).
    SavingsIn,
    /// Money moved out of savings: to the wallet, or held for a standard redemption.
    SavingsOut,
    /// A day's income of the savings fund.
    SavingsIncome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
            TransactionKind::Withdrawal => "withdrawal",
            TransactionKind::WithdrawalReturn => "withdrawal_return",
            TransactionKind::BillPayment => "bill_payment",
            TransactionKind::BillRefund => "bill_refund",
            TransactionKind::SavingsIn => "savings_in",
            TransactionKind::SavingsOut => "savings_out",
            TransactionKind::SavingsIncome => "savings_income",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            TransactionKind::Topup,
            TransactionKind::Payment,
            TransactionKind::Refund,
            TransactionKind::TransferIn,
            TransactionKind::TransferOut,
            TransactionKind::Withdrawal,
            TransactionKind::WithdrawalReturn,
            TransactionKind::BillPayment,
            TransactionKind::BillRefund,
            TransactionKind::SavingsIn,
            TransactionKind::SavingsOut,
            TransactionKind::SavingsIncome,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

impl TransactionKind {
    /// The kind as one side of a transaction sees it: a transfer is stored once (as
    /// `transfer_out`) and reads `transfer_in` on the side that received money.
    pub fn seen_by(self, amount_minor: i64) -> Self {
        match self {
            TransactionKind::TransferOut | TransactionKind::TransferIn if amount_minor > 0 => {
                TransactionKind::TransferIn
            }
            TransactionKind::TransferOut | TransactionKind::TransferIn => {
                TransactionKind::TransferOut
            }
            other => other,
        }
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
    /// The database kept colliding with concurrent writes: nothing was done; try again
    /// (503 with `Retry-After`).
    pub const BUSY: &str = "busy";
    pub const MERCHANT_EXISTS: &str = "merchant_exists";
    /// The request named a host this backend does not serve (421): a request signed for
    /// another server.
    pub const WRONG_HOST: &str = "wrong_host";
    /// A registered merchant has this name or one a payer could take for it (Unicode TR39
    /// confusables, case and spaces aside).
    pub const MERCHANT_NAME_TAKEN: &str = "merchant_name_taken";
    pub const NOT_A_MERCHANT: &str = "not_a_merchant";
    pub const WEBHOOK_URL_INVALID: &str = "webhook_url_invalid";
    pub const ORDER_EXPIRED: &str = "order_expired";
    pub const ORDER_CLOSED: &str = "order_closed";
    pub const ORDER_ALREADY_PAID: &str = "order_already_paid";
    pub const ORDER_NOT_PAID: &str = "order_not_paid";
    pub const AMOUNT_MISMATCH: &str = "amount_mismatch";
    pub const AUTHORIZATION_MISMATCH: &str = "authorization_mismatch";
    pub const AUTHORIZATION_INVALID: &str = "authorization_invalid";
    pub const AUTHORIZATION_EXPIRED: &str = "authorization_expired";
    pub const INTENT_ALREADY_USED: &str = "intent_already_used";
    pub const SELF_PAYMENT: &str = "self_payment";
    pub const LIMIT_PER_PAYMENT: &str = "limit_per_payment";
    pub const LIMIT_PER_DAY: &str = "limit_per_day";
    pub const REFUND_EXCEEDS_PAYMENT: &str = "refund_exceeds_payment";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const PAIRING_EXPIRED: &str = "pairing_expired";
    pub const PAIRING_USED: &str = "pairing_used";
    pub const PAIRING_SECRET_WRONG: &str = "pairing_secret_wrong";
    pub const PAIRING_CONFIRMATION_WRONG: &str = "pairing_confirmation_wrong";
    pub const RECOVERY_CODE_WRONG: &str = "recovery_code_wrong";
    pub const RECOVERY_CHALLENGE_EXPIRED: &str = "recovery_challenge_expired";
    pub const RECOVERY_IN_PROGRESS: &str = "recovery_in_progress";
    pub const RECOVERY_NOT_WAITING: &str = "recovery_not_waiting";
    pub const LIMIT_AFTER_RECOVERY: &str = "limit_after_recovery";
    pub const HANDLE_INVALID: &str = "handle_invalid";
    pub const HANDLE_RESERVED: &str = "handle_reserved";
    pub const HANDLE_TAKEN: &str = "handle_taken";
    pub const PHONE_INVALID: &str = "phone_invalid";
    pub const PHONE_NOT_MOBILE: &str = "phone_not_mobile";
    pub const EMAIL_INVALID: &str = "email_invalid";
    pub const CONTACT_TAKEN: &str = "contact_taken";
    pub const OTP_WRONG: &str = "otp_wrong";
    pub const OTP_EXPIRED: &str = "otp_expired";
    pub const OTP_EXHAUSTED: &str = "otp_exhausted";
    pub const RECIPIENT_NOT_FOUND: &str = "recipient_not_found";
    pub const SELF_TRANSFER: &str = "self_transfer";
    pub const RECEIVE_CODE_INVALID: &str = "receive_code_invalid";
    pub const REQUEST_NOT_OPEN: &str = "request_not_open";
    pub const WITHDRAWAL_REFUSED: &str = "withdrawal_refused";
    pub const REQUEST_MISMATCH: &str = "request_mismatch";
    pub const REQUESTS_BLOCKED: &str = "requests_blocked";
    pub const NOTE_INVALID: &str = "note_invalid";
    pub const REFERENCE_EMPTY: &str = "reference_empty";
    pub const REFERENCE_TOO_SHORT: &str = "reference_too_short";
    pub const REFERENCE_TOO_LONG: &str = "reference_too_long";
    pub const REFERENCE_BAD_CHARACTERS: &str = "reference_bad_characters";
    pub const REFERENCE_PATTERN_MISMATCH: &str = "reference_pattern_mismatch";
    pub const REFERENCE_BAD_CHECK_DIGIT: &str = "reference_bad_check_digit";
    pub const AMOUNT_MUST_EQUAL_DUE: &str = "amount_must_equal_due";
    pub const AMOUNT_BELOW_DUE: &str = "amount_below_due";
    pub const AMOUNT_ABOVE_DUE: &str = "amount_above_due";
    pub const AMOUNT_BELOW_MINIMUM: &str = "amount_below_minimum";
    pub const AMOUNT_ABOVE_MAXIMUM: &str = "amount_above_maximum";
    pub const AMOUNT_OFF_STEP: &str = "amount_off_step";
    pub const BILL_REQUIRED: &str = "bill_required";
    pub const BILL_NOT_FOUND: &str = "bill_not_found";
    pub const BILL_FETCH_NOT_SUPPORTED: &str = "bill_fetch_not_supported";
    pub const BILLER_TIMEOUT: &str = "biller_timeout";
    pub const PRODUCT_UNKNOWN: &str = "product_unknown";
    pub const NOT_A_BILL: &str = "not_a_bill";
    pub const CREDITOR_UNKNOWN: &str = "creditor_unknown";
    pub const QUOTE_REQUIRED: &str = "quote_required";
    pub const QUOTE_EXPIRED: &str = "quote_expired";
    pub const QUOTE_MISMATCH: &str = "quote_mismatch";
    /// A redemption of more shares than the account holds.
    pub const SAVINGS_INSUFFICIENT: &str = "savings_insufficient";
    /// Not a pay code of a known device, or not one of now.
    pub const PAYCODE_INVALID: &str = "paycode_invalid";
    /// This code (or a later one of its device) was charged already.
    pub const PAYCODE_USED: &str = "paycode_used";
    /// The device's pay-code secret expired: the phone refreshes it when online.
    pub const PAYCODE_EXPIRED: &str = "paycode_expired";
    /// The charge is no longer waiting for confirmation.
    pub const CHARGE_NOT_WAITING: &str = "charge_not_waiting";
    pub const SELF_CHARGE: &str = "self_charge";
    /// The payout is no longer waiting for the phone (confirmed, declined or expired).
    pub const PAYOUT_NOT_WAITING: &str = "payout_not_waiting";
}
