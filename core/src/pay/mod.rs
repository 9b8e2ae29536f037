//! The payment flow's data: from a scanned code to what the backend is asked, and what a
//! payment ends as. The flow itself (resolve, confirm, commit, send, settle, reconcile) runs
//! in [`crate::wallet::Wallet`], which owns the keys, the cache and the client.
//!
//! A payment ends as [`PaymentOutcome::Completed`], or [`PaymentOutcome::Pending`] when the
//! backend's answer was lost: the intent stays in the outbox and is reconciled, never turned
//! into a failure by the client. A refusal or the user backing out are errors.

use crate::api::types::{BillPayment, Payment, Quote, SavingsMove, Transfer, Withdrawal};
use crate::money::Money;
use crate::paycode::{PaycodeError, PaymentCode};
use crate::wallet::WalletError;

/// How long a payment authorization is valid: a lost request can be retried (or reconciled
/// on the next start) for this long, and never after.
pub const AUTHORIZATION_TTL_SECS: i64 = 600;

/// A quote with what the code itself claimed, so the shell can show a mismatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayQuote {
    /// The backend's word: verified merchant name, amount for an order, expiry.
    pub quote: Quote,
    /// The merchant name printed in the code (EMVCo tag 59), if any.
    pub claimed_name: Option<String>,
    /// The amount printed in the code (tag 54), if any.
    pub claimed_amount: Option<Money>,
}

impl PayQuote {
    /// True when the code names the merchant differently from the backend: show both, and
    /// trust the verified one.
    pub fn name_mismatch(&self) -> bool {
        self.claimed_name
            .as_deref()
            .is_some_and(|c| !names_match(c, &self.quote.merchant_name))
    }

    /// True when the code prints an amount other than the order's.
    pub fn amount_mismatch(&self) -> bool {
        matches!((self.claimed_amount, self.quote.amount), (Some(c), Some(q)) if c != q)
    }

    /// True when the payer must type the amount (a static code).
    pub fn needs_amount(&self) -> bool {
        self.quote.amount.is_none()
    }
}

/// EMVCo clips merchant names to 25 characters, so a clipped, case-different name is
/// still the same merchant.
fn names_match(claimed: &str, verified: &str) -> bool {
    let norm = |s: &str| -> Vec<char> {
        s.chars()
            .flat_map(char::to_lowercase)
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let (c, v) = (norm(claimed), norm(verified));
    !c.is_empty() && (c == v || (claimed.chars().count() >= 25 && v.starts_with(&c)))
}

/// Where a scanned code points, for the backend to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayTarget {
    pub merchant_id: String,
    pub order_id: Option<String>,
    pub claimed_name: Option<String>,
    pub claimed_amount: Option<Money>,
}

/// Reads the merchant and order out of a Purse code; other codes get a clear error with
/// what was parsed.
pub fn target(code: &PaymentCode) -> Result<PayTarget, WalletError> {
    let Some((merchant_id, order_id)) = code.purse_merchant() else {
        let detail = match code {
            PaymentCode::Emvco(e) => {
                let networks: Vec<String> = e
                    .accounts
                    .iter()
                    .map(|a| a.guid.clone().unwrap_or_else(|| format!("tag {}", a.tag)))
                    .collect();
                format!(
                    "merchant {} ({})",
                    e.merchant_name.as_deref().unwrap_or("unnamed"),
                    networks.join(", ")
                )
            }
            PaymentCode::Upi(u) => format!("UPI payee {}", u.payee_address),
            PaymentCode::Epc(t) => format!("SEPA transfer to {}", t.name),
            PaymentCode::SwissQrBill(b) => format!("QR-bill to {}", b.creditor_name),
        };
        return Err(WalletError::UnsupportedCode {
            format: code.format().to_owned(),
            detail,
        });
    };
    let (claimed_name, claimed_amount) = match code {
        PaymentCode::Emvco(e) => (e.merchant_name.clone(), e.amount),
        _ => (None, None),
    };
    Ok(PayTarget {
        merchant_id,
        order_id,
        claimed_name,
        claimed_amount,
    })
}

/// Parses a scanned payload into its target.
pub fn target_of_payload(payload: &str) -> Result<PayTarget, WalletError> {
    let code = crate::paycode::parse(payload).map_err(|e| match e {
        PaycodeError::OtherNetwork { network, .. } => WalletError::UnsupportedCode {
            format: network.to_string(),
            detail: "a code of another payment network".into(),
        },
        other => WalletError::InvalidCode(other.to_string()),
    })?;
    target(&code)
}

/// Steps of a payment, reported as they happen (a shell shows progress; tests crash a
/// process at a chosen one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayStage {
    /// Asking the user to confirm (the biometric prompt).
    Authorizing,
    /// The intent is in the outbox: from here the payment is never lost.
    Committed { intent_id: String },
    /// The request is on its way.
    Sending { intent_id: String },
    /// The backend settled it.
    Settled { intent_id: String },
}

