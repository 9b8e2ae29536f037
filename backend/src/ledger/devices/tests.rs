//! The device rules on the in-memory transaction, with real keys and signatures.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use purse_core::api::types::{NoticeKind, PairingState, RecoverySetup, RecoveryState};
use purse_core::devices::*;
use purse_core::keys::{Argon2Cost, SigningKey, device_id_for};

use super::pairing::{self, Approval, PairingRefusal};
use super::recovery::{self, Claim, RecoveryPolicy, RecoveryRefusal};
use super::store::*;
use crate::ledger::memory::{Memory, shop};
use crate::ledger::rows::{AccountRow, DeviceRow};
use crate::ledger::tx::{Reads, Tx};

const POLICY: RecoveryPolicy = RecoveryPolicy {
    cool_off_secs: 100,
    restricted_secs: 1_000,
};

/// A device's two keys, as the wallet would hold them.
struct Phone {
    device: SigningKey,
    payment: SigningKey,
}

impl Phone {
    fn new() -> Self {
        Phone {
            device: SigningKey::generate().unwrap(),
            payment: SigningKey::generate().unwrap(),
        }
    }
    fn id(&self) -> String {
        device_id_for(&self.device.public_key())
    }
    fn keys(&self) -> (String, String) {
        (
            self.device.public_key().to_base64(),
            self.payment.public_key().to_base64(),
        )
    }
    fn sign(&self, message: &[u8]) -> String {
        B64.encode(self.payment.sign(message).unwrap())
    }
}

/// The payer account of `shop()` with one enrolled phone.
fn account_with_phone() -> (Memory, AccountRow, DeviceRow, Phone) {
    let mut m = shop();
    let account = m.account("acct_payer").unwrap().unwrap();
    let phone = Phone::new();
    let (dk, pk) = phone.keys();
    let device = DeviceRow {
        device_id: phone.id(),
        account_id: account.account_id.clone(),
        name: "Old phone".into(),
        public_key: dk,
        payment_public_key: pk,
        created_at: 0,
        revoked_at: None,
        restricted_until: None,
    };
    m.insert_device(&device).unwrap();
    (m, account, device, phone)
}

fn offer(m: &mut Memory, code: &PairingCode, new: &Phone, now: i64) -> PairingRow {
    let (dk, pk) = new.keys();
    let row = PairingRow {
        pairing_id: code.pairing_id(),
        secret: code.secret().to_string(),
        device_id: new.id(),
        device_name: "Tablet".into(),
        device_public_key: dk,
        payment_public_key: pk,
        state: PairingState::Waiting,
        created_at: now,
        expires_at: now + pairing::PAIRING_TTL_SECS,
        account_id: None,
        approved_by: None,
        approved_at: None,
    };
    assert_eq!(pairing::offer(m, &row).unwrap(), Ok(()));
    row
}

fn approval_signature(
    p: &PairingRow,
    account: &AccountRow,
    by: &DeviceRow,
    phone: &Phone,
) -> (String, String) {
    let confirmation = confirmation_number(&p.secret, &p.device_public_key, &p.payment_public_key);
    let msg = pairing_approval_message(
        &p.pairing_id,
        &account.account_id,
        &by.device_id,
        &p.device_public_key,
        &p.payment_public_key,
        &p.device_name,
        &confirmation,
        p.expires_at,
    );
    (confirmation, phone.sign(&msg))
}

#[test]
fn an_approved_pairing_enrolls_the_device_once_and_tells_the_account() {
    let (mut m, account, old, phone) = account_with_phone();
    let code = PairingCode::generate().unwrap();
    let new = Phone::new();
    let p = offer(&mut m, &code, &new, 10);
    assert_eq!(
        pairing::offer(&mut m, &p).unwrap(),
        Ok(()),
        "a retry is fine"
    );
    let (confirmation, signature) = approval_signature(&p, &account, &old, &phone);
    let secret = code.secret();
    let approval = Approval {
        pairing_id: &p.pairing_id,
        secret: &secret,
        confirmation: &confirmation,
        signature: &signature,
        approver: &old,
        account: &account,
        now: 20,
    };
    let device = pairing::approve(&mut m, &approval).unwrap().unwrap();
    assert_eq!(device.account_id, account.account_id);
    assert_eq!(m.device(&new.id()).unwrap().unwrap().name, "Tablet");
    let notices = m.notices(&account.account_id, 0, 10).unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(
        (notices[0].kind, notices[0].device_id.as_str()),
        (NoticeKind::DeviceAdded, device.device_id.as_str())
    );
    assert_eq!(
        pairing::approve(&mut m, &approval).unwrap(),
        Err(PairingRefusal::Used)
    );
    let seen = pairing::status(&mut m, &p.pairing_id, &new.id())
        .unwrap()
        .unwrap();
    assert_eq!(seen.state_at(30), PairingState::Approved);
    assert_eq!(
        pairing::status(&mut m, &p.pairing_id, &old.device_id).unwrap(),
        None
    );
}

