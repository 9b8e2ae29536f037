//! The device surface the shells need besides `Wallet`'s methods: what enrollment and
//! joining give, and the offline checks of a typed recovery code.

use crate::error::PurseError;
use crate::records::WalletAccount;

/// What enrollment gives: the account, and the recovery code to show once (then drop it:
/// the wallet keeps no copy).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrollment {
    pub account: WalletAccount,
    pub recovery_code: String,
}

/// Where a joining device (pairing or recovering) is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum JoinProgress {
    /// Still waiting, until the pairing expires or the recovery's cool-off ends.
    Waiting { until: i64 },
    /// The device belongs to the account; history and balance were fetched.
    Joined { account: WalletAccount },
}

impl From<purse_core::wallet::JoinProgress> for JoinProgress {
    fn from(p: purse_core::wallet::JoinProgress) -> Self {
        match p {
            purse_core::wallet::JoinProgress::Waiting { until } => JoinProgress::Waiting { until },
            purse_core::wallet::JoinProgress::Joined(a) => {
                JoinProgress::Joined { account: a.into() }
            }
        }
    }
}

/// Checks a recovery code as typed, offline: `CodeTypo` says what is wrong before anything
/// is sent, so the screen can say so while the user types.
#[uniffi::export]
pub fn check_recovery_code(code: String) -> Result<(), PurseError> {
    purse_core::devices::RecoveryCode::parse(&code)
        .map(|_| ())
        .map_err(|e| purse_core::WalletError::from(e).into())
}

/// Whether `typed` is the recovery code `shown` (the check step after showing it once).
#[uniffi::export]
pub fn same_recovery_code(shown: String, typed: String) -> bool {
    purse_core::devices::RecoveryCode::parse(&shown).is_ok_and(|c| c.matches(&typed))
}

/// A QR code of `text` as a PNG (`module_px` pixels a module, with the quiet zone): the
/// pairing code a new phone shows.
#[uniffi::export]
pub fn qr_png(text: String, module_px: u32) -> Result<Vec<u8>, PurseError> {
    purse_core::paycode::render_png(&text, module_px.clamp(1, 32)).map_err(|e| {
        PurseError::InvalidInput {
            reason: e.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_code_is_checked_offline_and_compared_forgivingly() {
        let code = purse_core::devices::RecoveryCode::generate().unwrap();
        let text = code.text().to_string();
        check_recovery_code(text.to_lowercase()).unwrap();
        assert!(matches!(
            check_recovery_code(format!("9{}", &text[1..])),
            Err(PurseError::CodeTypo { .. })
        ));
        assert!(same_recovery_code(text.clone(), text.replace('-', "")));
        assert!(!same_recovery_code(text, "0000".into()));
        assert!(
            qr_png("PURSE-PAIR:1:x".into(), 4)
                .unwrap()
                .starts_with(b"\x89PNG")
        );
    }
}
