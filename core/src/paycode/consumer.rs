//! The customer's pay code: one value in two forms, shown on the phone and scanned (or
//! typed) at the till. The 18-digit form is `29` (Purse), the device's 8-digit pay-code
//! index, and an 8-digit time-based one-time value (RFC 6238 over HMAC-SHA-256, 30-second
//! steps); the QR form carries the same in EMVCo consumer-presented mode ([`super::cpm`]):
//! the prefix and index as the token, the one-time value as the cryptogram, the counter's
//! low 16 bits as the application transaction counter.
//!
//! The one-time value's counter is the time step times [`SLOTS`] plus a slot: a phone shows
//! slot 0 of its step, and after one of its codes was charged the next slot at once, so a
//! customer paying twice within 30 seconds is never told to wait. The backend accepts any
//! slot of the step before, of now, or of the step after (one step of clock drift either
//! way), and only above the device's last accepted counter, so a code is never accepted
//! twice, even within its window (RFC 6238 §5.2).

use super::cpm::{CpmCode, CpmError};
use super::otp::{OtpHash, STEP_SECS, hotp, same_value, time_step};

/// The first two digits of every Purse pay code.
pub const PREFIX: &str = "29";
pub const INDEX_DIGITS: u32 = 8;
pub const OTP_DIGITS: u32 = 8;
/// Digits of the whole code.
pub const CODE_DIGITS: usize = 18;
/// Steps either side of now that are accepted.
pub const DRIFT_STEPS: u64 = 1;
/// Codes per time step: the first, and the next ones a phone shows after a charge.
pub const SLOTS: u64 = 4;
/// How far back a code is still recognised as one of the device's, only to say it expired
/// (five minutes): a till then asks for the code on the screen now, not for a new guess.
pub const STALE_STEPS: u64 = 10;
/// The application identifier in the QR form: a proprietary AID (`F0` + "PURSE" + version).
pub const AID: [u8; 7] = [0xf0, b'P', b'U', b'R', b'S', b'E', 0x01];

/// One pay code, as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayCode {
    /// The device's pay-code index (below 10^8), issued with its secret.
    pub device_index: u32,
    pub otp: u32,
    /// The one-time value's counter: the time step times [`SLOTS`] plus the slot.
    pub counter: u64,
}

/// A code as the till read it: no step in the digits, its low 16 bits in the QR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresentedCode {
    pub device_index: u32,
    pub otp: u32,
    pub counter: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayCodeError {
    #[error("a pay code is {CODE_DIGITS} digits starting with {PREFIX}")]
    NotAPayCode,
    #[error("not a Purse pay code: {0}")]
    Cpm(#[from] CpmError),
}

/// Makes the first code of `unix`'s step for the device's secret and index.
pub fn generate(secret: &[u8], device_index: u32, unix: i64) -> PayCode {
    generate_at(secret, device_index, first_counter(unix))
}

/// Makes the code of a counter ([`first_counter`], [`next_counter`]).
pub fn generate_at(secret: &[u8], device_index: u32, counter: u64) -> PayCode {
    PayCode {
        device_index,
        otp: hotp(secret, counter, OTP_DIGITS, OtpHash::Sha256),
        counter,
    }
}

/// The counter of slot 0 of `unix`'s step.
pub fn first_counter(unix: i64) -> u64 {
    time_step(unix).saturating_mul(SLOTS)
}

/// The counter a phone shows at `unix` when `used` is the last of its codes charged
/// (if any): the first of now, or the one after the used one. `None` when every code up
/// to the step after now was used: the phone must wait for the next step.
pub fn next_counter(unix: i64, used: Option<u64>) -> Option<u64> {
    let first = first_counter(unix);
    let Some(used) = used.filter(|u| *u >= first) else {
        return Some(first);
    };
    let next = used + 1;
    (next < first + (DRIFT_STEPS + 1) * SLOTS).then_some(next)
}

fn counters_of_steps(steps: std::ops::RangeInclusive<u64>) -> impl Iterator<Item = u64> {
    steps.flat_map(|s| (0..SLOTS).map(move |slot| s.saturating_mul(SLOTS) + slot))
}

/// Seconds until the code of `unix` is replaced by the next one.
pub fn seconds_left(unix: i64) -> i64 {
    STEP_SECS - unix.rem_euclid(STEP_SECS)
}

impl PayCode {
    /// The 18 digits.
    pub fn digits(&self) -> String {
        format!(
            "{PREFIX}{:0iw$}{:0ow$}",
            self.device_index,
            self.otp,
            iw = INDEX_DIGITS as usize,
            ow = OTP_DIGITS as usize
        )
    }

    /// The digits in groups of four from the right, as a till's display or a person reads
    /// them: `29 1234 5678 1234 5678`.
    pub fn grouped(&self) -> String {
        let d = self.digits();
        let (head, rest) = d.split_at(2);
        let groups: Vec<&str> = rest
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or(""))
            .collect();
        format!("{head} {}", groups.join(" "))
    }

    /// The QR form (EMVCo consumer-presented, base64).
    pub fn qr_text(&self) -> String {
        CpmCode {
            aid: AID.to_vec(),
            label: Some("PURSE".into()),
            token: format!(
                "{PREFIX}{:0w$}",
                self.device_index,
                w = INDEX_DIGITS as usize
            ),
            cryptogram: u64::from(self.otp).to_be_bytes(),
            counter: (self.counter & 0xffff) as u16,
        }
        .to_qr_text()
    }
}