#[test]
fn a_pairing_is_refused_when_expired_misread_misconfirmed_or_badly_signed() {
    let (mut m, account, old, phone) = account_with_phone();
    let code = PairingCode::generate().unwrap();
    let new = Phone::new();
    let p = offer(&mut m, &code, &new, 10);
    let (confirmation, signature) = approval_signature(&p, &account, &old, &phone);
    let secret = code.secret();
    let good = Approval {
        pairing_id: &p.pairing_id,
        secret: &secret,
        confirmation: &confirmation,
        signature: &signature,
        approver: &old,
        account: &account,
        now: 20,
    };
    let wrong_number = if confirmation == "000000" {
        "000001"
    } else {
        "000000"
    };
    let someone_else = Phone::new();
    let (_, forged) = approval_signature(&p, &account, &old, &someone_else);
    for (approval, refusal) in [
        (
            Approval {
                now: p.expires_at,
                ..good
            },
            PairingRefusal::Expired,
        ),
        (
            Approval {
                secret: "00",
                ..good
            },
            PairingRefusal::SecretWrong,
        ),
        (
            Approval {
                pairing_id: "pair_000000000000",
                ..good
            },
            PairingRefusal::NotFound,
        ),
        (
            Approval {
                confirmation: wrong_number,
                ..good
            },
            PairingRefusal::ConfirmationWrong,
        ),
        (
            Approval {
                signature: &forged,
                ..good
            },
            PairingRefusal::SignatureInvalid,
        ),
    ] {
        assert_eq!(pairing::approve(&mut m, &approval).unwrap(), Err(refusal));
    }
    assert!(m.device(&new.id()).unwrap().is_none(), "nothing enrolled");
    assert!(m.notices(&account.account_id, 0, 10).unwrap().is_empty());
    // A device that is already enrolled cannot be offered.
    let again = PairingCode::generate().unwrap();
    let (dk, pk) = phone.keys();
    let mut row = offer(&mut m, &again, &Phone::new(), 10);
    row.pairing_id = "pair_111111111111".into();
    row.device_id = old.device_id.clone();
    (row.device_public_key, row.payment_public_key) = (dk, pk);
    assert_eq!(
        pairing::offer(&mut m, &row).unwrap(),
        Err(PairingRefusal::DeviceKnown)
    );
}

fn with_recovery_code(m: &mut Memory, account: &AccountRow) -> (RecoveryCode, RecoverySetup) {
    let code = RecoveryCode::generate().unwrap();
    let kdf = RecoveryCode::new_kdf(Argon2Cost::INSECURE_FAST).unwrap();
    let key = code.derive_key(&kdf).unwrap();
    let setup = RecoverySetup {
        lookup: code.lookup(),
        public_key: key.public_base64(),
        kdf,
    };
    recovery::set_up(m, &account.account_id, &setup, 0).unwrap();
    (code, setup)
}

/// Runs the new phone's side up to a started recovery.
fn claim(
    m: &mut Memory,
    code: &RecoveryCode,
    new: &Phone,
    id: &str,
    now: i64,
) -> Result<RecoveryRow, RecoveryRefusal> {
    let challenge = format!("challenge-{id}");
    let (_, key_row) = recovery::challenge(m, &code.lookup(), &challenge, now).unwrap()?;
    let key = code.derive_key(&key_row.kdf).unwrap();
    let (dk, pk) = new.keys();
    let msg = recovery_proof_message(&key_row.account_id, &challenge, &dk, &pk);
    let signature = B64.encode(key.sign(&msg));
    let lookup = code.lookup();
    let device_id = new.id();
    recovery::start(
        m,
        &Claim {
            recovery_id: id,
            lookup: &lookup,
            challenge: &challenge,
            device_id: &device_id,
            device_public_key: &dk,
            payment_public_key: &pk,
            device_name: "New phone",
            signature: &signature,
            now,
        },
        POLICY,
    )
    .unwrap()
}

