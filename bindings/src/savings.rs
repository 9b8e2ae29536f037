//! Savings on the shells' `Wallet`: the summary (balance, yesterday's income, the 7-day
//! yield), moving money in or out behind the biometric, and the savings history. The
//! shells format the amounts and the yield in the user's locale; the rules are the core's
//! and the backend's.

use purse_core::Money;
use purse_core::api::types::{Savings, SavingsDirection, SavingsEntry};
use purse_core::pay::SavingsOutcome;

use crate::error::PurseError;
use crate::wallet::Wallet;

#[uniffi::export]
impl Wallet {
    /// The account's savings and the fund's last seven days.
    pub async fn savings(&self) -> Result<Savings, PurseError> {
        self.with(|w| async move { Ok(w.savings().await?) }).await
    }

    /// Moves `amount` into savings (earning from tomorrow) or out of them (into the wallet
    /// at once up to the day's instant cap, the rest on the next business day). Behind the
    /// biometric; exactly once, even when the answer is lost (`Pending`, then `reconcile`).
    pub async fn move_savings(
        &self,
        direction: SavingsDirection,
        amount: Money,
    ) -> Result<SavingsOutcome, PurseError> {
        self.with(move |w| async move { Ok(w.move_savings(direction, amount).await?) })
            .await
    }

    /// The savings history, newest first (moves and each day's income); `starting_after`
    /// is the last transaction id of the previous page.
    pub async fn savings_history(
        &self,
        limit: u32,
        starting_after: Option<String>,
    ) -> Result<Vec<SavingsEntry>, PurseError> {
        self.with(move |w| async move {
            Ok(w.savings_history(limit, starting_after.as_deref())
                .await?
                .data)
        })
        .await
    }
}
