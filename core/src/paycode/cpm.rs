//! EMVCo consumer-presented mode (EMV QRCPS): the QR a customer shows at a till, as BER-TLV
//! bytes in base64. The payload format indicator (tag `85`, `CPV01`), an application template
//! (`61`) with the application's AID (`4F`), an optional label (`50`), the token (`5A`, BCD
//! digits padded with `F`), and an application specific transparent template (`63`) holding
//! the application cryptogram (`9F26`, 8 bytes) and the transaction counter (`9F36`, 2 bytes).
//!
//! The parser takes hostile input: bounded size and depth, every length checked against what
//! is left, unknown tags skipped, a typed error for each way a payload can be wrong.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

/// The payload format indicator's value.
pub const FORMAT: &[u8] = b"CPV01";
/// Longest payload looked at, in bytes once decoded.
pub const MAX_BYTES: usize = 512;
const MAX_DEPTH: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpmCode {
    pub aid: Vec<u8>,
    pub label: Option<String>,
    /// The token's digits (from `5A`).
    pub token: String,
    /// The application cryptogram (`9F26`).
    pub cryptogram: [u8; 8],
    /// The application transaction counter (`9F36`).
    pub counter: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CpmError {
    #[error("not base64")]
    NotBase64,
    #[error("longer than {MAX_BYTES} bytes")]
    TooLong,
    #[error("a tag or length runs past the end")]
    Truncated,
    #[error("a length is not one this format allows")]
    BadLength,
    #[error("templates nested too deep")]
    TooDeep,
    #[error("not a consumer-presented code (no CPV01 indicator)")]
    NotCpm,
    #[error("no {0}")]
    Missing(&'static str),
    #[error("the token is not decimal digits")]
    BadToken,
    #[error("the {0} has the wrong size")]
    BadField(&'static str),
}

struct Tlv<'a> {
    tag: u32,
    value: &'a [u8],
}

fn is_constructed(tag: u32) -> bool {
    // The first tag byte's bit 6 (0x20) marks a constructed value.
    let first = if tag > 0xff {
        (tag >> 8) as u8
    } else {
        tag as u8
    };
    first & 0x20 != 0
}

/// The TLVs at one level of `buf`.
fn read(buf: &[u8]) -> Result<Vec<Tlv<'_>>, CpmError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < buf.len() {
        // Padding between TLVs (00 or FF) is allowed by BER-TLV as EMV uses it.
        if buf[i] == 0x00 || buf[i] == 0xff {
            i += 1;
            continue;
        }
        let mut tag = u32::from(buf[i]);
        i += 1;
        if tag & 0x1f == 0x1f {
            // Subsequent tag bytes while bit 8 is set; EMV tags are at most 2 bytes.
            let b = *buf.get(i).ok_or(CpmError::Truncated)?;
            if b & 0x80 != 0 {
                return Err(CpmError::BadLength);
            }
            tag = (tag << 8) | u32::from(b);
            i += 1;
        }
        let first = *buf.get(i).ok_or(CpmError::Truncated)?;
        i += 1;
        let len = match first {
            0x00..=0x7f => usize::from(first),
            0x81 => {
                let n = *buf.get(i).ok_or(CpmError::Truncated)?;
                i += 1;
                usize::from(n)
            }
            0x82 => {
                let hi = *buf.get(i).ok_or(CpmError::Truncated)?;
                let lo = *buf.get(i + 1).ok_or(CpmError::Truncated)?;
                i += 2;
                usize::from(u16::from_be_bytes([hi, lo]))
            }
            _ => return Err(CpmError::BadLength),
        };
        let end = i.checked_add(len).ok_or(CpmError::Truncated)?;
        let value = buf.get(i..end).ok_or(CpmError::Truncated)?;
        out.push(Tlv { tag, value });
        i = end;
    }
    Ok(out)
}

fn find<'a>(tlvs: &'a [Tlv<'a>], tag: u32) -> Option<&'a [u8]> {
    tlvs.iter().find(|t| t.tag == tag).map(|t| t.value)
}

/// The TLVs of a template and of the templates inside it, flattened (bounded depth).
fn flatten<'a>(value: &'a [u8], depth: usize, out: &mut Vec<Tlv<'a>>) -> Result<(), CpmError> {
    if depth > MAX_DEPTH {
        return Err(CpmError::TooDeep);
    }
    for t in read(value)? {
        if is_constructed(t.tag) {
            flatten(t.value, depth + 1, out)?;
        } else {
            out.push(t);
        }
    }
    Ok(())
}

