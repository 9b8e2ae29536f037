//! P-256 ECDSA key pairs (via `ring`) and their public halves.
//!
//! P-256 because it is what Secure Enclave and StrongBox support: a hardware signer can take
//! the software key's place later without changing the protocol.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
    UnparsedPublicKey,
};
use zeroize::Zeroizing;

use super::KeyError;

/// DER prefix of a SubjectPublicKeyInfo for an uncompressed P-256 point
/// (id-ecPublicKey, prime256v1, BIT STRING of 66 bytes).
const SPKI_P256_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// A P-256 private key, held as PKCS#8 in memory that is wiped when it is dropped.
///
/// Keep it alive as briefly as the use allows: the payment key lives for one signature.
pub struct SigningKey {
    pair: EcdsaKeyPair,
    pkcs8: Zeroizing<Vec<u8>>,
}

impl SigningKey {
    pub fn generate() -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| KeyError::Crypto("P-256 key generation failed"))?;
        Self::from_pkcs8(doc.as_ref())
    }

    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &rng)
            .map_err(|_| KeyError::Corrupt("not a P-256 PKCS#8 private key"))?;
        Ok(SigningKey {
            pair,
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
        })
    }

    /// Builds a key from a raw 32-byte private scalar and its public point (the form SEC1
    /// `EC PRIVATE KEY` files hold), for keys made elsewhere such as the RFC 9421 test key.
    pub fn from_scalar(private: &[u8], public_sec1: &[u8]) -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            private,
            public_sec1,
            &rng,
        )
        .map_err(|_| KeyError::Corrupt("not a P-256 key pair"))?;
        Ok(SigningKey {
            pair,
            pkcs8: Zeroizing::new(Vec::new()),
        })
    }

    /// The PKCS#8 document, for wrapping. Empty for keys made with [`SigningKey::from_scalar`].
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    pub fn public_key(&self) -> PublicKey {
        let mut point = [0u8; 65];
        point.copy_from_slice(self.pair.public_key().as_ref());
        PublicKey(point)
    }

    /// Signs with ECDSA P-256 / SHA-256; the result is the 64-byte `r || s` that RFC 9421 and
    /// JOSE use (not DER).
    pub fn sign(&self, message: &[u8]) -> Result<[u8; 64], KeyError> {
        let sig = self
            .pair
            .sign(&SystemRandom::new(), message)
            .map_err(|_| KeyError::Crypto("ECDSA signing failed"))?;
        let mut out = [0u8; 64];
        out.copy_from_slice(sig.as_ref());
        Ok(out)
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.public_key().fingerprint())
    }
}

/// A P-256 public key: the 65-byte uncompressed SEC1 point.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; 65]);

impl PublicKey {
    pub fn from_sec1(bytes: &[u8]) -> Result<Self, KeyError> {
        let point: [u8; 65] = bytes
            .try_into()
            .map_err(|_| KeyError::Corrupt("a P-256 public key is 65 bytes"))?;
        if point[0] != 0x04 {
            return Err(KeyError::Corrupt("public key is not an uncompressed point"));
        }
        Ok(PublicKey(point))
    }

    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        match der.strip_prefix(&SPKI_P256_PREFIX[..]) {
            Some(point) => Self::from_sec1(point),
            None => Err(KeyError::Corrupt("not a P-256 SubjectPublicKeyInfo")),
        }
    }

    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let body: String = pem
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("-----") && !l.is_empty())
            .collect();
        let der = B64
            .decode(body)
            .map_err(|_| KeyError::Corrupt("public key PEM is not base64"))?;
        Self::from_spki_der(&der)
    }

    /// Base64 of the SEC1 point: the form the protocol carries.
    pub fn from_base64(s: &str) -> Result<Self, KeyError> {
        let bytes = B64
            .decode(s)
            .map_err(|_| KeyError::Corrupt("public key is not base64"))?;
        Self::from_sec1(&bytes)
    }

    pub fn sec1(&self) -> &[u8; 65] {
        &self.0
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    pub fn to_spki_der(&self) -> Vec<u8> {
        let mut der = SPKI_P256_PREFIX.to_vec();
        der.extend_from_slice(&self.0);
        der
    }

    pub fn to_pem(&self) -> String {
        let b64 = B64.encode(self.to_spki_der());
        let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END PUBLIC KEY-----\n");
        pem
    }

    /// Checks a 64-byte `r || s` ECDSA P-256 / SHA-256 signature.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &self.0[..])
            .verify(message, signature)
            .is_ok()
    }

    /// A short stable name for the key: the first 10 bytes of SHA-256 over the point, in hex.
    /// Device ids are made from it, so a device id names exactly one key.
    pub fn fingerprint(&self) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, &self.0);
        hex::encode(&digest.as_ref()[..10])
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.fingerprint())
    }
}

/// The device id for a device key: `dev_` and the key's fingerprint.
pub fn device_id_for(key: &PublicKey) -> String {
    format!("dev_{}", key.fingerprint())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_reject_tampering() {
        let key = SigningKey::generate().unwrap();
        let public = key.public_key();
        let sig = key.sign(b"hello").unwrap();
        assert!(public.verify(b"hello", &sig));
        assert!(!public.verify(b"hellO", &sig));
        let other = SigningKey::generate().unwrap().public_key();
        assert!(!other.verify(b"hello", &sig));
        assert!(!public.verify(b"hello", &sig[..63]));
    }

    #[test]
    fn pkcs8_round_trip_keeps_the_key() {
        let key = SigningKey::generate().unwrap();
        let again = SigningKey::from_pkcs8(key.pkcs8()).unwrap();
        assert_eq!(key.public_key(), again.public_key());
        assert!(SigningKey::from_pkcs8(b"garbage").is_err());
    }

    #[test]
    fn public_key_encodings_round_trip() {
        let public = SigningKey::generate().unwrap().public_key();
        assert_eq!(PublicKey::from_pem(&public.to_pem()).unwrap(), public);
        assert_eq!(PublicKey::from_base64(&public.to_base64()).unwrap(), public);
        assert!(
            public
                .to_pem()
                .starts_with("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")
        );
        assert!(PublicKey::from_sec1(&[4u8; 64]).is_err());
        assert!(PublicKey::from_base64("!!").is_err());
        assert!(device_id_for(&public).starts_with("dev_"));
        assert_eq!(device_id_for(&public).len(), 24);
    }
}
