//! The sandbox funding provider: linked cards and bank accounts that behave like the card
//! networks' and banks' test ranges, so every outcome of a top-up can be produced on purpose.
//!
//! Cards are Luhn-checked and must be one of the sandbox numbers below; bank accounts are
//! IBAN-checked (ISO 13616 length per country, mod-97 check digits). Only the brand and last
//! four digits are kept, plus an HMAC fingerprint so the same card links once per account.

/// What the provider does when a linked source is charged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    Approve,
    Decline(&'static str),
}

impl Behaviour {
    pub fn encode(&self) -> String {
        match self {
            Behaviour::Approve => "approve".into(),
            Behaviour::Decline(code) => format!("decline:{code}"),
        }
    }

    pub fn decode(s: &str) -> Behaviour {
        match s.strip_prefix("decline:") {
            Some(code) => Behaviour::Decline(
                DECLINE_CODES
                    .iter()
                    .find(|c| **c == code)
                    .copied()
                    .unwrap_or("generic_decline"),
            ),
            None => Behaviour::Approve,
        }
    }
}

const DECLINE_CODES: &[&str] = &[
    "generic_decline",
    "insufficient_funds",
    "lost_card",
    "stolen_card",
    "expired_card",
    "incorrect_cvc",
    "processing_error",
    "do_not_honor",
];

/// The sandbox card numbers, as the card industry's test ranges use them.
pub const SANDBOX_CARDS: &[(&str, Behaviour)] = &[
    ("4242424242424242", Behaviour::Approve),
    ("4000056655665556", Behaviour::Approve),
    ("5555555555554444", Behaviour::Approve),
    ("2223003122003222", Behaviour::Approve),
    ("378282246310005", Behaviour::Approve),
    ("6011111111111117", Behaviour::Approve),
    ("3566002020360505", Behaviour::Approve),
    ("6200000000000005", Behaviour::Approve),
    ("4000000000000002", Behaviour::Decline("generic_decline")),
    ("4000000000009995", Behaviour::Decline("insufficient_funds")),
    ("4000000000009987", Behaviour::Decline("lost_card")),
    ("4000000000009979", Behaviour::Decline("stolen_card")),
    ("4000000000000069", Behaviour::Decline("expired_card")),
    ("4000000000000127", Behaviour::Decline("incorrect_cvc")),
    ("4000000000000119", Behaviour::Decline("processing_error")),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FundingError {
    #[error("{0}")]
    InvalidCard(&'static str),
    #[error("{0}")]
    InvalidIban(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardCheck {
    pub brand: &'static str,
    pub last4: String,
    pub behaviour: Behaviour,
}

/// A card number: 12 to 19 digits passing Luhn (the core's rule, as billers use it too).
pub fn luhn_valid(digits: &str) -> bool {
    (12..=19).contains(&digits.len()) && purse_core::bills::luhn(digits)
}

pub fn card_brand(digits: &str) -> &'static str {
    let prefix = |n: usize| {
        digits
            .get(..n)
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    match () {
        _ if digits.starts_with('4') => "visa",
        _ if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) => "mastercard",
        _ if prefix(2) == 34 || prefix(2) == 37 => "amex",
        _ if prefix(4) == 6011 || prefix(2) == 65 => "discover",
        _ if (3528..=3589).contains(&prefix(4)) => "jcb",
        _ if prefix(2) == 62 => "unionpay",
        _ => "card",
    }
}

/// Validates a card for linking. `now_year_month` is (year, month) today.
pub fn check_card(
    number: &str,
    exp_month: u8,
    exp_year: u16,
    now_year_month: (u16, u8),
) -> Result<CardCheck, FundingError> {
    if !luhn_valid(number) {
        return Err(FundingError::InvalidCard(
            "card number fails the Luhn check",
        ));
    }
    if !(1..=12).contains(&exp_month) {
        return Err(FundingError::InvalidCard("expiry month must be 1 to 12"));
    }
    if (exp_year, exp_month) < now_year_month {
        return Err(FundingError::InvalidCard("card has expired"));
    }
    let behaviour = SANDBOX_CARDS
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, b)| b.clone())
        .ok_or(FundingError::InvalidCard(
            "not a sandbox card: use a test number such as 4242 4242 4242 4242",
        ))?;
    Ok(CardCheck {
        brand: card_brand(number),
        last4: number[number.len() - 4..].to_owned(),
        behaviour,
    })
}

/// IBAN lengths per country (ISO 13616 registry, the SEPA countries and a few more).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SA", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("TR", 26),
    ("VA", 22),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IbanCheck {
    pub country: String,
    pub last4: String,
    pub behaviour: Behaviour,
}

/// Validates an IBAN (spaces removed, upper case). In the sandbox, an account number ending
/// in 0002 declines with `insufficient_funds`, mirroring the card test range.
pub fn check_iban(iban: &str) -> Result<IbanCheck, FundingError> {
    let iban = iban.to_ascii_uppercase();
    if !iban.bytes().all(|b| b.is_ascii_alphanumeric()) || iban.len() < 5 {
        return Err(FundingError::InvalidIban("IBAN must be letters and digits"));
    }
    let country = &iban[..2];
    let expected = IBAN_LENGTHS
        .iter()
        .find(|(c, _)| *c == country)
        .map(|(_, n)| *n)
        .ok_or(FundingError::InvalidIban("unknown IBAN country"))?;
    if iban.len() != expected {
        return Err(FundingError::InvalidIban(
            "IBAN has the wrong length for its country",
        ));
    }
    if !iban[2..4].bytes().all(|b| b.is_ascii_digit()) {
        return Err(FundingError::InvalidIban(
            "IBAN check digits must be digits",
        ));
    }
    if iban_mod97(&iban) != 1 {
        return Err(FundingError::InvalidIban("IBAN check digits do not match"));
    }
    let behaviour = if iban.ends_with("0002") {
        Behaviour::Decline("insufficient_funds")
    } else {
        Behaviour::Approve
    };
    Ok(IbanCheck {
        country: country.to_owned(),
        last4: iban[iban.len() - 4..].to_owned(),
        behaviour,
    })
}

/// What the sandbox bank does with a withdrawal, by the account number's last four digits
/// (the documented trigger accounts): `0003` returns it later, `0004` refuses it at once,
/// any other pays it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalOutcome {
    PaidOut,
    ReturnedLater,
    RefusedAtOnce,
}

