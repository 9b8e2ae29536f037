//! Money as integer minor units of an ISO 4217 currency.
//!
//! There is no float anywhere in this module, on purpose: every amount is an `i64` count of
//! the currency's minor unit (fen, cent, fils...), and the currency's exponent decides where
//! the decimal point goes when a person reads or types it. Arithmetic is checked: an overflow
//! is an error, never a wrap.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What went wrong turning text into money, or adding two amounts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("unknown currency code {0:?} (expected an ISO 4217 code such as CNY, USD, JPY)")]
    UnknownCurrency(String),
    #[error("unknown ISO 4217 numeric currency code {0}")]
    UnknownNumericCurrency(u16),
    #[error(
        "{input:?} is not an amount: expected digits with an optional decimal point, like \"12.34 CNY\""
    )]
    Malformed { input: String },
    #[error("{currency} has {exponent} decimal places, but {input:?} has more")]
    TooPrecise {
        input: String,
        currency: &'static str,
        exponent: u8,
    },
    #[error("amount is too large")]
    Overflow,
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(&'static str, &'static str),
    #[error("amount must be positive")]
    NotPositive,
}

/// An ISO 4217 currency: its alphabetic code, numeric code and minor-unit exponent.
///
/// Only currencies in the table below exist; a `Currency` can't be made for anything else,
/// so code that holds one never has to ask whether it is valid.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(&'static CurrencyInfo);

#[derive(Debug, PartialEq, Eq, Hash)]
struct CurrencyInfo {
    code: &'static str,
    numeric: u16,
    exponent: u8,
}

macro_rules! currencies {
    ($($code:literal $num:literal $exp:literal),* $(,)?) => {
        static CURRENCIES: &[CurrencyInfo] = &[
            $(CurrencyInfo { code: $code, numeric: $num, exponent: $exp }),*
        ];
    };
}

// ISO 4217 active codes (list one, 2024), with their minor units.
currencies! {
    "AED" 784 2, "AFN" 971 2, "ALL" 8 2, "AMD" 51 2, "ANG" 532 2, "AOA" 973 2, "ARS" 32 2,
    "AUD" 36 2, "AWG" 533 2, "AZN" 944 2, "BAM" 977 2, "BBD" 52 2, "BDT" 50 2, "BGN" 975 2,
    "BHD" 48 3, "BIF" 108 0, "BMD" 60 2, "BND" 96 2, "BOB" 68 2, "BRL" 986 2, "BSD" 44 2,
    "BTN" 64 2, "BWP" 72 2, "BYN" 933 2, "BZD" 84 2, "CAD" 124 2, "CDF" 976 2, "CHF" 756 2,
    "CLF" 990 4, "CLP" 152 0, "CNY" 156 2, "COP" 170 2, "CRC" 188 2, "CUP" 192 2, "CVE" 132 2,
    "CZK" 203 2, "DJF" 262 0, "DKK" 208 2, "DOP" 214 2, "DZD" 12 2, "EGP" 818 2, "ERN" 232 2,
    "ETB" 230 2, "EUR" 978 2, "FJD" 242 2, "FKP" 238 2, "GBP" 826 2, "GEL" 981 2, "GHS" 936 2,
    "GIP" 292 2, "GMD" 270 2, "GNF" 324 0, "GTQ" 320 2, "GYD" 328 2, "HKD" 344 2, "HNL" 340 2,
    "HTG" 332 2, "HUF" 348 2, "IDR" 360 2, "ILS" 376 2, "INR" 356 2, "IQD" 368 3, "IRR" 364 2,
    "ISK" 352 0, "JMD" 388 2, "JOD" 400 3, "JPY" 392 0, "KES" 404 2, "KGS" 417 2, "KHR" 116 2,
    "KMF" 174 0, "KPW" 408 2, "KRW" 410 0, "KWD" 414 3, "KYD" 136 2, "KZT" 398 2, "LAK" 418 2,
    "LBP" 422 2, "LKR" 144 2, "LRD" 430 2, "LSL" 426 2, "LYD" 434 3, "MAD" 504 2, "MDL" 498 2,
    "MGA" 969 2, "MKD" 807 2, "MMK" 104 2, "MNT" 496 2, "MOP" 446 2, "MRU" 929 2, "MUR" 480 2,
    "MVR" 462 2, "MWK" 454 2, "MXN" 484 2, "MYR" 458 2, "MZN" 943 2, "NAD" 516 2, "NGN" 566 2,
    "NIO" 558 2, "NOK" 578 2, "NPR" 524 2, "NZD" 554 2, "OMR" 512 3, "PAB" 590 2, "PEN" 604 2,
    "PGK" 598 2, "PHP" 608 2, "PKR" 586 2, "PLN" 985 2, "PYG" 600 0, "QAR" 634 2, "RON" 946 2,
    "RSD" 941 2, "RUB" 643 2, "RWF" 646 0, "SAR" 682 2, "SBD" 90 2, "SCR" 690 2, "SDG" 938 2,
    "SEK" 752 2, "SGD" 702 2, "SHP" 654 2, "SLE" 925 2, "SOS" 706 2, "SRD" 968 2, "SSP" 728 2,
    "STN" 930 2, "SVC" 222 2, "SYP" 760 2, "SZL" 748 2, "THB" 764 2, "TJS" 972 2, "TMT" 934 2,
    "TND" 788 3, "TOP" 776 2, "TRY" 949 2, "TTD" 780 2, "TWD" 901 2, "TZS" 834 2, "UAH" 980 2,
    "UGX" 800 0, "USD" 840 2, "UYI" 940 0, "UYU" 858 2, "UYW" 927 4, "UZS" 860 2, "VED" 926 2,
    "VES" 928 2, "VND" 704 0, "VUV" 548 0, "WST" 882 2, "XAF" 950 0, "XCD" 951 2, "XOF" 952 0,
    "XPF" 953 0, "YER" 886 2, "ZAR" 710 2, "ZMW" 967 2, "ZWG" 924 2,
}

