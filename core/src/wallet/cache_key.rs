//! The cache's encryption key: made once per wallet, wrapped by the key protector
//! ([`KeyPurpose::Storage`], no biometric on a phone) and kept in `wallet.key` beside the
//! cache. The wallet cannot open without it: a copy of the folder is useless without the
//! protector, and with a passphrase protector each open is a verified unlock (the lockout
//! counts it).
//!
//! Where a key store outlives the process (the desktop keyring, the phone's secure store),
//! the unwrapped key is kept there too, so that opening the wallet asks nothing: the key
//! store is then the protector without a biometric, as the platform's is on a phone.
//!
//! Where a key store outlives the process (the desktop keyring, the phone's secure store),
//! the unwrapped key is kept there too, so that opening the wallet asks nothing: the key
//! store is then the protector without a biometric, as the platform's is on a phone.
//!
//! `wallet.key` is written once and never rewritten (losing it loses the cache; the keys in
//! the cache can be recovered with the recovery code, the rest fetched again).

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use crate::cache::{Cache, CacheKey, encrypt_in_place, is_plaintext};
use crate::keys::{KeyProtector, KeyPurpose, LockoutPolicy, ProtectorError};

use super::WalletError;
use super::lockout_store::LockoutStore;

/// The key file's name in the data directory.
pub const KEY_FILE: &str = "wallet.key";

/// What the prompt says when a passphrase protector asks to open the wallet.
const OPEN_REASON: &str = "Open your Purse wallet";

#[derive(Serialize, Deserialize)]
struct KeyFile {
    version: u32,
    /// Names this wallet's records in a key store several wallets share.
    wallet_id: String,
    /// The cache key as the protector wrapped it, base64.
    wrapped: String,
}

/// An opened cache and the lockout record of the wallet it belongs to.
pub(crate) struct Opened {
    pub cache: Cache,
    pub lockout: LockoutStore,
}

pub(crate) struct Opener<'a> {
    pub data_dir: &'a Path,
    pub cache_path: &'a Path,
    pub protector: &'a dyn KeyProtector,
    pub secrets: std::sync::Arc<dyn crate::keys::SecretStore>,
    pub policy: LockoutPolicy,
    pub now: i64,
}

