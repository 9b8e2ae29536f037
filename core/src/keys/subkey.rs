//! Keys derived from the device key (HKDF-SHA-256 over its PKCS#8), so that a secret sealed
//! under one is released exactly when the device key is: when the wallet is unlocked. Used
//! for secrets that must be at hand without a prompt of their own (the pay-code secret).

use ring::hkdf::{HKDF_SHA256, Salt};
use zeroize::Zeroizing;

use super::{KeyError, SigningKey};

const SALT: &[u8] = b"purse-subkey-v1";

/// The 32-byte key for `label` under `key`. The same key and label give the same bytes.
pub fn subkey(key: &SigningKey, label: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let ikm = key.pkcs8();
    if ikm.is_empty() {
        return Err(KeyError::Corrupt("this key cannot derive others"));
    }
    let prk = Salt::new(HKDF_SHA256, SALT).extract(ikm);
    let info = [label.as_bytes()];
    let okm = prk
        .expand(&info, HKDF_SHA256)
        .map_err(|_| KeyError::Crypto("HKDF expand failed"))?;
    let mut out = Zeroizing::new([0u8; 32]);
    okm.fill(out.as_mut())
        .map_err(|_| KeyError::Crypto("HKDF fill failed"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_and_label_give_one_subkey_and_others_differ() {
        let key = SigningKey::generate().unwrap();
        let again = SigningKey::from_pkcs8(key.pkcs8()).unwrap();
        let a = subkey(&key, "paycode").unwrap();
        assert_eq!(*a, *subkey(&again, "paycode").unwrap());
        assert_ne!(*a, *subkey(&key, "other").unwrap());
        let other = SigningKey::generate().unwrap();
        assert_ne!(*a, *subkey(&other, "paycode").unwrap());
    }
}