#[test]
fn a_recovery_completes_after_the_cool_off_and_revokes_every_other_device() {
    let (mut m, account, old, _) = account_with_phone();
    let (code, _) = with_recovery_code(&mut m, &account);
    let new = Phone::new();
    let r = claim(&mut m, &code, &new, "rec_1", 1_000).unwrap();
    assert_eq!((r.state, r.completes_at), (RecoveryState::Waiting, 1_100));
    let started = m.notices(&account.account_id, 0, 10).unwrap();
    assert_eq!(started[0].kind, NoticeKind::RecoveryStarted);
    assert_eq!(started[0].completes_at, Some(1_100));

    let early = recovery::progress(&mut m, "rec_1", &new.id(), 1_099, POLICY)
        .unwrap()
        .unwrap();
    assert_eq!(early.state, RecoveryState::Waiting);
    assert!(m.device(&new.id()).unwrap().is_none());
    assert_eq!(
        recovery::progress(&mut m, "rec_1", &old.device_id, 1_200, POLICY).unwrap(),
        Err(RecoveryRefusal::NotFound),
        "only the recovering device asks"
    );
    let done = recovery::progress(&mut m, "rec_1", &new.id(), 1_100, POLICY)
        .unwrap()
        .unwrap();
    assert_eq!(done.state, RecoveryState::Completed);
    let enrolled = m.device(&new.id()).unwrap().unwrap();
    assert_eq!(
        (enrolled.account_id.as_str(), enrolled.restricted_until),
        (account.account_id.as_str(), Some(2_100))
    );
    assert_eq!(
        m.device(&old.device_id).unwrap().unwrap().revoked_at,
        Some(1_100)
    );
    let kinds: Vec<_> = m
        .notices(&account.account_id, 0, 10)
        .unwrap()
        .iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            NoticeKind::RecoveryStarted,
            NoticeKind::DeviceRevoked,
            NoticeKind::RecoveryCompleted
        ]
    );
    // Asking again changes nothing.
    recovery::progress(&mut m, "rec_1", &new.id(), 1_300, POLICY)
        .unwrap()
        .unwrap();
    assert_eq!(m.notices(&account.account_id, 0, 10).unwrap().len(), 3);
}

#[test]
fn a_wrong_code_a_stale_challenge_and_a_second_recovery_are_refused() {
    let (mut m, account, _, _) = account_with_phone();
    let (code, _) = with_recovery_code(&mut m, &account);
    let other = RecoveryCode::generate().unwrap();
    assert_eq!(
        recovery::challenge(&mut m, &other.lookup(), "c", 0)
            .unwrap()
            .map(|_| ()),
        Err(RecoveryRefusal::CodeWrong)
    );
    // A challenge is good once and for a while.
    let (ch, key_row) = recovery::challenge(&mut m, &code.lookup(), "c1", 0)
        .unwrap()
        .unwrap();
    let new = Phone::new();
    let (dk, pk) = new.keys();
    let key = code.derive_key(&key_row.kdf).unwrap();
    let sig = B64.encode(key.sign(&recovery_proof_message(&ch.account_id, "c1", &dk, &pk)));
    let (lookup, device_id) = (code.lookup(), new.id());
    let late = Claim {
        recovery_id: "rec_late",
        lookup: &lookup,
        challenge: "c1",
        device_id: &device_id,
        device_public_key: &dk,
        payment_public_key: &pk,
        device_name: "New",
        signature: &sig,
        now: recovery::CHALLENGE_TTL_SECS,
    };
    assert_eq!(
        recovery::start(&mut m, &late, POLICY).unwrap(),
        Err(RecoveryRefusal::ChallengeExpired)
    );
    assert_eq!(
        recovery::start(&mut m, &Claim { now: 1, ..late }, POLICY).unwrap(),
        Err(RecoveryRefusal::ChallengeExpired),
        "taken by the first try"
    );
    // A signature by another code's key is a wrong code.
    recovery::challenge(&mut m, &code.lookup(), "c2", 0)
        .unwrap()
        .unwrap();
    let wrong_key = other.derive_key(&key_row.kdf).unwrap();
    let forged =
        B64.encode(wrong_key.sign(&recovery_proof_message(&ch.account_id, "c2", &dk, &pk)));
    let forged_claim = Claim {
        challenge: "c2",
        signature: &forged,
        now: 1,
        ..late
    };
    assert_eq!(
        recovery::start(&mut m, &forged_claim, POLICY).unwrap(),
        Err(RecoveryRefusal::CodeWrong)
    );

    claim(&mut m, &code, &Phone::new(), "rec_1", 10).unwrap();
    assert_eq!(
        claim(&mut m, &code, &Phone::new(), "rec_2", 20),
        Err(RecoveryRefusal::InProgress)
    );
}

