//! A second device and recovery, both sides of each.
//!
//! The joining device (no account yet) makes its keys, shows a pairing code or types its
//! recovery code, and waits in [`Wallet::check_join`] until it belongs to the account; what
//! it waits for is kept in the cache, so an app closed in between carries on. A device of
//! the account approves a pairing, cancels a recovery or rotates the recovery code, each
//! behind the payment key's biometric. Every decision is the backend's; this side makes the
//! codes, checks the confirmation and signs.

use zeroize::Zeroizing;

use super::*;
use crate::cache::{JoinKind, JoiningRecord};
use crate::devices::{
    PairingCode, RecoveryCode, confirmation_number, pairing_approval_message,
    recovery_cancel_message, recovery_proof_message, recovery_rotation_message,
};
use crate::keys::WrappedKeys;

/// What enrollment gives: the account, and the recovery code to show once.
pub struct Enrolled {
    pub account: AccountRecord,
    pub recovery_code: Zeroizing<String>,
}

/// What the new device shows while it waits to be approved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PairingOffer {
    pub pairing_id: String,
    /// The short text form, for typing on the other device.
    pub code: String,
    /// What the QR holds (the code and this device's public keys).
    pub qr: String,
    /// The six digits the approving device must show too.
    pub confirmation: String,
    pub expires_at: i64,
}

/// A pairing as the approving device shows it before the user approves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PairingRequest {
    pub pairing_id: String,
    /// The name the new device gave itself (checked like any shown text).
    pub device_name: String,
    pub confirmation: String,
    pub expires_at: i64,
}

/// Where a joining device is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinProgress {
    /// Still waiting: for the other device until the pairing expires, or for the recovery's
    /// cool-off to end.
    Waiting { until: i64 },
    /// The device belongs to the account now; the cache was rebuilt from the backend.
    Joined(AccountRecord),
}

/// A device's keys before it belongs to an account.
pub(super) struct NewDevice {
    pub wrapped: WrappedKeys,
    pub creds: DeviceCredentials,
    pub proof: [u8; 64],
}

impl NewDevice {
    pub fn generate(protector: &dyn KeyProtector) -> Result<Self, WalletError> {
        let (wrapped, key, proof) = generate_device_keys(protector)?;
        let creds = DeviceCredentials {
            device_id: device_id_for(&wrapped.device_public),
            key: Arc::new(key),
        };
        Ok(NewDevice {
            wrapped,
            creds,
            proof,
        })
    }

    fn keys(&self) -> (String, String) {
        (
            self.wrapped.device_public.to_base64(),
            self.wrapped.payment_public.to_base64(),
        )
    }

    /// What the cache keeps while this device waits for `ref_id` (a pairing or recovery).
    fn joining(
        &self,
        kind: JoinKind,
        ref_id: &str,
        backend_url: &str,
        device_name: &str,
        created_at: i64,
    ) -> JoiningRecord {
        let (device_public_key, payment_public_key) = self.keys();
        JoiningRecord {
            kind,
            ref_id: ref_id.to_owned(),
            backend_url: backend_url.to_owned(),
            device_name: device_name.to_owned(),
            device_public_key,
            payment_public_key,
            device_key_wrapped: self.wrapped.device_wrapped.clone(),
            payment_key_wrapped: self.wrapped.payment_wrapped.clone(),
            code: None,
            expires_at: 0,
            created_at,
        }
    }

    pub fn record(&self, account: &Account, backend_url: String) -> AccountRecord {
        let (device_public_key, payment_public_key) = self.keys();
        AccountRecord {
            account_id: account.account_id.clone(),
            device_id: self.creds.device_id.clone(),
            name: account.name.clone(),
            currency: account.currency,
            backend_url,
            device_public_key,
            payment_public_key,
            device_key_wrapped: self.wrapped.device_wrapped.clone(),
            payment_key_wrapped: self.wrapped.payment_wrapped.clone(),
            created_at: account.created_at,
        }
    }
}

