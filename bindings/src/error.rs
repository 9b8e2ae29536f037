//! The one error the bindings throw (`PurseException` in Kotlin, `PurseError` in Swift),
//! and the one a platform's key protector throws back.

use purse_core::WalletError;
use purse_core::api::ApiError;
use purse_core::keys::ProtectorError;
use purse_core::scan::ScanError;

/// What went wrong, sorted by what the caller does about it. Every variant carries a
/// `reason` a person can read; field names avoid `message`, which Kotlin's `Throwable`
/// owns. The backend's refusals also carry its `request_id`, for a "contact support" line.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PurseError {
    /// No connection, a timeout, a server error: try again later. A payment that meets this
    /// is pending, never failed; `reconcile` settles it.
    #[error("network: {reason}")]
    Network { reason: String },
    /// The backend's TLS certificate is not trusted (no trusted root, or no pinned key in
    /// it): the network may be intercepted. Nothing was sent; retrying on this network will
    /// not help.
    #[error("untrusted server: {reason}")]
    UntrustedServer { reason: String },
    /// The user backed out of the biometric prompt. Show nothing alarming.
    #[error("cancelled by the user")]
    Cancelled,
    /// The user was not recognised (counts towards the lockout), or cannot be asked now.
    #[error("authentication failed: {reason}")]
    Authentication { reason: String },
    /// Too many failed attempts; nothing is tried before the delay ends.
    #[error("locked out for {retry_after_secs} s")]
    LockedOut { retry_after_secs: i64 },
    /// This data directory holds no wallet yet: enroll first.
    #[error("no wallet enrolled")]
    NotEnrolled,
    /// This device was revoked: sign in again from a trusted device.
    #[error("this device has been revoked")]
    DeviceRevoked,
    #[error("{reason}")]
    InsufficientFunds {
        reason: String,
        request_id: Option<String>,
    },
    /// A per-payment or daily limit would be passed; `code` says which.
    #[error("{reason}")]
    LimitReached {
        code: String,
        reason: String,
        request_id: Option<String>,
    },
    /// The backend refused the payment (order paid, closed or expired, amount...); `code`
    /// is its stable code.
    #[error("{reason}")]
    PaymentRefused {
        code: String,
        reason: String,
        request_id: Option<String>,
    },
    /// The funding provider declined a top-up.
    #[error("{reason}")]
    Declined {
        code: String,
        decline_code: Option<String>,
        reason: String,
        request_id: Option<String>,
    },
    /// The scanned text is not a valid payment code.
    #[error("not a valid payment code: {reason}")]
    InvalidCode { reason: String },
    /// A valid code of another network: `format` names it.
    #[error("{format} codes cannot be paid here: {reason}")]
    UnsupportedCode { format: String, reason: String },
    /// The image or frame could not be read (corrupt, too large, wrong stride).
    #[error("unreadable image: {reason}")]
    UnreadableImage { reason: String },
    /// A typed pairing or recovery code cannot be right (a typo); nothing was sent.
    #[error("{reason}")]
    CodeTypo { reason: String },
    /// The pairing code expired (or was used): show a new one on the new device.
    #[error("the pairing code has expired")]
    PairingExpired,
    /// The confirmation numbers differ: do not add the device.
    #[error("the confirmation numbers do not match")]
    ConfirmationMismatch,
    /// No account has this recovery code.
    #[error("this recovery code is not right")]
    RecoveryCodeWrong,
    /// One of the account's devices cancelled the recovery.
    #[error("the recovery was cancelled from one of the account's devices")]
    RecoveryCancelled,
    /// Too many tries: wait `retry_after_secs`.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited {
        retry_after_secs: i64,
        request_id: Option<String>,
    },
    /// A bill's reference or amount breaks its biller's rule, found before anything was
    /// sent: `code` names the rule (`reference_bad_check_digit`, `amount_above_due`...), so a
    /// screen marks the field at fault.
    #[error("{reason}")]
    InvalidBill { code: String, reason: String },
    /// No pay code can be shown: this phone has no valid pay-code key and is offline.
    /// Ask the user to connect once.
    #[error("pay codes need the network once")]
    PayCodeUnavailable,
    /// The caller passed something invalid (an amount in the wrong currency...).
    #[error("invalid input: {reason}")]
    InvalidInput { reason: String },
    /// The backend refused for another reason; `code` is its stable code.
    #[error("{reason}")]
    Refused {
        code: String,
        reason: String,
        request_id: Option<String>,
    },
    /// A bug or a broken installation; report it.
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

