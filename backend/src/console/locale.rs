//! Amounts as the merchant reads them: the browser's language picks the separators
//! (`Accept-Language`), the currency its digits. Integer minor units in, text out; no
//! floats.

use purse_core::money::Money;

/// How numbers are written: the grouping and the decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    /// The primary language subtag it is chosen by (`de` for `de-CH`).
    pub lang: &'static str,
    group: &'static str,
    decimal: char,
}

const EN: Locale = Locale {
    lang: "en",
    group: ",",
    decimal: '.',
};

/// Languages with their own way of writing numbers; any other reads as English.
const KNOWN: &[Locale] = &[
    EN,
    Locale {
        lang: "zh",
        group: ",",
        decimal: '.',
    },
    Locale {
        lang: "ja",
        group: ",",
        decimal: '.',
    },
    Locale {
        lang: "de",
        group: ".",
        decimal: ',',
    },
    Locale {
        lang: "es",
        group: ".",
        decimal: ',',
    },
    Locale {
        lang: "it",
        group: ".",
        decimal: ',',
    },
    Locale {
        lang: "nl",
        group: ".",
        decimal: ',',
    },
    Locale {
        lang: "pt",
        group: ".",
        decimal: ',',
    },
    // French and Russian group with a narrow no-break space.
    Locale {
        lang: "fr",
        group: "\u{202f}",
        decimal: ',',
    },
    Locale {
        lang: "ru",
        group: "\u{202f}",
        decimal: ',',
    },
];

impl Locale {
    /// The first language of `Accept-Language` that we know (quality order as sent, which
    /// is how browsers send it).
    pub fn from_accept_language(header: Option<&str>) -> Locale {
        header
            .unwrap_or("")
            .split(',')
            .filter_map(|part| {
                let tag = part.split(';').next()?.trim();
                let primary = tag.split('-').next()?.to_ascii_lowercase();
                KNOWN.iter().find(|l| l.lang == primary).copied()
            })
            .next()
            .unwrap_or(EN)
    }

    /// `1,234.56 CNY` in English, `1.234,56 EUR` in German.
    pub fn money(&self, m: Money) -> String {
        format!("{} {}", self.number(m), m.currency)
    }

    /// The amount without the currency, in this locale.
    pub fn number(&self, m: Money) -> String {
        let digits = m.currency.exponent() as u32;
        let scale = 10u128.pow(digits);
        let abs = m.minor.unsigned_abs() as u128;
        let (whole, frac) = (abs / scale, abs % scale);
        let whole = whole.to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 * 3);
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push_str(self.group);
            }
            grouped.push(ch);
        }
        let sign = if m.minor < 0 { "-" } else { "" };
        if digits == 0 {
            format!("{sign}{grouped}")
        } else {
            format!(
                "{sign}{grouped}{}{frac:0width$}",
                self.decimal,
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
        let normalised = if self.decimal == ',' {
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
        assert_eq!(Locale::from_accept_language(Some("xx, *")), EN);
        assert_eq!(Locale::from_accept_language(None).lang, "en");
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
