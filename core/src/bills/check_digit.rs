//! The check-digit rules a biller's customer reference can carry. Each catches a mistyped
//! digit before anything is sent, offline; all work on the reference as normalised by
//! [`super::normalize_reference`] (no spaces, upper case).

use crate::api::types::CheckDigit;

impl CheckDigit {
    /// Whether `reference` carries a valid check digit under this rule.
    pub fn verify(self, reference: &str) -> bool {
        match self {
            CheckDigit::None => true,
            CheckDigit::Luhn => luhn(reference),
            CheckDigit::Iso11649 => iso11649(reference),
            CheckDigit::SwissQr => swiss_qr(reference),
            CheckDigit::Iso7064Mod97_10 => mod97_10(reference.bytes()) == Some(1),
        }
    }
}

/// The Luhn (mod 10) check over digits only, as on cards and many utility account numbers.
pub fn luhn(digits: &str) -> bool {
    if digits.len() < 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// ISO 7064 mod 97-10 over digits and letters (A = 10 ... Z = 35), as IBANs and creditor
/// references use it: the remainder, `None` for any other character.
pub fn mod97_10(chars: impl Iterator<Item = u8>) -> Option<u32> {
    let mut rem: u32 = 0;
    let mut any = false;
    for b in chars {
        any = true;
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return None,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    any.then_some(rem)
}

/// ISO 11649 structured creditor reference: `RF`, two check digits, 1 to 21 letters or
/// digits; valid when the reference with its first four characters moved to the end is 1
/// mod 97.
pub fn iso11649(reference: &str) -> bool {
    let b = reference.as_bytes();
    if !(5..=25).contains(&b.len()) || !reference.starts_with("RF") {
        return false;
    }
    if !b[2].is_ascii_digit() || !b[3].is_ascii_digit() {
        return false;
    }
    mod97_10(b[4..].iter().chain(&b[..4]).copied()) == Some(1)
}

/// The Swiss QR reference: 27 digits, the last a check digit by the recursive mod 10
/// (the table of the Swiss payment standards' ESR/QRR rule).
pub fn swiss_qr(reference: &str) -> bool {
    let b = reference.as_bytes();
    if b.len() != 27 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    swiss_mod10(&reference[..26]) == Some(b[26] - b'0')
}

/// The check digit the recursive mod 10 gives for `digits`.
pub fn swiss_mod10(digits: &str) -> Option<u8> {
    const TABLE: [u8; 10] = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5];
    let mut carry = 0u8;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        carry = TABLE[usize::from((carry + (b - b'0')) % 10)];
    }
    Some((10 - carry) % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso11649_published_vectors() {
        // ISO 11649's own examples.
        assert!(iso11649("RF18539007547034"));
        assert!(iso11649("RF712348231"));
        assert!(!iso11649("RF19539007547034"), "check digits off by one");
        assert!(!iso11649("RF18539007547035"), "a digit changed");
        assert!(!iso11649("RF18"), "no reference after the check digits");
        assert!(!iso11649("XX18539007547034"));
        assert!(
            !iso11649("RF18 539007547034"),
            "spaces are normalised away first"
        );
        assert!(
            !iso11649(&format!("RF00{}", "1".repeat(22))),
            "longer than 25"
        );
    }

    #[test]
    fn swiss_qr_reference_published_vector() {
        // The sample QR reference of the Swiss Implementation Guidelines for the QR-bill.
        assert!(swiss_qr("210000000003139471430009017"));
        assert_eq!(swiss_mod10("21000000000313947143000901"), Some(7));
        assert!(!swiss_qr("210000000003139471430009018"));
        assert!(
            !swiss_qr("210000000003139471430009107"),
            "two digits swapped"
        );
        assert!(!swiss_qr("21000000000313947143000901"), "26 digits");
        assert!(!swiss_qr("21000000000313947143000901A"));
    }

    #[test]
    fn luhn_vectors() {
        // The Luhn algorithm's textbook example and a test card number.
        assert!(luhn("79927398713"));
        assert!(luhn("4242424242424242"));
        for bad in ["79927398710", "79927398714", "7992739871a", "7", ""] {
            assert!(!luhn(bad), "{bad}");
        }
    }

    #[test]
    fn mod97_10_vectors() {
        // ISO 7064's example "794" with check digits 44, and an IBAN rearranged.
        assert_eq!(mod97_10(b"79444".iter().copied()), Some(1));
        assert!(CheckDigit::Iso7064Mod97_10.verify("79444"));
        assert!(!CheckDigit::Iso7064Mod97_10.verify("79445"));
        let iban = "GB82WEST12345698765432";
        let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
        assert_eq!(mod97_10(rearranged.bytes()), Some(1));
        assert_eq!(mod97_10(b"12-3".iter().copied()), None);
        assert_eq!(mod97_10(std::iter::empty()), None);
    }

    #[test]
    fn none_accepts_anything() {
        assert!(CheckDigit::None.verify("whatever"));
    }
}
