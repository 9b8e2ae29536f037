//! Money out on the shells' `Wallet`: withdrawals to the account's own bank account, and
//! the payouts the shop's console asks this phone to confirm (a withdrawal the console
//! proposes; the phone signs it or declines it).

use purse_core::Money;
use purse_core::api::types::{Payout, Withdrawal};
use purse_core::pay::WithdrawOutcome;

use crate::error::PurseError;
use crate::wallet::Wallet;

#[uniffi::export]
impl Wallet {
    /// Withdraws to a linked bank account (payment key, biometric): held at once, settled
    /// by the bank later.
    pub async fn withdraw(
        &self,
        source_id: String,
        amount: Money,
    ) -> Result<WithdrawOutcome, PurseError> {
        self.with(move |w| async move { Ok(w.withdraw(&source_id, amount).await?) })
            .await
    }

    pub async fn withdrawals(&self) -> Result<Vec<Withdrawal>, PurseError> {
        self.with(|w| async move { Ok(w.withdrawals().await?) })
            .await
    }

    /// Sandbox only: the bank settles the held withdrawals now.
    pub async fn sandbox_settle_withdrawals(&self) -> Result<Vec<Withdrawal>, PurseError> {
        self.with(|w| async move { Ok(w.sandbox_settle_withdrawals().await?) })
            .await
    }

    /// Payouts the shop's console asked for that wait for this phone, newest first.
    pub async fn waiting_payouts(&self) -> Result<Vec<Payout>, PurseError> {
        self.with(|w| async move { Ok(w.waiting_payouts().await?) })
            .await
    }

    /// Carries out a payout (payment key, biometric naming the amount and the bank):
    /// a withdrawal whose intent id is the payout id, so it happens once however often
    /// it is confirmed.
    pub async fn confirm_payout(&self, payout_id: String) -> Result<WithdrawOutcome, PurseError> {
        self.with(move |w| async move { Ok(w.confirm_payout(&payout_id).await?) })
            .await
    }

    /// A one-time link that signs the shop in to the backend's web console (where payouts
    /// are asked for): signed by this device's key, good for `valid_for_secs` (at most
    /// 120) and one use. Show it only on a screen the merchant trusts.
    pub async fn console_link(&self, valid_for_secs: i64) -> Result<String, PurseError> {
        self.with(move |w| async move { Ok(w.console_link(valid_for_secs).await?) })
            .await
    }

    /// Declines a payout: nothing moves.
    pub async fn decline_payout(&self, payout_id: String) -> Result<Payout, PurseError> {
        self.with(move |w| async move { Ok(w.decline_payout(&payout_id).await?) })
            .await
    }
}