/// A new recovery code and the public half the backend keeps.
pub(super) fn new_recovery_code(
    cost: Argon2Cost,
) -> Result<(RecoveryCode, RecoverySetup), WalletError> {
    let code = RecoveryCode::generate()?;
    let kdf = RecoveryCode::new_kdf(cost)?;
    let key = code.derive_key(&kdf)?;
    let setup = RecoverySetup {
        lookup: code.lookup(),
        public_key: key.public_base64(),
        kdf,
    };
    Ok((code, setup))
}

pub(super) fn shown_name(field: &str, name: &str) -> Result<String, WalletError> {
    crate::text::check_shown_text(name, 80)
        .map_err(|e| WalletError::InvalidInput(format!("{field} {e}")))
}

impl Wallet {
    fn require_not_enrolled(&self) -> Result<(), WalletError> {
        match self.account()? {
            Some(_) => Err(WalletError::AlreadyEnrolled),
            None => Ok(()),
        }
    }

    async fn new_device(&self) -> Result<NewDevice, WalletError> {
        let protector = self.inner.cfg.protector.clone();
        tokio::task::spawn_blocking(move || NewDevice::generate(&*protector))
            .await
            .map_err(|e| WalletError::Internal(e.to_string()))?
    }

    /// Keeps the joining device's keys and what it waits for, and its unlocked device key
    /// for this session.
    fn remember_joining(&self, new: &NewDevice, record: &JoiningRecord) -> Result<(), WalletError> {
        self.inner.cache()?.set_joining(record)?;
        *self.inner.joining() = Some(new.creds.clone());
        Ok(())
    }

    /// The joining device's credentials: kept from this session, or unlocked again.
    async fn joining_credentials(
        &self,
        j: &JoiningRecord,
    ) -> Result<DeviceCredentials, WalletError> {
        if let Some(c) = self.inner.joining().clone() {
            return Ok(c);
        }
        let protector = self.inner.cfg.protector.clone();
        let wrapped = j.device_key_wrapped.clone();
        let key = tokio::task::spawn_blocking(move || {
            unwrap_key(
                &*protector,
                KeyPurpose::Device,
                &wrapped,
                "Unlock your new Purse device",
            )
        })
        .await
        .map_err(|e| WalletError::Internal(e.to_string()))??;
        let creds = DeviceCredentials {
            device_id: device_id_for(&key.public_key()),
            key: Arc::new(key),
        };
        *self.inner.joining() = Some(creds.clone());
        Ok(creds)
    }

    /// On a new device: makes its keys and offers them under a pairing code to show (as a
    /// QR and as text) until a device of the account approves it. Then call
    /// [`Wallet::check_join`] until it says `Joined`.
    pub async fn start_pairing(&self, device_name: &str) -> Result<PairingOffer, WalletError> {
        self.require_not_enrolled()?;
        let device_name = shown_name("device name", device_name)?;
        let api = self.api(None)?;
        let new = self.new_device().await?;
        let code = PairingCode::generate()?;
        let (dk, pk) = new.keys();
        let pairing = api
            .create_pairing(
                &new.creds,
                &CreatePairingRequest {
                    pairing_id: code.pairing_id(),
                    secret: code.secret().to_string(),
                    device_public_key: dk.clone(),
                    payment_public_key: pk.clone(),
                    payment_key_proof: B64.encode(new.proof),
                    device_name: device_name.clone(),
                },
            )
            .await
            .map_err(WalletError::from_api)?;
        let backend_url = api.base_url().as_str().trim_end_matches('/').to_owned();
        let record = JoiningRecord {
            code: Some(code.text()),
            expires_at: pairing.expires_at,
            ..new.joining(
                JoinKind::Pairing,
                &pairing.pairing_id,
                &backend_url,
                &device_name,
                self.now(),
            )
        };
        self.remember_joining(&new, &record)?;
        Ok(PairingOffer {
            pairing_id: pairing.pairing_id,
            qr: code.qr_text(&dk, &pk),
            confirmation: confirmation_number(&code.secret(), &dk, &pk),
            code: code.text(),
            expires_at: pairing.expires_at,
        })
    }

