//! Sending money to a person: the recipient as the backend knows them, an authorization the
//! payment key signs behind the biometric (recipient, amount, a digest of the note, expiry),
//! the intent in the outbox before the request leaves, a lost answer pending.

use crate::sign::Authorization;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::outbox::new_intent_id;
use super::*;
use crate::cache::IntentKind;
use crate::pay::{AUTHORIZATION_TTL_SECS, TransferOutcome};
use crate::sign::{TransferAuthorization, note_digest};

impl Wallet {
    /// Sends `amount` to `recipient` (found with [`Wallet::find_recipient`]) with a note
    /// the recipient sees. The payment key signs (the prompt names the recipient as the
    /// backend does); a lost answer is `Pending`, settled by [`Wallet::settle_transfer`],
    /// `reconcile` or the event stream.
    pub async fn send(
        &self,
        recipient: &Recipient,
        amount: Money,
        note: &str,
    ) -> Result<TransferOutcome, WalletError> {
        self.send_for(recipient, amount, note, None).await
    }

    /// Pays a request from the inbox: a transfer of its amount to its requester that names
    /// it, so the backend pays it at most once (a second device's try is refused with
    /// `request_not_open`).
    pub async fn pay_request(
        &self,
        request: &MoneyRequest,
    ) -> Result<TransferOutcome, WalletError> {
        self.send_for(
            &request.requester,
            request.amount,
            &request.note,
            Some(&request.request_id),
        )
        .await
    }

    async fn send_for(
        &self,
        recipient: &Recipient,
        amount: Money,
        note: &str,
        request_id: Option<&str>,
    ) -> Result<TransferOutcome, WalletError> {
        let note = crate::people::check_note(note)
            .map_err(|e| WalletError::InvalidInput(format!("note {e}")))?;
        if !amount.is_positive() {
            return Err(WalletError::InvalidInput(
                "the amount must be positive".into(),
            ));
        }
        let (account, creds) = self.credentials().await?;
        if amount.currency != account.currency {
            return Err(WalletError::InvalidInput(format!(
                "this wallet holds {}; Purse does not exchange currencies",
                account.currency
            )));
        }
        let intent_id = new_intent_id()?;
        let auth = TransferAuthorization {
            intent_id: intent_id.clone(),
            account_id: account.account_id.clone(),
            recipient_id: recipient.account_id.clone(),
            amount,
            note_digest: note_digest(&note),
            request_id: request_id.map(str::to_owned),
            expires_at: self.now() + AUTHORIZATION_TTL_SECS,
        };
        auth.validate()
            .map_err(|e| WalletError::InvalidInput(e.to_string()))?;
        let label = recipient.label();
        let signature = self
            .sign_with_payment_key(auth.signing_bytes(), format!("Send {amount} to {label}"))
            .await?;
        let record = self.commit_intent(
            IntentKind::Transfer,
            &intent_id,
            &TransferRequest {
                recipient_id: recipient.account_id.clone(),
                amount,
                note,
                authorization: auth,
                authorization_signature: B64.encode(signature),
            },
            &label,
            amount,
        )?;
        Ok(
            match self.send_recorded::<Transfer>(&creds, &record).await? {
                Some(transfer) => TransferOutcome::Completed { transfer },
                None => TransferOutcome::Pending { intent_id },
            },
        )
    }

    /// Where one transfer stands, asking the backend again if its answer was lost.
    pub async fn settle_transfer(&self, intent_id: &str) -> Result<TransferOutcome, WalletError> {
        Ok(match self.settle_recorded::<Transfer>(intent_id).await? {
            Some(transfer) => TransferOutcome::Completed { transfer },
            None => TransferOutcome::Pending {
                intent_id: intent_id.to_owned(),
            },
        })
    }
}

impl Wallet {
    /// Asks `payer` (found with [`Wallet::find_recipient`]) for `amount`; they are told.
    pub async fn request_money(
        &self,
        payer: &Recipient,
        amount: Money,
        note: &str,
    ) -> Result<MoneyRequest, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .create_request(
                &creds,
                &CreateMoneyRequest {
                    payer_id: payer.account_id.clone(),
                    amount,
                    note: note.to_owned(),
                },
            )
            .await
            .map_err(WalletError::from_api)
    }

    /// The requests inbox (`incoming`) or the ones this account made, newest first.
    pub async fn requests(&self, incoming: bool) -> Result<Vec<MoneyRequest>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .requests(&creds, incoming)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    pub async fn decline_request(&self, request_id: &str) -> Result<MoneyRequest, WalletError> {
        self.end_request(request_id, "decline").await
    }

    pub async fn cancel_request(&self, request_id: &str) -> Result<MoneyRequest, WalletError> {
        self.end_request(request_id, "cancel").await
    }

    async fn end_request(
        &self,
        request_id: &str,
        action: &str,
    ) -> Result<MoneyRequest, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .end_request(&creds, request_id, action)
            .await
            .map_err(WalletError::from_api)
    }

    /// Takes no more requests from `account_id`; its open ones are declined.
    pub async fn block(&self, account_id: &str) -> Result<(), WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .block(&creds, account_id)
            .await
            .map_err(WalletError::from_api)
    }
}
