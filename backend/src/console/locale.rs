//! The reader of a console page: the browser's languages (`Accept-Language`) pick the
//! words ([`Words`]) and, separately, how amounts are written (a French browser that we
//! have no French words for still reads `1 234,50`); the currency picks the digits.
//! Integer minor units in, text out; no floats.
//!
//! A console request runs inside [`reader_scope`], which chooses its locale once, so that
//! every page drawn for it, down to the error page a `?` deep in a handler produces, is in
//! the reader's language without the locale threaded through each call.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use purse_core::money::Money;

use super::words::Words;

/// How numbers are written: the grouping and the decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Numbers {
    /// The primary language subtag it is chosen by (`de` for `de-CH`).
    lang: &'static str,
    group: &'static str,
    decimal: char,
}

/// The words and the number format of one reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Locale {
    pub words: Words,
    numbers: Numbers,
}

impl Default for Numbers {
    fn default() -> Self {
        EN
    }
}

const EN: Numbers = Numbers {
    lang: "en",
    group: ",",
    decimal: '.',
};

/// Languages with their own way of writing numbers; any other reads as English.
const KNOWN: &[Numbers] = &[
    EN,
    Numbers {
        lang: "zh",
        group: ",",
        decimal: '.',
    },
    Numbers {
        lang: "ja",
        group: ",",
        decimal: '.',
    },
    Numbers {
        lang: "de",
        group: ".",
        decimal: ',',
    },
    Numbers {
        lang: "es",
        group: ".",
        decimal: ',',
    },
    Numbers {
        lang: "it",
        group: ".",
        decimal: ',',
    },
    Numbers {
        lang: "nl",
        group: ".",
        decimal: ',',
    },
    Numbers {
        lang: "pt",
        group: ".",
        decimal: ',',
    },
    // French and Russian group with a narrow no-break space.
    Numbers {
        lang: "fr",
        group: "\u{202f}",
        decimal: ',',
    },
    Numbers {
        lang: "ru",
        group: "\u{202f}",
        decimal: ',',
    },
];

/// The primary subtags of `Accept-Language`'s languages, lower case, in the order sent
/// (browsers send them in preference order): `de` for `de-CH;q=0.9`.
pub fn primary_languages(header: Option<&str>) -> impl Iterator<Item = String> + '_ {
    header.unwrap_or("").split(',').filter_map(|part| {
        let tag = part.split(';').next()?.trim();
        Some(tag.split('-').next()?.to_ascii_lowercase())
    })
}

tokio::task_local! {
    static READER: Locale;
}

/// Middleware of every console route: the request's locale, chosen once from its
/// `Accept-Language`, for everything the handler draws; the answer says which language it
/// is in and that it depends on the header (for caches).
pub async fn reader_scope(request: Request, next: Next) -> Response {
    let locale = Locale::from_accept_language(
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let mut response = READER.scope(locale, next.run(request)).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(locale.words.lang()),
    );
    headers.append(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

impl Locale {
    /// The first language of `Accept-Language` that we know for each of words and numbers
    /// (quality order as sent, which is how browsers send it).
    pub fn from_accept_language(header: Option<&str>) -> Locale {
        let numbers = primary_languages(header)
            .find_map(|primary| KNOWN.iter().find(|l| l.lang == primary).copied())
            .unwrap_or(EN);
        Locale {
            words: Words::from_accept_language(header),
            numbers,
        }
    }

    /// The locale of the console request being answered ([`reader_scope`]); English
    /// outside one.
    pub fn current() -> Locale {
        READER.try_with(|l| *l).unwrap_or_default()
    }

    /// The message `id` in the reader's words.
    pub fn t(&self, id: &str) -> String {
        self.words.t(id)
    }

    /// `1,234.56 CNY` in English, `1.234,56 EUR` in German.
    pub fn money(&self, m: Money) -> String {
        format!("{} {}", self.number(m), m.currency)
    }

    /// The amount without the currency, in this locale.
    pub fn number(&self, m: Money) -> String {
        let Numbers { group, decimal, .. } = self.numbers;
        let digits = m.currency.exponent() as u32;
        let scale = 10u128.pow(digits);
        let abs = m.minor.unsigned_abs() as u128;
        let (whole, frac) = (abs / scale, abs % scale);
        let whole = whole.to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 * 3);
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push_str(group);
            }
            grouped.push(ch);
        }
        let sign = if m.minor < 0 { "-" } else { "" };
        if digits == 0 {
            format!("{sign}{grouped}")
        } else {
            format!(
                "{sign}{grouped}{decimal}{frac:0width$}",
                width = digits as usize
            )
        }
    }

    /// What the user typed as an amount in `m`'s currency: either separator as the
    /// decimal point, grouping spaces ignored. Refuses what is not a plain amount.
    pub fn parse(&self, text: &str, currency: purse_core::money::Currency) -> Option<Money> {
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{202f}' | '\u{a0}'))
            .collect();
        let normalised = if self.numbers.decimal == ',' {
            cleaned.replace('.', "").replace(',', ".")
        } else {
            cleaned.replace(',', "")
        };
        Money::parse_amount(&normalised, currency).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use purse_core::money::Currency;

    fn m(minor: i64, code: &str) -> Money {
        Money::new(minor, Currency::from_code(code).unwrap())
    }

    #[test]
    fn amounts_read_as_the_merchant_writes_them() {
        let en = Locale::from_accept_language(Some("en-GB,en;q=0.9"));
        let de = Locale::from_accept_language(Some("de-CH, en;q=0.5"));
        let fr = Locale::from_accept_language(Some("fr"));
        assert_eq!(en.money(m(12_345_678, "CNY")), "123,456.78 CNY");
        assert_eq!(de.money(m(12_345_678, "EUR")), "123.456,78 EUR");
        assert_eq!(fr.number(m(123_450, "EUR")), "1\u{202f}234,50");
        assert_eq!(en.money(m(1500, "JPY")), "1,500 JPY");
        assert_eq!(en.money(m(-5, "CNY")), "-0.05 CNY");
        assert_eq!(
            Locale::from_accept_language(Some("xx, *")),
            Locale::default()
        );
        assert_eq!(Locale::from_accept_language(None).words.lang(), "en");
        let fr_words_de = Locale::from_accept_language(Some("fr, de;q=0.5"));
        assert_eq!(fr_words_de.number(m(123_450, "EUR")), "1\u{202f}234,50");
        assert_eq!(
            fr_words_de.words.lang(),
            "de",
            "no French words: the next language"
        );
    }

    #[test]
    fn typed_amounts_parse_in_the_locale() {
        let cny = Currency::from_code("CNY").unwrap();
        let en = Locale::from_accept_language(Some("en"));
        let de = Locale::from_accept_language(Some("de"));
        assert_eq!(en.parse("1,234.50", cny), Some(m(123_450, "CNY")));
        assert_eq!(de.parse("1.234,50", cny), Some(m(123_450, "CNY")));
        assert_eq!(de.parse("12,3", cny), Some(m(1230, "CNY")));
        assert_eq!(
            en.parse("12.345", cny),
            None,
            "more digits than the currency has"
        );
        assert_eq!(en.parse("1e3", cny), None);
        assert_eq!(en.parse("", cny), None);
    }
}
