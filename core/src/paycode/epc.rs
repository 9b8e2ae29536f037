//! EPC069-12 SEPA credit transfer codes ("GiroCode"): lines starting with `BCD`.

use serde::Serialize;

use super::PaycodeError;
use crate::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EpcTransfer {
    pub version: String,
    pub bic: Option<String>,
    pub name: String,
    pub iban: String,
    pub amount: Option<Money>,
    pub purpose: Option<String>,
    /// Structured creditor reference (ISO 11649) or unstructured text: one or the other.
    pub reference: Option<String>,
    pub text: Option<String>,
    pub information: Option<String>,
}

fn invalid(reason: impl Into<String>) -> PaycodeError {
    PaycodeError::Invalid {
        format: "epc",
        reason: reason.into(),
    }
}

pub fn parse(text: &str) -> Result<EpcTransfer, PaycodeError> {
    if text.len() > 331 {
        return Err(invalid("longer than the 331 bytes EPC069-12 allows"));
    }
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if lines.len() < 7 || lines.len() > 12 {
        return Err(invalid(format!(
            "{} lines; EPC069-12 has 7 to 12",
            lines.len()
        )));
    }
    let line = |i: usize| lines.get(i).copied().unwrap_or("").trim();
    let opt = |i: usize| Some(line(i).to_owned()).filter(|s| !s.is_empty());
    if line(0) != "BCD" {
        return Err(invalid("service tag is not BCD"));
    }
    let version = line(1).to_owned();
    if version != "001" && version != "002" {
        return Err(invalid(format!("version {version:?} is not 001 or 002")));
    }
    if !matches!(line(2), "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8") {
        return Err(invalid("character set must be 1 to 8"));
    }
    if line(3) != "SCT" {
        return Err(invalid("identification is not SCT"));
    }
    let bic = opt(4);
    if version == "001" && bic.is_none() {
        return Err(invalid("version 001 requires a BIC"));
    }
    if let Some(b) = &bic
        && !(b.len() == 8 || b.len() == 11)
    {
        return Err(invalid("BIC must be 8 or 11 characters"));
    }
    let name = opt(5).ok_or_else(|| invalid("no beneficiary name"))?;
    if name.chars().count() > 70 {
        return Err(invalid("beneficiary name longer than 70 characters"));
    }
    let iban = line(6).replace(' ', "");
    if iban.len() < 15 || iban.len() > 34 || !iban.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid("IBAN is malformed"));
    }
    let amount = match opt(7) {
        Some(a) => {
            let digits = a
                .strip_prefix("EUR")
                .ok_or_else(|| invalid("amount must be EUR followed by the value"))?;
            let eur = Currency::from_code("EUR").map_err(|e| invalid(e.to_string()))?;
            let m =
                Money::parse_amount(digits, eur).map_err(|e| invalid(format!("amount: {e}")))?;
            if m.minor < 1 || m.minor > 99_999_999_999 {
                return Err(invalid("amount must be 0.01 to 999999999.99 EUR"));
            }
            Some(m)
        }
        None => None,
    };
    let reference = opt(9);
    let text_field = opt(10);
    if reference.is_some() && text_field.is_some() {
        return Err(invalid(
            "both a structured reference and a text: only one is allowed",
        ));
    }
    Ok(EpcTransfer {
        version,
        bic,
        name,
        iban,
        amount,
        purpose: opt(8),
        reference,
        text: text_field,
        information: opt(11),
    })
}
