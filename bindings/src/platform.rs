//! What the platform owns, as foreign traits the shells implement: the key store behind the
//! biometric prompt, and the listener for account events.

use std::sync::Arc;

use purse_core::keys::{KeyPurpose, ProtectorError};
use zeroize::Zeroizing;

use crate::error::ProtectorFailure;
use purse_core::api::types::{Event, Notice};

use crate::records::PaymentUpdate;

/// Which key the core asks for: the device key (once per session) or the payment key (for
/// every payment: a strong biometric each time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyKind {
    Device,
    Payment,
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