impl Currency {
    /// Looks up an alphabetic code; case matters ("cny" is not a code).
    pub fn from_code(code: &str) -> Result<Self, MoneyError> {
        CURRENCIES
            .iter()
            .find(|c| c.code == code)
            .map(Currency)
            .ok_or_else(|| MoneyError::UnknownCurrency(code.chars().take(8).collect()))
    }

    /// Looks up a numeric code, as EMVCo QR codes carry them (156 is CNY).
    pub fn from_numeric(numeric: u16) -> Result<Self, MoneyError> {
        CURRENCIES
            .iter()
            .find(|c| c.numeric == numeric)
            .map(Currency)
            .ok_or(MoneyError::UnknownNumericCurrency(numeric))
    }

    pub fn code(self) -> &'static str {
        self.0.code
    }

    pub fn numeric(self) -> u16 {
        self.0.numeric
    }

    /// Number of decimal places of the minor unit: 2 for CNY, 0 for JPY, 3 for KWD.
    pub fn exponent(self) -> u8 {
        self.0.exponent
    }

    fn scale(self) -> i64 {
        10i64.pow(u32::from(self.0.exponent))
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code)
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Currency {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[A-Z]{3}$"))
            .description(Some("ISO 4217 alphabetic currency code"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Currency {}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::from_code(&code).map_err(serde::de::Error::custom)
    }
}

/// An amount of one currency, in minor units. Negative amounts exist (a debit in a history);
/// amounts a person types are parsed as positive.
///
/// On the wire it is `{"minor": 1234, "currency": "CNY"}`: never a float, never a decimal
/// string that a JSON parser might turn into one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Money {
    /// Integer minor units (12.34 CNY is `1234`): scale by `currency_digits`, never a float.
    pub minor: i64,
    /// ISO 4217 code (`"CNY"`); checked whenever money comes back into the core.
    pub currency: Currency,
}

