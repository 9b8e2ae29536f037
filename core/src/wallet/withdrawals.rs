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
        let intent_id = new_intent_id()?;
        self.withdraw_as(
            &intent_id,
            source_id,
            amount,
            format!("Withdraw {amount} to your bank"),
        )
        .await
    }

    /// Signs (behind the biometric, with `reason` in the prompt), commits and sends the
    /// withdrawal of `intent_id`.
    async fn withdraw_as(
        &self,
        intent_id: &str,
        source_id: &str,
        amount: Money,
        reason: String,
    ) -> Result<WithdrawOutcome, WalletError> {
        let (account, creds) = self.credentials().await?;
        let auth = WithdrawalAuthorization {
            intent_id: intent_id.to_owned(),
            account_id: account.account_id.clone(),
            source_id: source_id.to_owned(),
            amount,
            expires_at: self.now() + AUTHORIZATION_TTL_SECS,
        };
        auth.validate()
            .map_err(|e| WalletError::InvalidInput(e.to_string()))?;
        let signature = self
            .sign_with_payment_key(auth.signing_bytes(), reason)
            .await?;
        let record = self.commit_intent(
            IntentKind::Withdrawal,
            intent_id,
            &WithdrawRequest {
                source_id: source_id.to_owned(),
                amount,
                authorization: auth,
                authorization_signature: B64.encode(signature),
            },
            "your bank account",
            amount,
        )?;
        Ok(Self::outcome(
            intent_id,
            self.send_recorded::<Withdrawal>(&creds, &record).await?,
        ))
    }

    fn outcome(intent_id: &str, settled: Option<Withdrawal>) -> WithdrawOutcome {
        match settled {
            Some(withdrawal) => WithdrawOutcome::Completed { withdrawal },
            None => WithdrawOutcome::Pending {
                intent_id: intent_id.to_owned(),
            },
        }
    }

    /// Payouts the shop's console asked for that wait for this phone, newest first.
    pub async fn waiting_payouts(&self) -> Result<Vec<Payout>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .waiting_payouts(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    /// Carries out a payout the console asked for: a withdrawal of its amount to its bank
    /// account, signed with the payment key behind the biometric, whose prompt names the
    /// amount and the bank as the backend knows them. Its intent id is the payout id, so
    /// confirming twice (or after a lost answer) withdraws once.
    pub async fn confirm_payout(&self, payout_id: &str) -> Result<WithdrawOutcome, WalletError> {
        if self.inner.cache()?.intent(payout_id)?.is_some() {
            return Ok(Self::outcome(
                payout_id,
                self.settle_recorded::<Withdrawal>(payout_id).await?,
            ));
        }
        let (account, creds) = self.credentials().await?;
        let p = self
            .api(Some(&account))?
            .payout(&creds, payout_id)
            .await
            .map_err(WalletError::from_api)?;
        if p.state != PayoutState::Waiting {
            return Err(WalletError::PaymentRefused {
                code: codes::PAYOUT_NOT_WAITING.into(),
                message: format!("this payout is {}, not waiting", p.state.as_str()),
                request_id: String::new(),
            });
        }
        let reason = format!("Pay out {} to {}", p.amount, p.bank);
        self.withdraw_as(&p.payout_id, &p.source_id, p.amount, reason)
            .await
    }

    /// Declines a payout the console asked for: nothing moves.
    pub async fn decline_payout(&self, payout_id: &str) -> Result<Payout, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .decline_payout(&creds, payout_id)
            .await
            .map_err(WalletError::from_api)
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
