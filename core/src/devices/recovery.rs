//! The recovery code: shown once at enrollment, it is the only way back into an account
//! when every device is gone.
//!
//! 128 random bits, written as a [`code`](super::code) with a check. From it the wallet
//! derives, with nothing else but parameters the backend keeps for the account:
//!
//! - a **lookup** (SHA-256 of a domain and the code, 16 bytes in hex) by which a new phone
//!   finds its account without saying which one it is;
//! - the **recovery key**, an Ed25519 key pair whose seed is HKDF-SHA-256 of Argon2id(code,
//!   salt). The backend keeps only the public half and checks it over a fresh challenge.
//!   Ed25519 rather than P-256 because the key is re-derived from the code, never stored,
//!   and an Ed25519 key is a pure function of its 32-byte seed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ring::digest::{SHA256, digest};
use ring::hkdf;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use zeroize::Zeroizing;

use super::{CodeError, code};
use crate::api::types::RecoveryKdf;
use crate::keys::{Argon2Cost, KeyError, random_bytes};

const DOMAIN: &str = "purse-recovery-code:v1";

/// A recovery code in memory (wiped when dropped).
pub struct RecoveryCode {
    secret: Zeroizing<[u8; 16]>,
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(..)")
    }
}

impl RecoveryCode {
    pub fn generate() -> Result<Self, KeyError> {
        Ok(RecoveryCode {
            secret: Zeroizing::new(random_bytes()?),
        })
    }

    /// Reads a code as the user typed it; a typo is `BadCheck` before anything is sent.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        Ok(RecoveryCode {
            secret: Zeroizing::new(code::decode(DOMAIN, text)?),
        })
    }

    /// Whether `typed` is this code, in any spelling the reader forgives (the check step
    /// after the code was shown: the user types back what they wrote down).
    pub fn matches(&self, typed: &str) -> bool {
        RecoveryCode::parse(typed).is_ok_and(|t| *t.secret == *self.secret)
    }

    /// The code as the user writes it down: `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`.
    pub fn text(&self) -> Zeroizing<String> {
        Zeroizing::new(code::encode(DOMAIN, &self.secret))
    }

    /// What the backend finds the account by.
    pub fn lookup(&self) -> String {
        let mut input = Zeroizing::new(b"purse-recovery-lookup:v1\0".to_vec());
        input.extend_from_slice(self.secret.as_ref());
        hex::encode(&digest(&SHA256, &input).as_ref()[..16])
    }

    /// Fresh KDF parameters (a random salt) at `cost`, for a new code.
    pub fn new_kdf(cost: Argon2Cost) -> Result<RecoveryKdf, KeyError> {
        let salt: [u8; 16] = random_bytes()?;
        Ok(RecoveryKdf {
            algorithm: RecoveryKdf::ARGON2ID.into(),
            memory_kib: cost.memory_kib,
            passes: cost.passes,
            salt: B64.encode(salt),
        })
    }

    /// The recovery key under `kdf` (costly by design: run it off the UI thread).
    pub fn derive_key(&self, kdf: &RecoveryKdf) -> Result<RecoveryKey, KeyError> {
        let cost = kdf
            .cost()
            .ok_or(KeyError::Corrupt("recovery KDF parameters"))?;
        let salt = B64
            .decode(&kdf.salt)
            .map_err(|_| KeyError::Corrupt("recovery KDF salt"))?;
        if salt.len() < 8 || salt.len() > 64 {
            return Err(KeyError::Corrupt("recovery KDF salt"));
        }
        let stretched = cost
            .derive(self.secret.as_ref(), &salt)
            .ok_or(KeyError::Corrupt("recovery KDF parameters"))?;
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"purse-recovery-key:v1").extract(&*stretched);
        let mut seed = Zeroizing::new([0u8; 32]);
        prk.expand(&[b"ed25519 seed"], hkdf::HKDF_SHA256)
            .and_then(|okm| okm.fill(seed.as_mut()))
            .map_err(|_| KeyError::Crypto("HKDF"))?;
        let pair = Ed25519KeyPair::from_seed_unchecked(seed.as_ref())
            .map_err(|_| KeyError::Crypto("Ed25519 key from seed"))?;
        Ok(RecoveryKey { pair })
    }
}

/// The key a recovery code derives; lives for one signature.
pub struct RecoveryKey {
    pair: Ed25519KeyPair,
}

