//! Where the failed-unlock counter is kept: where putting back a copy of the wallet's files
//! does not reset it.
//!
//! The key store (the OS keyring, the phone's Keychain or Keystore-backed storage through
//! the bindings) holds it when one outlives the process; a small owner-only file beside the
//! cache holds it as well, and the stricter of the two counts. Where no key store runs (a
//! headless machine), only the file does: whoever can put an old copy back there could as
//! well guess the passphrase offline against the copied key file, so the Argon2id cost, not
//! the counter, is what stands in their way (SECURITY.md).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::keys::{LockoutState, SecretStore};

use super::WalletError;

/// The file beside the cache.
pub const LOCKOUT_FILE: &str = "lockout.json";

pub(crate) struct LockoutStore {
    secrets: Arc<dyn SecretStore>,
    file: PathBuf,
    /// The name in the key store, scoped to this wallet (several may share one keyring).
    name: String,
}

impl LockoutStore {
    pub fn new(secrets: Arc<dyn SecretStore>, data_dir: &Path, wallet_id: &str) -> Self {
        LockoutStore {
            secrets,
            file: data_dir.join(LOCKOUT_FILE),
            name: format!("lockout:{wallet_id}"),
        }
    }

    /// The stricter of what the key store and the file say. An unreadable or garbled
    /// record counts as none: it only ever lowers the barrier the other one keeps.
    pub fn load(&self) -> Result<LockoutState, WalletError> {
        let from_file = std::fs::read(&self.file)
            .ok()
            .and_then(|b| serde_json::from_slice::<LockoutState>(&b).ok())
            .unwrap_or_default();
        let from_store = if self.secrets.persists() {
            self.secrets
                .get(&self.name)
                .map_err(|e| WalletError::ProtectorUnavailable(e.to_string()))?
                .and_then(|b| serde_json::from_slice::<LockoutState>(&b).ok())
                .unwrap_or_default()
        } else {
            LockoutState::default()
        };
        Ok(LockoutState {
            failures: from_file.failures.max(from_store.failures),
            locked_until: from_file.locked_until.max(from_store.locked_until),
        })
    }

    pub fn save(&self, state: LockoutState) -> Result<(), WalletError> {
        let bytes = serde_json::to_vec(&state).map_err(|e| WalletError::Internal(e.to_string()))?;
        if self.secrets.persists() {
            self.secrets
                .set(&self.name, &bytes)
                .map_err(|e| WalletError::ProtectorUnavailable(e.to_string()))?;
        }
        crate::private_files::write_private(&self.file, &bytes).map_err(|e| {
            WalletError::Internal(format!("cannot write {}: {e}", self.file.display()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyringSecrets, NoSecretStore};

    #[test]
    fn a_copy_put_back_does_not_reset_what_the_key_store_holds() {
        let dir = tempfile::tempdir().unwrap();
        let store = LockoutStore::new(
            Arc::new(KeyringSecrets::mock("purse-test").unwrap()),
            dir.path(),
            "w1",
        );
        store.save(LockoutState::default()).unwrap();
        let copy = std::fs::read(dir.path().join(LOCKOUT_FILE)).unwrap();
        let locked = LockoutState {
            failures: 5,
            locked_until: 9_999,
        };
        store.save(locked).unwrap();
        std::fs::write(dir.path().join(LOCKOUT_FILE), copy).unwrap();
        assert_eq!(store.load().unwrap(), locked);
        std::fs::remove_file(dir.path().join(LOCKOUT_FILE)).unwrap();
        assert_eq!(store.load().unwrap(), locked);
    }

    #[test]
    fn without_a_key_store_the_file_counts() {
        let dir = tempfile::tempdir().unwrap();
        let store = LockoutStore::new(Arc::new(NoSecretStore), dir.path(), "w1");
        assert_eq!(store.load().unwrap(), LockoutState::default());
        let locked = LockoutState {
            failures: 3,
            locked_until: 42,
        };
        store.save(locked).unwrap();
        assert_eq!(store.load().unwrap(), locked);
        assert!(crate::private_files::is_private(&dir.path().join(LOCKOUT_FILE)).unwrap());
        std::fs::write(dir.path().join(LOCKOUT_FILE), b"{garbled").unwrap();
        assert_eq!(store.load().unwrap(), LockoutState::default());
    }
}