    /// The pairing code this device is showing, again (after a restart), if it is waiting
    /// for one.
    pub fn pairing_offer(&self) -> Result<Option<PairingOffer>, WalletError> {
        let Some(j) = self.inner.cache()?.joining()? else {
            return Ok(None);
        };
        let Some(text) = j.code.as_deref().filter(|_| j.kind == JoinKind::Pairing) else {
            return Ok(None);
        };
        let code = PairingCode::parse(text)?;
        Ok(Some(PairingOffer {
            pairing_id: j.ref_id.clone(),
            qr: code.qr_text(&j.device_public_key, &j.payment_public_key),
            confirmation: confirmation_number(
                &code.secret(),
                &j.device_public_key,
                &j.payment_public_key,
            ),
            code: code.text(),
            expires_at: j.expires_at,
        }))
    }

    /// On a joining device: asks the backend whether it belongs to the account yet. When it
    /// does, stores the account, rebuilds history and balance from the backend and says
    /// `Joined`. A pairing past its expiry is `PairingExpired`; a cancelled recovery is
    /// `RecoveryCancelled` (either way the device forgets what it waited for).
    pub async fn check_join(&self) -> Result<JoinProgress, WalletError> {
        if let Some(a) = self.account()? {
            return Ok(JoinProgress::Joined(a));
        }
        let j = self
            .inner
            .cache()?
            .joining()?
            .ok_or(WalletError::NotEnrolled)?;
        let creds = self.joining_credentials(&j).await?;
        let api = self.api_at(&j.backend_url)?;
        let (account, notice_cursor) = match j.kind {
            JoinKind::Pairing => {
                let p = api
                    .pairing(&creds, &j.ref_id)
                    .await
                    .map_err(WalletError::from_api)?;
                match (p.state, p.account) {
                    (PairingState::Approved, Some(a)) => (a, p.notice_cursor),
                    (PairingState::Waiting, _) => {
                        return Ok(JoinProgress::Waiting {
                            until: p.expires_at,
                        });
                    }
                    _ => {
                        self.forget_join()?;
                        return Err(WalletError::PairingExpired);
                    }
                }
            }
            JoinKind::Recovery => {
                let r = api
                    .recovery(&creds, &j.ref_id)
                    .await
                    .map_err(WalletError::from_api)?;
                match (r.state, r.account) {
                    (RecoveryState::Completed, Some(a)) => (a, r.notice_cursor),
                    (RecoveryState::Waiting, _) => {
                        return Ok(JoinProgress::Waiting {
                            until: r.completes_at,
                        });
                    }
                    _ => {
                        self.forget_join()?;
                        return Err(WalletError::RecoveryCancelled);
                    }
                }
            }
        };
        let record = AccountRecord {
            account_id: account.account_id,
            device_id: creds.device_id.clone(),
            name: account.name,
            currency: account.currency,
            backend_url: j.backend_url.clone(),
            device_public_key: j.device_public_key.clone(),
            payment_public_key: j.payment_public_key.clone(),
            device_key_wrapped: j.device_key_wrapped.clone(),
            payment_key_wrapped: j.payment_key_wrapped.clone(),
            created_at: account.created_at,
        };
        let record = self.become_device(record, creds)?;
        *self.inner.joining() = None;
        self.rebuild_from_backend(notice_cursor.unwrap_or(0))
            .await?;
        Ok(JoinProgress::Joined(record))
    }

    /// Gives up joining: the new keys are forgotten.
    pub fn forget_join(&self) -> Result<(), WalletError> {
        self.inner.cache()?.clear_joining()?;
        *self.inner.joining() = None;
        Ok(())
    }

