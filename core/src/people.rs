//! People as a payer finds them: the handle rules, the query a user types ("$bo", a phone
//! number, an email) and how a name is masked before anyone else sees it. Shared by the
//! wallet (which checks offline) and the backend (which checks again and decides).

/// Handles nobody may claim: they would pass for Purse itself.
pub const RESERVED_HANDLES: &[&str] = &[
    "admin",
    "administrator",
    "support",
    "help",
    "purse",
    "official",
    "security",
    "root",
    "system",
    "staff",
    "billing",
    "payments",
    "refunds",
    "wallet",
    "team",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HandleError {
    #[error("a handle is $ then 3 to 20 of a-z, 0-9 and _, starting with a letter")]
    Invalid,
    #[error("this handle is reserved")]
    Reserved,
}

/// The canonical form of a handle (`$` + lower case), from what a user typed (with or
/// without `$`, any case).
pub fn normalize_handle(typed: &str) -> Result<String, HandleError> {
    let body = typed.trim();
    let body = body.strip_prefix('$').unwrap_or(body).to_ascii_lowercase();
    let ok = (3..=20).contains(&body.len())
        && body.starts_with(|c: char| c.is_ascii_lowercase())
        && body
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(HandleError::Invalid);
    }
    if RESERVED_HANDLES.contains(&body.as_str()) {
        return Err(HandleError::Reserved);
    }
    Ok(format!("${body}"))
}

/// What a user typed to find someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientQuery {
    /// Canonical (`$bo`).
    Handle(String),
    /// As typed; the backend normalises it to E.164.
    Phone(String),
    Email(String),
}

/// `$bo` is a handle, anything with `@` an email, the rest a phone number.
pub fn parse_recipient(typed: &str) -> Result<RecipientQuery, HandleError> {
    let t = typed.trim();
    if t.starts_with('$') {
        Ok(RecipientQuery::Handle(normalize_handle(t)?))
    } else if t.contains('@') {
        Ok(RecipientQuery::Email(t.to_owned()))
    } else {
        Ok(RecipientQuery::Phone(t.to_owned()))
    }
}

/// A name as a stranger may see it: each word's first letter, the rest starred ("Ada
/// Lovelace" -> "A** L*******"), the way payment apps confirm a payee without exposing them.
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => std::iter::once(first)
                    .chain(chars.map(|_| '*'))
                    .collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Longest note on a transfer or request, in characters.
pub const MAX_NOTE_CHARS: usize = 140;

/// A note one person sends another: empty, or text [`check_shown_text`] passes, at most
/// [`MAX_NOTE_CHARS`].
///
/// [`check_shown_text`]: crate::text::check_shown_text
pub fn check_note(note: &str) -> Result<String, crate::text::TextError> {
    crate::text::check_optional_shown_text(note, MAX_NOTE_CHARS)
}

/// How a person appears in another's history and on a confirm screen: the masked name and
/// the handle when there is one ("B* L* $bo_li").
pub fn shown_as(name: &str, handle: Option<&str>) -> String {
    match handle {
        Some(h) => format!("{} {h}", mask_name(name)),
        None => mask_name(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_canonical_and_checked() {
        assert_eq!(normalize_handle("$Bo_99").unwrap(), "$bo_99");
        assert_eq!(normalize_handle("ada").unwrap(), "$ada");
        for bad in [
            "$ab",
            "$9lives",
            "$a-b",
            "$abcdefghijklmnopqrstu",
            "$",
            "$bö",
            "$a b",
        ] {
            assert_eq!(normalize_handle(bad), Err(HandleError::Invalid), "{bad}");
        }
        assert_eq!(normalize_handle("$Support"), Err(HandleError::Reserved));
        assert_eq!(normalize_handle("$purse"), Err(HandleError::Reserved));
    }

    #[test]
    fn a_query_says_what_it_is() {
        assert_eq!(
            parse_recipient(" $Bo_Li ").unwrap(),
            RecipientQuery::Handle("$bo_li".into())
        );
        assert_eq!(
            parse_recipient("bo@example.com").unwrap(),
            RecipientQuery::Email("bo@example.com".into())
        );
        assert_eq!(
            parse_recipient("+86 138 0013 8000").unwrap(),
            RecipientQuery::Phone("+86 138 0013 8000".into())
        );
        assert!(parse_recipient("$x").is_err());
    }

    #[test]
    fn names_are_masked_word_by_word() {
        assert_eq!(mask_name("Ada Lovelace"), "A** L*******");
        assert_eq!(mask_name("  Bo "), "B*");
        assert_eq!(mask_name("陈小明"), "陈**");
        assert_eq!(mask_name(""), "");
        assert_eq!(shown_as("Bo Li", Some("$bo_li")), "B* L* $bo_li");
        assert_eq!(shown_as("Bo Li", None), "B* L*");
    }
}
