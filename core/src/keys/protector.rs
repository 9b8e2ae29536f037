//! The `KeyProtector` seam: whoever holds the key-encryption key.
//!
//! On a phone the platform holds it (Android Keystore behind `BiometricPrompt`, the iOS
//! Keychain behind `.biometryCurrentSet`) and the core never sees it: it hands over the
//! private key to wrap, and later the wrapped blob to unwrap, and the platform shows the
//! biometric prompt as part of the decryption. A shell that only answers "true" cannot
//! release a key, because the answer *is* the decrypted key.
//!
//! On desktops, in the CLI and in tests, [`PassphraseProtector`] stands in: its KEK is
//! derived from a passphrase with Argon2id. [`DecisionProtector`] is for tests that need a
//! user who approves, denies or cancels on cue.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use super::aead;

/// Which key is being wrapped or unwrapped; a platform may protect them differently (the
/// payment key behind a strong biometric for every use, the device key once per session).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyPurpose {
    Device,
    Payment,
    /// The wallet cache's encryption key. Needed whenever the wallet opens, background work
    /// included, so a platform protects it without a biometric (an Android Keystore key
    /// without user authentication, a Keychain item readable after first unlock); it keeps
    /// a copy of the files useless off the device, not a person holding the unlocked phone.
    Storage,
}

impl KeyPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyPurpose::Device => "device",
            KeyPurpose::Payment => "payment",
            KeyPurpose::Storage => "storage",
        }
    }
}

/// Why a protector did not hand back a key. Each variant asks the caller for something
/// different, so they stay apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtectorError {
    /// The user backed out of the prompt: not a failed attempt, do not count it.
    #[error("the user cancelled")]
    Cancelled,
    /// The user could not prove who they are (wrong passphrase, biometric not recognised).
    /// Counts towards the lockout.
    #[error("verification failed: {0}")]
    Denied(String),
    /// The protector cannot work now (no biometric enrolled, keystore invalidated, no
    /// terminal to ask on).
    #[error("key protector unavailable: {0}")]
    Unavailable(String),
    /// The wrapped blob is not one this protector made.
    #[error("wrapped key is corrupt or from another protector")]
    Corrupt,
}

/// Holds a key-encryption key and wraps/unwraps private keys with it.
///
/// `unwrap` may block on the user (a biometric prompt); call it off the UI thread. `reason`
/// is shown to the user ("Pay 12.34 CNY to Tea House").
pub trait KeyProtector: Send + Sync {
    fn wrap(&self, purpose: KeyPurpose, secret: &[u8]) -> Result<Vec<u8>, ProtectorError>;
    fn unwrap(
        &self,
        purpose: KeyPurpose,
        wrapped: &[u8],
        reason: &str,
    ) -> Result<Zeroizing<Vec<u8>>, ProtectorError>;
}

/// Where a [`PassphraseProtector`] gets its passphrase: asked lazily, so a command that does
/// not need a key never prompts.
pub trait PassphraseSource: Send + Sync {
    fn passphrase(&self, reason: &str) -> Result<Zeroizing<String>, ProtectorError>;
}

impl PassphraseSource for Zeroizing<String> {
    fn passphrase(&self, _reason: &str) -> Result<Zeroizing<String>, ProtectorError> {
        Ok(self.clone())
    }
}

/// Argon2id cost. The default follows OWASP's minimum (19 MiB, 2 passes, 1 lane); tests
/// use [`Argon2Cost::INSECURE_FAST`] so that hundreds of unlocks stay quick. The cost is
/// stored in each wrapped blob, so changing the default never strands an old wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Cost {
    pub memory_kib: u32,
    pub passes: u32,
}

impl Argon2Cost {
    pub const DEFAULT: Argon2Cost = Argon2Cost {
        memory_kib: 19 * 1024,
        passes: 2,
    };
    pub const INSECURE_FAST: Argon2Cost = Argon2Cost {
        memory_kib: 64,
        passes: 1,
    };
    /// For the recovery key: RFC 9106's second recommended option (64 MiB, 3 passes; one
    /// lane, as the `argon2` crate computes lanes one after another anyway). The code has
    /// 128 bits of entropy, so the KDF is not what stops guessing; it makes each guess of
    /// a leaked lookup or a stolen backend copy cost 64 MiB and a fraction of a second.
    pub const RECOVERY: Argon2Cost = Argon2Cost {
        memory_kib: 64 * 1024,
        passes: 3,
    };
    /// Largest cost accepted from a blob or from the backend (a hostile one must not make
    /// a phone allocate without bound).
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    pub const MAX_PASSES: u32 = 64;

    pub fn is_acceptable(&self) -> bool {
        self.memory_kib >= 8
            && self.memory_kib <= Self::MAX_MEMORY_KIB
            && (1..=Self::MAX_PASSES).contains(&self.passes)
    }

