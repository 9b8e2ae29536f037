//! A second device and a way back without any: the codes a user sees and the messages the
//! keys sign, shared by the wallet (which makes them) and the backend (which checks them).
//! The flows themselves are `Wallet` methods in `wallet::devices`.

mod code;
mod pairing;
mod recovery;

pub use code::CODE_SYMBOLS;
pub use pairing::{PairingCode, confirmation_number, pairing_approval_message};
pub use recovery::{
    RecoveryCode, RecoveryKey, recovery_cancel_message, recovery_proof_message,
    recovery_rotation_message, verify_recovery_signature,
};

/// Why a typed or scanned code cannot be used; each is its own message on a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("the code has too few or too many characters")]
    WrongLength,
    #[error("the code holds a character codes never have")]
    BadCharacter,
    #[error("the code has a typo: check it letter by letter")]
    BadCheck,
}