impl PresentedCode {
    /// Reads what the till scanned or the cashier typed: the 18 digits (spaces and dashes
    /// allowed) or the QR form.
    pub fn parse(input: &str) -> Result<PresentedCode, PayCodeError> {
        let text = input.trim();
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.bytes().all(|c| c.is_ascii_digit()) && !digits.is_empty() {
            return Self::from_digits(&digits);
        }
        let cpm = CpmCode::parse_qr_text(text)?;
        if cpm.aid != AID {
            return Err(PayCodeError::NotAPayCode);
        }
        let otp = u64::from_be_bytes(cpm.cryptogram);
        let token = Self::from_digits(&format!("{}{:0w$}", cpm.token, 0, w = OTP_DIGITS as usize))?;
        Ok(PresentedCode {
            device_index: token.device_index,
            otp: u32::try_from(otp)
                .ok()
                .filter(|o| *o < 10u32.pow(OTP_DIGITS))
                .ok_or(PayCodeError::NotAPayCode)?,
            counter: Some(cpm.counter),
        })
    }

    fn from_digits(d: &str) -> Result<PresentedCode, PayCodeError> {
        if d.len() != CODE_DIGITS || !d.starts_with(PREFIX) {
            return Err(PayCodeError::NotAPayCode);
        }
        let index_end = PREFIX.len() + INDEX_DIGITS as usize;
        let parse = |s: &str| s.parse::<u32>().map_err(|_| PayCodeError::NotAPayCode);
        Ok(PresentedCode {
            device_index: parse(&d[PREFIX.len()..index_end])?,
            otp: parse(&d[index_end..])?,
            counter: None,
        })
    }

    /// The counter this code was made for, if it is one of the device's codes of a step
    /// within drift of `now` and its QR counter (when it has one) agrees.
    pub fn matching_counter(&self, secret: &[u8], now: i64) -> Option<u64> {
        let t = time_step(now);
        self.find(secret, t.saturating_sub(DRIFT_STEPS)..=t + DRIFT_STEPS)
    }

    /// The counter of an older code of the device (from before the drift window, within
    /// [`STALE_STEPS`]): a code shown and not scanned in time. Never accepted; it only lets
    /// the till say "expired" rather than "invalid".
    pub fn stale_counter(&self, secret: &[u8], now: i64) -> Option<u64> {
        let t = time_step(now);
        let newest = t.checked_sub(DRIFT_STEPS + 1)?;
        self.find(secret, t.saturating_sub(STALE_STEPS)..=newest)
    }

