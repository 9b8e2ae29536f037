//! The backend's own key, kept in a file outside the database: what a copy of the database
//! alone must not reveal is keyed or sealed with it.
//!
//! - Card and bank-account fingerprints are HMAC-SHA-256 under a key derived from it: a
//!   fingerprint beside a brand and last four digits no longer gives the number back to
//!   whoever tries the few million candidates.
//! - Secrets the backend must use again (merchants' webhook signing secrets, devices'
//!   pay-code secrets) are sealed with AES-256-GCM under another derived key, bound to
//!   what they are for.
//!
//! The file holds 32 random bytes (hex), is created `0600` on first start, and is refused if
//! others may read it. Every backend on one database needs the same file; a store moved to
//! another engine keeps working with it. Losing it loses the webhook and pay-code secrets
//! (merchants rotate, phones fetch a new secret) and makes cards link again as new.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use purse_core::private_files;
use ring::{aead, hkdf, hmac};

/// Why the key file could not be used, or a sealed value not opened.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("key file {path}: {error}")]
    File { path: String, error: String },
    #[error("key file {0} may be read by others: make it readable by this user only (chmod 600)")]
    TooOpen(String),
    #[error("key file {0} does not hold 32 bytes in hex")]
    Malformed(String),
    #[error("a sealed value could not be opened (another key file, or altered data)")]
    Unreadable,
}

/// Prefix of a sealed value: a stored value without it is from before sealing and is used
/// as it is.
const SEALED: &str = "sealed:v1:";

/// What a sealed value is for; a value sealed for one purpose does not open for another.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    WebhookSecret,
    PayCodeSecret,
}

impl Purpose {
    fn aad(self) -> &'static [u8] {
        match self {
            Purpose::WebhookSecret => b"purse webhook secret",
            Purpose::PayCodeSecret => b"purse pay-code secret",
        }
    }
}

pub struct Vault {
    fingerprint: hmac::Key,
    seal: aead::LessSafeKey,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(..)")
    }
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