fn bcd_digits(bytes: &[u8]) -> Result<String, CpmError> {
    let mut s = String::with_capacity(bytes.len() * 2);
    let mut padded = false;
    for nibble in bytes.iter().flat_map(|b| [b >> 4, b & 0x0f]) {
        match nibble {
            0..=9 if !padded => s.push(char::from(b'0' + nibble)),
            0x0f => padded = true,
            _ => return Err(CpmError::BadToken),
        }
    }
    if s.is_empty() {
        return Err(CpmError::BadToken);
    }
    Ok(s)
}

fn to_bcd(digits: &str) -> Vec<u8> {
    let mut nibbles: Vec<u8> = digits
        .bytes()
        .map(|c| c.saturating_sub(b'0') & 0x0f)
        .collect();
    if nibbles.len() % 2 == 1 {
        nibbles.push(0x0f);
    }
    nibbles.chunks(2).map(|p| (p[0] << 4) | p[1]).collect()
}

fn tlv(tag: u32, value: &[u8], out: &mut Vec<u8>) {
    if tag > 0xff {
        out.extend_from_slice(&(tag as u16).to_be_bytes());
    } else {
        out.push(tag as u8);
    }
    match value.len() {
        n @ 0..=0x7f => out.push(n as u8),
        n @ 0x80..=0xff => out.extend_from_slice(&[0x81, n as u8]),
        n => {
            out.push(0x82);
            out.extend_from_slice(&(n.min(0xffff) as u16).to_be_bytes());
        }
    }
    out.extend_from_slice(value);
}

