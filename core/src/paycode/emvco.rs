//! EMVCo merchant-presented QR (EMV QRCPS-MPM): parsing and encoding.
//!
//! The grammar is flat TLV (`ID` two digits, `LEN` two digits counting characters, then the
//! value), with nested TLV inside merchant account templates (26-51), the additional data
//! template (62), the language template (64) and unreserved templates (80-99). Structure is
//! strict (a broken TLV, a CRC mismatch, a duplicate tag, `00` not first, `63` not last,
//! trailing data are errors); what real national schemes bend (PIX without `01`, PromptPay
//! without `52`/`59`/`60`, DuitNow's format indicator `02`, a lower-case CRC) is accepted
//! with a warning.

use serde::Serialize;

use super::PaycodeError;
use super::crc::crc16_ccitt_false;
use crate::money::{Currency, Money};

/// Static: the payer types the amount. Dynamic: the amount belongs to one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Initiation {
    Static,
    Dynamic,
}

/// A merchant account template (tags 02-51): 26-51 carry a GUID in sub-tag 00. Codes in
/// the wild also put merchant accounts in the unreserved templates 80-99 (with a GUID in
/// 00): those count as accounts too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MerchantAccount {
    pub tag: String,
    /// Sub-tag 00 of templates 26-51 and 80-99 (a reverse domain, a UUID or an AID).
    pub guid: Option<String>,
    /// The other sub-fields as (tag, value); for tags 02-25 the whole value is one field.
    pub fields: Vec<(String, String)>,
}

impl MerchantAccount {
    /// A template's sub-fields as an account: sub-tag 00 is the GUID, the rest its fields.
    fn of_template(tag: &str, sub: Vec<(String, String)>) -> MerchantAccount {
        let mut guid = None;
        let mut fields = Vec::with_capacity(sub.len());
        for (t, v) in sub {
            if t == "00" && guid.is_none() {
                guid = Some(v);
            } else if t != "00" {
                fields.push((t, v));
            }
        }
        MerchantAccount {
            tag: tag.to_owned(),
            guid,
            fields,
        }
    }
}

/// Tip or convenience fee (tag 55 and its 56/57).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Tip {
    /// 55 = 01: the payer is asked for a tip.
    Prompt,
    /// 55 = 02: a fixed convenience fee (56), as written.
    Fixed { amount: String },
    /// 55 = 03: a percentage fee (57), as written.
    Percentage { percent: String },
}

/// Tag 62, the additional data field template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AdditionalData {
    pub bill_number: Option<String>,
    pub mobile_number: Option<String>,
    pub store_label: Option<String>,
    pub loyalty_number: Option<String>,
    pub reference_label: Option<String>,
    pub customer_label: Option<String>,
    pub terminal_label: Option<String>,
    pub purpose: Option<String>,
    pub consumer_data_request: Option<String>,
    /// Any other sub-tag (10, 11, 50-99...) as (tag, value).
    pub other: Vec<(String, String)>,
}

/// Tag 64, the merchant's name and city in another language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageTemplate {
    pub language: String,
    pub merchant_name: String,
    pub merchant_city: Option<String>,
}

/// A parsed EMVCo MPM payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmvcoCode {
    pub format_indicator: String,
    pub initiation: Initiation,
    pub accounts: Vec<MerchantAccount>,
    pub mcc: Option<String>,
    pub currency: Option<Currency>,
    /// The amount exactly as written in the code (tag 54).
    pub amount_text: Option<String>,
    /// The amount in minor units, when it is well-formed for the currency.
    pub amount: Option<Money>,
    pub tip: Option<Tip>,
    pub country: Option<String>,
    /// The name the code *claims*. Never show it as verified: the backend says who is paid.
    pub merchant_name: Option<String>,
    pub merchant_city: Option<String>,
    pub postal_code: Option<String>,
    pub additional: Option<AdditionalData>,
    pub language: Option<LanguageTemplate>,
    /// Templates 80-99 and RFU tags 65-79, raw (those of 80-99 with a GUID are in
    /// `accounts` as well).
    pub unreserved: Vec<(String, String)>,
    /// What was tolerated on the way (scheme quirks); empty for a textbook code.
    pub warnings: Vec<String>,
}