impl From<WalletError> for PurseError {
    fn from(e: WalletError) -> Self {
        let reason = e.to_string();
        let request_id = e.request_id().map(str::to_owned);
        match e {
            WalletError::NotEnrolled => PurseError::NotEnrolled,
            WalletError::Cancelled => PurseError::Cancelled,
            WalletError::LockedOut { retry_after_secs } => {
                PurseError::LockedOut { retry_after_secs }
            }
            WalletError::VerificationFailed(_) | WalletError::ProtectorUnavailable(_) => {
                PurseError::Authentication { reason }
            }
            WalletError::DeviceRevoked => PurseError::DeviceRevoked,
            WalletError::BadCode(_) => PurseError::CodeTypo { reason },
            WalletError::InvalidBill(b) => PurseError::InvalidBill {
                code: b.code().to_owned(),
                reason,
            },
            WalletError::PairingExpired => PurseError::PairingExpired,
            WalletError::PayCodeUnavailable => PurseError::PayCodeUnavailable,
            WalletError::ConfirmationMismatch => PurseError::ConfirmationMismatch,
            WalletError::RecoveryCodeWrong => PurseError::RecoveryCodeWrong,
            WalletError::RecoveryCancelled => PurseError::RecoveryCancelled,
            WalletError::RateLimited {
                retry_after_secs, ..
            } => PurseError::RateLimited {
                retry_after_secs,
                request_id,
            },
            WalletError::DeviceRefused { code, message, .. } => PurseError::Refused {
                code,
                reason: message,
                request_id,
            },
            WalletError::InsufficientFunds { message, .. } => PurseError::InsufficientFunds {
                reason: message,
                request_id,
            },
            WalletError::LimitExceeded { code, message, .. } => PurseError::LimitReached {
                code,
                reason: message,
                request_id,
            },
            WalletError::PaymentRefused { code, message, .. } => PurseError::PaymentRefused {
                code,
                reason: message,
                request_id,
            },
            WalletError::Declined {
                code,
                decline_code,
                message,
                ..
            } => PurseError::Declined {
                code,
                decline_code,
                reason: message,
                request_id,
            },
            WalletError::InvalidCode(r) => PurseError::InvalidCode { reason: r },
            WalletError::UnsupportedCode { format, detail } => PurseError::UnsupportedCode {
                format,
                reason: detail,
            },
            WalletError::Api(a) => from_api(a),
            WalletError::Money(m) => PurseError::InvalidInput {
                reason: m.to_string(),
            },
            WalletError::InvalidInput(r) => PurseError::InvalidInput { reason: r },
            WalletError::AlreadyEnrolled | WalletError::NoBackend => {
                PurseError::InvalidInput { reason }
            }
            WalletError::Cache(_) | WalletError::Internal(_) => PurseError::Internal { reason },
        }
    }
}

fn from_api(e: ApiError) -> PurseError {
    let reason = e.to_string();
    let request_id = e.request_id().map(str::to_owned);
    if e.is_network() {
        return PurseError::Network { reason };
    }
    match e {
        ApiError::Problem(p) => PurseError::Refused {
            code: p.code,
            reason: p.detail,
            request_id,
        },
        ApiError::Network { .. } | ApiError::Timeout | ApiError::Decode(_) => {
            PurseError::Network { reason }
        }
        ApiError::InsecureUrl(_) | ApiError::InvalidUrl(_) => PurseError::InvalidInput { reason },
        ApiError::Sign(_) => PurseError::Internal { reason },
        ApiError::UntrustedServer(_) => PurseError::UntrustedServer { reason },
    }
}

impl From<ScanError> for PurseError {
    fn from(e: ScanError) -> Self {
        match e {
            // The shell passed something CameraX never hands out: a bug, not a bad frame.
            ScanError::BadRotation(_) => PurseError::InvalidInput {
                reason: e.to_string(),
            },
            _ => PurseError::UnreadableImage {
                reason: e.to_string(),
            },
        }
    }
}

impl From<purse_core::MoneyError> for PurseError {
    fn from(e: purse_core::MoneyError) -> Self {
        PurseError::InvalidInput {
            reason: e.to_string(),
        }
    }
}

/// What a platform key protector throws when it cannot hand back a key.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ProtectorFailure {
    /// The user dismissed the prompt.
    #[error("cancelled")]
    Cancelled,
    /// The biometric did not match (counts towards the lockout).
    #[error("not recognised: {reason}")]
    Denied { reason: String },
    /// No biometric enrolled, the key was invalidated by a new enrollment, no hardware...
    #[error("unavailable: {reason}")]
    Unavailable { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ProtectorFailure {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ProtectorFailure::Unavailable { reason: e.reason }
    }
}

impl From<ProtectorFailure> for ProtectorError {
    fn from(e: ProtectorFailure) -> Self {
        match e {
            ProtectorFailure::Cancelled => ProtectorError::Cancelled,
            ProtectorFailure::Denied { reason } => ProtectorError::Denied(reason),
            ProtectorFailure::Unavailable { reason } => ProtectorError::Unavailable(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_wallet_error_lands_where_a_caller_acts_on_it() {
        assert!(matches!(
            PurseError::from(WalletError::Cancelled),
            PurseError::Cancelled
        ));
        assert!(matches!(
            PurseError::from(WalletError::VerificationFailed("no".into())),
            PurseError::Authentication { .. }
        ));
        assert!(matches!(
            PurseError::from(WalletError::InsufficientFunds {
                message: "low".into(),
                request_id: "req_1".into(),
            }),
            PurseError::InsufficientFunds { reason, request_id: Some(id) } if reason == "low" && id == "req_1"
        ));
        assert!(matches!(
            PurseError::from(WalletError::PaymentRefused {
                code: "order_closed".into(),
                message: "closed".into(),
                request_id: String::new(),
            }),
            PurseError::PaymentRefused {
                request_id: None,
                ..
            }
        ));
        assert!(matches!(
            PurseError::from(WalletError::Api(ApiError::Timeout)),
            PurseError::Network { .. }
        ));
        assert!(matches!(
            PurseError::from(WalletError::Api(ApiError::Decode("x".into()))),
            PurseError::Network { .. }
        ));
        assert!(matches!(
            PurseError::from(WalletError::InvalidCode("crc".into())),
            PurseError::InvalidCode { .. }
        ));
    }

    #[test]
    fn a_platform_failure_becomes_the_cores() {
        assert_eq!(
            ProtectorError::from(ProtectorFailure::Cancelled),
            ProtectorError::Cancelled
        );
        assert_eq!(
            ProtectorError::from(ProtectorFailure::Denied { reason: "r".into() }),
            ProtectorError::Denied("r".into())
        );
    }
}