// Across the FFI a currency is its ISO 4217 code; a code the table lacks never lifts into
// the core (the call fails before it runs).
#[cfg(feature = "uniffi")]
uniffi::custom_type!(Currency, String, {
    try_lift: |code| Ok(Currency::from_code(&code)?),
    lower: |currency| currency.code().to_owned(),
});

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    /// `major` whole units (`5000` CNY is 500000 minor units); `Overflow` past `i64`.
    pub fn from_major(major: i64, currency: Currency) -> Result<Self, MoneyError> {
        let minor = major
            .checked_mul(currency.scale())
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, currency })
    }

    /// Parses `"12.34 CNY"`: a non-negative decimal amount, one space, an ISO 4217 code.
    ///
    /// Strict on purpose, because a typo in an amount costs money: no thousands separators,
    /// no sign, no exponent, no more decimals than the currency has ("1.5 JPY" is an error,
    /// "1.5 CNY" means 1.50), no leading or trailing dot, and nothing that overflows `i64`.
    pub fn parse(input: &str) -> Result<Self, MoneyError> {
        let malformed = || MoneyError::Malformed {
            input: input.chars().take(64).collect(),
        };
        let (amount, code) = input.split_once(' ').ok_or_else(malformed)?;
        let currency = Currency::from_code(code)?;
        let minor = parse_decimal(amount, currency).map_err(|e| match e {
            MoneyError::Malformed { .. } => malformed(),
            MoneyError::TooPrecise {
                currency, exponent, ..
            } => MoneyError::TooPrecise {
                input: input.chars().take(64).collect(),
                currency,
                exponent,
            },
            other => other,
        })?;
        Ok(Money { minor, currency })
    }

    /// Parses a bare decimal amount ("12.34") in a known currency, with the rules of
    /// [`Money::parse`].
    pub fn parse_amount(amount: &str, currency: Currency) -> Result<Self, MoneyError> {
        Ok(Money {
            minor: parse_decimal(amount, currency)?,
            currency,
        })
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_neg().ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    pub fn is_positive(self) -> bool {
        self.minor > 0
    }

    /// The amount as a decimal string without the currency: "12.34", "-0.05", "1200".
    pub fn amount_string(self) -> String {
        let exp = usize::from(self.currency.exponent());
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let scale = self.currency.scale().unsigned_abs();
        format!("{sign}{}.{:0exp$}", abs / scale, abs % scale)
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(
                self.currency.code(),
                other.currency.code(),
            ))
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_string(), self.currency)
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

