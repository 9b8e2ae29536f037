//! Pay codes on the shells' `Wallet`: the code to show (offline too), the till's charge, and
//! the customer's answer to a charge above the no-confirmation limit. What the code is, when
//! it refreshes and which one shows after a charge is the core's; the shells only draw it.

use purse_core::Money;
use purse_core::api::types::{PayCodeCharge, PayCodeLimit};
use purse_core::wallet::ShownPayCode;

use crate::error::PurseError;
use crate::wallet::Wallet;

#[uniffi::export]
impl Wallet {
    /// The pay code of now, as digits and as the QR's text. Needs the wallet unlocked (no
    /// biometric per code); offline too while the phone's pay-code key is valid
    /// (`PayCodeUnavailable` otherwise). Call it again when `seconds_left` runs out and after
    /// a payment: the next code shows at once.
    pub async fn pay_code(&self) -> Result<ShownPayCode, PurseError> {
        self.with(|w| async move { Ok(w.pay_code().await?) }).await
    }

    /// A till charges the code its customer shows (digits or the QR's text).
    pub async fn charge_pay_code(
        &self,
        code: String,
        amount: Money,
        reference: String,
    ) -> Result<PayCodeCharge, PurseError> {
        self.with(move |w| async move { Ok(w.charge_pay_code(&code, amount, &reference).await?) })
            .await
    }

    /// One charge as it stands now (for its till or its customer).
    pub async fn pay_code_charge(&self, charge_id: String) -> Result<PayCodeCharge, PurseError> {
        self.with(move |w| async move { Ok(w.pay_code_charge(&charge_id).await?) })
            .await
    }

    /// Charges of this account's codes that wait for its confirmation (each for a minute).
    pub async fn waiting_charges(&self) -> Result<Vec<PayCodeCharge>, PurseError> {
        self.with(|w| async move { Ok(w.waiting_charges().await?) })
            .await
    }

    /// Confirms a waiting charge behind the biometric (the prompt names the amount and the
    /// merchant as the backend knows them). Safe to repeat; a charge no longer waiting comes
    /// back as it is (`Completed` or `Canceled`).
    pub async fn confirm_charge(&self, charge_id: String) -> Result<PayCodeCharge, PurseError> {
        self.with(move |w| async move { Ok(w.confirm_charge(&charge_id).await?) })
            .await
    }

    /// Declines a waiting charge: canceled, nothing moves.
    pub async fn decline_charge(&self, charge_id: String) -> Result<PayCodeCharge, PurseError> {
        self.with(move |w| async move { Ok(w.decline_charge(&charge_id).await?) })
            .await
    }

    /// The most a code is charged without asking; with `set`, changes it first (zero asks
    /// every time, at most `ceiling`).
    pub async fn pay_code_limit(&self, set: Option<Money>) -> Result<PayCodeLimit, PurseError> {
        self.with(move |w| async move {
            Ok(match set {
                Some(limit) => w.set_pay_code_limit(limit).await?,
                None => w.pay_code_limit().await?,
            })
        })
        .await
    }
}