    /// What a device that just joined fetches: the whole history, the balance, and the
    /// event and notice cursors as of now (what happened before it joined is history, not
    /// news). The backend is the truth; nothing of the old device's outbox comes along,
    /// and its intents settle there or expire as the backend decides.
    async fn rebuild_from_backend(&self, notice_cursor: i64) -> Result<(), WalletError> {
        self.sync_history().await?;
        self.balance().await?;
        let cache = self.inner.cache()?;
        cache.set_event_cursor(cache.newest_seq()?.unwrap_or(0))?;
        cache.set_notice_cursor(notice_cursor)?;
        Ok(())
    }

    /// On a device of the account: reads a pairing code (either form) and shows what would
    /// be added. A QR whose keys differ from what the backend relays is
    /// `ConfirmationMismatch`.
    pub async fn open_pairing(&self, code: &str) -> Result<PairingRequest, WalletError> {
        Ok(self.opened_pairing(&PairingCode::parse(code)?).await?.1)
    }

    /// Opens a pairing with the backend: the offer as it holds it, and what the screen shows.
    async fn opened_pairing(
        &self,
        code: &PairingCode,
    ) -> Result<(Pairing, PairingRequest), WalletError> {
        let (account, creds) = self.credentials().await?;
        let p = self
            .api(Some(&account))?
            .open_pairing(
                &creds,
                &code.pairing_id(),
                &OpenPairingRequest {
                    secret: code.secret().to_string(),
                },
            )
            .await
            .map_err(WalletError::from_api)?;
        if let Some((dk, pk)) = code.shown_keys()
            && (dk != p.device_public_key || pk != p.payment_public_key)
        {
            return Err(WalletError::ConfirmationMismatch);
        }
        let device_name = crate::text::check_shown_text(&p.device_name, 80)
            .map_err(|_| WalletError::Api(crate::api::ApiError::Decode("device name".into())))?;
        let shown = PairingRequest {
            confirmation: confirmation_number(
                &code.secret(),
                &p.device_public_key,
                &p.payment_public_key,
            ),
            pairing_id: p.pairing_id.clone(),
            device_name,
            expires_at: p.expires_at,
        };
        Ok((p, shown))
    }

    /// Approves a pairing after the user saw that `confirmation` is the number the new
    /// device shows; the payment key signs (biometric) over exactly the keys the backend
    /// holds. Returns the device added.
    pub async fn approve_pairing(
        &self,
        code: &str,
        confirmation: &str,
    ) -> Result<Device, WalletError> {
        let code = PairingCode::parse(code)?;
        let (p, shown) = self.opened_pairing(&code).await?;
        let typed: String = confirmation
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if typed != shown.confirmation {
            return Err(WalletError::ConfirmationMismatch);
        }
        let (account, creds) = self.credentials().await?;
        let message = pairing_approval_message(
            &p.pairing_id,
            &account.account_id,
            &account.device_id,
            &p.device_public_key,
            &p.payment_public_key,
            &p.device_name,
            &shown.confirmation,
            p.expires_at,
        );
        let signature = self
            .sign_with_payment_key(
                message,
                format!("Add “{}” to your wallet", shown.device_name),
            )
            .await?;
        self.api(Some(&account))?
            .approve_pairing(
                &creds,
                &p.pairing_id,
                &ApprovePairingRequest {
                    secret: code.secret().to_string(),
                    confirmation: shown.confirmation,
                    signature: B64.encode(signature),
                },
            )
            .await
            .map_err(WalletError::from_api)
    }

