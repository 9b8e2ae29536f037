//! What crosses the boundary beyond the core's own records (which carry their uniffi
//! derives in purse-core): money helpers, the scanner's find, the account without its keys,
//! and the watcher's update with the one public error in it.

use purse_core::{Currency, Money};

use crate::error::PurseError;

/// Parses what a person typed or a code printed: `"12.34 CNY"`.
#[uniffi::export]
pub fn parse_money(text: String) -> Result<Money, PurseError> {
    Ok(Money::parse(&text)?)
}

/// Parses an amount typed in a known currency (`"12.34"`, `"12"`), refusing more decimals
/// than the currency has.
#[uniffi::export]
pub fn parse_amount(amount: String, currency_code: String) -> Result<Money, PurseError> {
    Ok(Money::parse_amount(
        &amount,
        Currency::from_code(&currency_code)?,
    )?)
}

/// How many digits the currency's minor unit has (2 for CNY, 0 for JPY, 3 for KWD), from
/// the same ISO 4217 table that made the minor units. Screens scale `minor` by this, never
/// by the platform's own currency table, which may disagree (and be off by a power of ten).
#[uniffi::export]
pub fn currency_digits(currency_code: String) -> Result<u8, PurseError> {
    Ok(Currency::from_code(&currency_code)?.exponent())
}

/// `"12.34 CNY"`: for logs and tests; screens use the platform's locale-aware formatter.
/// A `Money` whose currency the core does not know cannot cross in at all: the call throws
/// uniffi's `InternalException` (a shell bug: money in a shell comes from the core).
#[uniffi::export]
pub fn format_money(money: Money) -> String {
    money.to_string()
}

/// Text one user wrote, as another's screen may show it (a merchant's or a person's name, a
/// note): the core's one escaper, so every printer shows deceiving characters (controls,
/// bidi, invisible) the same way.
#[uniffi::export]
pub fn shown_text(text: String) -> String {
    purse_core::text::escape_shown(&text).into_owned()
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

/// Where a watched payment stands; the core decides which answer is final.
// Lowered into a buffer at the boundary, where a box would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, uniffi::Enum)]
pub enum PaymentUpdate {
    /// The answer is not in yet; the core keeps asking (never a second payment).
    Pending { intent_id: String },
    /// Settled: show the receipt.
    Completed {
        payment: purse_core::api::types::Payment,
    },
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
            Core::Completed { payment } => PaymentUpdate::Completed { payment },
            Core::Failed(e) => PaymentUpdate::Failed { error: e.into() },
            Core::Unresolved(e) => PaymentUpdate::Unresolved { error: e.into() },
        }
    }
}

/// The enrolled account as this wallet holds it, from its own records (no network): the
/// wire's `Account` plus this device and its backend; the wrapped keys stay in the core.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletAccount {
    pub account_id: String,
    pub device_id: String,
    pub name: String,
    pub currency: Currency,
    pub backend_url: String,
}

impl From<purse_core::cache::AccountRecord> for WalletAccount {
    fn from(a: purse_core::cache::AccountRecord) -> Self {
        WalletAccount {
            account_id: a.account_id,
            device_id: a.device_id,
            name: a.name,
            currency: a.currency,
            backend_url: a.backend_url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_money_is_checked() {
        assert_eq!(parse_money("12.34 CNY".into()).unwrap().minor, 1234);
        assert!(matches!(
            parse_amount("1.234".into(), "CNY".into()),
            Err(PurseError::InvalidInput { .. })
        ));
        assert!(matches!(
            currency_digits("XYZ".into()),
            Err(PurseError::InvalidInput { .. })
        ));
        assert_eq!(currency_digits("JPY".into()).unwrap(), 0);
    }
}