impl EmvcoCode {
    /// The account template carrying `guid`, if any (case-insensitive).
    pub fn account(&self, guid: &str) -> Option<&MerchantAccount> {
        self.accounts.iter().find(|a| {
            a.guid
                .as_deref()
                .is_some_and(|g| g.eq_ignore_ascii_case(guid))
        })
    }
}

fn invalid(reason: impl Into<String>) -> PaycodeError {
    PaycodeError::Invalid {
        format: "emvco",
        reason: reason.into(),
    }
}

/// Splits a TLV string into (tag, value) pairs. Lengths count characters, not bytes.
pub fn tlv(s: &str) -> Result<Vec<(String, String)>, PaycodeError> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 4 > chars.len() {
            return Err(invalid(format!("truncated field header at character {i}")));
        }
        let head: String = chars[i..i + 4].iter().collect();
        if !head.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(format!(
                "field header {head:?} at character {i} is not digits"
            )));
        }
        let tag = head[..2].to_owned();
        let len: usize = head[2..].parse().map_err(|_| invalid("bad length"))?;
        let start = i + 4;
        if start + len > chars.len() {
            return Err(invalid(format!(
                "field {tag} claims {len} characters, fewer remain"
            )));
        }
        out.push((tag, chars[start..start + len].iter().collect()));
        i = start + len;
    }
    Ok(out)
}

