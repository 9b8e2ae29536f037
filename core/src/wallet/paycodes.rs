//! Pay codes: the customer shows a code, the till charges it, even with the phone offline.
//!
//! The device's pay-code secret comes from the backend while online and is kept sealed under
//! a key derived from the device key (which the key protector wraps): it is released exactly
//! when the wallet is unlocked. Showing a code therefore needs the wallet unlocked, not a
//! biometric per code — a till's queue cannot wait for a fingerprint at every step, and a
//! code charges at once only up to the customer's own no-confirmation limit; above it, the
//! customer confirms with the payment key behind the biometric ([`Wallet::confirm_charge`]).

use zeroize::Zeroizing;

use super::*;
use crate::cache::PayCodeKeyRecord;
use crate::keys::{aead_open, aead_seal, subkey};
use crate::pay::AUTHORIZATION_TTL_SECS;
use crate::paycode::consumer::{
    DRIFT_STEPS, INDEX_DIGITS, SLOTS, first_counter, generate_at, next_counter, seconds_left,
};
use crate::sign::PayCodeAuthorization;

/// Refresh the secret when it has less than this left and the backend can be reached.
pub const REFRESH_BEFORE_SECS: i64 = 24 * 3600;

const SECRET_LEN: usize = 32;

/// A pay code to show now: the same value as digits and as a QR.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ShownPayCode {
    /// The 18 digits, for a barcode or a cashier typing them.
    pub digits: String,
    /// The digits in groups, as a person reads them: `29 1234 5678 1234 5678`.
    pub grouped: String,
    /// The QR's text (EMVCo consumer-presented, base64).
    pub qr_text: String,
    /// Seconds until the next code replaces this one: show the next one then.
    pub seconds_left: i64,
    /// The device's secret works until then; after it the phone must go online once.
    pub valid_until: i64,
}

/// The device's pay-code secret, opened, with its index and expiry.
struct OpenKey {
    device_index: u32,
    secret: Zeroizing<Vec<u8>>,
    expires_at: i64,
}

/// The pay-code subkey of this device key, and its label (which also binds the seal to the
/// device).
fn sealing_key(creds: &DeviceCredentials) -> Result<(String, Zeroizing<[u8; 32]>), WalletError> {
    let label = format!("purse-paycode-secret-v1:{}", creds.device_id);
    let key = subkey(&creds.key, &label)?;
    Ok((label, key))
}

/// Seals the secret under this device key's pay-code subkey.
fn seal_secret(creds: &DeviceCredentials, secret: &[u8]) -> Result<Vec<u8>, WalletError> {
    let (label, key) = sealing_key(creds)?;
    Ok(aead_seal(&key, label.as_bytes(), secret)?)
}

/// The secret, if this device key sealed it and it has the right length.
fn open_secret(
    creds: &DeviceCredentials,
    sealed: &[u8],
) -> Result<Option<Zeroizing<Vec<u8>>>, WalletError> {
    let (label, key) = sealing_key(creds)?;
    Ok(aead_open(&key, label.as_bytes(), sealed).filter(|s| s.len() == SECRET_LEN))
}

/// Whether a page of the event stream shows a charge of this account's pay codes (a
/// payment whose intent is a charge, or a charge waiting for confirmation): the code on
/// the screen is then used.
pub(super) fn charge_seen(page: &EventPage) -> bool {
    page.data
        .iter()
        .any(|e| e.transaction.intent_id.as_deref().is_some_and(is_charge_id))
        || page
            .notices
            .iter()
            .any(|n| n.kind == NoticeKind::PaycodeConfirmation)
}

impl Wallet {
    /// The pay code of now. Needs the wallet unlocked (prompting once if it is not); works
    /// offline for as long as the device's secret is valid, and refreshes the secret first
    /// when it is missing or has less than a day left and the backend answers. Once a
    /// charge of this account's codes has been seen ([`Wallet::poll_events`],
    /// [`Wallet::confirm_charge`]), the next call shows a new code at once, not at the next
    /// step: call it again after a payment.
    pub async fn pay_code(&self) -> Result<ShownPayCode, WalletError> {
        let (account, creds) = self.credentials().await?;
        let now = self.now();
        let key = match self.kept_pay_code_key(&creds)? {
            Some(k) if k.expires_at - now > REFRESH_BEFORE_SECS => k,
            kept => match self.fetch_pay_code_key(&account, &creds).await {
                Ok(fresh) => fresh,
                Err(e) if e.is_network() => match kept {
                    Some(k) if k.expires_at > now => {
                        tracing::info!(
                            "pay-code secret not refreshed (offline); the kept one serves"
                        );
                        k
                    }
                    _ => return Err(WalletError::PayCodeUnavailable),
                },
                Err(e) => return Err(e),
            },
        };
        let code = {
            let cache = self.inner.cache()?;
            // Past the last code known charged; should every code up to the step after now
            // be used (eight charges in a minute), the last one shows and is refused as used.
            let used = cache.paycode_counters()?.used;
            let counter = next_counter(now, used)
                .unwrap_or_else(|| first_counter(now) + (DRIFT_STEPS + 1) * SLOTS - 1);
            cache.set_paycode_shown(counter)?;
            generate_at(&key.secret, key.device_index, counter)
        };
        Ok(ShownPayCode {
            digits: code.digits(),
            grouped: code.grouped(),
            qr_text: code.qr_text(),
            seconds_left: seconds_left(now),
            valid_until: key.expires_at,
        })
    }

