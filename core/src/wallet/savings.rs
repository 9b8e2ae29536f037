//! Savings: a money-market fund beside the wallet. Moving money in or out is authorized by
//! the payment key (biometric) and goes through the outbox like every money movement; the
//! backend moves it in at once (earning from the next day) and out instantly up to the
//! day's cap, the rest on the next business day.

use crate::sign::Authorization;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::outbox::new_intent_id;
use super::*;
use crate::api::types::{
    Savings, SavingsDirection, SavingsHistory, SavingsMove, SavingsMoveRequest,
};
use crate::cache::IntentKind;
use crate::pay::{AUTHORIZATION_TTL_SECS, SavingsOutcome};
use crate::sign::SavingsAuthorization;

impl Wallet {
    /// The account's savings, yesterday's income and the fund's 7-day yield.
    pub async fn savings(&self) -> Result<Savings, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .savings(&creds)
            .await
            .map_err(WalletError::from_api)
    }

    /// Moves `amount` from the wallet into savings.
    pub async fn savings_in(&self, amount: Money) -> Result<SavingsOutcome, WalletError> {
        self.move_savings(SavingsDirection::In, amount).await
    }

    /// Moves `amount` out of savings into the wallet: at once up to the day's instant cap,
    /// the rest on the next business day.
    pub async fn savings_out(&self, amount: Money) -> Result<SavingsOutcome, WalletError> {
        self.move_savings(SavingsDirection::Out, amount).await
    }

    /// Moves `amount` into or out of savings (what [`Wallet::savings_in`] and
    /// [`Wallet::savings_out`] say), behind the biometric.
    pub async fn move_savings(
        &self,
        direction: SavingsDirection,
        amount: Money,
    ) -> Result<SavingsOutcome, WalletError> {
        if !amount.is_positive() {
            return Err(WalletError::InvalidInput(
                "the amount must be positive".into(),
            ));
        }
        let (account, creds) = self.credentials().await?;
        let intent_id = new_intent_id()?;
        let auth = SavingsAuthorization {
            intent_id: intent_id.clone(),
            account_id: account.account_id.clone(),
            direction,
            amount,
            expires_at: self.now() + AUTHORIZATION_TTL_SECS,
        };
        auth.validate()
            .map_err(|e| WalletError::InvalidInput(e.to_string()))?;
        let prompt = match direction {
            SavingsDirection::In => format!("Move {amount} into savings"),
            SavingsDirection::Out => format!("Move {amount} out of savings"),
        };
        let signature = self
            .sign_with_payment_key(auth.signing_bytes(), prompt)
            .await?;
        let record = self.commit_intent(
            IntentKind::Savings,
            &intent_id,
            &SavingsMoveRequest {
                authorization: auth,
                authorization_signature: B64.encode(signature),
            },
            "Savings",
            amount,
        )?;
        Ok(
            match self.send_recorded::<SavingsMove>(&creds, &record).await? {
                Some(savings_move) => SavingsOutcome::Completed { savings_move },
                None => SavingsOutcome::Pending { intent_id },
            },
        )
    }

    /// A move by its intent as it stands now: settled through the outbox first (a lost
    /// answer is asked again, never moved twice), then, while a standard part was on its
    /// way, asked of the backend again, since the outbox keeps the first answer.
    pub async fn savings_move(&self, intent_id: &str) -> Result<Option<SavingsMove>, WalletError> {
        match self.settle_recorded::<SavingsMove>(intent_id).await? {
            Some(m) if m.state == crate::api::types::SavingsMoveState::Pending => {
                let (account, creds) = self.credentials().await?;
                let now = self
                    .api(Some(&account))?
                    .savings_move(&creds, intent_id)
                    .await
                    .map_err(WalletError::from_api)?;
                Ok(Some(now))
            }
            other => Ok(other),
        }
    }

    /// The savings history, newest first; pass the last transaction id of a page as
    /// `starting_after` for the next.
    pub async fn savings_history(
        &self,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<SavingsHistory, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .savings_history(&creds, limit, starting_after)
            .await
            .map_err(WalletError::from_api)
    }
}
