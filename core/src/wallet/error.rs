//! The wallet facade's error: one enum whose variants a caller handles differently.

use crate::api::ApiError;
use crate::api::types::codes;
use crate::cache::CacheError;
use crate::keys::{KeyError, ProtectorError};
use crate::money::MoneyError;

#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// Nothing is enrolled in this data directory: run enrollment first.
    #[error("no wallet here yet: create one first (purse init)")]
    NotEnrolled,
    /// This data directory already holds a wallet; enrolling again would orphan its keys.
    #[error("a wallet already exists here")]
    AlreadyEnrolled,
    #[error("no backend configured")]
    NoBackend,
    /// Too many failed verifications; nothing will be tried before the delay ends.
    #[error("too many failed attempts; try again in {retry_after_secs} s")]
    LockedOut { retry_after_secs: i64 },
    /// The user backed out of the prompt. Show nothing alarming.
    #[error("cancelled")]
    Cancelled,
    /// Wrong passphrase or unrecognised biometric; counts towards the lockout.
    #[error("verification failed: {0}")]
    VerificationFailed(String),
    #[error("cannot verify the user here: {0}")]
    ProtectorUnavailable(String),
    // The backend's refusals below carry its `request_id` (empty if it sent none): the id a
    // user quotes to support, so that the backend's log line can be found.
    /// The funding provider said no; `decline_code` says why (insufficient_funds, ...).
    #[error("{message}")]
    Declined {
        code: String,
        decline_code: Option<String>,
        message: String,
        request_id: String,
    },
    /// The balance is too low for this payment (or, for a merchant, this refund).
    #[error("{message}")]
    InsufficientFunds { message: String, request_id: String },
    /// A per-payment or daily limit would be passed; `code` says which.
    #[error("{message}")]
    LimitExceeded {
        code: String,
        message: String,
        request_id: String,
    },
    /// The backend refused the payment for a reason the user can read: the order was paid,
    /// closed or expired, the amount is not the order's, the authorization expired... `code`
    /// is the backend's stable code.
    #[error("{message}")]
    PaymentRefused {
        code: String,
        message: String,
        request_id: String,
    },
    /// The scanned text is not a valid payment code (bad checksum, truncated...).
    #[error("not a valid payment code: {0}")]
    InvalidCode(String),
    /// A valid code this backend cannot pay (another network's, a bank transfer...).
    #[error("{format} codes cannot be paid here: {detail}")]
    UnsupportedCode { format: String, detail: String },
    /// This device was revoked: it can do nothing more for the account.
    #[error("this device has been revoked")]
    DeviceRevoked,
    /// A pairing or recovery code as typed cannot be right (a typo, a missing group); no
    /// request was sent.
    #[error("{0}")]
    BadCode(#[from] crate::devices::CodeError),
    /// The pairing code is older than its few minutes (or was used): show a new one.
    #[error("this pairing code has expired; show a new one on the new device")]
    PairingExpired,
    /// The number the user confirmed is not the one the new device shows, or the keys the
    /// backend relayed are not the ones the code showed: someone may be in between.
    #[error("the confirmation numbers do not match: do not add this device")]
    ConfirmationMismatch,
    /// No account has this recovery code.
    #[error("this recovery code is not right: check it letter by letter")]
    RecoveryCodeWrong,
    /// A recovery was cancelled by one of the account's devices.
    #[error("the recovery was cancelled from one of the account's devices")]
    RecoveryCancelled,
    /// Too many tries; nothing will be counted before `retry_after_secs`.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited {
        retry_after_secs: i64,
        request_id: String,
    },
    /// The backend refused a pairing or recovery step for a reason `code` names
    /// (`pairing_used`, `pairing_secret_wrong`, `recovery_in_progress`,
    /// `recovery_not_waiting`, `recovery_challenge_expired`, ...).
    #[error("{message}")]
    DeviceRefused {
        code: String,
        message: String,
        request_id: String,
    },
    /// No pay code can be shown: the device has no valid pay-code secret and the backend
    /// cannot be reached to get one. Go online once.
    #[error("pay codes need the network once: connect to get this phone's pay-code key")]
    PayCodeUnavailable,
    /// A bill's reference or amount breaks its biller's rule (checked offline, before
    /// anything was sent); [`crate::bills::BillError::code`] names the rule.
    #[error("{0}")]
    InvalidBill(#[from] crate::bills::BillError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl WalletError {
    pub(crate) fn from_api(e: ApiError) -> Self {
        let (code, decline, message, request_id) = match &e {
            ApiError::Problem(p) => (
                p.code.as_str(),
                p.decline_code.clone(),
                p.detail.clone(),
                p.request_id.clone(),
            ),
            _ => return WalletError::Api(e),
        };
        match code {
            codes::CARD_DECLINED | codes::BANK_DECLINED => WalletError::Declined {
                code: code.to_owned(),
                decline_code: decline,
                message,
                request_id,
            },
            codes::DEVICE_REVOKED => WalletError::DeviceRevoked,
            codes::PAIRING_EXPIRED => WalletError::PairingExpired,
            codes::PAIRING_CONFIRMATION_WRONG => WalletError::ConfirmationMismatch,
            codes::RECOVERY_CODE_WRONG => WalletError::RecoveryCodeWrong,
            codes::RATE_LIMITED => WalletError::RateLimited {
                retry_after_secs: match &e {
                    ApiError::Problem(p) => p.retry_after.unwrap_or(60),
                    _ => 60,
                },
                request_id,
            },
            codes::PAIRING_USED
            | codes::PAIRING_SECRET_WRONG
            | codes::RECOVERY_CHALLENGE_EXPIRED
            | codes::RECOVERY_IN_PROGRESS
            | codes::RECOVERY_NOT_WAITING => WalletError::DeviceRefused {
                code: code.to_owned(),
                message,
                request_id,
            },
            codes::INSUFFICIENT_FUNDS => WalletError::InsufficientFunds {
                message,
                request_id,
            },
            codes::LIMIT_PER_PAYMENT | codes::LIMIT_PER_DAY | codes::LIMIT_AFTER_RECOVERY => {
                WalletError::LimitExceeded {
                    code: code.to_owned(),
                    message,
                    request_id,
                }
            }
            codes::ORDER_EXPIRED
            | codes::ORDER_CLOSED
            | codes::ORDER_ALREADY_PAID
            | codes::ORDER_NOT_PAID
            | codes::AMOUNT_MISMATCH
            | codes::AUTHORIZATION_MISMATCH
            | codes::AUTHORIZATION_INVALID
            | codes::AUTHORIZATION_EXPIRED
            | codes::SELF_PAYMENT
            | codes::CURRENCY_MISMATCH
            | codes::REFUND_EXCEEDS_PAYMENT
            | codes::REFERENCE_EMPTY
            | codes::REFERENCE_TOO_SHORT
            | codes::REFERENCE_TOO_LONG
            | codes::REFERENCE_BAD_CHARACTERS
            | codes::REFERENCE_PATTERN_MISMATCH
            | codes::REFERENCE_BAD_CHECK_DIGIT
            | codes::AMOUNT_INVALID
            | codes::AMOUNT_MUST_EQUAL_DUE
            | codes::AMOUNT_BELOW_DUE
            | codes::AMOUNT_ABOVE_DUE
            | codes::AMOUNT_BELOW_MINIMUM
            | codes::AMOUNT_ABOVE_MAXIMUM
            | codes::AMOUNT_OFF_STEP
            | codes::BILL_REQUIRED
            | codes::BILL_NOT_FOUND
            | codes::BILL_FETCH_NOT_SUPPORTED
            | codes::PRODUCT_UNKNOWN
            | codes::QUOTE_REQUIRED
            | codes::QUOTE_EXPIRED
            | codes::QUOTE_MISMATCH
            | codes::PHONE_INVALID
            | codes::PHONE_NOT_MOBILE
            | codes::SAVINGS_INSUFFICIENT
            | codes::PAYCODE_INVALID
            | codes::PAYCODE_USED
            | codes::PAYCODE_EXPIRED
            | codes::CHARGE_NOT_WAITING
            | codes::PAYOUT_NOT_WAITING
            | codes::SELF_CHARGE => WalletError::PaymentRefused {
                code: code.to_owned(),
                message,
                request_id,
            },
            _ => WalletError::Api(e),
        }
    }

    /// The backend's word was not had (see [`ApiError::is_network`]): try again later.
    pub fn is_network(&self) -> bool {
        matches!(self, WalletError::Api(e) if e.is_network())
    }

    /// The backend's id for the request it refused, when it refused one.
    pub fn request_id(&self) -> Option<&str> {
        let id = match self {
            WalletError::Api(e) => return e.request_id(),
            WalletError::Declined { request_id, .. }
            | WalletError::InsufficientFunds { request_id, .. }
            | WalletError::LimitExceeded { request_id, .. }
            | WalletError::PaymentRefused { request_id, .. }
            | WalletError::RateLimited { request_id, .. }
            | WalletError::DeviceRefused { request_id, .. } => request_id,
            _ => return None,
        };
        (!id.is_empty()).then_some(id.as_str())
    }

    /// The backend's stable code, when the backend refused.
    pub fn code(&self) -> Option<&str> {
        match self {
            WalletError::Api(e) => e.code(),
            WalletError::Declined { code, .. } => Some(code),
            WalletError::DeviceRevoked => Some(codes::DEVICE_REVOKED),
            WalletError::InsufficientFunds { .. } => Some(codes::INSUFFICIENT_FUNDS),
            WalletError::LimitExceeded { code, .. }
            | WalletError::PaymentRefused { code, .. }
            | WalletError::DeviceRefused { code, .. } => Some(code),
            WalletError::PairingExpired => Some(codes::PAIRING_EXPIRED),
            WalletError::ConfirmationMismatch => Some(codes::PAIRING_CONFIRMATION_WRONG),
            WalletError::RecoveryCodeWrong => Some(codes::RECOVERY_CODE_WRONG),
            WalletError::RateLimited { .. } => Some(codes::RATE_LIMITED),
            _ => None,
        }
    }
}

impl From<KeyError> for WalletError {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::Protector(p) => p.into(),
            KeyError::LockedOut(s) => WalletError::LockedOut {
                retry_after_secs: s,
            },
            other => WalletError::Internal(other.to_string()),
        }
    }
}

impl From<ProtectorError> for WalletError {
    fn from(e: ProtectorError) -> Self {
        match e {
            ProtectorError::Cancelled => WalletError::Cancelled,
            ProtectorError::Denied(m) => WalletError::VerificationFailed(m),
            ProtectorError::Unavailable(m) => WalletError::ProtectorUnavailable(m),
            ProtectorError::Corrupt => {
                WalletError::Internal("a wrapped key is corrupt or from another protector".into())
            }
        }
    }
}