    /// Asks the backend for a fresh pay-code secret now (the codes shown before stop
    /// working); returns until when it is valid.
    pub async fn refresh_pay_code_key(&self) -> Result<i64, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self.fetch_pay_code_key(&account, &creds).await?.expires_at)
    }

    /// The kept secret, if there is one this device key opens.
    fn kept_pay_code_key(&self, creds: &DeviceCredentials) -> Result<Option<OpenKey>, WalletError> {
        let Some(rec) = self.inner.cache()?.paycode_key()? else {
            return Ok(None);
        };
        Ok(
            open_secret(creds, &rec.secret_wrapped)?.map(|secret| OpenKey {
                device_index: rec.device_index,
                secret,
                expires_at: rec.expires_at,
            }),
        )
    }

    async fn fetch_pay_code_key(
        &self,
        account: &AccountRecord,
        creds: &DeviceCredentials,
    ) -> Result<OpenKey, WalletError> {
        let k = self
            .api(Some(account))?
            .paycode_key(creds)
            .await
            .map_err(WalletError::from_api)?;
        let bad = |what: &str| {
            WalletError::Api(crate::api::ApiError::Decode(format!(
                "pay-code key: {what}"
            )))
        };
        let secret = Zeroizing::new(
            B64.decode(&k.secret)
                .map_err(|_| bad("secret not base64"))?,
        );
        if secret.len() != SECRET_LEN {
            return Err(bad("secret of the wrong length"));
        }
        if k.device_index >= 10u32.pow(INDEX_DIGITS) {
            return Err(bad("index out of range"));
        }
        if k.expires_at <= self.now() || k.expires_at <= k.issued_at {
            return Err(bad("already expired"));
        }
        let secret_wrapped = seal_secret(creds, &secret)?;
        self.inner.cache()?.save_paycode_key(&PayCodeKeyRecord {
            device_index: k.device_index,
            secret_wrapped,
            issued_at: k.issued_at,
            expires_at: k.expires_at,
        })?;
        Ok(OpenKey {
            device_index: k.device_index,
            secret,
            expires_at: k.expires_at,
        })
    }

    /// A merchant's till charges the code its customer shows (digits or the QR's text) for
    /// `amount`, under `reference` (the sale's own number). One idempotency key covers the
    /// retries of this call.
    pub async fn charge_pay_code(
        &self,
        code: &str,
        amount: Money,
        reference: &str,
    ) -> Result<PayCodeCharge, WalletError> {
        if !amount.is_positive() {
            return Err(WalletError::InvalidInput(
                "the amount must be positive".into(),
            ));
        }
        let (account, creds) = self.credentials().await?;
        let req = ChargeRequest {
            code: code.to_owned(),
            amount,
            reference: reference.to_owned(),
        };
        self.api(Some(&account))?
            .charge_paycode(&creds, &req)
            .await
            .map_err(WalletError::from_api)
    }

    /// One charge, for its merchant or its customer, as it stands now.
    pub async fn pay_code_charge(&self, charge_id: &str) -> Result<PayCodeCharge, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .paycode_charge(&creds, charge_id)
            .await
            .map_err(WalletError::from_api)
    }

    /// Charges of this account's codes that wait for its confirmation (each for a minute).
    pub async fn waiting_charges(&self) -> Result<Vec<PayCodeCharge>, WalletError> {
        let (account, creds) = self.credentials().await?;
        Ok(self
            .api(Some(&account))?
            .waiting_charges(&creds)
            .await
            .map_err(WalletError::from_api)?
            .data)
    }

    /// Confirms a waiting charge with the payment key, behind the biometric; the prompt
    /// names the amount and the merchant as the backend knows them. Repeating it is safe.
    pub async fn confirm_charge(&self, charge_id: &str) -> Result<PayCodeCharge, WalletError> {
        let (account, creds) = self.credentials().await?;
        let api = self.api(Some(&account))?;
        let c = api
            .paycode_charge(&creds, charge_id)
            .await
            .map_err(WalletError::from_api)?;
        if c.state != ChargeState::AwaitingConfirmation {
            return Ok(c);
        }
        let auth = PayCodeAuthorization {
            charge_id: c.charge_id.clone(),
            account_id: account.account_id.clone(),
            merchant_id: c.merchant_id.clone(),
            amount: c.amount,
            expires_at: self.now() + AUTHORIZATION_TTL_SECS,
        };
        auth.validate()
            .map_err(|e| WalletError::InvalidInput(e.to_string()))?;
        let reason = format!("Pay {} to {}", c.amount, c.merchant_name);
        let sig = self
            .sign_with_payment_key(auth.signing_bytes(), reason)
            .await?;
        let done = api
            .confirm_charge(
                &creds,
                &ConfirmChargeRequest {
                    authorization: auth,
                    authorization_signature: B64.encode(sig),
                },
            )
            .await
            .map_err(WalletError::from_api)?;
        let mut cache = self.inner.cache()?;
        cache.mark_paycode_shown_used()?;
        if let Some(t) = &done.transaction {
            cache.upsert_transactions(std::slice::from_ref(t))?;
        }
        Ok(done)
    }

    /// Declines a waiting charge: it is canceled and nothing moves.
    pub async fn decline_charge(&self, charge_id: &str) -> Result<PayCodeCharge, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .decline_charge(&creds, charge_id)
            .await
            .map_err(WalletError::from_api)
    }

    /// The most a code is charged without asking, and the most that may be set.
    pub async fn pay_code_limit(&self) -> Result<PayCodeLimit, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .paycode_limit(&creds)
            .await
            .map_err(WalletError::from_api)
    }

    /// Sets the no-confirmation limit (zero asks every time).
    pub async fn set_pay_code_limit(&self, limit: Money) -> Result<PayCodeLimit, WalletError> {
        let (account, creds) = self.credentials().await?;
        self.api(Some(&account))?
            .set_paycode_limit(&creds, limit)
            .await
            .map_err(WalletError::from_api)
    }
}