/// Parses an EMVCo MPM payload (which must start with `000201` or `000202`).
pub fn parse(payload: &str) -> Result<EmvcoCode, PaycodeError> {
    let mut warnings = Vec::new();
    let fields = tlv(payload)?;
    for (i, (tag, _)) in fields.iter().enumerate() {
        if fields[..i].iter().any(|(t, _)| t == tag) {
            return Err(invalid(format!("tag {tag} appears twice")));
        }
    }
    match fields.first() {
        Some((t, _)) if t == "00" => {}
        _ => return Err(invalid("payload format indicator (00) must come first")),
    }
    let Some((last_tag, crc_text)) = fields.last() else {
        return Err(invalid("empty payload"));
    };
    if last_tag != "63" {
        return Err(invalid("CRC (63) must be the last field"));
    }
    if crc_text.chars().count() != 4 || !crc_text.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(invalid("CRC must be 4 hexadecimal digits"));
    }
    // The CRC covers everything up to and including "6304": the last 4 characters are it.
    let covered = &payload[..payload.len() - 4];
    let expected = crc16_ccitt_false(covered.as_bytes());
    let found = u16::from_str_radix(crc_text, 16).map_err(|_| invalid("CRC is not hex"))?;
    if expected != found {
        return Err(PaycodeError::CrcMismatch {
            expected: format!("{expected:04X}"),
            found: crc_text.clone(),
        });
    }
    if crc_text.chars().any(|c| c.is_ascii_lowercase()) {
        warnings.push("CRC written in lower case".to_owned());
    }

    let get = |tag: &str| {
        fields
            .iter()
            .find(|(t, _)| t == tag)
            .map(|(_, v)| v.clone())
    };
    let format_indicator = get("00").unwrap_or_default();
    match format_indicator.as_str() {
        "01" => {}
        "02" => warnings.push("payload format indicator 02 (as DuitNow writes it)".to_owned()),
        other => {
            return Err(invalid(format!(
                "payload format indicator {other:?} is not 01"
            )));
        }
    }
    let initiation = match get("01").as_deref() {
        Some("11") => Initiation::Static,
        Some("12") => Initiation::Dynamic,
        Some(other) => {
            return Err(invalid(format!(
                "point of initiation {other:?} is not 11 or 12"
            )));
        }
        None => {
            warnings.push("no point of initiation (01); taken as static".to_owned());
            Initiation::Static
        }
    };

    let mut accounts = Vec::new();
    let mut unreserved = Vec::new();
    for (tag, value) in &fields {
        let n: u8 = tag.parse().unwrap_or(0);
        match n {
            2..=25 => accounts.push(MerchantAccount {
                tag: tag.clone(),
                guid: None,
                fields: vec![(tag.clone(), value.clone())],
            }),
            26..=51 => {
                let sub = tlv(value).map_err(|_| invalid(format!("template {tag} is not TLV")))?;
                let account = MerchantAccount::of_template(tag, sub);
                if account.guid.is_none() {
                    warnings.push(format!("template {tag} has no GUID (00)"));
                }
                accounts.push(account);
            }
            80..=99 => {
                if let Ok(sub) = tlv(value) {
                    let account = MerchantAccount::of_template(tag, sub);
                    if account.guid.is_some() {
                        accounts.push(account);
                    }
                }
                unreserved.push((tag.clone(), value.clone()));
            }
            65..=79 => unreserved.push((tag.clone(), value.clone())),
            _ => {}
        }
    }
    if accounts.is_empty() {
        return Err(invalid(
            "no merchant account information (02-51, or 80-99 with a GUID)",
        ));
    }

    let mcc = get("52");
    if let Some(m) = &mcc {
        if m.len() != 4 || !m.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(format!(
                "merchant category code {m:?} is not 4 digits"
            )));
        }
    } else {
        warnings.push("no merchant category code (52)".to_owned());
    }
    let currency = match get("53") {
        Some(c) => {
            let n: u16 =
                c.parse().ok().filter(|_| c.len() == 3).ok_or_else(|| {
                    invalid(format!("currency {c:?} is not a 3-digit ISO 4217 code"))
                })?;
            Some(Currency::from_numeric(n).map_err(|e| invalid(e.to_string()))?)
        }
        None => {
            warnings.push("no transaction currency (53)".to_owned());
            None
        }
    };
    let amount_text = get("54");
    let amount = match (&amount_text, currency) {
        (Some(a), Some(c)) => {
            if a.len() > 13 || !a.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return Err(invalid(format!("amount {a:?} is not a decimal number")));
            }
            match Money::parse_amount(a.trim_end_matches('.'), c) {
                Ok(m) => Some(m),
                Err(e) => {
                    warnings.push(format!("amount {a:?}: {e}"));
                    None
                }
            }
        }
        _ => None,
    };
    if initiation == Initiation::Dynamic && amount_text.is_none() {
        warnings.push("dynamic code without an amount (54)".to_owned());
    }
    let tip = match get("55").as_deref() {
        None => None,
        Some("01") => Some(Tip::Prompt),
        Some("02") => Some(Tip::Fixed {
            amount: get("56").ok_or_else(|| invalid("tip indicator 02 needs a fixed fee (56)"))?,
        }),
        Some("03") => Some(Tip::Percentage {
            percent: get("57")
                .ok_or_else(|| invalid("tip indicator 03 needs a percentage (57)"))?,
        }),
        Some(other) => {
            return Err(invalid(format!(
                "tip indicator {other:?} is not 01, 02 or 03"
            )));
        }
    };
    let country = get("58");
    if let Some(c) = &country {
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            warnings.push(format!("country code {c:?} is not two capital letters"));
        }
    } else {
        warnings.push("no country code (58)".to_owned());
    }
    let merchant_name = get("59");
    if merchant_name.is_none() {
        warnings.push("no merchant name (59)".to_owned());
    }
    let merchant_city = get("60");
    if merchant_city.is_none() {
        warnings.push("no merchant city (60)".to_owned());
    }
    let additional = get("62").map(|v| parse_additional(&v)).transpose()?;
    let language = get("64").map(|v| parse_language(&v)).transpose()?;

    Ok(EmvcoCode {
        format_indicator,
        initiation,
        accounts,
        mcc,
        currency,
        amount_text,
        amount,
        tip,
        country,
        merchant_name,
        merchant_city,
        postal_code: get("61"),
        additional,
        language,
        unreserved,
        warnings,
    })
}

