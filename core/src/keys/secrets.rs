//! Secrets the app needs without asking the user, kept in the OS keyring.
//!
//! Through `keyring-core` and the platform's store: Secret Service on Linux desktops, the
//! Keychain on macOS, Credential Manager on Windows (the Android and iOS shells install their
//! native stores through the bindings). Where no keyring runs (a headless server, CI), the
//! [`NoSecretStore`] fallback keeps nothing: the wallet then asks for the user's
//! verification once per process instead of once per session.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};
use zeroize::Zeroizing;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretStoreError {
    #[error("no OS keyring is available here: {0}")]
    Unavailable(String),
    #[error("keyring error: {0}")]
    Keyring(String),
}

/// A small named-secret store. Names are scoped by the implementation (service + wallet).
pub trait SecretStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError>;
    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError>;
    fn delete(&self, name: &str) -> Result<(), SecretStoreError>;
    /// Whether secrets set here outlive this process.
    fn persists(&self) -> bool;
}

/// A `keyring-core` credential store, under one service name.
pub struct KeyringSecrets {
    store: Arc<CredentialStore>,
    service: String,
}

impl KeyringSecrets {
    pub fn new(store: Arc<CredentialStore>, service: impl Into<String>) -> Self {
        KeyringSecrets {
            store,
            service: service.into(),
        }
    }

    /// keyring-core's in-memory mock store: what tests use.
    pub fn mock(service: impl Into<String>) -> Result<Self, SecretStoreError> {
        let store = keyring_core::mock::Store::new().map_err(keyring_err)?;
        Ok(Self::new(store, service))
    }

    /// The platform's native store, probed once so that a keyring that is installed but not
    /// running (no D-Bus session) reports `Unavailable` here rather than on first use.
    pub fn platform(service: impl Into<String>) -> Result<Self, SecretStoreError> {
        let secrets = Self::new(platform_store()?, service);
        match secrets.get("probe") {
            Ok(_) => Ok(secrets),
            Err(SecretStoreError::Keyring(e)) | Err(SecretStoreError::Unavailable(e)) => {
                Err(SecretStoreError::Unavailable(e))
            }
        }
    }

    fn entry(&self, name: &str) -> Result<Entry, SecretStoreError> {
        Entry::new_in_store(&self.store, &self.service, name).map_err(keyring_err)
    }
}

#[cfg(all(
    feature = "desktop-keyring",
    target_os = "linux",
    not(target_os = "android")
))]
fn platform_store() -> Result<Arc<CredentialStore>, SecretStoreError> {
    let store = zbus_secret_service_keyring_store::Store::new()
        .map_err(|e| SecretStoreError::Unavailable(e.to_string()))?;
    Ok(store)
}

#[cfg(not(all(
    feature = "desktop-keyring",
    target_os = "linux",
    not(target_os = "android")
)))]
fn platform_store() -> Result<Arc<CredentialStore>, SecretStoreError> {
    Err(SecretStoreError::Unavailable(
        "no platform keyring in this build: the shell brings its own secret store".into(),
    ))
}

fn keyring_err(e: keyring_core::Error) -> SecretStoreError {
    match e {
        keyring_core::Error::PlatformFailure(_) | keyring_core::Error::NoStorageAccess(_) => {
            SecretStoreError::Unavailable(e.to_string())
        }
        other => SecretStoreError::Keyring(other.to_string()),
    }
}

impl SecretStore for KeyringSecrets {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_err(e)),
        }
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        self.entry(name)?.set_secret(secret).map_err(keyring_err)
    }

    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_err(e)),
        }
    }

    fn persists(&self) -> bool {
        true
    }
}

/// The fallback where no keyring runs: remembers nothing, so nothing leaks to disk.
pub struct NoSecretStore;

impl SecretStore for NoSecretStore {
    fn get(&self, _name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        Ok(None)
    }
    fn set(&self, _name: &str, _secret: &[u8]) -> Result<(), SecretStoreError> {
        Err(SecretStoreError::Unavailable("no keyring".into()))
    }
    fn delete(&self, _name: &str) -> Result<(), SecretStoreError> {
        Ok(())
    }
    fn persists(&self) -> bool {
        false
    }
}

/// The platform keyring if one answers, else [`NoSecretStore`] (and a log line saying so).
pub fn platform_or_fallback(service: &str) -> Arc<dyn SecretStore> {
    match KeyringSecrets::platform(service) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            tracing::info!("OS keyring not available ({e}); unlocking once per process");
            Arc::new(NoSecretStore)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_keyring_stores_and_deletes() {
        let s = KeyringSecrets::mock("purse-test").unwrap();
        assert_eq!(s.get("a").unwrap(), None);
        s.set("a", b"secret").unwrap();
        assert_eq!(s.get("a").unwrap().unwrap().as_slice(), b"secret");
        s.delete("a").unwrap();
        assert_eq!(s.get("a").unwrap(), None);
        s.delete("a").unwrap();
    }

    #[test]
    fn fallback_keeps_nothing() {
        let s = NoSecretStore;
        assert!(s.set("a", b"x").is_err());
        assert_eq!(s.get("a").unwrap(), None);
        assert!(!s.persists());
    }
}
