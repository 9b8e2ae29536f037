//! The pairing code a new device shows, and what the device that approves it checks.
//!
//! The new device draws 16 random bytes: the first 6 name the pairing at the backend
//! (`pair_` + hex), the other 10 are a one-time secret. The short text form is those bytes
//! as a [`code`](super::code); the QR form adds the new device's two public keys, so an
//! approving device that scanned it compares them with what the backend relays. Both
//! screens show a six-digit confirmation number derived from the secret and the keys: if
//! anything in between swapped a key, the numbers differ. The approval itself is the
//! payment key's signature over [`pairing_approval_message`].

use base64::Engine;
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use ring::digest::{SHA256, digest};
use zeroize::Zeroizing;

use super::{CodeError, code};
use crate::keys::{KeyError, random_bytes};

const DOMAIN: &str = "purse-pairing-code:v1";
const QR_PREFIX: &str = "PURSE-PAIR:1:";

/// A pairing code: which pairing, its secret, and (when read from the QR) the keys the new
/// device showed.
#[derive(Clone, PartialEq, Eq)]
pub struct PairingCode {
    bytes: Zeroizing<[u8; 16]>,
    /// Base64 of the device and payment public keys, from the QR form.
    shown_keys: Option<(String, String)>,
}

impl std::fmt::Debug for PairingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PairingCode({})", self.pairing_id())
    }
}

impl PairingCode {
    pub fn generate() -> Result<Self, KeyError> {
        Ok(PairingCode {
            bytes: Zeroizing::new(random_bytes()?),
            shown_keys: None,
        })
    }

    /// The pairing's id at the backend.
    pub fn pairing_id(&self) -> String {
        format!("pair_{}", hex::encode(&self.bytes[..6]))
    }

    /// The one-time secret, in hex: the approving device proves it saw the code with it.
    pub fn secret(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(&self.bytes[6..]))
    }

    /// The short text form, for typing.
    pub fn text(&self) -> String {
        code::encode(DOMAIN, &self.bytes)
    }

    /// The QR form: the text form and the new device's public keys (base64).
    pub fn qr_text(&self, device_public_key: &str, payment_public_key: &str) -> String {
        let url = |k: &str| B64.decode(k).map(|b| B64URL.encode(b)).unwrap_or_default();
        format!(
            "{QR_PREFIX}{}:{}:{}",
            self.text().replace('-', ""),
            url(device_public_key),
            url(payment_public_key)
        )
    }

    /// Reads either form.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let text = text.trim();
        let Some(rest) = text
            .get(..QR_PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(QR_PREFIX))
            .map(|_| &text[QR_PREFIX.len()..])
        else {
            return Ok(PairingCode {
                bytes: Zeroizing::new(code::decode(DOMAIN, text)?),
                shown_keys: None,
            });
        };
        let mut parts = rest.split(':');
        let (Some(c), Some(dk), Some(pk), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CodeError::WrongLength);
        };
        let key = |k: &str| {
            B64URL
                .decode(k)
                .ok()
                .filter(|b| b.len() == 65)
                .map(|b| B64.encode(b))
                .ok_or(CodeError::BadCharacter)
        };
        Ok(PairingCode {
            bytes: Zeroizing::new(code::decode(DOMAIN, c)?),
            shown_keys: Some((key(dk)?, key(pk)?)),
        })
    }

    /// The keys the QR showed, if it was the QR form.
    pub fn shown_keys(&self) -> Option<(&str, &str)> {
        self.shown_keys
            .as_ref()
            .map(|(d, p)| (d.as_str(), p.as_str()))
    }
}

/// The six digits both screens show, from the secret (hex, as [`PairingCode::secret`]) and
/// the new device's keys.
pub fn confirmation_number(
    secret: &str,
    device_public_key: &str,
    payment_public_key: &str,
) -> String {
    let input = Zeroizing::new(format!(
        "purse-pairing-confirm:v1\n{secret}\n{device_public_key}\n{payment_public_key}"
    ));
    let d = digest(&SHA256, input.as_bytes());
    let n = u64::from_be_bytes(d.as_ref()[..8].try_into().unwrap_or_default());
    format!("{:06}", n % 1_000_000)
}

/// What the approving device's payment key signs: this pairing, into this account, for
/// exactly these keys and this name, confirmed with this number, until `expires_at`.
#[allow(clippy::too_many_arguments)]
pub fn pairing_approval_message(
    pairing_id: &str,
    account_id: &str,
    approver_device_id: &str,
    device_public_key: &str,
    payment_public_key: &str,
    device_name: &str,
    confirmation: &str,
    expires_at: i64,
) -> Vec<u8> {
    format!(
        "purse-pairing-approval:v1\n{pairing_id}\n{account_id}\n{approver_device_id}\n\
         {device_public_key}\n{payment_public_key}\n{}\n{confirmation}\n{expires_at}",
        device_name.escape_default()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;

    #[test]
    fn both_forms_name_the_same_pairing_and_the_qr_carries_the_keys() {
        let code = PairingCode::generate().unwrap();
        let (dk, pk) = (
            SigningKey::generate().unwrap().public_key().to_base64(),
            SigningKey::generate().unwrap().public_key().to_base64(),
        );
        let typed = PairingCode::parse(&code.text()).unwrap();
        let scanned = PairingCode::parse(&code.qr_text(&dk, &pk)).unwrap();
        assert_eq!(typed.pairing_id(), code.pairing_id());
        assert_eq!(scanned.pairing_id(), code.pairing_id());
        assert_eq!(*scanned.secret(), *code.secret());
        assert_eq!(typed.shown_keys(), None);
        assert_eq!(scanned.shown_keys(), Some((dk.as_str(), pk.as_str())));
        assert!(code.pairing_id().starts_with("pair_") && code.pairing_id().len() == 17);
    }

    #[test]
    fn the_confirmation_changes_with_any_key() {
        let s = "00112233445566778899";
        let n = confirmation_number(s, "dk", "pk");
        assert_eq!(n.len(), 6);
        assert!(n.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(n, confirmation_number(s, "dk", "pk"));
        assert_ne!(n, confirmation_number(s, "dk2", "pk"));
        assert_ne!(n, confirmation_number(s, "dk", "pk2"));
        assert_ne!(n, confirmation_number("00112233445566778898", "dk", "pk"));
    }

    #[test]
    fn broken_codes_are_refused() {
        let code = PairingCode::generate().unwrap();
        let qr = code.qr_text("AAAA", "AAAA");
        assert!(PairingCode::parse(&qr).is_err(), "short keys");
        assert!(PairingCode::parse("PURSE-PAIR:1:abc").is_err());
        assert!(PairingCode::parse(&format!("{}:x", code.qr_text("", ""))).is_err());
        assert!(PairingCode::parse("").is_err());
        assert!(PairingCode::parse("PURSE-PAIR:1:\u{0}").is_err());
    }

    #[test]
    fn the_approval_binds_every_field() {
        let base = pairing_approval_message("p", "a", "d", "k1", "k2", "Phone", "123456", 9);
        for other in [
            pairing_approval_message("q", "a", "d", "k1", "k2", "Phone", "123456", 9),
            pairing_approval_message("p", "a", "d", "k1", "k3", "Phone", "123456", 9),
            pairing_approval_message("p", "a", "d", "k1", "k2", "Phone\n", "123456", 9),
            pairing_approval_message("p", "a", "d", "k1", "k2", "Phone", "123457", 9),
            pairing_approval_message("p", "a", "d", "k1", "k2", "Phone", "123456", 10),
        ] {
            assert_ne!(base, other);
        }
    }
}
