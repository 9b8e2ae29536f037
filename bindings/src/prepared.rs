//! A resolved payment code, kept in the core: the shell reads what to show from it and calls
//! `pay` on it, so the verified merchant name the biometric prompt and the outbox use is the
//! backend's, never one the shell sends back.

use std::sync::Arc;

use purse_core::Money;
use purse_core::api::types::Quote;
use purse_core::pay::{PayQuote, PaymentOutcome};

use crate::error::PurseError;
use crate::runtime::run;

/// What `Wallet.resolve` found behind a code: read it, then `pay` it (once or, after a
/// refusal, again; the core never pays one authorization twice).
#[derive(uniffi::Object)]
pub struct PreparedPayment {
    wallet: Arc<purse_core::Wallet>,
    quote: PayQuote,
}

impl PreparedPayment {
    pub(crate) fn new(wallet: Arc<purse_core::Wallet>, quote: PayQuote) -> Arc<Self> {
        Arc::new(PreparedPayment { wallet, quote })
    }
}

#[uniffi::export]
impl PreparedPayment {
    /// The backend's word: the verified merchant name to show, the order's amount, expiry.
    pub fn quote(&self) -> Quote {
        self.quote.quote.clone()
    }

    /// The merchant name printed in the code, if any.
    pub fn claimed_name(&self) -> Option<String> {
        self.quote.claimed_name.clone()
    }

    /// The amount printed in the code, if any.
    pub fn claimed_amount(&self) -> Option<Money> {
        self.quote.claimed_amount
    }

    /// The code names the merchant differently from the backend: show both.
    pub fn name_mismatch(&self) -> bool {
        self.quote.name_mismatch()
    }

    /// The code prints an amount other than the order's.
    pub fn amount_mismatch(&self) -> bool {
        self.quote.amount_mismatch()
    }

    /// A static code: the payer types the amount.
    pub fn needs_amount(&self) -> bool {
        self.quote.needs_amount()
    }

    /// Confirms and pays: the protector asks for the biometric that unlocks the payment key,
    /// the intent is saved before it is sent, and the backend settles it once. `amount` is
    /// the payer's for a static code, `None` for an order.
    pub async fn pay(&self, amount: Option<Money>) -> Result<PaymentOutcome, PurseError> {
        let (wallet, quote) = (self.wallet.clone(), self.quote.clone());
        run(async move { Ok(wallet.pay(&quote, amount).await?) }).await
    }
}
