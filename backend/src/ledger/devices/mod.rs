//! The rules that add a device to an account: pairing (approved by a device the account
//! has) and recovery (proved by the recovery code, after a cool-off every other device is
//! told about). Plain Rust over the transaction interface; the routes draw ids, check what
//! needs no database and rate-limit the attempts.

pub mod pairing;
pub mod recovery;
pub mod store;

#[cfg(test)]
pub(crate) mod memory;
#[cfg(test)]
mod tests;

pub use store::*;

use purse_core::api::types::NoticeKind;

use super::rows::DeviceRow;
use super::tx::{Result, Tx};

/// Tells every device of the account (the stream is per account).
fn notify(
    tx: &mut dyn Tx,
    account_id: &str,
    kind: NoticeKind,
    about: (&str, &str),
    recovery: Option<(&str, i64)>,
    now: i64,
) -> Result<i64> {
    tx.insert_notice(&NoticeRow {
        seq: 0,
        account_id: account_id.to_owned(),
        kind,
        device_id: about.0.to_owned(),
        device_name: about.1.to_owned(),
        recovery_id: recovery.map(|(id, _)| id.to_owned()),
        completes_at: recovery.map(|(_, at)| at),
        request_id: None,
        intent_id: None,
        created_at: now,
    })
}

/// Verifies a base64 P-256 signature by a device's payment key.
fn payment_key_signed(device: &DeviceRow, message: &[u8], signature: &str) -> bool {
    use base64::Engine;
    let Ok(key) = purse_core::keys::PublicKey::from_base64(&device.payment_public_key) else {
        return false;
    };
    base64::engine::general_purpose::STANDARD
        .decode(signature)
        .is_ok_and(|sig| key.verify(message, &sig))
}
