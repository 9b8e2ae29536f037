//! People: this account's handle and proven phone and email, and finding someone to pay.
//! Handles and queries are checked here first (offline, typed errors); the backend decides.

use super::*;
use crate::paycode::{PaymentCode, receive_payload};
use crate::people::{HandleError, mask_name, normalize_handle, parse_recipient};

/// A receive code to show: its id and the QR payload (with the amount and note asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReceivePayload {
    pub code_id: String,
    pub payload: String,
}

/// A scanned receive code, resolved: the recipient as the backend knows them, and what the
/// code itself claims (never trusted).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PersonQuote {
    pub recipient: Recipient,
    pub claimed_name: Option<String>,
    /// The amount the code asks for; the payer may still change it.
    pub claimed_amount: Option<Money>,
    pub note: Option<String>,
    /// The code's name, masked, is not the backend's masked name: show both, trust the
    /// backend's.
    pub name_mismatch: bool,
}

fn handle_error(e: HandleError) -> WalletError {
    WalletError::InvalidInput(e.to_string())
}

impl Wallet {
    /// The account's handle and proven contacts.
    pub async fn profile(&self) -> Result<Profile, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .profile(&creds)
            .await
            .map_err(WalletError::from_api)
    }

    /// Claims a handle (`$bo`, any case); the old one becomes free.
    pub async fn set_handle(&self, handle: &str) -> Result<Profile, WalletError> {
        let handle = normalize_handle(handle).map_err(handle_error)?;
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .set_handle(&creds, &SetHandleRequest { handle })
            .await
            .map_err(WalletError::from_api)
    }

    /// Sends a one-time code to a phone number (with its country code) or an email; prove
    /// it with [`Wallet::verify_contact`].
    pub async fn add_contact(
        &self,
        kind: ContactKind,
        value: &str,
    ) -> Result<ContactChallenge, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .add_contact(
                &creds,
                &AddContactRequest {
                    kind,
                    value: value.to_owned(),
                },
            )
            .await
            .map_err(WalletError::from_api)
    }

    pub async fn verify_contact(
        &self,
        challenge_id: &str,
        code: &str,
    ) -> Result<Profile, WalletError> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(WalletError::InvalidInput("the code is six digits".into()));
        }
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .verify_contact(
                &creds,
                &VerifyContactRequest {
                    challenge_id: challenge_id.to_owned(),
                    code,
                },
            )
            .await
            .map_err(WalletError::from_api)
    }

    /// Finds someone by `$handle`, phone number or email: their handle and masked name.
    pub async fn find_recipient(&self, query: &str) -> Result<Recipient, WalletError> {
        parse_recipient(query).map_err(handle_error)?;
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .find_recipient(&creds, query.trim())
            .await
            .map_err(WalletError::from_api)
    }

    /// This account's receive code as a QR payload, asking for `amount` with `note` if
    /// given (payers may change the amount; the note travels as the code's reference label,
    /// up to 25 characters).
    pub async fn receive_code(
        &self,
        amount: Option<Money>,
        note: Option<&str>,
    ) -> Result<ReceivePayload, WalletError> {
        let (account, creds) = self.credentials().await?;
        let code = self
            .api(Some(&account))?
            .receive_code(&creds)
            .await
            .map_err(WalletError::from_api)?;
        self.receive_payload(&account, code.code_id, amount, note)
    }

    /// A new receive code; the old one (printed, shared) stops resolving.
    pub async fn rotate_receive_code(&self) -> Result<ReceivePayload, WalletError> {
        let (account, creds) = self.credentials().await?;
        let code = self
            .api(Some(&account))?
            .rotate_receive_code(&creds)
            .await
            .map_err(WalletError::from_api)?;
        self.receive_payload(&account, code.code_id, None, None)
    }

    fn receive_payload(
        &self,
        account: &AccountRecord,
        code_id: String,
        amount: Option<Money>,
        note: Option<&str>,
    ) -> Result<ReceivePayload, WalletError> {
        if let Some(a) = amount
            && (a.currency != account.currency || !a.is_positive())
        {
            return Err(WalletError::InvalidInput(format!(
                "ask for a positive amount in {}",
                account.currency
            )));
        }
        let note = note
            .filter(|n| !n.trim().is_empty())
            .map(|n| crate::text::check_shown_text(n, 25))
            .transpose()
            .map_err(|e| WalletError::InvalidInput(format!("note {e}")))?;
        let payload = receive_payload(
            &code_id,
            &account.name,
            account.currency,
            amount,
            note.as_deref(),
        )
        .map_err(|e| WalletError::InvalidInput(e.to_string()))?;
        Ok(ReceivePayload { code_id, payload })
    }

    /// Whom a scanned person's code pays, asked of the backend.
    pub async fn resolve_person(&self, payload: &str) -> Result<PersonQuote, WalletError> {
        let code =
            crate::paycode::parse(payload).map_err(|e| WalletError::InvalidCode(e.to_string()))?;
        let Some(code_id) = code.purse_person() else {
            return Err(WalletError::InvalidCode(
                "not a person's receive code".into(),
            ));
        };
        let (claimed_name, claimed_amount, note) = match &code {
            PaymentCode::Emvco(e) => (
                e.merchant_name.clone(),
                e.amount,
                e.additional
                    .as_ref()
                    .and_then(|a| a.reference_label.clone()),
            ),
            _ => (None, None, None),
        };
        let (account, creds) = self.credentials().await?;
        let recipient = self
            .api(Some(&account))?
            .resolve_receive_code(&creds, &code_id)
            .await
            .map_err(WalletError::from_api)?;
        let name_mismatch = claimed_name
            .as_deref()
            .is_some_and(|c| mask_name(c) != recipient.masked_name);
        Ok(PersonQuote {
            recipient,
            claimed_name,
            claimed_amount,
            note,
            name_mismatch,
        })
    }

    /// What the sandbox backend "sent" this account (its one-time codes), newest first.
    pub async fn sandbox_messages(&self) -> Result<Vec<SandboxMessage>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .sandbox_messages(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }
}