fn parse_additional(v: &str) -> Result<AdditionalData, PaycodeError> {
    let mut a = AdditionalData::default();
    for (tag, value) in tlv(v).map_err(|_| invalid("additional data (62) is not TLV"))? {
        let slot = match tag.as_str() {
            "01" => &mut a.bill_number,
            "02" => &mut a.mobile_number,
            "03" => &mut a.store_label,
            "04" => &mut a.loyalty_number,
            "05" => &mut a.reference_label,
            "06" => &mut a.customer_label,
            "07" => &mut a.terminal_label,
            "08" => &mut a.purpose,
            "09" => &mut a.consumer_data_request,
            _ => {
                a.other.push((tag, value));
                continue;
            }
        };
        *slot = Some(value);
    }
    Ok(a)
}

fn parse_language(v: &str) -> Result<LanguageTemplate, PaycodeError> {
    let sub = tlv(v).map_err(|_| invalid("language template (64) is not TLV"))?;
    let get = |t: &str| sub.iter().find(|(k, _)| k == t).map(|(_, v)| v.clone());
    Ok(LanguageTemplate {
        language: get("00").ok_or_else(|| invalid("language template (64) needs 00"))?,
        merchant_name: get("01").ok_or_else(|| invalid("language template (64) needs 01"))?,
        merchant_city: get("02"),
    })
}

/// What a merchant puts in a code they show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantCodeSpec {
    pub initiation: Initiation,
    /// Template tag (26-51), GUID, and the template's other sub-fields.
    pub account_tag: u8,
    pub guid: String,
    pub account_fields: Vec<(String, String)>,
    pub mcc: String,
    pub amount: Option<Money>,
    /// Used when there is no amount (a static code still names its currency).
    pub currency: Currency,
    pub country: String,
    pub merchant_name: String,
    pub merchant_city: String,
    pub bill_number: Option<String>,
    pub reference_label: Option<String>,
    pub terminal_label: Option<String>,
}

fn field(out: &mut String, tag: &str, value: &str) -> Result<(), PaycodeError> {
    let n = value.chars().count();
    if n > 99 {
        return Err(invalid(format!("field {tag} is longer than 99 characters")));
    }
    out.push_str(tag);
    out.push_str(&format!("{n:02}"));
    out.push_str(value);
    Ok(())
}

/// Encodes an EMVCo MPM payload with a correct CRC.
pub fn encode(spec: &MerchantCodeSpec) -> Result<String, PaycodeError> {
    if !(26..=51).contains(&spec.account_tag) {
        return Err(invalid("merchant account template tag must be 26 to 51"));
    }
    let mut out = String::new();
    field(&mut out, "00", "01")?;
    field(
        &mut out,
        "01",
        match spec.initiation {
            Initiation::Static => "11",
            Initiation::Dynamic => "12",
        },
    )?;
    let mut template = String::new();
    field(&mut template, "00", &spec.guid)?;
    for (t, v) in &spec.account_fields {
        field(&mut template, t, v)?;
    }
    field(&mut out, &format!("{:02}", spec.account_tag), &template)?;
    field(&mut out, "52", &spec.mcc)?;
    let currency = spec.amount.map(|a| a.currency).unwrap_or(spec.currency);
    field(&mut out, "53", &format!("{:03}", currency.numeric()))?;
    if let Some(a) = spec.amount {
        if !a.is_positive() {
            return Err(invalid("amount must be positive"));
        }
        field(&mut out, "54", &a.amount_string())?;
    }
    field(&mut out, "58", &spec.country)?;
    field(&mut out, "59", &spec.merchant_name)?;
    field(&mut out, "60", &spec.merchant_city)?;
    let mut add = String::new();
    for (t, v) in [
        ("01", &spec.bill_number),
        ("05", &spec.reference_label),
        ("07", &spec.terminal_label),
    ] {
        if let Some(v) = v {
            field(&mut add, t, v)?;
        }
    }
    if !add.is_empty() {
        field(&mut out, "62", &add)?;
    }
    out.push_str("6304");
    let crc = crc16_ccitt_false(out.as_bytes());
    out.push_str(&format!("{crc:04X}"));
    Ok(out)
}
