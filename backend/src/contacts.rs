//! Phone numbers and emails as users type them, normalised to one form so that one number or
//! address is one key: E.164 (`+8613800138000`) through libphonenumber's metadata (the
//! `phonenumber` crate), and RFC 5321 addresses with the domain in lower case.

use purse_core::api::types::ContactKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("not a valid phone number; give it with its country code (+86 ...)")]
    PhoneInvalid,
    #[error("this is not a mobile number; codes are sent by SMS")]
    PhoneNotMobile,
    #[error("not a valid email address")]
    EmailInvalid,
}

/// The one form of a phone number or email, or why it is refused.
pub fn normalize(kind: ContactKind, typed: &str) -> Result<String, ContactError> {
    match kind {
        ContactKind::Phone => phone(typed),
        ContactKind::Email => email(typed),
    }
}

fn phone(typed: &str) -> Result<String, ContactError> {
    use phonenumber::{Mode, Type};
    if typed.len() > 40 {
        return Err(ContactError::PhoneInvalid);
    }
    let number = phonenumber::parse(None, typed.trim()).map_err(|_| ContactError::PhoneInvalid)?;
    if !number.is_valid() {
        return Err(ContactError::PhoneInvalid);
    }
    match number.number_type(&phonenumber::metadata::DATABASE) {
        Type::Mobile | Type::FixedLineOrMobile => Ok(number.format().mode(Mode::E164).to_string()),
        _ => Err(ContactError::PhoneNotMobile),
    }
}

fn email(typed: &str) -> Result<String, ContactError> {
    let typed = typed.trim();
    if typed.len() > 254 || typed.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(ContactError::EmailInvalid);
    }
    let parsed = email_address::EmailAddress::parse_with_options(
        typed,
        email_address::Options::default().without_display_text(),
    )
    .map_err(|_| ContactError::EmailInvalid)?;
    let domain = parsed.domain().to_ascii_lowercase();
    if !domain.contains('.') || domain.starts_with('[') {
        return Err(ContactError::EmailInvalid);
    }
    Ok(format!("{}@{domain}", parsed.local_part()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_become_e164_and_others_are_refused() {
        assert_eq!(
            normalize(ContactKind::Phone, "+86 138 0013 8000").unwrap(),
            "+8613800138000"
        );
        assert_eq!(
            normalize(ContactKind::Phone, "+44 7911 123456").unwrap(),
            "+447911123456"
        );
        assert_eq!(
            normalize(ContactKind::Phone, "+1 (201) 555-0123").unwrap(),
            "+12015550123"
        );
        // A Beijing landline, a UK landline.
        assert_eq!(
            normalize(ContactKind::Phone, "+86 10 6552 9988"),
            Err(ContactError::PhoneNotMobile)
        );
        assert_eq!(
            normalize(ContactKind::Phone, "+44 20 7946 0958"),
            Err(ContactError::PhoneNotMobile)
        );
        for bad in ["13800138000", "+86 123", "call me", "", "+999 1234567"] {
            assert_eq!(
                normalize(ContactKind::Phone, bad),
                Err(ContactError::PhoneInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn emails_keep_their_local_part_and_lower_their_domain() {
        assert_eq!(
            normalize(ContactKind::Email, " Bo.Li@Example.COM ").unwrap(),
            "Bo.Li@example.com"
        );
        for bad in [
            "bo",
            "bo@",
            "@example.com",
            "bo@localhost",
            "Bo <bo@example.com>",
            "b o@example.com",
            "bo@[127.0.0.1]",
        ] {
            assert_eq!(
                normalize(ContactKind::Email, bad),
                Err(ContactError::EmailInvalid),
                "{bad}"
            );
        }
    }
}
