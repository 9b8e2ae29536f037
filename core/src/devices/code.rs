//! The text form of a 128-bit code a person reads, types or copies: Crockford base32 in
//! groups of four, with a check so a typo is caught before any request is sent.
//!
//! 26 symbols carry the 128 bits (the first symbol 3 of them, so it is always 0-7), then
//! 2 check symbols carry a weighted sum of the symbols modulo the prime 1021, offset by the
//! code's kind. Because every weight and every change of one symbol is smaller than 1021,
//! every single mistyped symbol and every swap of two neighbours is caught, not merely
//! most; other slips pass once in about a thousand. The offset makes a code of one kind (a
//! pairing code) fail as another (a recovery code). Reading forgives what people do:
//! lower case, `I`/`L` for `1`, `O` for `0`, spaces and dashes anywhere.

use ring::digest::{SHA256, digest};

use super::CodeError;

/// Crockford's alphabet: digits and letters without I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DATA_SYMBOLS: usize = 26;
const CHECK_SYMBOLS: usize = 2;
/// Symbols in a code, not counting the dashes between groups.
pub const CODE_SYMBOLS: usize = DATA_SYMBOLS + CHECK_SYMBOLS;

const MODULUS: u32 = 1021;

/// The check value of the data symbols under `domain`.
fn check_of(domain: &str, symbols: &[u8]) -> u16 {
    let d = digest(&SHA256, domain.as_bytes());
    let offset = u32::from(u16::from_be_bytes([d.as_ref()[0], d.as_ref()[1]]));
    let sum = symbols.iter().enumerate().fold(offset, |acc, (i, &v)| {
        (acc + (i as u32 + 1) * u32::from(v)) % MODULUS
    });
    sum as u16
}

/// `bytes` as `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`.
pub fn encode(domain: &str, bytes: &[u8; 16]) -> String {
    let mut value = u128::from_be_bytes(*bytes);
    let mut values = [0u8; CODE_SYMBOLS];
    for i in (0..DATA_SYMBOLS).rev() {
        values[i] = (value & 31) as u8;
        value >>= 5;
    }
    let check = check_of(domain, &values[..DATA_SYMBOLS]);
    values[DATA_SYMBOLS] = (check >> 5) as u8;
    values[DATA_SYMBOLS + 1] = (check & 31) as u8;
    let symbols = values.map(|v| ALPHABET[usize::from(v)]);
    let mut out = String::with_capacity(CODE_SYMBOLS + CODE_SYMBOLS / 4);
    for (i, s) in symbols.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(*s));
    }
    out
}

fn symbol_value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'I' | 'L' => '1',
        'O' => '0',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|&a| char::from(a) == c)
        .map(|p| p as u8)
}

/// The bytes of a code in any spelling [`encode`] forgives; `BadCheck` for a typo.
pub fn decode(domain: &str, text: &str) -> Result<[u8; 16], CodeError> {
    let mut symbols = Vec::with_capacity(CODE_SYMBOLS);
    for c in text.chars() {
        if c == '-' || c == ' ' {
            continue;
        }
        let v = symbol_value(c).ok_or(CodeError::BadCharacter)?;
        if symbols.len() == CODE_SYMBOLS {
            return Err(CodeError::WrongLength);
        }
        symbols.push(v);
    }
    if symbols.len() != CODE_SYMBOLS {
        return Err(CodeError::WrongLength);
    }
    if symbols[0] > 7 {
        return Err(CodeError::BadCheck);
    }
    let value = symbols[..DATA_SYMBOLS]
        .iter()
        .fold(0u128, |acc, &s| (acc << 5) | u128::from(s));
    let bytes = value.to_be_bytes();
    let check = (u16::from(symbols[DATA_SYMBOLS]) << 5) | u16::from(symbols[DATA_SYMBOLS + 1]);
    if check != check_of(domain, &symbols[..DATA_SYMBOLS]) {
        return Err(CodeError::BadCheck);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BYTES: [u8; 16] = [
        0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xfe, 0xff,
    ];

    #[test]
    fn round_trips_in_every_spelling_people_use() {
        let text = encode("t", &BYTES);
        assert_eq!(text.len(), 34);
        assert_eq!(text.matches('-').count(), 6);
        assert_eq!(decode("t", &text).unwrap(), BYTES);
        let sloppy = text
            .to_lowercase()
            .replace('-', " ")
            .replace('1', "l")
            .replace('0', "o");
        assert_eq!(decode("t", &sloppy).unwrap(), BYTES);
        for extreme in [[0u8; 16], [0xff; 16]] {
            assert_eq!(decode("t", &encode("t", &extreme)).unwrap(), extreme);
        }
    }

    #[test]
    fn every_single_symbol_typo_is_caught() {
        let text = encode("t", &BYTES);
        let mut caught = 0;
        let mut tried = 0;
        for (i, c) in text.char_indices().filter(|(_, c)| *c != '-') {
            for &a in ALPHABET {
                let a = char::from(a);
                if a == c {
                    continue;
                }
                let mut typo = text.clone();
                typo.replace_range(i..i + 1, &a.to_string());
                tried += 1;
                if decode("t", &typo).is_err() {
                    caught += 1;
                }
            }
        }
        assert_eq!(caught, tried, "every single-symbol typo");
    }

    #[test]
    fn every_swap_of_neighbours_is_caught() {
        let text = encode("t", &BYTES).replace('-', "");
        let chars: Vec<char> = text.chars().collect();
        for i in 0..chars.len() - 1 {
            if chars[i] == chars[i + 1] {
                continue;
            }
            let mut swapped = chars.clone();
            swapped.swap(i, i + 1);
            let typo: String = swapped.into_iter().collect();
            assert!(decode("t", &typo).is_err(), "swap at {i}");
        }
    }

    #[test]
    fn another_kind_of_code_and_bad_text_are_refused() {
        let text = encode("pairing", &BYTES);
        assert_eq!(decode("recovery", &text), Err(CodeError::BadCheck));
        assert_eq!(decode("t", "ABCD"), Err(CodeError::WrongLength));
        assert_eq!(
            decode("t", &format!("{text}0")),
            Err(CodeError::WrongLength)
        );
        assert_eq!(
            decode(
                "t",
                &text.replacen(|c: char| c.is_ascii_alphanumeric(), "U", 1)
            ),
            Err(CodeError::BadCharacter)
        );
        assert_eq!(decode("t", "\u{202e}"), Err(CodeError::BadCharacter));
    }
}