// Lowered into a buffer at the FFI, where a box would buy nothing; kept by value so the
// shells see the same shape as Rust callers.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PaymentOutcome {
    /// The backend settled it: show the receipt.
    Completed { payment: Payment },
    /// The backend's answer did not arrive: show "pending", never "failed". The intent is
    /// kept in the outbox; `settle`, `reconcile` or the event stream settles it, and the
    /// money cannot move twice.
    Pending { intent_id: String },
}

impl PaymentOutcome {
    pub fn intent_id(&self) -> &str {
        match self {
            PaymentOutcome::Completed { payment } => &payment.intent_id,
            PaymentOutcome::Pending { intent_id } => intent_id,
        }
    }
}

/// How a transfer to a person ended: the same two ends as a payment.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum TransferOutcome {
    Completed {
        transfer: Transfer,
    },
    /// The answer was lost: pending, never failed; the outbox settles it.
    Pending {
        intent_id: String,
    },
}

/// How asking for a withdrawal ended: held (`Completed` means the backend took it; the
/// bank settles it later, see [`Withdrawal::state`]) or unknown.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum WithdrawOutcome {
    Completed { withdrawal: Withdrawal },
    Pending { intent_id: String },
}

/// How a bill payment or top-up ended for the wallet: the backend took it (`Completed`, with
/// the receipt; its own `state` says whether the biller confirmed it yet), or its answer was
/// lost (`Pending`: reconciled later, never paid twice).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum BillOutcome {
    Completed { bill_payment: BillPayment },
    Pending { intent_id: String },
}

/// What reconciling the outbox gives for each intent, of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntentOutcome {
    Payment(PaymentOutcome),
    Transfer(TransferOutcome),
    Withdrawal(WithdrawOutcome),
    Bill(BillOutcome),
    Savings(SavingsOutcome),
}

/// How a move into or out of savings ended for the wallet: the backend carried it out
/// (`Completed`, with the move; its own `state` says whether a standard part is still on
/// its way), or its answer was lost (`Pending`: reconciled later, never moved twice).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SavingsOutcome {
    Completed { savings_move: SavingsMove },
    Pending { intent_id: String },
}

impl IntentOutcome {
    /// Still waiting for the backend's word.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            IntentOutcome::Payment(PaymentOutcome::Pending { .. })
                | IntentOutcome::Transfer(TransferOutcome::Pending { .. })
                | IntentOutcome::Withdrawal(WithdrawOutcome::Pending { .. })
                | IntentOutcome::Bill(BillOutcome::Pending { .. })
                | IntentOutcome::Savings(SavingsOutcome::Pending { .. })
        )
    }
}

/// Receives the account's events as the wallet follows the backend's stream.
pub trait EventListener: Send + Sync {
    fn on_event(&self, event: crate::api::types::Event);
    /// Something about the account's devices: one was added or revoked, a recovery started
    /// (show it with a way to cancel), ended or the recovery code was replaced.
    fn on_notice(&self, _notice: crate::api::types::Notice) {}
    /// The stream broke and will be retried; nothing is lost (the cursor is kept).
    fn on_error(&self, _error: String) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn clipped_and_recased_names_still_match() {
        assert!(names_match("TEA HOUSE", "Tea House"));
        assert!(names_match(
            "A very long tea house nam",
            "A very long tea house name indeed"
        ));
        assert!(!names_match("Tea", "Tea House"));
        assert!(!names_match("Evil Tea House", "Tea House"));
    }

    #[test]
    fn quotes_flag_what_the_code_got_wrong() {
        let cny = Currency::from_code("CNY").unwrap();
        let q = PayQuote {
            quote: Quote {
                merchant_id: "m".into(),
                merchant_name: "Tea House".into(),
                city: "Hangzhou".into(),
                currency: cny,
                order_id: Some("o".into()),
                amount: Some(Money::new(1234, cny)),
                description: String::new(),
                expires_at: None,
            },
            claimed_name: Some("Bank of Trust".into()),
            claimed_amount: Some(Money::new(1, cny)),
        };
        assert!(q.name_mismatch() && q.amount_mismatch() && !q.needs_amount());
    }

    #[test]
    fn other_codes_are_named_not_paid() {
        let upi = crate::paycode::parse("upi://pay?pa=shop@bank&pn=Shop").unwrap();
        assert!(matches!(
            target(&upi),
            Err(WalletError::UnsupportedCode { format, .. }) if format == "upi"
        ));
        assert!(matches!(
            target_of_payload("000201garbage"),
            Err(WalletError::InvalidCode(_))
        ));
    }
}
