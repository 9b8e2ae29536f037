//! Recovery: whoever holds the recovery code proves its key over a fresh challenge; after a
//! cool-off that every other device of the account is told about (and any of them may end
//! with its payment key), the new device is enrolled, every other device revoked, and the
//! new device's payments are capped for a while.

use purse_core::api::types::{NoticeKind, RecoverySetup, RecoveryState};
use purse_core::devices::{
    recovery_cancel_message, recovery_proof_message, recovery_rotation_message,
    verify_recovery_signature,
};

use super::store::{ChallengeRow, RecoveryKeyRow, RecoveryRow};
use super::{notify, payment_key_signed};
use crate::ledger::rows::{AccountRow, DeviceRow};
use crate::ledger::tx::{Reads, Result, StoreError, Tx};

/// How long a recovery challenge is good for.
pub const CHALLENGE_TTL_SECS: i64 = 300;

/// How recovery is timed, from the backend's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecoveryPolicy {
    /// From a proved code to the new device's enrollment.
    pub cool_off_secs: i64,
    /// After enrollment, how long the recovered device's payments are capped.
    pub restricted_secs: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryRefusal {
    /// No account has this code (or the signature is not its key's).
    CodeWrong,
    ChallengeExpired,
    /// Another recovery of the account is in its cool-off.
    InProgress,
    DeviceKnown,
    NotFound,
    /// Completed, cancelled, or past its cool-off already.
    NotWaiting,
    SignatureInvalid,
}

type Refusable<T> = std::result::Result<T, RecoveryRefusal>;

/// Stores the public half of a new account's recovery code.
pub fn set_up(tx: &mut dyn Tx, account_id: &str, setup: &RecoverySetup, now: i64) -> Result<()> {
    tx.set_recovery_key(&RecoveryKeyRow {
        account_id: account_id.to_owned(),
        lookup: setup.lookup.clone(),
        public_key: setup.public_key.clone(),
        kdf: setup.kdf.clone(),
        created_at: now,
    })
}

/// A challenge for the account the lookup names, and how to derive its key.
pub fn challenge(
    tx: &mut dyn Tx,
    lookup: &str,
    challenge: &str,
    now: i64,
) -> Result<Refusable<(ChallengeRow, RecoveryKeyRow)>> {
    let Some(key) = tx.recovery_key_by_lookup(lookup)? else {
        return Ok(Err(RecoveryRefusal::CodeWrong));
    };
    let row = ChallengeRow {
        challenge: challenge.to_owned(),
        account_id: key.account_id.clone(),
        expires_at: now + CHALLENGE_TTL_SECS,
    };
    tx.insert_challenge(&row)?;
    Ok(Ok((row, key)))
}

/// A new device's claim, as it sent it.
pub struct Claim<'a> {
    pub recovery_id: &'a str,
    pub lookup: &'a str,
    pub challenge: &'a str,
    pub device_id: &'a str,
    pub device_public_key: &'a str,
    pub payment_public_key: &'a str,
    pub device_name: &'a str,
    /// Base64 of the recovery key's signature over `recovery_proof_message`.
    pub signature: &'a str,
    pub now: i64,
}

/// Starts the cool-off for a proved claim and tells every device of the account.
pub fn start(
    tx: &mut dyn Tx,
    c: &Claim<'_>,
    policy: RecoveryPolicy,
) -> Result<Refusable<RecoveryRow>> {
    let Some(key) = tx.recovery_key_by_lookup(c.lookup)? else {
        return Ok(Err(RecoveryRefusal::CodeWrong));
    };
    let fresh = tx
        .take_challenge(c.challenge)?
        .filter(|ch| ch.account_id == key.account_id && ch.expires_at > c.now);
    if fresh.is_none() {
        return Ok(Err(RecoveryRefusal::ChallengeExpired));
    }
    let message = recovery_proof_message(
        &key.account_id,
        c.challenge,
        c.device_public_key,
        c.payment_public_key,
    );
    if !verify_recovery_signature(&key.public_key, &message, c.signature) {
        return Ok(Err(RecoveryRefusal::CodeWrong));
    }
    if tx.device(c.device_id)?.is_some() || tx.recovery_of_device(c.device_id)?.is_some() {
        return Ok(Err(RecoveryRefusal::DeviceKnown));
    }
    if tx
        .waiting_recoveries(&key.account_id)?
        .iter()
        .any(|r| r.completes_at > c.now)
    {
        return Ok(Err(RecoveryRefusal::InProgress));
    }
    let row = RecoveryRow {
        recovery_id: c.recovery_id.to_owned(),
        account_id: key.account_id.clone(),
        device_id: c.device_id.to_owned(),
        device_name: c.device_name.to_owned(),
        device_public_key: c.device_public_key.to_owned(),
        payment_public_key: c.payment_public_key.to_owned(),
        state: RecoveryState::Waiting,
        created_at: c.now,
        completes_at: c.now + policy.cool_off_secs,
        finished_at: None,
        cancelled_by: None,
    };
    tx.insert_recovery(&row)?;
    notify(
        tx,
        &row.account_id,
        NoticeKind::RecoveryStarted,
        (&row.device_id, &row.device_name),
        Some((&row.recovery_id, row.completes_at)),
        c.now,
    )?;
    Ok(Ok(row))
}