    /// On a new device with no old one: proves the recovery code and starts the recovery's
    /// cool-off (every other device is told and may cancel). A typo is `BadCode` before any
    /// request; a code no account has is `RecoveryCodeWrong`. Then call
    /// [`Wallet::check_join`] until it says `Joined`.
    pub async fn start_recovery(
        &self,
        recovery_code: &str,
        device_name: &str,
    ) -> Result<Recovery, WalletError> {
        self.require_not_enrolled()?;
        let code = RecoveryCode::parse(recovery_code)?;
        let device_name = shown_name("device name", device_name)?;
        let api = self.api(None)?;
        let new = self.new_device().await?;
        let challenge = api
            .recovery_challenge(
                &new.creds,
                &RecoveryChallengeRequest {
                    lookup: code.lookup(),
                    device_public_key: new.wrapped.device_public.to_base64(),
                },
            )
            .await
            .map_err(WalletError::from_api)?;
        let (kdf, lookup) = (challenge.kdf.clone(), code.lookup());
        let key = tokio::task::spawn_blocking(move || code.derive_key(&kdf))
            .await
            .map_err(|e| WalletError::Internal(e.to_string()))??;
        let (dk, pk) = new.keys();
        let proof = recovery_proof_message(&challenge.account_id, &challenge.challenge, &dk, &pk);
        let recovery = api
            .start_recovery(
                &new.creds,
                &StartRecoveryRequest {
                    lookup,
                    challenge: challenge.challenge,
                    device_public_key: dk,
                    payment_public_key: pk,
                    payment_key_proof: B64.encode(new.proof),
                    device_name: device_name.clone(),
                    signature: B64.encode(key.sign(&proof)),
                },
            )
            .await
            .map_err(WalletError::from_api)?;
        let backend_url = api.base_url().as_str().trim_end_matches('/').to_owned();
        let record = JoiningRecord {
            expires_at: recovery.completes_at,
            ..new.joining(
                JoinKind::Recovery,
                &recovery.recovery_id,
                &backend_url,
                &device_name,
                self.now(),
            )
        };
        self.remember_joining(&new, &record)?;
        Ok(recovery)
    }

    /// The account's recoveries in their cool-off (a device shows these with a cancel
    /// button).
    pub async fn recoveries(&self) -> Result<Vec<Recovery>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .recoveries(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    /// Ends a recovery in its cool-off, with this device's payment key (biometric).
    pub async fn cancel_recovery(&self, recovery_id: &str) -> Result<Recovery, WalletError> {
        let (account, creds) = self.credentials().await?;
        let message = recovery_cancel_message(&account.account_id, &account.device_id, recovery_id);
        let signature = self
            .sign_with_payment_key(message, "Stop the recovery of your wallet".into())
            .await?;
        self.api(Some(&account))?
            .cancel_recovery(
                &creds,
                recovery_id,
                &CancelRecoveryRequest {
                    signature: B64.encode(signature),
                },
            )
            .await
            .map_err(WalletError::from_api)
    }

    /// Makes a new recovery code and kills the old one (and any recovery begun with it);
    /// the payment key signs (biometric). Show the new code once.
    pub async fn rotate_recovery_code(&self) -> Result<Zeroizing<String>, WalletError> {
        let (account, creds) = self.credentials().await?;
        let cost = self.inner.cfg.recovery_cost;
        let (code, setup) = tokio::task::spawn_blocking(move || new_recovery_code(cost))
            .await
            .map_err(|e| WalletError::Internal(e.to_string()))??;
        let message = recovery_rotation_message(
            &account.account_id,
            &account.device_id,
            &setup.lookup,
            &setup.public_key,
            &setup.kdf,
        );
        let signature = self
            .sign_with_payment_key(message, "Replace your recovery code".into())
            .await?;
        self.api(Some(&account))?
            .rotate_recovery(
                &creds,
                &RotateRecoveryRequest {
                    recovery: setup,
                    signature: B64.encode(signature),
                },
            )
            .await
            .map_err(WalletError::from_api)?;
        Ok(code.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_recovery_code_derives_the_key_the_backend_keeps() {
        let (code, setup) = new_recovery_code(Argon2Cost::INSECURE_FAST).unwrap();
        let again = RecoveryCode::parse(&code.text()).unwrap();
        assert_eq!(again.lookup(), setup.lookup);
        assert_eq!(
            again.derive_key(&setup.kdf).unwrap().public_base64(),
            setup.public_key
        );
    }
}
