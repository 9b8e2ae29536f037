//! Device and payment keys: generation, wrapping, user-verified unlock, lockout.
//!
//! Two P-256 key pairs per device. The device key signs every HTTP request and is unlocked
//! once per app session; the payment key signs payment authorizations and is unwrapped for
//! one signature at a time, behind a user verification, then dropped (and wiped).

mod aead;
mod keypair;
mod lockout;
mod protector;
mod secrets;
mod subkey;

pub use keypair::{PublicKey, SigningKey, device_id_for};
pub use lockout::{LockoutPolicy, LockoutState};
pub use protector::{
    Argon2Cost, Decision, DecisionProtector, KeyProtector, KeyPurpose, PassphraseProtector,
    PassphraseSource, ProtectorError,
};
pub use secrets::{
    KeyringSecrets, NoSecretStore, SecretStore, SecretStoreError, platform_or_fallback,
};

pub(crate) use aead::{open as aead_open, random_bytes, seal as aead_seal};
pub(crate) use subkey::subkey;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("key material is corrupt: {0}")]
    Corrupt(&'static str),
    #[error("cryptographic failure: {0}")]
    Crypto(&'static str),
    #[error(transparent)]
    Protector(#[from] ProtectorError),
    #[error("too many failed attempts; try again in {0} s")]
    LockedOut(i64),
}

/// Both key pairs of a new device, wrapped by the protector, with their public halves.
#[derive(Debug, Clone)]
pub struct WrappedKeys {
    pub device_public: PublicKey,
    pub payment_public: PublicKey,
    pub device_wrapped: Vec<u8>,
    pub payment_wrapped: Vec<u8>,
}

/// Generates the device and payment keys and wraps both. Also returns the unwrapped device
/// key, so enrollment can sign its first request without a second prompt, and a proof that
/// the caller holds the payment key ([`payment_key_proof_message`]).
pub fn generate_device_keys(
    protector: &dyn KeyProtector,
) -> Result<(WrappedKeys, SigningKey, [u8; 64]), KeyError> {
    let device = SigningKey::generate()?;
    let payment = SigningKey::generate()?;
    let device_id = device_id_for(&device.public_key());
    let proof = payment.sign(&payment_key_proof_message(
        &device_id,
        &payment.public_key(),
    ))?;
    let wrapped = WrappedKeys {
        device_public: device.public_key(),
        payment_public: payment.public_key(),
        device_wrapped: protector.wrap(KeyPurpose::Device, device.pkcs8())?,
        payment_wrapped: protector.wrap(KeyPurpose::Payment, payment.pkcs8())?,
    };
    Ok((wrapped, device, proof))
}

/// What the payment key signs at enrollment to prove the enrolling device holds it.
pub fn payment_key_proof_message(device_id: &str, payment_public: &PublicKey) -> Vec<u8> {
    format!(
        "purse-payment-key-proof:v1:{device_id}:{}",
        payment_public.to_base64()
    )
    .into_bytes()
}

/// Unwraps one key through the protector.
pub fn unwrap_key(
    protector: &dyn KeyProtector,
    purpose: KeyPurpose,
    wrapped: &[u8],
    reason: &str,
) -> Result<SigningKey, KeyError> {
    let pkcs8 = protector.unwrap(purpose, wrapped, reason)?;
    SigningKey::from_pkcs8(&pkcs8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_unwrap_to_their_public_halves() {
        let p = DecisionProtector::approving();
        let (wrapped, device, proof) = generate_device_keys(&p).unwrap();
        assert_eq!(device.public_key(), wrapped.device_public);
        let payment = unwrap_key(&p, KeyPurpose::Payment, &wrapped.payment_wrapped, "x").unwrap();
        assert_eq!(payment.public_key(), wrapped.payment_public);
        let msg = payment_key_proof_message(
            &device_id_for(&wrapped.device_public),
            &wrapped.payment_public,
        );
        assert!(wrapped.payment_public.verify(&msg, &proof));
    }
}
