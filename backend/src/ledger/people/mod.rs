//! People: a handle an account claims, a phone number and an email it proves with a
//! one-time code, and how a payer finds a recipient. Plain Rust over the transaction
//! interface; the routes normalise what users typed and rate-limit lookups.

pub mod store;

#[cfg(test)]
pub(crate) mod memory;
#[cfg(test)]
mod tests;

pub use store::*;

use purse_core::api::types::ContactKind;

use super::rows::AccountRow;
use super::tx::{Reads, Result, StoreError, Tx};

/// How long a one-time code is good for, and how many wrong tries it takes.
pub const OTP_TTL_SECS: i64 = 600;
pub const OTP_TRIES: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeopleRefusal {
    /// Another account has this handle, phone or email.
    Taken,
    NotFound,
    Expired,
    /// The code was wrong; this many tries are left (0: the challenge is spent).
    Wrong {
        tries_left: u32,
    },
    /// No tries left: ask for a new code.
    Exhausted,
}

type Refusable<T> = std::result::Result<T, PeopleRefusal>;

/// The hash a code is kept as.
pub fn code_hash(challenge_id: &str, code: &str) -> String {
    let d = ring::digest::digest(
        &ring::digest::SHA256,
        format!("purse-otp:v1\n{challenge_id}\n{code}").as_bytes(),
    );
    hex::encode(d.as_ref())
}

/// Claims `handle` (canonical) for the account.
pub fn claim_handle(tx: &mut dyn Tx, account_id: &str, handle: &str) -> Result<Refusable<()>> {
    match tx.account_of_handle(handle)? {
        Some(owner) if owner != account_id => return Ok(Err(PeopleRefusal::Taken)),
        Some(_) => return Ok(Ok(())),
        None => {}
    }
    match tx.set_handle(account_id, handle) {
        Ok(()) => Ok(Ok(())),
        Err(StoreError::Duplicate(_)) => Ok(Err(PeopleRefusal::Taken)),
        Err(e) => Err(e),
    }
}

/// Sends a code to a contact not proven by another account: the challenge is stored (its
/// code hashed) and the message goes to the sandbox outbox, in one transaction.
pub fn send_code(
    tx: &mut dyn Tx,
    challenge: &ContactChallengeRow,
    code: &str,
) -> Result<Refusable<()>> {
    if tx
        .account_of_contact(challenge.kind, &challenge.value)?
        .is_some_and(|owner| owner != challenge.account_id)
    {
        return Ok(Err(PeopleRefusal::Taken));
    }
    tx.insert_contact_challenge(challenge)?;
    tx.insert_sandbox_message(&SandboxMessageRow {
        account_id: challenge.account_id.clone(),
        kind: challenge.kind,
        to: challenge.value.clone(),
        body: format!("Your Purse code is {code}. It expires in 10 minutes. Never share it."),
        created_at: challenge.created_at,
    })?;
    Ok(Ok(()))
}

/// Checks a typed code. A wrong one costs a try (kept even though the answer is a
/// refusal); the right one proves the contact and spends the challenge.
pub fn verify_code(
    tx: &mut dyn Tx,
    account_id: &str,
    challenge_id: &str,
    code: &str,
    now: i64,
) -> Result<Refusable<(ContactKind, String)>> {
    let Some(c) = tx
        .contact_challenge(challenge_id)?
        .filter(|c| c.account_id == account_id)
    else {
        return Ok(Err(PeopleRefusal::NotFound));
    };
    if now >= c.expires_at {
        return Ok(Err(PeopleRefusal::Expired));
    }
    if c.tries_left == 0 {
        return Ok(Err(PeopleRefusal::Exhausted));
    }
    if !super::same_secret(&code_hash(challenge_id, code.trim()), &c.code_hash) {
        let left = c.tries_left - 1;
        tx.set_challenge_tries(challenge_id, left)?;
        return Ok(Err(PeopleRefusal::Wrong { tries_left: left }));
    }
    match tx.set_contact(account_id, c.kind, &c.value, now) {
        Ok(()) => {}
        Err(StoreError::Duplicate(_)) => return Ok(Err(PeopleRefusal::Taken)),
        Err(e) => return Err(e),
    }
    tx.delete_contact_challenge(challenge_id)?;
    Ok(Ok((c.kind, c.value)))
}

/// What a finder learns of the account behind a handle, phone or email.
pub fn recipient(
    r: &mut dyn Reads,
    account_id: &str,
) -> Result<Option<(AccountRow, Option<String>)>> {
    let Some(a) = r.account(account_id)? else {
        return Ok(None);
    };
    let handle = r.handle_of(account_id)?;
    Ok(Some((a, handle)))
}

/// The account's receive code, made on first ask.
pub fn receive_code(
    tx: &mut dyn Tx,
    account_id: &str,
    new_id: &str,
    now: i64,
) -> Result<ReceiveCodeRow> {
    if let Some(c) = tx.current_receive_code(account_id)? {
        return Ok(c);
    }
    let c = ReceiveCodeRow {
        code_id: new_id.to_owned(),
        account_id: account_id.to_owned(),
        created_at: now,
        revoked_at: None,
    };
    tx.insert_receive_code(&c)?;
    Ok(c)
}

/// A new receive code; the old one stops resolving.
pub fn rotate_receive_code(
    tx: &mut dyn Tx,
    account_id: &str,
    new_id: &str,
    now: i64,
) -> Result<ReceiveCodeRow> {
    tx.revoke_receive_codes(account_id, now)?;
    receive_code(tx, account_id, new_id, now)
}

/// The account a receive code pays, while it is in use.
pub fn receive_code_owner(r: &mut dyn Reads, code_id: &str) -> Result<Option<String>> {
    Ok(r.receive_code(code_id)?
        .filter(|c| c.revoked_at.is_none())
        .map(|c| c.account_id))
}
