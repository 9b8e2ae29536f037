//! A customer reference against its biller's parameter rule.

use super::BillError;
use crate::api::types::{CustomerParam, ParamKind};

/// The form a reference is checked and sent in: the spaces, dashes and dots people type or
/// copy from a printed bill dropped, letters upper-cased. A phone number keeps its `+`.
pub fn normalize_reference(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '(' | ')' | '/'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Checks a typed reference against `param` and returns it normalised, or the first rule it
/// breaks (characters before length before pattern before check digit, so the message is
/// about the most basic mistake).
pub fn check_reference(param: &CustomerParam, typed: &str) -> Result<String, BillError> {
    let label = || param.label.to_lowercase();
    let reference = normalize_reference(typed);
    if reference.is_empty() {
        return Err(BillError::ReferenceEmpty { label: label() });
    }
    let chars_ok = match param.kind {
        ParamKind::Numeric => reference.bytes().all(|b| b.is_ascii_digit()),
        ParamKind::Alphanumeric => reference.bytes().all(|b| b.is_ascii_alphanumeric()),
        ParamKind::E164 => {
            reference.starts_with('+') && reference[1..].bytes().all(|b| b.is_ascii_digit())
        }
    };
    if !chars_ok {
        return Err(BillError::BadCharacters { label: label() });
    }
    let len = reference.len() as u32;
    if len < param.min_length {
        return Err(BillError::TooShort {
            label: label(),
            min: param.min_length,
        });
    }
    if len > param.max_length {
        return Err(BillError::TooLong {
            label: label(),
            max: param.max_length,
        });
    }
    if let Some(pattern) = &param.pattern {
        let re = compile(pattern)?;
        if !re.is_match(&reference) {
            return Err(BillError::PatternMismatch { label: label() });
        }
    }
    if !param.check_digit.verify(&reference) {
        return Err(BillError::BadCheckDigit { label: label() });
    }
    Ok(reference)
}

/// Whether a catalogue's pattern compiles (`BadRule` with the reason when not).
pub fn check_pattern(pattern: &str) -> Result<(), BillError> {
    compile(pattern).map(|_| ())
}

/// The pattern anchored at both ends: a catalogue's `[0-9]{10}` means the whole reference.
fn compile(pattern: &str) -> Result<regex_lite::Regex, BillError> {
    regex_lite::Regex::new(&format!("^(?:{pattern})$"))
        .map_err(|e| BillError::BadRule(format!("pattern {pattern:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::CheckDigit;

    fn param(kind: ParamKind, min: u32, max: u32, check: CheckDigit) -> CustomerParam {
        CustomerParam {
            label: "Account number".into(),
            kind,
            min_length: min,
            max_length: max,
            pattern: None,
            check_digit: check,
        }
    }

    #[test]
    fn each_rule_has_its_error() {
        let p = param(ParamKind::Numeric, 8, 12, CheckDigit::Luhn);
        assert_eq!(check_reference(&p, "7992 7398 713").unwrap(), "79927398713");
        let code = |typed: &str| check_reference(&p, typed).unwrap_err().code();
        assert_eq!(code("  "), "reference_empty");
        assert_eq!(code("1234567"), "reference_too_short");
        assert_eq!(code("1234567890123"), "reference_too_long");
        assert_eq!(code("79927398A13"), "reference_bad_characters");
        assert_eq!(code("79927398714"), "reference_bad_check_digit");
        let patterned = CustomerParam {
            pattern: Some("7[0-9]+".into()),
            ..p.clone()
        };
        assert_eq!(
            check_reference(&patterned, "4242424242424242")
                .unwrap_err()
                .code(),
            "reference_too_long"
        );
        assert_eq!(
            check_reference(&patterned, "42424242").unwrap_err().code(),
            "reference_pattern_mismatch",
            "anchored: a 7 somewhere is not enough"
        );
    }

    #[test]
    fn creditor_references_are_normalised_before_their_check() {
        let p = param(ParamKind::Alphanumeric, 5, 25, CheckDigit::Iso11649);
        assert_eq!(
            check_reference(&p, "rf18 5390 0754 7034").unwrap(),
            "RF18539007547034"
        );
        assert_eq!(
            check_reference(&p, "RF18-5390-0754-7035")
                .unwrap_err()
                .code(),
            "reference_bad_check_digit"
        );
        let swiss = param(ParamKind::Numeric, 27, 27, CheckDigit::SwissQr);
        assert!(check_reference(&swiss, "21 00000 00003 13947 14300 09017").is_ok());
    }

    #[test]
    fn phone_numbers_keep_their_plus() {
        let p = param(ParamKind::E164, 9, 16, CheckDigit::None);
        assert_eq!(
            check_reference(&p, "+44 7700 900123").unwrap(),
            "+447700900123"
        );
        assert_eq!(
            check_reference(&p, "07700900123").unwrap_err().code(),
            "reference_bad_characters"
        );
        assert_eq!(
            check_reference(&p, "+44+7700").unwrap_err().code(),
            "reference_bad_characters"
        );
    }

    #[test]
    fn a_broken_catalogue_pattern_is_the_biller_s_fault() {
        let p = CustomerParam {
            pattern: Some("([0-9]".into()),
            ..param(ParamKind::Numeric, 1, 9, CheckDigit::None)
        };
        assert!(matches!(
            check_reference(&p, "123"),
            Err(BillError::BadRule(_))
        ));
    }
}