fn parse_decimal(amount: &str, currency: Currency) -> Result<i64, MoneyError> {
    let malformed = || MoneyError::Malformed {
        input: amount.chars().take(64).collect(),
    };
    let (whole, frac) = match amount.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (amount, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(malformed());
    }
    let exp = usize::from(currency.exponent());
    let frac = frac.unwrap_or("");
    if frac.len() > exp {
        return Err(MoneyError::TooPrecise {
            input: amount.chars().take(64).collect(),
            currency: currency.code(),
            exponent: currency.exponent(),
        });
    }
    let mut minor: i64 = 0;
    for b in whole.bytes().chain(frac.bytes()) {
        minor = minor
            .checked_mul(10)
            .and_then(|m| m.checked_add(i64::from(b - b'0')))
            .ok_or(MoneyError::Overflow)?;
    }
    for _ in frac.len()..exp {
        minor = minor.checked_mul(10).ok_or(MoneyError::Overflow)?;
    }
    Ok(minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::from_code(code).unwrap()
    }

    #[test]
    fn whole_units_scale_by_the_exponent() {
        assert_eq!(Money::from_major(5_000, cur("CNY")).unwrap().minor, 500_000);
        assert_eq!(Money::from_major(5_000, cur("JPY")).unwrap().minor, 5_000);
        assert_eq!(Money::from_major(2, cur("KWD")).unwrap().minor, 2_000);
        assert_eq!(
            Money::from_major(i64::MAX / 10, cur("CNY")),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!(cur("CNY").exponent(), 2);
        assert_eq!(cur("JPY").exponent(), 0);
        assert_eq!(cur("KRW").exponent(), 0);
        assert_eq!(cur("KWD").exponent(), 3);
        assert_eq!(cur("BHD").exponent(), 3);
        assert_eq!(cur("CLF").exponent(), 4);
        assert_eq!(Currency::from_numeric(156).unwrap().code(), "CNY");
        assert_eq!(Currency::from_numeric(392).unwrap().code(), "JPY");
        assert!(Currency::from_numeric(999).is_err());
    }

    #[test]
    fn codes_are_unique() {
        for (i, a) in CURRENCIES.iter().enumerate() {
            for b in &CURRENCIES[i + 1..] {
                assert_ne!(a.code, b.code);
                assert_ne!(a.numeric, b.numeric, "{} and {}", a.code, b.code);
            }
        }
    }

    #[test]
    fn parses_by_exponent() {
        assert_eq!(Money::parse("12.34 CNY").unwrap().minor, 1234);
        assert_eq!(Money::parse("12.3 CNY").unwrap().minor, 1230);
        assert_eq!(Money::parse("12 CNY").unwrap().minor, 1200);
        assert_eq!(Money::parse("0.01 USD").unwrap().minor, 1);
        assert_eq!(Money::parse("1500 JPY").unwrap().minor, 1500);
        assert_eq!(Money::parse("1.234 KWD").unwrap().minor, 1234);
        assert_eq!(Money::parse("007.50 EUR").unwrap().minor, 750);
    }

    #[test]
    fn rejects_sloppy_input() {
        for bad in [
            "",
            "CNY",
            "12.34",
            "12.34CNY",
            "12.34  CNY",
            " 12.34 CNY",
            "12.34 CNY ",
            "-1 CNY",
            "+1 CNY",
            "1,000.00 CNY",
            "1e3 CNY",
            ".5 CNY",
            "5. CNY",
            "1.2.3 CNY",
            "١٢ CNY",
            "12.34 cny",
            "NaN CNY",
            "inf USD",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(matches!(
            Money::parse("1.5 JPY"),
            Err(MoneyError::TooPrecise { exponent: 0, .. })
        ));
        assert!(matches!(
            Money::parse("1.001 CNY"),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            Money::parse("12 XYZ"),
            Err(MoneyError::UnknownCurrency(_))
        ));
    }

    #[test]
    fn overflow_is_an_error() {
        assert!(Money::parse("92233720368547758.07 CNY").is_ok());
        assert_eq!(
            Money::parse("92233720368547758.08 CNY"),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::parse("99999999999999999999999 JPY"),
            Err(MoneyError::Overflow)
        );
        let max = Money::new(i64::MAX, cur("CNY"));
        assert_eq!(
            max.checked_add(Money::new(1, cur("CNY"))),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::new(i64::MIN, cur("CNY")).checked_neg(),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies() {
        let a = Money::parse("1 CNY").unwrap();
        let b = Money::parse("1 USD").unwrap();
        assert_eq!(
            a.checked_add(b),
            Err(MoneyError::CurrencyMismatch("CNY", "USD"))
        );
        assert_eq!(a.checked_sub(a).unwrap().minor, 0);
    }

    #[test]
    fn formats_round_trip() {
        for s in [
            "12.34 CNY",
            "0.05 USD",
            "1500 JPY",
            "1.234 KWD",
            "0.0001 CLF",
            "92233720368547758.07 CNY",
        ] {
            assert_eq!(Money::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Money::new(-5, cur("CNY")).to_string(), "-0.05 CNY");
        assert_eq!(
            Money::new(i64::MIN, cur("JPY")).amount_string(),
            i64::MIN.to_string()
        );
    }

    #[test]
    fn json_is_minor_units_and_code() {
        let m = Money::parse("12.34 CNY").unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"minor":1234,"currency":"CNY"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        assert!(serde_json::from_str::<Money>(r#"{"minor":1.5,"currency":"CNY"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"XXX"}"#).is_err());
    }
}
