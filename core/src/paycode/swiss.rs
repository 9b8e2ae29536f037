//! Swiss QR-bill payloads (Swiss Implementation Guidelines for the QR-bill, version 2.x):
//! lines starting with `SPC`.

use serde::Serialize;

use super::PaycodeError;
use crate::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SwissQrBill {
    pub version: String,
    pub iban: String,
    pub creditor_name: String,
    pub creditor_country: String,
    pub amount: Option<Money>,
    pub currency: Currency,
    pub debtor_name: Option<String>,
    /// QRR, SCOR or NON.
    pub reference_type: String,
    pub reference: Option<String>,
    pub message: Option<String>,
    pub bill_information: Option<String>,
}

fn invalid(reason: impl Into<String>) -> PaycodeError {
    PaycodeError::Invalid {
        format: "swiss-qr-bill",
        reason: reason.into(),
    }
}

pub fn parse(text: &str) -> Result<SwissQrBill, PaycodeError> {
    if text.len() > 997 {
        return Err(invalid("longer than the 997 characters a QR-bill allows"));
    }
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if lines.len() < 31 {
        return Err(invalid(format!(
            "{} lines; a QR-bill has at least 31",
            lines.len()
        )));
    }
    let line = |i: usize| lines.get(i).copied().unwrap_or("").trim();
    let opt = |i: usize| Some(line(i).to_owned()).filter(|s| !s.is_empty());
    if line(0) != "SPC" {
        return Err(invalid("QR type is not SPC"));
    }
    let version = line(1).to_owned();
    if !version.starts_with("02") || version.len() != 4 {
        return Err(invalid(format!("version {version:?} is not 02xx")));
    }
    if line(2) != "1" {
        return Err(invalid("coding type must be 1 (UTF-8)"));
    }
    let iban = line(3).to_owned();
    if iban.len() != 21 || !(iban.starts_with("CH") || iban.starts_with("LI")) {
        return Err(invalid("the account must be a 21-character CH or LI IBAN"));
    }
    if !matches!(line(4), "S" | "K") {
        return Err(invalid("creditor address type must be S or K"));
    }
    let creditor_name = opt(5).ok_or_else(|| invalid("no creditor name"))?;
    let creditor_country = line(10).to_owned();
    if creditor_country.len() != 2 {
        return Err(invalid("creditor country must be two letters"));
    }
    let currency = match line(19) {
        "CHF" | "EUR" => Currency::from_code(line(19)).map_err(|e| invalid(e.to_string()))?,
        other => return Err(invalid(format!("currency {other:?} is not CHF or EUR"))),
    };
    let amount = match opt(18) {
        Some(a) => {
            Some(Money::parse_amount(&a, currency).map_err(|e| invalid(format!("amount: {e}")))?)
        }
        None => None,
    };
    let reference_type = line(27).to_owned();
    let reference = opt(28);
    match (reference_type.as_str(), &reference) {
        ("QRR", Some(r)) if r.len() == 27 && r.bytes().all(|b| b.is_ascii_digit()) => {}
        ("QRR", _) => return Err(invalid("a QRR reference is 27 digits")),
        ("SCOR", Some(r)) if r.starts_with("RF") && (5..=25).contains(&r.len()) => {}
        ("SCOR", _) => return Err(invalid("a SCOR reference starts with RF")),
        ("NON", None) => {}
        ("NON", Some(_)) => return Err(invalid("reference type NON with a reference")),
        (other, _) => {
            return Err(invalid(format!(
                "reference type {other:?} is not QRR, SCOR or NON"
            )));
        }
    }
    if line(30) != "EPD" {
        return Err(invalid("no EPD trailer"));
    }
    Ok(SwissQrBill {
        version,
        iban,
        creditor_name,
        creditor_country,
        amount,
        currency,
        debtor_name: opt(21),
        reference_type,
        reference,
        message: opt(29),
        bill_information: opt(31),
    })
}

/// The text of a QR-bill as a biller prints it on an invoice: structured creditor and
/// debtor addresses, an amount and a QR reference (`QRR`). What the demo and the tests
/// render into a picture to scan.
pub fn qr_bill_text(
    qr_iban: &str,
    creditor: &str,
    amount: &str,
    currency: &str,
    debtor: &str,
    qr_reference: &str,
) -> String {
    [
        "SPC",
        "0200",
        "1",
        qr_iban,
        "S",
        creditor,
        "Tramstrasse",
        "35",
        "8050",
        "Zürich",
        "CH",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        amount,
        currency,
        "S",
        debtor,
        "Seestrasse",
        "1",
        "8002",
        "Zürich",
        "CH",
        "QRR",
        qr_reference,
        "",
        "EPD",
    ]
    .join("\n")
}