impl CpmCode {
    /// The payload's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut icc = Vec::new();
        tlv(0x9f26, &self.cryptogram, &mut icc);
        tlv(0x9f36, &self.counter.to_be_bytes(), &mut icc);
        let mut app = Vec::new();
        tlv(0x4f, &self.aid, &mut app);
        if let Some(label) = &self.label {
            tlv(0x50, label.as_bytes(), &mut app);
        }
        tlv(0x5a, &to_bcd(&self.token), &mut app);
        tlv(0x63, &icc, &mut app);
        let mut out = Vec::new();
        tlv(0x85, FORMAT, &mut out);
        tlv(0x61, &app, &mut out);
        out
    }

    /// The text a QR code carries: the bytes in base64.
    pub fn to_qr_text(&self) -> String {
        B64.encode(self.to_bytes())
    }

    pub fn parse_qr_text(text: &str) -> Result<CpmCode, CpmError> {
        let text = text.trim();
        if text.len() > MAX_BYTES * 4 / 3 + 4 {
            return Err(CpmError::TooLong);
        }
        let bytes = B64.decode(text).map_err(|_| CpmError::NotBase64)?;
        Self::parse_bytes(&bytes)
    }

    pub fn parse_bytes(bytes: &[u8]) -> Result<CpmCode, CpmError> {
        if bytes.len() > MAX_BYTES {
            return Err(CpmError::TooLong);
        }
        let top = read(bytes)?;
        if find(&top, 0x85) != Some(FORMAT) {
            return Err(CpmError::NotCpm);
        }
        let app = find(&top, 0x61).ok_or(CpmError::Missing("application template (61)"))?;
        let mut fields = Vec::new();
        flatten(app, 1, &mut fields)?;
        let aid = find(&fields, 0x4f).ok_or(CpmError::Missing("AID (4F)"))?;
        if !(5..=16).contains(&aid.len()) {
            return Err(CpmError::BadField("AID"));
        }
        let token = match (find(&fields, 0x5a), find(&fields, 0x57)) {
            (Some(pan), _) => bcd_digits(pan)?,
            // Track 2 equivalent data: the token up to the separator `D`.
            (None, Some(track2)) => {
                let hex: String = track2.iter().map(|b| format!("{b:02X}")).collect();
                let head = hex.split('D').next().unwrap_or_default();
                if head.is_empty() || !head.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(CpmError::BadToken);
                }
                head.to_owned()
            }
            (None, None) => return Err(CpmError::Missing("token (5A or 57)")),
        };
        let cryptogram: [u8; 8] = find(&fields, 0x9f26)
            .ok_or(CpmError::Missing("application cryptogram (9F26)"))?
            .try_into()
            .map_err(|_| CpmError::BadField("application cryptogram"))?;
        let counter: [u8; 2] = find(&fields, 0x9f36)
            .ok_or(CpmError::Missing("transaction counter (9F36)"))?
            .try_into()
            .map_err(|_| CpmError::BadField("transaction counter"))?;
        let label = find(&fields, 0x50).map(|l| String::from_utf8_lossy(l).into_owned());
        Ok(CpmCode {
            aid: aid.to_vec(),
            label,
            token,
            cryptogram,
            counter: u16::from_be_bytes(counter),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> CpmCode {
        CpmCode {
            aid: vec![0xf0, b'P', b'U', b'R', b'S', b'E', 0x01],
            label: Some("PURSE".into()),
            token: "2912345678".into(),
            cryptogram: 12_345_678u64.to_be_bytes(),
            counter: 0xbeef,
        }
    }

    #[test]
    fn encodes_the_emv_layout_and_parses_it_back() {
        let c = code();
        let bytes = c.to_bytes();
        assert_eq!(&bytes[..7], &[0x85, 0x05, b'C', b'P', b'V', b'0', b'1']);
        assert_eq!(bytes[7], 0x61, "the application template follows");
        let text = c.to_qr_text();
        assert_eq!(CpmCode::parse_qr_text(&text).unwrap(), c);
        // An odd number of digits is padded with F.
        let odd = CpmCode {
            token: "291234567".into(),
            ..c
        };
        assert_eq!(
            CpmCode::parse_bytes(&odd.to_bytes()).unwrap().token,
            "291234567"
        );
    }

    #[test]
    fn fields_directly_in_the_application_template_and_a_track_2_token_are_read() {
        let mut app = Vec::new();
        tlv(0x4f, &code().aid, &mut app);
        tlv(
            0x57,
            &[0x29, 0x12, 0x34, 0x56, 0x78, 0xd3, 0x01, 0x2f],
            &mut app,
        );
        tlv(0x9f26, &[0; 8], &mut app);
        tlv(0x9f36, &[0, 7], &mut app);
        let mut bytes = Vec::new();
        tlv(0x85, FORMAT, &mut bytes);
        tlv(0x61, &app, &mut bytes);
        let c = CpmCode::parse_bytes(&bytes).unwrap();
        assert_eq!(
            (c.token.as_str(), c.counter, c.label),
            ("2912345678", 7, None)
        );
    }

    #[test]
    fn hostile_payloads_get_their_own_errors() {
        let good = code().to_bytes();
        assert_eq!(
            CpmCode::parse_qr_text("not base64!"),
            Err(CpmError::NotBase64)
        );
        for cut in 1..good.len() {
            assert!(CpmCode::parse_bytes(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut wrong = good.clone();
        wrong[6] = b'2';
        assert_eq!(CpmCode::parse_bytes(&wrong), Err(CpmError::NotCpm));
        assert_eq!(
            CpmCode::parse_bytes(&[0x85, 0x83, 0, 0, 5]),
            Err(CpmError::BadLength)
        );
        assert_eq!(
            CpmCode::parse_bytes(&[0x85, 0x82, 0xff, 0xff]),
            Err(CpmError::Truncated)
        );
        assert_eq!(
            CpmCode::parse_bytes(&vec![0x00; 600]),
            Err(CpmError::TooLong)
        );
        // Templates inside templates, deeper than any code needs.
        let mut nested = vec![0x4f, 1, 0];
        for _ in 0..8 {
            let mut outer = Vec::new();
            tlv(0x63, &nested, &mut outer);
            nested = outer;
        }
        let mut deep = Vec::new();
        tlv(0x85, FORMAT, &mut deep);
        tlv(0x61, &nested, &mut deep);
        assert_eq!(CpmCode::parse_bytes(&deep), Err(CpmError::TooDeep));
        let mut short = code();
        short.aid = vec![1, 2];
        assert_eq!(
            CpmCode::parse_bytes(&short.to_bytes()),
            Err(CpmError::BadField("AID"))
        );
        let mut letters = good.clone();
        let at = letters.iter().position(|b| *b == 0x5a).unwrap() + 2;
        letters[at] = 0xab;
        assert_eq!(CpmCode::parse_bytes(&letters), Err(CpmError::BadToken));
    }
}
