//! What the platform owns, as foreign traits the shells implement: the key store behind the
//! biometric prompt, the store of small secrets kept without a prompt, and the listeners for
//! account events and payments.

use std::sync::Arc;

use purse_core::keys::{KeyPurpose, ProtectorError, SecretStore, SecretStoreError};
use zeroize::Zeroizing;

use crate::error::ProtectorFailure;
use purse_core::api::types::{Event, Notice};

use crate::records::PaymentUpdate;

/// Which key the core asks for: the device key (once per session), the payment key (for
/// every payment: a strong biometric each time), or the storage key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyKind {
    Device,
    Payment,
    /// The wallet database's encryption key, needed at every `Wallet.open` (background work
    /// included): wrap it with a key that needs no user authentication (Android Keystore
    /// without `setUserAuthenticationRequired`, a Keychain item readable after first
    /// unlock, this device only), and never show a prompt for it.
    Storage,
}

/// The platform's key store. On Android: a Keystore AES key with
/// `setUserAuthenticationRequired(true)`, used through `BiometricPrompt`'s `CryptoObject`;
/// on iOS: a Keychain item with `.biometryCurrentSet`. `unwrap` shows the prompt with
/// `reason` and blocks until the user answers; the core calls it off the UI thread.
#[uniffi::export(with_foreign)]
pub trait KeyProtector: Send + Sync {
    /// Encrypts a freshly made private key; the result is stored by the core.
    fn wrap(&self, kind: KeyKind, secret: Vec<u8>) -> Result<Vec<u8>, ProtectorFailure>;
    /// Decrypts what `wrap` returned, after the user proves who they are.
    fn unwrap(
        &self,
        kind: KeyKind,
        wrapped: Vec<u8>,
        reason: String,
    ) -> Result<Vec<u8>, ProtectorFailure>;
}

/// Small secrets the core keeps where a copy of the app's files does not reach, read and
/// written without a prompt: the failed-unlock counter (so putting back an old copy of the
/// wallet folder does not reset it) and the session key. On Android: values sealed by a
/// Keystore key without user authentication, in the app's no-backup storage; on iOS:
/// Keychain items, `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`. Names are the core's
/// own (`lockout:…`, `session:…`); keep them apart from other apps' data.
#[uniffi::export(with_foreign)]
pub trait SecureStore: Send + Sync {
    fn get(&self, name: String) -> Result<Option<Vec<u8>>, ProtectorFailure>;
    fn set(&self, name: String, value: Vec<u8>) -> Result<(), ProtectorFailure>;
    fn delete(&self, name: String) -> Result<(), ProtectorFailure>;
}

/// Receives the account's events (payments made and received, refunds, top-ups) while a
/// subscription runs. Called on a core thread: hop to the UI thread to draw.
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    fn on_event(&self, event: Event);
    /// Something about the account's devices: one was added or revoked, a recovery started
    /// (show it with a way to cancel), ended, or the recovery code was replaced.
    fn on_notice(&self, notice: Notice);
    /// The stream broke and is being retried; nothing is lost.
    fn on_error(&self, reason: String);
}

/// Hears how a watched payment stands (`Wallet.watch_payment`): `Pending` first, then at
/// most one final update. Called on a core thread: hop to the UI thread to draw.
#[uniffi::export(with_foreign)]
pub trait PaymentListener: Send + Sync {
    fn on_update(&self, update: PaymentUpdate);
}

fn kind(p: KeyPurpose) -> KeyKind {
    match p {
        KeyPurpose::Device => KeyKind::Device,
        KeyPurpose::Payment => KeyKind::Payment,
        KeyPurpose::Storage => KeyKind::Storage,
    }
}

/// The platform's protector as the core's.
pub(crate) struct ForeignProtector(pub Arc<dyn KeyProtector>);

impl purse_core::keys::KeyProtector for ForeignProtector {
    fn wrap(&self, purpose: KeyPurpose, secret: &[u8]) -> Result<Vec<u8>, ProtectorError> {
        Ok(self.0.wrap(kind(purpose), secret.to_vec())?)
    }

    fn unwrap(
        &self,
        purpose: KeyPurpose,
        wrapped: &[u8],
        reason: &str,
    ) -> Result<Zeroizing<Vec<u8>>, ProtectorError> {
        Ok(Zeroizing::new(self.0.unwrap(
            kind(purpose),
            wrapped.to_vec(),
            reason.to_owned(),
        )?))
    }
}

/// The platform's secure store as the core's.
pub(crate) struct ForeignSecrets(pub Arc<dyn SecureStore>);

fn store_error(e: ProtectorFailure) -> SecretStoreError {
    SecretStoreError::Keyring(e.to_string())
}

impl SecretStore for ForeignSecrets {
    fn get(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        Ok(self
            .0
            .get(name.to_owned())
            .map_err(store_error)?
            .map(Zeroizing::new))
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        self.0
            .set(name.to_owned(), secret.to_vec())
            .map_err(store_error)
    }

    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        self.0.delete(name.to_owned()).map_err(store_error)
    }

    fn persists(&self) -> bool {
        true
    }
}

/// The platform's listener as the core's.
pub(crate) struct ForeignListener(pub Arc<dyn EventListener>);

impl purse_core::pay::EventListener for ForeignListener {
    fn on_event(&self, event: Event) {
        self.0.on_event(event);
    }

    fn on_notice(&self, notice: Notice) {
        self.0.on_notice(notice);
    }

    fn on_error(&self, error: String) {
        self.0.on_error(error);
    }
}
