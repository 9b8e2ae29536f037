//! Pairing: a new device offers its keys under a code it shows; a device of the account
//! that read the code approves it with its payment key; the backend enrolls the new device
//! only with that approval, before the offer expires, once.

use purse_core::api::types::{NoticeKind, PairingState};
use purse_core::devices::{confirmation_number, pairing_approval_message};

use super::store::PairingRow;
use super::{notify, payment_key_signed};
use crate::ledger::rows::{AccountRow, DeviceRow};
use crate::ledger::same_secret;
use crate::ledger::tx::{Result, Tx};

/// How long a pairing code is good for, by default.
pub const PAIRING_TTL_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingRefusal {
    NotFound,
    SecretWrong,
    Expired,
    /// Approved already: a code works once.
    Used,
    /// The offered device key belongs to an account or another offer already.
    DeviceKnown,
    ConfirmationWrong,
    SignatureInvalid,
}

/// Stores a new device's offer. Repeating the same offer (a retry) is accepted.
pub fn offer(tx: &mut dyn Tx, p: &PairingRow) -> Result<std::result::Result<(), PairingRefusal>> {
    if tx.device(&p.device_id)?.is_some() {
        return Ok(Err(PairingRefusal::DeviceKnown));
    }
    if let Some(existing) = tx.pairing_of_device(&p.device_id)? {
        let same = existing.pairing_id == p.pairing_id && same_secret(&existing.secret, &p.secret);
        return Ok(if same {
            Ok(())
        } else {
            Err(PairingRefusal::DeviceKnown)
        });
    }
    tx.insert_pairing(p)?;
    Ok(Ok(()))
}

/// The offer behind a code, for a device that proves it read the code.
pub fn open(
    tx: &mut dyn Tx,
    pairing_id: &str,
    secret: &str,
    now: i64,
) -> Result<std::result::Result<PairingRow, PairingRefusal>> {
    let Some(p) = tx.pairing(pairing_id)? else {
        return Ok(Err(PairingRefusal::NotFound));
    };
    if !same_secret(&p.secret, secret) {
        return Ok(Err(PairingRefusal::SecretWrong));
    }
    Ok(match p.state_at(now) {
        PairingState::Waiting => Ok(p),
        PairingState::Expired => Err(PairingRefusal::Expired),
        PairingState::Approved => Err(PairingRefusal::Used),
    })
}

/// An approval as the approving device sent it.
pub struct Approval<'a> {
    pub pairing_id: &'a str,
    pub secret: &'a str,
    pub confirmation: &'a str,
    /// Base64 of the payment key's signature over `pairing_approval_message`.
    pub signature: &'a str,
    /// The approving device (the route checked it is not revoked) and its account.
    pub approver: &'a DeviceRow,
    pub account: &'a AccountRow,
    pub now: i64,
}

/// Enrolls the offered device into the approver's account and tells every device.
pub fn approve(
    tx: &mut dyn Tx,
    a: &Approval<'_>,
) -> Result<std::result::Result<DeviceRow, PairingRefusal>> {
    let mut p = match open(tx, a.pairing_id, a.secret, a.now)? {
        Ok(p) => p,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let expected = confirmation_number(&p.secret, &p.device_public_key, &p.payment_public_key);
    if !same_secret(&expected, a.confirmation) {
        return Ok(Err(PairingRefusal::ConfirmationWrong));
    }
    let message = pairing_approval_message(
        &p.pairing_id,
        &a.account.account_id,
        &a.approver.device_id,
        &p.device_public_key,
        &p.payment_public_key,
        &p.device_name,
        a.confirmation,
        p.expires_at,
    );
    if !payment_key_signed(a.approver, &message, a.signature) {
        return Ok(Err(PairingRefusal::SignatureInvalid));
    }
    if tx.device(&p.device_id)?.is_some() {
        return Ok(Err(PairingRefusal::DeviceKnown));
    }
    let device = DeviceRow {
        device_id: p.device_id.clone(),
        account_id: a.account.account_id.clone(),
        name: p.device_name.clone(),
        public_key: p.device_public_key.clone(),
        payment_public_key: p.payment_public_key.clone(),
        created_at: a.now,
        revoked_at: None,
        restricted_until: None,
    };
    tx.insert_device(&device)?;
    p.state = PairingState::Approved;
    p.account_id = Some(a.account.account_id.clone());
    p.approved_by = Some(a.approver.device_id.clone());
    p.approved_at = Some(a.now);
    tx.update_pairing(&p)?;
    notify(
        tx,
        &a.account.account_id,
        NoticeKind::DeviceAdded,
        (&device.device_id, &device.name),
        None,
        a.now,
    )?;
    Ok(Ok(device))
}

/// The offer as the new device sees it (signed by its own key).
pub fn status(tx: &mut dyn Tx, pairing_id: &str, device_id: &str) -> Result<Option<PairingRow>> {
    Ok(tx.pairing(pairing_id)?.filter(|p| p.device_id == device_id))
}
