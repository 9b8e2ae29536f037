//! One-time values: HOTP (RFC 4226) and TOTP (RFC 6238), the layer under the customer's pay
//! code. HMAC comes from `ring`; the pay code uses HMAC-SHA-256 over 30-second steps, and
//! SHA-1 is here only for RFC 4226's own test vectors.

use ring::hmac;

/// The HMAC a one-time value is computed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpHash {
    /// RFC 4226's original; kept for its test vectors and interoperability, not used by Purse.
    Sha1,
    Sha256,
    Sha512,
}

impl OtpHash {
    fn algorithm(self) -> hmac::Algorithm {
        match self {
            OtpHash::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            OtpHash::Sha256 => hmac::HMAC_SHA256,
            OtpHash::Sha512 => hmac::HMAC_SHA512,
        }
    }
}

/// Length of a time step in seconds (RFC 6238's default, and the pay code's).
pub const STEP_SECS: i64 = 30;

/// HOTP(K, C) truncated to `digits` decimal digits (1 to 9): RFC 4226 §5.3's dynamic
/// truncation of HMAC(K, C as 8 bytes big-endian), modulo 10^digits.
pub fn hotp(key: &[u8], counter: u64, digits: u32, hash: OtpHash) -> u32 {
    let tag = hmac::sign(
        &hmac::Key::new(hash.algorithm(), key),
        &counter.to_be_bytes(),
    );
    let mac = tag.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        mac[offset] & 0x7f,
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]);
    binary % 10u32.pow(digits.clamp(1, 9))
}

/// The time step of a Unix time (RFC 6238 §4: T = floor((now - T0) / X), T0 = 0).
pub fn time_step(unix: i64) -> u64 {
    u64::try_from(unix.div_euclid(STEP_SECS)).unwrap_or(0)
}

/// TOTP: HOTP over the time step of `unix`.
pub fn totp(key: &[u8], unix: i64, digits: u32, hash: OtpHash) -> u32 {
    hotp(key, time_step(unix), digits, hash)
}

/// Compares two one-time values in time that does not depend on where they differ: one
/// word-wide XOR, never a digit-by-digit comparison of their text.
pub fn same_value(a: u32, b: u32) -> bool {
    std::hint::black_box(a ^ b) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4226 Appendix D: the secret "12345678901234567890", counters 0 to 9, 6 digits.
    #[test]
    fn rfc4226_appendix_d() {
        let key = b"12345678901234567890";
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, want) in expected.iter().enumerate() {
            assert_eq!(
                hotp(key, counter as u64, 6, OtpHash::Sha1),
                *want,
                "count {counter}"
            );
        }
    }

    /// RFC 6238 Appendix B: 8 digits, X = 30, the three hashes with their seeds.
    #[test]
    fn rfc6238_appendix_b() {
        let sha1 = b"12345678901234567890".as_slice();
        let sha256 = b"12345678901234567890123456789012".as_slice();
        let sha512 = b"1234567890123456789012345678901234567890123456789012345678901234".as_slice();
        let cases: [(i64, u32, u32, u32); 6] = [
            (59, 94287082, 46119246, 90693936),
            (1111111109, 7081804, 68084774, 25091201),
            (1111111111, 14050471, 67062674, 99943326),
            (1234567890, 89005924, 91819424, 93441116),
            (2000000000, 69279037, 90698825, 38618901),
            (20000000000, 65353130, 77737706, 47863826),
        ];
        for (time, want1, want256, want512) in cases {
            assert_eq!(totp(sha1, time, 8, OtpHash::Sha1), want1, "SHA1 at {time}");
            assert_eq!(
                totp(sha256, time, 8, OtpHash::Sha256),
                want256,
                "SHA256 at {time}"
            );
            assert_eq!(
                totp(sha512, time, 8, OtpHash::Sha512),
                want512,
                "SHA512 at {time}"
            );
        }
        assert_eq!(time_step(1111111109), 0x23523EC);
        assert_eq!(time_step(20000000000), 0x27BC86AA);
    }

    #[test]
    fn values_compare_whole() {
        assert!(same_value(12345678, 12345678));
        assert!(!same_value(12345678, 12345679));
    }
}
