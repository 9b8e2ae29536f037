//! What the people rules store: handles, proven phone numbers and emails, one-time-code
//! challenges, and the sandbox outbox the codes are "sent" to.

use purse_core::api::types::ContactKind;

use crate::ledger::tx::Result;

/// A one-time code sent to `value`, waiting to be typed back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactChallengeRow {
    pub challenge_id: String,
    pub account_id: String,
    pub kind: ContactKind,
    /// Normalised (E.164, or the email with a lower-case domain).
    pub value: String,
    /// Hex SHA-256 of the challenge id and the code: the code itself is never stored.
    pub code_hash: String,
    pub tries_left: u32,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxMessageRow {
    pub account_id: String,
    pub kind: ContactKind,
    pub to: String,
    pub body: String,
    pub created_at: i64,
}

/// A personal code an account shows to be paid; rotating revokes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiveCodeRow {
    pub code_id: String,
    pub account_id: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

pub trait PeopleReads {
    fn receive_code(&mut self, code_id: &str) -> Result<Option<ReceiveCodeRow>>;
    /// The account's code in use (not revoked).
    fn current_receive_code(&mut self, account_id: &str) -> Result<Option<ReceiveCodeRow>>;
    /// The account that holds a handle (canonical, `$` + lower case).
    fn account_of_handle(&mut self, handle: &str) -> Result<Option<String>>;
    fn handle_of(&mut self, account_id: &str) -> Result<Option<String>>;
    /// The account that proved this phone or email.
    fn account_of_contact(&mut self, kind: ContactKind, value: &str) -> Result<Option<String>>;
    fn contact_of(&mut self, account_id: &str, kind: ContactKind) -> Result<Option<String>>;
    fn contact_challenge(&mut self, challenge_id: &str) -> Result<Option<ContactChallengeRow>>;
    /// The account's sandbox messages, newest first.
    fn sandbox_messages(&mut self, account_id: &str, limit: u32) -> Result<Vec<SandboxMessageRow>>;
}

pub trait PeopleWrites: PeopleReads {
    fn insert_receive_code(&mut self, c: &ReceiveCodeRow) -> Result<()>;
    /// Revokes the account's codes in use.
    fn revoke_receive_codes(&mut self, account_id: &str, now: i64) -> Result<()>;
    /// Gives the account this handle, replacing its old one. `Duplicate` if another account
    /// holds it.
    fn set_handle(&mut self, account_id: &str, handle: &str) -> Result<()>;
    /// Records a proven contact, replacing the account's contact of that kind. `Duplicate`
    /// if another account proved it.
    fn set_contact(
        &mut self,
        account_id: &str,
        kind: ContactKind,
        value: &str,
        now: i64,
    ) -> Result<()>;
    fn insert_contact_challenge(&mut self, c: &ContactChallengeRow) -> Result<()>;
    fn set_challenge_tries(&mut self, challenge_id: &str, tries_left: u32) -> Result<()>;
    fn delete_contact_challenge(&mut self, challenge_id: &str) -> Result<()>;
    fn insert_sandbox_message(&mut self, m: &SandboxMessageRow) -> Result<()>;
}
