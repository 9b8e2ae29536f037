//! The device-key session: unlocked once, kept while in use, dropped when idle.
//!
//! Within a process the key stays in memory. Across processes (the CLI runs one per
//! command) it can be resumed without asking the user: the device key is sealed under a
//! random session key, the sealed blob goes into the cache and the session key into the OS
//! keyring. Either half alone is useless; `lock` deletes both; where no keyring runs the
//! session ends with the process.

use std::sync::Arc;

use crate::cache::Cache;
use crate::keys::{SecretStore, SigningKey, aead_open, aead_seal, random_bytes};

pub(crate) struct Session {
    pub key: Arc<SigningKey>,
    pub last_used: i64,
}

fn secret_name(device_id: &str) -> String {
    format!("session:{device_id}")
}

fn aad(device_id: &str) -> Vec<u8> {
    format!("purse-session-v1:{device_id}").into_bytes()
}

/// Seals the key for later processes. Best effort: without a keyring there is simply no
/// cross-process session.
pub(crate) fn persist(
    cache: &Cache,
    secrets: &dyn SecretStore,
    device_id: &str,
    key: &SigningKey,
    now: i64,
) {
    if !secrets.persists() {
        return;
    }
    let Ok(session_key) = random_bytes::<32>() else {
        return;
    };
    let Ok(blob) = aead_seal(&session_key, &aad(device_id), key.pkcs8()) else {
        return;
    };
    if let Err(e) = secrets.set(&secret_name(device_id), &session_key) {
        tracing::info!("not keeping the session across processes: {e}");
        return;
    }
    if let Err(e) = cache.set_session(Some(&blob), now) {
        tracing::warn!("could not store the session: {e}");
    }
}

/// Resumes a session another process left, if it is not idle too long.
pub(crate) fn resume(
    cache: &Cache,
    secrets: &dyn SecretStore,
    device_id: &str,
    now: i64,
    idle_secs: i64,
) -> Option<SigningKey> {
    let (blob, last_used) = cache.session().ok()??;
    if now - last_used > idle_secs || now < last_used {
        forget(cache, secrets, device_id);
        return None;
    }
    let session_key = secrets.get(&secret_name(device_id)).ok()??;
    let session_key: [u8; 32] = session_key.as_slice().try_into().ok()?;
    let pkcs8 = aead_open(&session_key, &aad(device_id), &blob)?;
    let key = SigningKey::from_pkcs8(&pkcs8).ok()?;
    let _ = cache.touch_session(now);
    Some(key)
}

pub(crate) fn forget(cache: &Cache, secrets: &dyn SecretStore, device_id: &str) {
    let _ = secrets.delete(&secret_name(device_id));
    let _ = cache.set_session(None, 0);
}