    /// Argon2id (v1.3, one lane) of `input` under `salt`: 32 bytes, or `None` for a cost
    /// outside the accepted bounds or a salt shorter than 8 bytes.
    pub fn derive(&self, input: &[u8], salt: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
        if !self.is_acceptable() {
            return None;
        }
        let params = Params::new(self.memory_kib, self.passes, 1, Some(32)).ok()?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(input, salt, out.as_mut())
            .ok()?;
        Some(out)
    }
}

const PASSPHRASE_MAGIC: &[u8; 4] = b"PPw1";
const SALT_LEN: usize = 16;
const HEADER_LEN: usize = 4 + 4 + 4 + SALT_LEN;

/// A software protector whose KEK is Argon2id(passphrase, per-blob salt).
///
/// Blob layout: `"PPw1" || memory_kib (u32 BE) || passes (u32 BE) || salt (16) || sealed`.
pub struct PassphraseProtector {
    source: Arc<dyn PassphraseSource>,
    cost: Argon2Cost,
}

impl PassphraseProtector {
    pub fn new(source: Arc<dyn PassphraseSource>) -> Self {
        Self::with_cost(source, Argon2Cost::DEFAULT)
    }

    pub fn with_cost(source: Arc<dyn PassphraseSource>, cost: Argon2Cost) -> Self {
        PassphraseProtector { source, cost }
    }

    pub fn fixed(passphrase: &str, cost: Argon2Cost) -> Self {
        Self::with_cost(Arc::new(Zeroizing::new(passphrase.to_owned())), cost)
    }

    fn kek(
        passphrase: &str,
        salt: &[u8],
        cost: Argon2Cost,
    ) -> Result<Zeroizing<[u8; 32]>, ProtectorError> {
        cost.derive(passphrase.as_bytes(), salt)
            .ok_or(ProtectorError::Corrupt)
    }

    fn aad(purpose: KeyPurpose) -> Vec<u8> {
        format!("purse-kek-v1:{}", purpose.as_str()).into_bytes()
    }
}

impl KeyProtector for PassphraseProtector {
    fn wrap(&self, purpose: KeyPurpose, secret: &[u8]) -> Result<Vec<u8>, ProtectorError> {
        let passphrase = self.source.passphrase(match purpose {
            KeyPurpose::Storage => "Protect your new wallet",
            _ => "Protect your new wallet keys",
        })?;
        let salt: [u8; SALT_LEN] =
            aead::random_bytes().map_err(|e| ProtectorError::Unavailable(e.to_string()))?;
        let kek = Self::kek(&passphrase, &salt, self.cost)?;
        let sealed = aead::seal(&kek, &Self::aad(purpose), secret)
            .map_err(|e| ProtectorError::Unavailable(e.to_string()))?;
        let mut blob = Vec::with_capacity(HEADER_LEN + sealed.len());
        blob.extend_from_slice(PASSPHRASE_MAGIC);
        blob.extend_from_slice(&self.cost.memory_kib.to_be_bytes());
        blob.extend_from_slice(&self.cost.passes.to_be_bytes());
        blob.extend_from_slice(&salt);
        blob.extend_from_slice(&sealed);
        Ok(blob)
    }

    fn unwrap(
        &self,
        purpose: KeyPurpose,
        wrapped: &[u8],
        reason: &str,
    ) -> Result<Zeroizing<Vec<u8>>, ProtectorError> {
        if wrapped.len() < HEADER_LEN || &wrapped[..4] != PASSPHRASE_MAGIC {
            return Err(ProtectorError::Corrupt);
        }
        let word = |at: usize| {
            u32::from_be_bytes([
                wrapped[at],
                wrapped[at + 1],
                wrapped[at + 2],
                wrapped[at + 3],
            ])
        };
        let cost = Argon2Cost {
            memory_kib: word(4),
            passes: word(8),
        };
        let salt = &wrapped[12..HEADER_LEN];
        let passphrase = self.source.passphrase(reason)?;
        let kek = Self::kek(&passphrase, salt, cost)?;
        aead::open(&kek, &Self::aad(purpose), &wrapped[HEADER_LEN..])
            .ok_or_else(|| ProtectorError::Denied("wrong passphrase".into()))
    }
}

/// What the simulated user of a [`DecisionProtector`] does at the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Deny,
    Cancel,
}

/// The simulated user: given what is being unlocked and why, what do they do?
pub type DecideFn = Box<dyn Fn(KeyPurpose, &str) -> Decision + Send + Sync>;

/// A test stand-in for a biometric: the KEK is random and lives in memory, and each unwrap
/// asks a decision function, as a real prompt would ask the user; except the storage key,
/// which a platform releases without a prompt.
pub struct DecisionProtector {
    kek: Zeroizing<[u8; 32]>,
    decide: DecideFn,
    prompts: AtomicU32,
}