impl Vault {
    /// Subkeys of a 32-byte root key, one per use (HKDF-SHA-256).
    pub fn from_root(root: &[u8; 32]) -> Vault {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"purse backend vault v1").extract(root);
        let derive = |info: &[u8]| {
            let mut key = [0u8; 32];
            prk.expand(&[info], Len(32))
                .and_then(|okm| okm.fill(&mut key))
                .expect("32 bytes is a valid HKDF-SHA-256 length");
            key
        };
        let seal_key = derive(b"seal");
        Vault {
            fingerprint: hmac::Key::new(hmac::HMAC_SHA256, &derive(b"fingerprint")),
            seal: aead::LessSafeKey::new(
                aead::UnboundKey::new(&aead::AES_256_GCM, &seal_key)
                    .expect("32 bytes is an AES-256 key"),
            ),
        }
    }

    /// Reads the key file, or creates it (`0600`, 32 random bytes) when missing.
    pub fn open_or_create(path: &Path) -> Result<Vault, VaultError> {
        let shown = path.display().to_string();
        let file_error = |e: std::io::Error| VaultError::File {
            path: shown.clone(),
            error: e.to_string(),
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => {
                if !private_files::is_private(path).map_err(file_error)? {
                    return Err(VaultError::TooOpen(shown));
                }
                text
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = hex::encode(crate::ids::secret_bytes::<32>()) + "\n";
                match private_files::create_new_private(path, text.as_bytes()) {
                    Ok(()) => {
                        tracing::info!(path = %shown, "created the backend's key file");
                        text
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        return Vault::open_or_create(path);
                    }
                    Err(e) => return Err(file_error(e)),
                }
            }
            Err(e) => return Err(file_error(e)),
        };
        let root: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| VaultError::Malformed(shown.clone()))?;
        Ok(Vault::from_root(&root))
    }

    /// A keyed fingerprint of `parts` (hex): equal for equal inputs under one key file,
    /// useless without it.
    pub fn fingerprint(&self, parts: &[&str]) -> String {
        let mut ctx = hmac::Context::with_key(&self.fingerprint);
        for p in parts {
            ctx.update(&(p.len() as u64).to_be_bytes());
            ctx.update(p.as_bytes());
        }
        format!("k1:{}", hex::encode(ctx.sign().as_ref()))
    }

    /// `secret` sealed for `purpose`, as stored text.
    pub fn seal(&self, purpose: Purpose, secret: &[u8]) -> String {
        let nonce_bytes = crate::ids::secret_bytes::<12>();
        let mut sealed = secret.to_vec();
        self.seal
            .seal_in_place_append_tag(
                aead::Nonce::assume_unique_for_key(nonce_bytes),
                aead::Aad::from(purpose.aad()),
                &mut sealed,
            )
            .expect("AES-GCM seals any length a secret has");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&sealed);
        format!("{SEALED}{}", B64.encode(out))
    }

    /// A stored value opened: sealed ones with the key, older plain ones as they are.
    pub fn open(&self, purpose: Purpose, stored: &str) -> Result<Vec<u8>, VaultError> {
        let Some(b64) = stored.strip_prefix(SEALED) else {
            return Ok(stored.as_bytes().to_vec());
        };
        let raw = B64.decode(b64).map_err(|_| VaultError::Unreadable)?;
        if raw.len() < 12 + aead::AES_256_GCM.tag_len() {
            return Err(VaultError::Unreadable);
        }
        let (nonce, sealed) = raw.split_at(12);
        let nonce =
            aead::Nonce::try_assume_unique_for_key(nonce).map_err(|_| VaultError::Unreadable)?;
        let mut buf = sealed.to_vec();
        let plain = self
            .seal
            .open_in_place(nonce, aead::Aad::from(purpose.aad()), &mut buf)
            .map_err(|_| VaultError::Unreadable)?;
        Ok(plain.to_vec())
    }

    /// [`Vault::open`] for a value stored as bytes (a pay-code secret): sealed text, or the
    /// plain secret stored before sealing.
    pub fn open_bytes(&self, purpose: Purpose, stored: &[u8]) -> Result<Vec<u8>, VaultError> {
        match std::str::from_utf8(stored) {
            Ok(text) if text.starts_with(SEALED) => self.open(purpose, text),
            _ => Ok(stored.to_vec()),
        }
    }

    /// [`Vault::open`] for a secret that is text (a webhook secret).
    pub fn open_text(&self, purpose: Purpose, stored: &str) -> Result<String, VaultError> {
        String::from_utf8(self.open(purpose, stored)?).map_err(|_| VaultError::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_made_private_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backend.key");
        let a = Vault::open_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let b = Vault::open_or_create(&path).unwrap();
        assert_eq!(
            a.fingerprint(&["acct", "4242"]),
            b.fingerprint(&["acct", "4242"])
        );
        let sealed = a.seal(Purpose::WebhookSecret, b"whsec_abc");
        assert_eq!(
            b.open_text(Purpose::WebhookSecret, &sealed).unwrap(),
            "whsec_abc"
        );
    }

    #[test]
    fn backends_starting_together_agree_on_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backend.key");
        let prints: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| Vault::open_or_create(&path).unwrap().fingerprint(&["x"])))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(prints.windows(2).all(|w| w[0] == w[1]), "{prints:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backend.key");
        Vault::open_or_create(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            Vault::open_or_create(&path),
            Err(VaultError::TooOpen(_))
        ));
    }

    #[test]
    fn fingerprints_depend_on_the_key_and_on_where_parts_split() {
        let a = Vault::from_root(&[1; 32]);
        let b = Vault::from_root(&[2; 32]);
        assert_ne!(
            a.fingerprint(&["acct", "4242"]),
            b.fingerprint(&["acct", "4242"])
        );
        assert_ne!(
            a.fingerprint(&["acct4", "242"]),
            a.fingerprint(&["acct", "4242"])
        );
        assert!(a.fingerprint(&["x"]).starts_with("k1:"));
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose_and_unaltered() {
        let a = Vault::from_root(&[1; 32]);
        let sealed = a.seal(Purpose::PayCodeSecret, b"secret bytes");
        assert!(!sealed.contains("secret"));
        assert_ne!(
            sealed,
            a.seal(Purpose::PayCodeSecret, b"secret bytes"),
            "fresh nonce"
        );
        assert_eq!(
            a.open(Purpose::PayCodeSecret, &sealed).unwrap(),
            b"secret bytes"
        );
        assert!(a.open(Purpose::WebhookSecret, &sealed).is_err());
        assert!(
            Vault::from_root(&[2; 32])
                .open(Purpose::PayCodeSecret, &sealed)
                .is_err()
        );
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 3;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert!(
            a.open(
                Purpose::PayCodeSecret,
                std::str::from_utf8(&altered).unwrap()
            )
            .is_err()
        );
        assert!(a.open(Purpose::PayCodeSecret, "sealed:v1:AAAA").is_err());
        // Stored before sealing: used as it is.
        assert_eq!(
            a.open_text(Purpose::WebhookSecret, "whsec_old").unwrap(),
            "whsec_old"
        );
    }
}
