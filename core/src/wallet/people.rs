//! People: this account's handle and proven phone and email, and finding someone to pay.
//! Handles and queries are checked here first (offline, typed errors); the backend decides.

use super::*;
use crate::people::{HandleError, normalize_handle, parse_recipient};

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
