//! Sign-in links for the merchant console: a one-time token the merchant's device key signs,
//! so the backend stores no password. Valid [`MAX_LIFETIME_SECS`] and once: the backend
//! spends the nonce.
//!
//! The token is `v1.<device id>.<nonce>.<expires at>.<signature, base64url>`: every field
//! is of a safe alphabet, so it travels in a URL as it is. The signed bytes are
//! length-prefixed after a domain of their own, as every other thing the keys sign.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;

use super::authorization::encode_fields;
use crate::keys::{KeyError, PublicKey, SigningKey};

const DOMAIN: &[u8] = b"purse-console-sign-in:v1";
/// The longest a link may live.
pub const MAX_LIFETIME_SECS: i64 = 120;
const MAX_FIELD: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSignIn {
    pub device_id: String,
    /// Random, hex: what makes the link single use.
    pub nonce: String,
    /// Unix seconds after which the backend refuses it.
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsoleTokenError {
    #[error("this is not a Purse sign-in link")]
    Malformed,
    #[error("signing failed: {0}")]
    Key(#[from] KeyError),
}

fn safe(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_FIELD
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl ConsoleSignIn {
    /// A new link's claims for `device_id`, valid from `now` for the longest allowed.
    pub fn new(device_id: &str, now: i64) -> Result<Self, ConsoleTokenError> {
        Self::valid_for(device_id, now, MAX_LIFETIME_SECS)
    }

    /// A link that lives `secs` (1 to [`MAX_LIFETIME_SECS`]): shorter for a screen others
    /// may see.
    pub fn valid_for(device_id: &str, now: i64, secs: i64) -> Result<Self, ConsoleTokenError> {
        let nonce: [u8; 16] = crate::keys::random_bytes()?;
        Ok(ConsoleSignIn {
            device_id: device_id.to_owned(),
            nonce: hex::encode(nonce),
            expires_at: now + secs.clamp(1, MAX_LIFETIME_SECS),
        })
    }

    pub fn signing_bytes(&self) -> Vec<u8> {
        encode_fields(
            DOMAIN,
            &[
                self.device_id.as_bytes(),
                self.nonce.as_bytes(),
                self.expires_at.to_string().as_bytes(),
            ],
        )
    }

    /// The token, signed by the device key.
    pub fn sign(&self, device_key: &SigningKey) -> Result<String, ConsoleTokenError> {
        if !safe(&self.device_id) || !safe(&self.nonce) {
            return Err(ConsoleTokenError::Malformed);
        }
        let signature = device_key.sign(&self.signing_bytes())?;
        Ok(format!(
            "v1.{}.{}.{}.{}",
            self.device_id,
            self.nonce,
            self.expires_at,
            B64URL.encode(signature)
        ))
    }

    /// Reads a token's claims and signature; nothing is verified yet.
    pub fn parse(token: &str) -> Result<(Self, Vec<u8>), ConsoleTokenError> {
        if token.len() > 512 {
            return Err(ConsoleTokenError::Malformed);
        }
        let parts: Vec<&str> = token.split('.').collect();
        let [version, device_id, nonce, expires_at, signature] = parts.as_slice() else {
            return Err(ConsoleTokenError::Malformed);
        };
        if *version != "v1" || !safe(device_id) || !safe(nonce) {
            return Err(ConsoleTokenError::Malformed);
        }
        let expires_at = expires_at
            .parse::<i64>()
            .map_err(|_| ConsoleTokenError::Malformed)?;
        let signature = B64URL
            .decode(signature)
            .map_err(|_| ConsoleTokenError::Malformed)?;
        Ok((
            ConsoleSignIn {
                device_id: (*device_id).to_owned(),
                nonce: (*nonce).to_owned(),
                expires_at,
            },
            signature,
        ))
    }

    /// Whether `device_key` signed these claims.
    pub fn verify(&self, signature: &[u8], device_key: &PublicKey) -> bool {
        device_key.verify(&self.signing_bytes(), signature)
    }

    /// Whether the link may still be used at `now`: not expired, and not claiming a longer
    /// life than any link has (with a minute of clock skew).
    pub fn is_current(&self, now: i64) -> bool {
        now <= self.expires_at && self.expires_at <= now + MAX_LIFETIME_SECS + 60
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_link_reads_back_and_verifies() {
        let key = SigningKey::generate().unwrap();
        let claims = ConsoleSignIn::new("dev_abc", 1_000).unwrap();
        let token = claims.sign(&key).unwrap();
        let (read, sig) = ConsoleSignIn::parse(&token).unwrap();
        assert_eq!(read, claims);
        assert!(read.verify(&sig, &key.public_key()));
        assert!(read.is_current(1_000) && read.is_current(1_120) && !read.is_current(1_121));
        let other = SigningKey::generate().unwrap();
        assert!(!read.verify(&sig, &other.public_key()));
    }

    #[test]
    fn a_changed_field_breaks_the_signature() {
        let key = SigningKey::generate().unwrap();
        let token = ConsoleSignIn::new("dev_abc", 1_000)
            .unwrap()
            .sign(&key)
            .unwrap();
        let longer = token.replace(".1120.", ".9999999.");
        let (read, sig) = ConsoleSignIn::parse(&longer).unwrap();
        assert!(!read.verify(&sig, &key.public_key()));
        assert!(!read.is_current(1_000), "a life longer than any link's");
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in [
            "",
            "v1.dev.nonce.1",
            "v2.dev.n.1.AAAA",
            "v1.dev<script>.n.1.AAAA",
            "v1.dev.n.soon.AAAA",
            "v1.dev.n.1.!!!",
        ] {
            assert_eq!(
                ConsoleSignIn::parse(bad).err(),
                Some(ConsoleTokenError::Malformed),
                "{bad}"
            );
        }
        assert!(ConsoleSignIn::parse(&"a".repeat(600)).is_err());
    }
}
