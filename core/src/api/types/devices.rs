//! The wire types of a second device and of recovery: pairing, the recovery code's public
//! half, recoveries and the notices every device of an account gets about them.

use serde::{Deserialize, Serialize};

use super::Account;

wire! {
    /// How the recovery key is derived from the code: Argon2id (v1.3, one lane) with this
    /// cost and salt, then HKDF-SHA-256 to an Ed25519 seed. Stored with the account, given
    /// to whoever holds a valid lookup.
    pub struct RecoveryKdf {
        /// Always `argon2id` today.
        pub algorithm: String,
        pub memory_kib: u32,
        pub passes: u32,
        /// Base64 of 16 random bytes.
        pub salt: String,
    }

    /// The public half of a recovery code: the backend keeps this and nothing else of it.
    pub struct RecoverySetup {
        /// Hex of 16 bytes of SHA-256 over the code: how a new phone finds its account.
        pub lookup: String,
        /// Base64 of the 32-byte Ed25519 recovery public key.
        pub public_key: String,
        pub kdf: RecoveryKdf,
    }

    /// A new device offers itself for pairing. Signed by the device key it offers (keyid =
    /// its device id), like enrollment; `pairing_id` and `secret` come from the code the
    /// device shows.
    pub struct CreatePairingRequest {
        pub pairing_id: String,
        /// Hex of the code's 10 secret bytes.
        pub secret: String,
        pub device_public_key: String,
        pub payment_public_key: String,
        pub payment_key_proof: String,
        pub device_name: String,
    }

    /// A pairing as its two sides see it. The account is there once it was approved (only
    /// to the new device, which then holds a device of that account).
    pub struct Pairing {
        pub pairing_id: String,
        pub state: PairingState,
        pub device_id: String,
        pub device_name: String,
        pub device_public_key: String,
        pub payment_public_key: String,
        pub created_at: i64,
        pub expires_at: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account: Option<Account>,
        /// With the account: the newest device notice, so the new device starts after it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub notice_cursor: Option<i64>,
    }

    /// The approving device proves it read the code (the secret) before it sees the keys.
    pub struct OpenPairingRequest {
        pub secret: String,
    }

    /// The payment key's approval (`pairing_approval_message`), after the biometric.
    pub struct ApprovePairingRequest {
        pub secret: String,
        /// The six digits the user confirmed.
        pub confirmation: String,
        /// Base64 of the payment key's signature.
        pub signature: String,
    }

    /// A new phone asks for a challenge for the account its code's lookup names.
    pub struct RecoveryChallengeRequest {
        pub lookup: String,
        /// The key the request is signed by (the device that will recover).
        pub device_public_key: String,
    }

    pub struct RecoveryChallenge {
        pub account_id: String,
        /// Base64 of 32 random bytes, good once, until `expires_at`.
        pub challenge: String,
        pub expires_at: i64,
        pub kdf: RecoveryKdf,
    }

    /// Claims the account for this new device. Signed by the device key it registers; the
    /// recovery key signs `recovery_proof_message` over the challenge and both keys.
    pub struct StartRecoveryRequest {
        pub lookup: String,
        pub challenge: String,
        pub device_public_key: String,
        pub payment_public_key: String,
        pub payment_key_proof: String,
        pub device_name: String,
        /// Base64 of the recovery key's Ed25519 signature.
        pub signature: String,
    }

    /// A recovery: it waits out the cool-off (every other device is told and may cancel),
    /// then the new device is enrolled and every other device revoked.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Recovery {
        pub recovery_id: String,
        pub account_id: String,
        pub state: RecoveryState,
        pub device_id: String,
        pub device_name: String,
        pub created_at: i64,
        /// When the new device is enrolled, if nobody cancels.
        pub completes_at: i64,
        /// The account, to the recovering device once it completed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account: Option<Account>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub notice_cursor: Option<i64>,
    }

    /// The payment key of one of the account's devices cancels a recovery
    /// (`recovery_cancel_message`).
    pub struct CancelRecoveryRequest {
        pub signature: String,
    }

    /// A new recovery code replaces the old one; the payment key signs
    /// `recovery_rotation_message`.
    pub struct RotateRecoveryRequest {
        pub recovery: RecoverySetup,
        pub signature: String,
    }

    pub struct RecoveryList {
        pub data: Vec<Recovery>,
    }

    /// Something every device of the account should know that is not money moving: about
    /// its devices, and about money requests.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
    pub struct Notice {
        /// Pass the last one seen as `notices_after` for only newer ones.
        pub cursor: i64,
        pub kind: NoticeKind,
        /// What it is about: the device added, revoked or recovering; for a money request,
        /// the other account.
        pub device_id: String,
        /// That device's name, or the other account as shown ("B* L* $bo_li").
        pub device_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub request_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub recovery_id: Option<String>,
        /// For a bill payment: the payer's intent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub intent_id: Option<String>,
        /// For a recovery that started: when it completes unless cancelled.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub completes_at: Option<i64>,
        pub created_at: i64,
    }
}

/// Where a pairing is. One that waited past its expiry reads as `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum PairingState {
    Waiting,
    Approved,
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum RecoveryState {
    Waiting,
    Completed,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    DeviceAdded,
    DeviceRevoked,
    RecoveryStarted,
    RecoveryCancelled,
    RecoveryCompleted,
    RecoveryCodeRotated,
    /// Someone asks this account for money (see the requests inbox).
    RequestReceived,
    RequestPaid,
    RequestDeclined,
    RequestCancelled,
    /// A bill payment left pending was confirmed by the biller (`intent_id` names it).
    BillCompleted,
    /// A bill payment left pending was rejected by the biller; the money came back.
    BillFailed,
    /// A till charged a pay code above the no-confirmation limit: confirm it (behind the
    /// biometric) within a minute, or it is canceled. `intent_id` is the charge's id,
    /// `device_name` the merchant's name.
    PaycodeConfirmation,
    /// The shop's console asked for a payout to one of the account's bank accounts: confirm
    /// it (behind the biometric) within ten minutes, or decline it. `intent_id` is the
    /// payout's id, `device_name` the bank account as shown ("Bank DE •••• 3000").
    PayoutConfirmation,
}

macro_rules! str_enum {
    ($ty:ident { $($v:ident => $s:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($ty::$v),)* _ => None }
            }
        }
    };
}

str_enum!(PairingState { Waiting => "waiting", Approved => "approved", Expired => "expired" });
str_enum!(RecoveryState { Waiting => "waiting", Completed => "completed", Cancelled => "cancelled" });
str_enum!(NoticeKind {
    DeviceAdded => "device_added",
    DeviceRevoked => "device_revoked",
    RecoveryStarted => "recovery_started",
    RecoveryCancelled => "recovery_cancelled",
    RecoveryCompleted => "recovery_completed",
    RecoveryCodeRotated => "recovery_code_rotated",
    RequestReceived => "request_received",
    RequestPaid => "request_paid",
    RequestDeclined => "request_declined",
    RequestCancelled => "request_cancelled",
    BillCompleted => "bill_completed",
    BillFailed => "bill_failed",
    PaycodeConfirmation => "paycode_confirmation",
    PayoutConfirmation => "payout_confirmation",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_back_what_they_write() {
        for s in [
            PairingState::Waiting,
            PairingState::Approved,
            PairingState::Expired,
        ] {
            assert_eq!(PairingState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for k in [NoticeKind::DeviceAdded, NoticeKind::RecoveryCodeRotated] {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert_eq!(RecoveryState::parse("nope"), None);
    }
}