#[test]
fn a_device_of_the_account_cancels_in_the_cool_off_with_its_payment_key() {
    let (mut m, account, old, phone) = account_with_phone();
    let (code, _) = with_recovery_code(&mut m, &account);
    let new = Phone::new();
    claim(&mut m, &code, &new, "rec_1", 0).unwrap();
    let msg = recovery_cancel_message(&account.account_id, &old.device_id, "rec_1");
    assert_eq!(
        recovery::cancel(&mut m, &old, "rec_1", &Phone::new().sign(&msg), 10).unwrap(),
        Err(RecoveryRefusal::SignatureInvalid)
    );
    let r = recovery::cancel(&mut m, &old, "rec_1", &phone.sign(&msg), 10)
        .unwrap()
        .unwrap();
    assert_eq!(
        (r.state, r.cancelled_by.as_deref()),
        (RecoveryState::Cancelled, Some(old.device_id.as_str()))
    );
    assert_eq!(
        recovery::cancel(&mut m, &old, "rec_1", &phone.sign(&msg), 11).unwrap(),
        Err(RecoveryRefusal::NotWaiting)
    );
    let after = recovery::progress(&mut m, "rec_1", &new.id(), 500, POLICY)
        .unwrap()
        .unwrap();
    assert_eq!(after.state, RecoveryState::Cancelled);
    assert!(m.device(&new.id()).unwrap().is_none(), "never enrolled");
    assert!(
        m.device(&old.device_id)
            .unwrap()
            .unwrap()
            .revoked_at
            .is_none()
    );
    // Past the cool-off it is too late to cancel.
    claim(&mut m, &code, &Phone::new(), "rec_2", 1_000).unwrap();
    let msg = recovery_cancel_message(&account.account_id, &old.device_id, "rec_2");
    assert_eq!(
        recovery::cancel(&mut m, &old, "rec_2", &phone.sign(&msg), 1_100).unwrap(),
        Err(RecoveryRefusal::NotWaiting)
    );
}

#[test]
fn a_rotated_code_replaces_the_old_one_and_ends_its_recovery() {
    let (mut m, account, old, phone) = account_with_phone();
    let (code, _) = with_recovery_code(&mut m, &account);
    claim(&mut m, &code, &Phone::new(), "rec_1", 0).unwrap();
    let fresh = RecoveryCode::generate().unwrap();
    let kdf = RecoveryCode::new_kdf(Argon2Cost::INSECURE_FAST).unwrap();
    let setup = RecoverySetup {
        lookup: fresh.lookup(),
        public_key: fresh.derive_key(&kdf).unwrap().public_base64(),
        kdf,
    };
    let msg = recovery_rotation_message(
        &account.account_id,
        &old.device_id,
        &setup.lookup,
        &setup.public_key,
        &setup.kdf,
    );
    assert_eq!(
        recovery::rotate(&mut m, &account, &old, &setup, &Phone::new().sign(&msg), 5).unwrap(),
        Err(RecoveryRefusal::SignatureInvalid)
    );
    recovery::rotate(&mut m, &account, &old, &setup, &phone.sign(&msg), 5)
        .unwrap()
        .unwrap();
    assert_eq!(
        m.recovery("rec_1").unwrap().unwrap().state,
        RecoveryState::Cancelled
    );
    assert_eq!(
        claim(&mut m, &code, &Phone::new(), "rec_2", 10),
        Err(RecoveryRefusal::CodeWrong)
    );
    claim(&mut m, &fresh, &Phone::new(), "rec_3", 10).unwrap();
    let kinds: Vec<_> = m
        .notices(&account.account_id, 0, 10)
        .unwrap()
        .iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            NoticeKind::RecoveryStarted,
            NoticeKind::RecoveryCancelled,
            NoticeKind::RecoveryCodeRotated,
            NoticeKind::RecoveryStarted
        ]
    );
}