    fn find(&self, secret: &[u8], steps: std::ops::RangeInclusive<u64>) -> Option<u64> {
        let mut found = None;
        // Every candidate is computed, so the time taken does not say which one matched.
        for counter in counters_of_steps(steps) {
            let ok = same_value(hotp(secret, counter, OTP_DIGITS, OtpHash::Sha256), self.otp)
                && self.counter.is_none_or(|c| c == (counter & 0xffff) as u16);
            if ok && found.is_none() {
                found = Some(counter);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"an example pay-code secret, 32 b";

    #[test]
    fn digits_and_qr_carry_one_value() {
        let c = generate(SECRET, 1_234, 1_800_000_000);
        let d = c.digits();
        assert_eq!(d.len(), 18);
        assert!(d.starts_with("2900001234"), "{d}");
        assert_eq!(c.grouped().replace(' ', ""), d);
        let typed = PresentedCode::parse(&c.grouped()).unwrap();
        assert_eq!(
            (typed.device_index, typed.otp, typed.counter),
            (1_234, c.otp, None)
        );
        let scanned = PresentedCode::parse(&c.qr_text()).unwrap();
        assert_eq!((scanned.device_index, scanned.otp), (1_234, c.otp));
        assert_eq!(scanned.counter, Some((c.counter & 0xffff) as u16));
    }

    #[test]
    fn a_code_matches_within_one_step_of_drift_and_no_further() {
        let t = 1_800_000_000;
        let c = PresentedCode::parse(&generate(SECRET, 7, t).digits()).unwrap();
        let first = first_counter(t);
        assert_eq!(first, time_step(t) * SLOTS);
        assert_eq!(c.matching_counter(SECRET, t), Some(first));
        assert_eq!(
            c.matching_counter(SECRET, t + STEP_SECS),
            Some(first),
            "the till is a step ahead"
        );
        assert_eq!(
            c.matching_counter(SECRET, t - STEP_SECS),
            Some(first),
            "the phone is a step ahead"
        );
        assert_eq!(
            c.matching_counter(SECRET, t + 2 * STEP_SECS),
            None,
            "expired"
        );
        // Older than the window but within five minutes it is known as stale, no further.
        assert_eq!(c.stale_counter(SECRET, t + 2 * STEP_SECS), Some(first));
        assert_eq!(c.stale_counter(SECRET, t + 10 * STEP_SECS), Some(first));
        assert_eq!(c.stale_counter(SECRET, t + 11 * STEP_SECS), None);
        assert_eq!(c.stale_counter(SECRET, t + STEP_SECS), None, "still fresh");
        assert_eq!(c.stale_counter(SECRET, t), None);
        assert_eq!(
            c.matching_counter(b"another device's secret.........", t),
            None
        );
        // The QR's counter must agree with the one-time value's.
        let mut q = PresentedCode::parse(&generate(SECRET, 7, t).qr_text()).unwrap();
        assert_eq!(q.matching_counter(SECRET, t), Some(first));
        q.counter = q.counter.map(|c| c.wrapping_add(1));
        assert_eq!(q.matching_counter(SECRET, t), None);
    }

    #[test]
    fn after_a_charge_the_next_slot_shows_at_once_and_is_accepted() {
        let t = 1_800_000_000;
        let first = first_counter(t);
        assert_eq!(next_counter(t, None), Some(first));
        assert_eq!(next_counter(t, Some(first - 1)), Some(first), "an old one");
        assert_eq!(next_counter(t, Some(first)), Some(first + 1));
        // The slots of now and of the step after (within drift); then wait.
        let last = first + 2 * SLOTS - 1;
        assert_eq!(next_counter(t, Some(last - 1)), Some(last));
        assert_eq!(next_counter(t, Some(last)), None);
        for counter in first..=last {
            let c = generate_at(SECRET, 7, counter);
            for form in [c.digits(), c.qr_text()] {
                let p = PresentedCode::parse(&form).unwrap();
                assert_eq!(p.matching_counter(SECRET, t), Some(counter));
            }
        }
        assert_ne!(
            generate_at(SECRET, 7, first).otp,
            generate_at(SECRET, 7, first + 1).otp
        );
    }

    #[test]
    fn what_is_not_a_pay_code_says_so() {
        for bad in [
            "",
            "28000012341234567",
            "2900001234123456789",
            "29000012341234567x",
            "hello",
        ] {
            assert!(PresentedCode::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(seconds_left(1_800_000_000), 30);
        assert_eq!(seconds_left(1_800_000_029), 1);
    }
}