impl Opener<'_> {
    fn key_path(&self) -> PathBuf {
        self.data_dir.join(KEY_FILE)
    }

    /// Whether `data_dir` holds a wallet (its key file, or a cache from before encryption).
    pub fn exists(data_dir: &Path, cache_path: &Path) -> bool {
        data_dir.join(KEY_FILE).exists() || has_data(cache_path)
    }

    /// Opens the wallet's cache: unwraps its key (making one for a new wallet), encrypts a
    /// cache left from before encryption, and opens it.
    pub fn open(&self) -> Result<Opened, WalletError> {
        let (file, made) = match self.read_key_file()? {
            Some(file) => (file, None),
            None => match self.create_key_file()? {
                Some((file, key)) => (file, Some(key)),
                // Another process made it first: use theirs.
                None => {
                    let file = self.read_key_file()?.ok_or_else(|| {
                        WalletError::Internal("the wallet key file vanished".into())
                    })?;
                    (file, None)
                }
            },
        };
        let lockout = LockoutStore::new(self.secrets.clone(), self.data_dir, &file.wallet_id);
        let key = match made {
            Some(key) => {
                self.remember(&file, &key);
                key
            }
            None => match self.remembered(&file) {
                Some(key) => key,
                None => {
                    let key = self.unwrap(&file, &lockout)?;
                    self.remember(&file, &key);
                    key
                }
            },
        };
        let io = |e: std::io::Error| {
            WalletError::Internal(format!("cannot read {}: {e}", self.cache_path.display()))
        };
        if is_plaintext(self.cache_path).map_err(io)? {
            tracing::info!("encrypting the wallet cache");
            encrypt_in_place(self.cache_path, &key)?;
        }
        crate::private_files::private_file(self.cache_path).map_err(io)?;
        Ok(Opened {
            cache: Cache::open(self.cache_path, &key)?,
            lockout,
        })
    }

    fn remembered_name(file: &KeyFile) -> String {
        format!("cache-key:{}", file.wallet_id)
    }

    /// The key as a persisting key store kept it, if it did.
    fn remembered(&self, file: &KeyFile) -> Option<CacheKey> {
        if !self.secrets.persists() {
            return None;
        }
        let bytes = self.secrets.get(&Self::remembered_name(file)).ok()??;
        CacheKey::from_bytes(&bytes)
    }

    /// Best effort: without it the next open asks the protector again.
    fn remember(&self, file: &KeyFile, key: &CacheKey) {
        if self.secrets.persists()
            && let Err(e) = self
                .secrets
                .set(&Self::remembered_name(file), key.as_bytes())
        {
            tracing::info!("not keeping the cache key in the key store: {e}");
        }
    }

    fn read_key_file(&self) -> Result<Option<KeyFile>, WalletError> {
        let path = self.key_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(WalletError::Internal(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        };
        let file: KeyFile = serde_json::from_slice(&bytes)
            .map_err(|e| WalletError::Internal(format!("{} is damaged: {e}", path.display())))?;
        if file.version != 1 {
            return Err(WalletError::Internal(format!(
                "{} is version {}; this build reads version 1",
                path.display(),
                file.version
            )));
        }
        Ok(Some(file))
    }

    /// Makes the key of a new wallet (or of a cache from before encryption) and writes the
    /// key file; `None` if another process wrote one first.
    fn create_key_file(&self) -> Result<Option<(KeyFile, CacheKey)>, WalletError> {
        if has_data(self.cache_path) && !is_plaintext(self.cache_path).unwrap_or(false) {
            return Err(WalletError::Internal(format!(
                "{} is missing: the encrypted wallet cache cannot be opened without it",
                self.key_path().display()
            )));
        }
        let key = CacheKey::generate()?;
        let wrapped = self.protector.wrap(KeyPurpose::Storage, key.as_bytes())?;
        let id: [u8; 16] =
            crate::keys::random_bytes().map_err(|e| WalletError::Internal(e.to_string()))?;
        let file = KeyFile {
            version: 1,
            wallet_id: hex::encode(id),
            wrapped: B64.encode(wrapped),
        };
        let bytes = serde_json::to_vec(&file).map_err(|e| WalletError::Internal(e.to_string()))?;
        match crate::private_files::create_new_private(&self.key_path(), &bytes) {
            Ok(()) => Ok(Some((file, key))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
            Err(e) => Err(WalletError::Internal(format!(
                "cannot write {}: {e}",
                self.key_path().display()
            ))),
        }
    }

    fn unwrap(&self, file: &KeyFile, lockout: &LockoutStore) -> Result<CacheKey, WalletError> {
        let wrapped = B64.decode(&file.wrapped).map_err(|_| {
            WalletError::Internal(format!("{} is damaged", self.key_path().display()))
        })?;
        let secret = verified(self.policy, lockout, self.now, || {
            self.protector
                .unwrap(KeyPurpose::Storage, &wrapped, OPEN_REASON)
        })?;
        CacheKey::from_bytes(&secret).ok_or_else(|| {
            WalletError::Internal(format!("{} holds no cache key", self.key_path().display()))
        })
    }
}

/// Whether the cache file exists with something in it (SQLite leaves an empty file alone).
fn has_data(cache_path: &Path) -> bool {
    std::fs::metadata(cache_path).is_ok_and(|m| m.len() > 0)
}

/// Runs one unwrap under the lockout: refused while locked out, a denial counted, a success
/// clearing the count. Every verified unlock of the wallet goes through here.
pub(crate) fn verified<T>(
    policy: LockoutPolicy,
    lockout: &LockoutStore,
    now: i64,
    unwrap: impl FnOnce() -> Result<T, ProtectorError>,
) -> Result<T, WalletError> {
    let state = lockout.load()?;
    policy
        .check(state, now)
        .map_err(|s| WalletError::LockedOut {
            retry_after_secs: s,
        })?;
    match unwrap() {
        Ok(v) => {
            if state.failures > 0 {
                lockout.save(policy.after_success())?;
            }
            Ok(v)
        }
        Err(ProtectorError::Denied(m)) => {
            let next = policy.after_failure(state, now);
            lockout.save(next)?;
            tracing::info!(failures = next.failures, "failed unlock");
            Err(WalletError::VerificationFailed(m))
        }
        Err(e) => Err(e.into()),
    }
}
