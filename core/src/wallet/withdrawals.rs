//! Money out to the account's own linked bank account: the payment key signs (biometric),
//! the intent goes through the outbox, the backend holds the amount at once and the bank
//! settles it later (completed, or returned with the money back).

use crate::sign::Authorization;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::outbox::new_intent_id;
use super::*;
use crate::cache::IntentKind;
use crate::pay::{AUTHORIZATION_TTL_SECS, WithdrawOutcome};
use crate::sign::WithdrawalAuthorization;

impl Wallet {
    /// Withdraws `amount` to the linked bank account `source_id`.
    pub async fn withdraw(
        &self,
        source_id: &str,
        amount: Money,
    ) -> Result<WithdrawOutcome, WalletError> {
        if !amount.is_positive() {
            return Err(WalletError::InvalidInput(
                "the amount must be positive".into(),
            ));
        }
        let (account, creds) = self.credentials().await?;
        let intent_id = new_intent_id()?;
        let auth = WithdrawalAuthorization {
            intent_id: intent_id.clone(),
            account_id: account.account_id.clone(),
            source_id: source_id.to_owned(),
            amount,
            expires_at: self.now() + AUTHORIZATION_TTL_SECS,
        };
        auth.validate()
            .map_err(|e| WalletError::InvalidInput(e.to_string()))?;
        let signature = self
            .sign_with_payment_key(
                auth.signing_bytes(),
                format!("Withdraw {amount} to your bank"),
            )
            .await?;
        let record = self.commit_intent(
            IntentKind::Withdrawal,
            &intent_id,
            &WithdrawRequest {
                source_id: source_id.to_owned(),
                amount,
                authorization: auth,
                authorization_signature: B64.encode(signature),
            },
            "your bank account",
            amount,
        )?;
        Ok(
            match self.send_recorded::<Withdrawal>(&creds, &record).await? {
                Some(withdrawal) => WithdrawOutcome::Completed { withdrawal },
                None => WithdrawOutcome::Pending { intent_id },
            },
        )
    }

    /// The account's withdrawals as the bank has settled them so far, newest first.
    pub async fn withdrawals(&self) -> Result<Vec<Withdrawal>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .withdrawals(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    /// Sandbox only: the bank settles this account's held withdrawals now (completes them,
    /// or returns those to the documented trigger accounts).
    pub async fn sandbox_settle_withdrawals(&self) -> Result<Vec<Withdrawal>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .sandbox_settle_withdrawals(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }
}