/// The recovery as its new device sees it; once the cool-off is over, completes it:
/// enrolls the device (capped for `restricted_secs`) and revokes every other one.
pub fn progress(
    tx: &mut dyn Tx,
    recovery_id: &str,
    device_id: &str,
    now: i64,
    policy: RecoveryPolicy,
) -> Result<Refusable<RecoveryRow>> {
    let Some(mut r) = tx
        .recovery(recovery_id)?
        .filter(|r| r.device_id == device_id)
    else {
        return Ok(Err(RecoveryRefusal::NotFound));
    };
    if r.state != RecoveryState::Waiting || now < r.completes_at {
        return Ok(Ok(r));
    }
    if tx.device(&r.device_id)?.is_some() {
        return Err(StoreError::Corrupt(format!(
            "recovery {recovery_id} would enroll a device that exists"
        )));
    }
    for old in tx.devices(&r.account_id)? {
        if old.revoked_at.is_none() {
            tx.revoke_device(&r.account_id, &old.device_id, now)?;
            notify(
                tx,
                &r.account_id,
                NoticeKind::DeviceRevoked,
                (&old.device_id, &old.name),
                Some((&r.recovery_id, r.completes_at)),
                now,
            )?;
        }
    }
    tx.insert_device(&DeviceRow {
        device_id: r.device_id.clone(),
        account_id: r.account_id.clone(),
        name: r.device_name.clone(),
        public_key: r.device_public_key.clone(),
        payment_public_key: r.payment_public_key.clone(),
        created_at: now,
        revoked_at: None,
        restricted_until: Some(now + policy.restricted_secs),
    })?;
    r.state = RecoveryState::Completed;
    r.finished_at = Some(now);
    tx.update_recovery(&r)?;
    notify(
        tx,
        &r.account_id,
        NoticeKind::RecoveryCompleted,
        (&r.device_id, &r.device_name),
        Some((&r.recovery_id, r.completes_at)),
        now,
    )?;
    Ok(Ok(r))
}

/// A device of the account ends a recovery in its cool-off, with its payment key.
pub fn cancel(
    tx: &mut dyn Tx,
    device: &DeviceRow,
    recovery_id: &str,
    signature: &str,
    now: i64,
) -> Result<Refusable<RecoveryRow>> {
    let Some(mut r) = tx
        .recovery(recovery_id)?
        .filter(|r| r.account_id == device.account_id)
    else {
        return Ok(Err(RecoveryRefusal::NotFound));
    };
    if r.state != RecoveryState::Waiting || now >= r.completes_at {
        return Ok(Err(RecoveryRefusal::NotWaiting));
    }
    let message = recovery_cancel_message(&device.account_id, &device.device_id, recovery_id);
    if !payment_key_signed(device, &message, signature) {
        return Ok(Err(RecoveryRefusal::SignatureInvalid));
    }
    end(tx, &mut r, device, now)?;
    Ok(Ok(r))
}

fn end(tx: &mut dyn Tx, r: &mut RecoveryRow, by: &DeviceRow, now: i64) -> Result<()> {
    r.state = RecoveryState::Cancelled;
    r.finished_at = Some(now);
    r.cancelled_by = Some(by.device_id.clone());
    tx.update_recovery(r)?;
    notify(
        tx,
        &r.account_id,
        NoticeKind::RecoveryCancelled,
        (&r.device_id, &r.device_name),
        Some((&r.recovery_id, r.completes_at)),
        now,
    )?;
    Ok(())
}

/// Replaces the account's recovery code (signed by a device's payment key). A recovery in
/// its cool-off was begun with the old code, so it ends too.
pub fn rotate(
    tx: &mut dyn Tx,
    account: &AccountRow,
    device: &DeviceRow,
    setup: &RecoverySetup,
    signature: &str,
    now: i64,
) -> Result<Refusable<()>> {
    let message = recovery_rotation_message(
        &account.account_id,
        &device.device_id,
        &setup.lookup,
        &setup.public_key,
        &setup.kdf,
    );
    if !payment_key_signed(device, &message, signature) {
        return Ok(Err(RecoveryRefusal::SignatureInvalid));
    }
    set_up(tx, &account.account_id, setup, now)?;
    for mut r in tx.waiting_recoveries(&account.account_id)? {
        end(tx, &mut r, device, now)?;
    }
    notify(
        tx,
        &account.account_id,
        NoticeKind::RecoveryCodeRotated,
        (&device.device_id, &device.name),
        None,
        now,
    )?;
    Ok(Ok(()))
}

/// The account's recoveries in their cool-off.
pub fn waiting(r: &mut dyn Reads, account_id: &str, now: i64) -> Result<Vec<RecoveryRow>> {
    Ok(r.waiting_recoveries(account_id)?
        .into_iter()
        .filter(|r| r.completes_at > now)
        .collect())
}