pub fn withdrawal_outcome(last4: &str) -> WithdrawalOutcome {
    match last4 {
        "0003" => WithdrawalOutcome::ReturnedLater,
        "0004" => WithdrawalOutcome::RefusedAtOnce,
        _ => WithdrawalOutcome::PaidOut,
    }
}

/// ISO 7064 mod 97-10 over the rearranged IBAN (1 for a valid one; the core's rule).
pub fn iban_mod97(iban: &str) -> u32 {
    let upper = iban.to_ascii_uppercase();
    let rearranged = upper[4..].bytes().chain(upper[..4].bytes());
    purse_core::bills::mod97_10(rearranged).unwrap_or(0)
}

/// Computes the check digits for a country and BBAN: what a test needs to make valid IBANs.
pub fn make_iban(country: &str, bban: &str) -> String {
    let draft = format!("{country}00{bban}");
    let check = 98 - iban_mod97(&draft);
    format!("{country}{check:02}{bban}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sandbox_card_passes_luhn() {
        for (n, _) in SANDBOX_CARDS {
            assert!(luhn_valid(n), "{n}");
        }
        assert!(!luhn_valid("4242424242424241"));
        assert!(!luhn_valid("42424242"));
        assert!(!luhn_valid("4242-4242-4242-4242"));
    }

    #[test]
    fn brands() {
        assert_eq!(card_brand("4242424242424242"), "visa");
        assert_eq!(card_brand("5555555555554444"), "mastercard");
        assert_eq!(card_brand("2223003122003222"), "mastercard");
        assert_eq!(card_brand("378282246310005"), "amex");
        assert_eq!(card_brand("6200000000000005"), "unionpay");
    }

    #[test]
    fn card_checks() {
        let now = (2026, 11);
        let ok = check_card("4242424242424242", 12, 2030, now).unwrap();
        assert_eq!(
            (ok.brand, ok.last4.as_str(), ok.behaviour),
            ("visa", "4242", Behaviour::Approve)
        );
        assert_eq!(
            check_card("4000000000000002", 1, 2027, now)
                .unwrap()
                .behaviour,
            Behaviour::Decline("generic_decline")
        );
        assert!(check_card("4242424242424241", 12, 2030, now).is_err());
        assert!(
            check_card("4242424242424242", 10, 2026, now).is_err(),
            "expired"
        );
        assert!(check_card("4242424242424242", 13, 2030, now).is_err());
        assert!(
            check_card("4111111111111111", 12, 2030, now).is_err(),
            "valid Luhn, not sandbox"
        );
    }

    #[test]
    fn ibans() {
        check_iban("DE89370400440532013000").unwrap();
        check_iban("GB82WEST12345698765432").unwrap();
        assert!(
            check_iban("DE89370400440532013001").is_err(),
            "bad check digits"
        );
        assert!(check_iban("DE8937040044053201300").is_err(), "short");
        assert!(check_iban("XX89370400440532013000").is_err());
        assert!(check_iban("DE89 3704").is_err());
        let declining = make_iban("DE", "370400440532010002");
        assert_eq!(
            check_iban(&declining).unwrap().behaviour,
            Behaviour::Decline("insufficient_funds")
        );
    }

    #[test]
    fn behaviour_round_trip() {
        for b in [Behaviour::Approve, Behaviour::Decline("lost_card")] {
            assert_eq!(Behaviour::decode(&b.encode()), b);
        }
    }
}