impl DecisionProtector {
    pub fn new(decide: impl Fn(KeyPurpose, &str) -> Decision + Send + Sync + 'static) -> Self {
        DecisionProtector {
            kek: Zeroizing::new(aead::random_bytes().unwrap_or([0x5a; 32])),
            decide: Box::new(decide),
            prompts: AtomicU32::new(0),
        }
    }

    pub fn approving() -> Self {
        Self::new(|_, _| Decision::Approve)
    }

    /// How many times the user was asked.
    pub fn prompts(&self) -> u32 {
        self.prompts.load(Ordering::SeqCst)
    }
}

impl KeyProtector for DecisionProtector {
    fn wrap(&self, purpose: KeyPurpose, secret: &[u8]) -> Result<Vec<u8>, ProtectorError> {
        aead::seal(&self.kek, purpose.as_str().as_bytes(), secret)
            .map_err(|e| ProtectorError::Unavailable(e.to_string()))
    }

    fn unwrap(
        &self,
        purpose: KeyPurpose,
        wrapped: &[u8],
        reason: &str,
    ) -> Result<Zeroizing<Vec<u8>>, ProtectorError> {
        let decision = if purpose == KeyPurpose::Storage {
            Decision::Approve
        } else {
            self.prompts.fetch_add(1, Ordering::SeqCst);
            (self.decide)(purpose, reason)
        };
        match decision {
            Decision::Approve => aead::open(&self.kek, purpose.as_str().as_bytes(), wrapped)
                .ok_or(ProtectorError::Corrupt),
            Decision::Deny => Err(ProtectorError::Denied("biometric not recognised".into())),
            Decision::Cancel => Err(ProtectorError::Cancelled),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_round_trip_and_wrong_passphrase() {
        let p = PassphraseProtector::fixed("correct horse", Argon2Cost::INSECURE_FAST);
        let blob = p.wrap(KeyPurpose::Device, b"private").unwrap();
        assert!(!blob.windows(7).any(|w| w == b"private"));
        assert_eq!(
            p.unwrap(KeyPurpose::Device, &blob, "test")
                .unwrap()
                .as_slice(),
            b"private"
        );
        let wrong = PassphraseProtector::fixed("wrong horse", Argon2Cost::INSECURE_FAST);
        assert!(matches!(
            wrong.unwrap(KeyPurpose::Device, &blob, "test"),
            Err(ProtectorError::Denied(_))
        ));
    }

    #[test]
    fn purpose_is_bound_to_the_blob() {
        let p = PassphraseProtector::fixed("pw", Argon2Cost::INSECURE_FAST);
        let blob = p.wrap(KeyPurpose::Device, b"k").unwrap();
        assert!(p.unwrap(KeyPurpose::Payment, &blob, "x").is_err());
    }

    #[test]
    fn hostile_blobs_are_refused_without_work() {
        let p = PassphraseProtector::fixed("pw", Argon2Cost::INSECURE_FAST);
        assert_eq!(
            p.unwrap(KeyPurpose::Device, b"", "x"),
            Err(ProtectorError::Corrupt)
        );
        let mut huge = b"PPw1".to_vec();
        huge.extend_from_slice(&u32::MAX.to_be_bytes());
        huge.extend_from_slice(&1u32.to_be_bytes());
        huge.extend_from_slice(&[0u8; 64]);
        assert_eq!(
            p.unwrap(KeyPurpose::Device, &huge, "x"),
            Err(ProtectorError::Corrupt)
        );
    }

    #[test]
    fn default_cost_is_stored_and_used() {
        let p = PassphraseProtector::fixed("pw", Argon2Cost::DEFAULT);
        let blob = p.wrap(KeyPurpose::Payment, b"k").unwrap();
        assert_eq!(&blob[4..8], &(19u32 * 1024).to_be_bytes());
        assert_eq!(
            p.unwrap(KeyPurpose::Payment, &blob, "x")
                .unwrap()
                .as_slice(),
            b"k"
        );
    }

    #[test]
    fn decision_protector_follows_the_user() {
        let p = DecisionProtector::new(|purpose, _| match purpose {
            KeyPurpose::Device => Decision::Approve,
            KeyPurpose::Payment | KeyPurpose::Storage => Decision::Cancel,
        });
        let d = p.wrap(KeyPurpose::Device, b"d").unwrap();
        let k = p.wrap(KeyPurpose::Payment, b"k").unwrap();
        let s = p.wrap(KeyPurpose::Storage, b"s").unwrap();
        // The storage key opens the wallet without a prompt, as a platform's does.
        assert_eq!(
            p.unwrap(KeyPurpose::Storage, &s, "x").unwrap().as_slice(),
            b"s"
        );
        assert_eq!(
            p.unwrap(KeyPurpose::Device, &d, "x").unwrap().as_slice(),
            b"d"
        );
        assert_eq!(
            p.unwrap(KeyPurpose::Payment, &k, "x"),
            Err(ProtectorError::Cancelled)
        );
        assert_eq!(p.prompts(), 2);
    }
}