impl RecoveryKey {
    /// Base64 of the 32-byte Ed25519 public key.
    pub fn public_base64(&self) -> String {
        B64.encode(self.pair.public_key().as_ref())
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

/// Checks a recovery key's signature (both in base64).
pub fn verify_recovery_signature(public_base64: &str, message: &[u8], signature: &str) -> bool {
    let (Ok(public), Ok(sig)) = (B64.decode(public_base64), B64.decode(signature)) else {
        return false;
    };
    public.len() == 32
        && UnparsedPublicKey::new(&ED25519, public)
            .verify(message, &sig)
            .is_ok()
}

impl RecoveryKdf {
    pub const ARGON2ID: &'static str = "argon2id";

    /// The Argon2id cost, if the parameters are ones this wallet accepts.
    pub fn cost(&self) -> Option<Argon2Cost> {
        let cost = Argon2Cost {
            memory_kib: self.memory_kib,
            passes: self.passes,
        };
        (self.algorithm == Self::ARGON2ID && cost.is_acceptable()).then_some(cost)
    }
}

/// What the recovery key signs to claim the account for a new device: the backend's fresh
/// challenge and every key of the device it will enroll.
pub fn recovery_proof_message(
    account_id: &str,
    challenge: &str,
    device_public_key: &str,
    payment_public_key: &str,
) -> Vec<u8> {
    format!(
        "purse-recovery:v1\n{account_id}\n{challenge}\n{device_public_key}\n{payment_public_key}"
    )
    .into_bytes()
}

/// What the payment key signs to replace the account's recovery code.
pub fn recovery_rotation_message(
    account_id: &str,
    device_id: &str,
    lookup: &str,
    recovery_public_key: &str,
    kdf: &RecoveryKdf,
) -> Vec<u8> {
    format!(
        "purse-recovery-rotate:v1\n{account_id}\n{device_id}\n{lookup}\n{recovery_public_key}\n{}:{}:{}:{}",
        kdf.algorithm, kdf.memory_kib, kdf.passes, kdf.salt
    )
    .into_bytes()
}

/// What the payment key of an account's device signs to cancel a recovery in its cool-off.
pub fn recovery_cancel_message(account_id: &str, device_id: &str, recovery_id: &str) -> Vec<u8> {
    format!("purse-recovery-cancel:v1\n{account_id}\n{device_id}\n{recovery_id}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> RecoveryKdf {
        RecoveryCode::new_kdf(Argon2Cost::INSECURE_FAST).unwrap()
    }

    #[test]
    fn the_same_code_and_parameters_derive_the_same_key() {
        let code = RecoveryCode::generate().unwrap();
        let kdf = fast();
        let typed = RecoveryCode::parse(&code.text().to_lowercase()).unwrap();
        assert_eq!(typed.lookup(), code.lookup());
        let (a, b) = (
            code.derive_key(&kdf).unwrap(),
            typed.derive_key(&kdf).unwrap(),
        );
        assert_eq!(a.public_base64(), b.public_base64());
        let msg = recovery_proof_message("acct_1", "c", "d", "p");
        assert!(verify_recovery_signature(
            &a.public_base64(),
            &msg,
            &B64.encode(b.sign(&msg))
        ));
        assert!(!verify_recovery_signature(
            &a.public_base64(),
            b"other",
            &B64.encode(b.sign(&msg))
        ));
    }

    #[test]
    fn another_code_or_salt_derives_another_key_and_lookup() {
        let (one, two) = (
            RecoveryCode::generate().unwrap(),
            RecoveryCode::generate().unwrap(),
        );
        let kdf = fast();
        assert_ne!(one.lookup(), two.lookup());
        assert_ne!(
            one.derive_key(&kdf).unwrap().public_base64(),
            two.derive_key(&kdf).unwrap().public_base64()
        );
        assert_ne!(
            one.derive_key(&kdf).unwrap().public_base64(),
            one.derive_key(&fast()).unwrap().public_base64()
        );
    }

    #[test]
    fn hostile_parameters_are_refused_before_any_work() {
        let code = RecoveryCode::generate().unwrap();
        for kdf in [
            RecoveryKdf {
                memory_kib: u32::MAX,
                ..fast()
            },
            RecoveryKdf {
                passes: 0,
                ..fast()
            },
            RecoveryKdf {
                algorithm: "scrypt".into(),
                ..fast()
            },
            RecoveryKdf {
                salt: "AA==".into(),
                ..fast()
            },
            RecoveryKdf {
                salt: "%%%".into(),
                ..fast()
            },
        ] {
            assert!(code.derive_key(&kdf).is_err(), "{kdf:?}");
        }
    }

    #[test]
    fn a_code_matches_its_sloppy_spelling_only() {
        let code = RecoveryCode::generate().unwrap();
        assert!(code.matches(&code.text().to_lowercase().replace('-', " ")));
        assert!(!code.matches(&RecoveryCode::generate().unwrap().text()));
        assert!(!code.matches("not a code"));
    }

    #[test]
    fn the_debug_form_never_shows_the_code() {
        let code = RecoveryCode::generate().unwrap();
        assert_eq!(format!("{code:?}"), "RecoveryCode(..)");
    }
}
