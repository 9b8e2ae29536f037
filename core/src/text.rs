//! Text one user types that another user sees (names, device names, notes): the one check it
//! passes before it is stored or shown.
//!
//! Control characters could drive a terminal; bidi controls make text read as something it
//! is not ("esuoH aeT" behind U+202E shows as "Tea House"); invisible characters make two
//! names that look the same compare different. All three are refused, not stripped, so the
//! user sees why and what is stored is what they typed.
//!
//! What passes is stored in Unicode's composed form (NFC): "é" typed as one character or as
//! "e" plus a combining accent is one name, not two that look alike.

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters")]
    Control,
    #[error("must not contain direction overrides or invisible characters (U+{0:04X})")]
    Invisible(u32),
}

/// Bidi controls and characters that render as nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0E}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// `text` as a screen may print it: controls, bidi and invisible characters (which a
/// checked text has none of, but older rows and other backends may) as `\u{…}`.
pub fn escape_shown(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() || is_invisible(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() || is_invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `text` trimmed and composed (NFC), if it is 1 to `max_chars` characters with nothing that
/// could deceive.
pub fn check_shown_text(text: &str, max_chars: usize) -> Result<String, TextError> {
    use unicode_normalization::UnicodeNormalization;
    let text = text.trim();
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    for c in text.chars() {
        if c.is_control() {
            return Err(TextError::Control);
        }
        if is_invisible(c) {
            return Err(TextError::Invisible(u32::from(c)));
        }
    }
    let composed: String = text.nfc().collect();
    if composed.chars().count() > max_chars {
        return Err(TextError::TooLong(max_chars));
    }
    Ok(composed)
}

/// Like [`check_shown_text`], for a text that may be left out (an order's description, a
/// refund's reason): blank is `""`.
pub fn check_optional_shown_text(text: &str, max_chars: usize) -> Result<String, TextError> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    check_shown_text(text, max_chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_in_any_script_pass_trimmed() {
        for name in [
            "Ada's phone",
            "陈的手机",
            "Zoë — iPad",
            "محمد",
            "📱 Pixel 9",
        ] {
            assert_eq!(check_shown_text(&format!("  {name} "), 40).unwrap(), name);
        }
    }

    #[test]
    fn two_spellings_of_one_name_are_stored_as_one() {
        let decomposed = "Cafe\u{301} Zoe\u{308}";
        assert_eq!(check_shown_text(decomposed, 40).unwrap(), "Café Zoë");
        assert_eq!(
            check_shown_text(decomposed, 40).unwrap(),
            check_shown_text("Café Zoë", 40).unwrap()
        );
        // The limit counts what is stored, not the keystrokes.
        assert!(check_shown_text(&"e\u{301}".repeat(10), 10).is_ok());
    }

    #[test]
    fn an_optional_text_may_be_blank_but_not_deceiving() {
        assert_eq!(check_optional_shown_text("  ", 200).unwrap(), "");
        assert_eq!(check_optional_shown_text(" tea ", 200).unwrap(), "tea");
        assert_eq!(
            check_optional_shown_text("ok\nBalance: 9999.00 CNY", 200),
            Err(TextError::Control)
        );
    }

    #[test]
    fn the_printer_escapes_what_could_drive_a_screen() {
        assert_eq!(escape_shown("Tea House"), "Tea House");
        assert_eq!(escape_shown("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_shown("\u{202E}esuoH"), "\\u{202e}esuoH");
        assert_eq!(escape_shown("x\ny"), "x\\u{a}y");
    }

    #[test]
    fn what_could_deceive_is_refused_with_its_reason() {
        assert_eq!(check_shown_text("   ", 40), Err(TextError::Empty));
        assert_eq!(
            check_shown_text(&"x".repeat(41), 40),
            Err(TextError::TooLong(40))
        );
        assert_eq!(check_shown_text("a\u{1b}[2Jb", 40), Err(TextError::Control));
        assert_eq!(check_shown_text("a\nb", 40), Err(TextError::Control));
        assert_eq!(
            check_shown_text("\u{202E}esuoH aeT", 40),
            Err(TextError::Invisible(0x202E))
        );
        for c in ['\u{200B}', '\u{2066}', '\u{FEFF}', '\u{E0041}', '\u{00AD}'] {
            assert_eq!(
                check_shown_text(&format!("Tea{c}House"), 40),
                Err(TextError::Invisible(u32::from(c)))
            );
        }
    }
}
