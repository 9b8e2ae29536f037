//! From a scanned payload to a typed payment code, and back for merchants.
//!
//! Formats: EMVCo merchant-presented QR (with Purse's own merchant account template), UPI
//! links, EPC069-12 SEPA transfers, Swiss QR-bills. Alipay, WeChat Pay and Alipay+ codes (its
//! URL form read into its fields) are recognised and reported as another network's. Anything else is "not a payment code",
//! with the text handed back so the shell can show or copy it.

pub mod alipay_plus;
pub mod consumer;
pub mod cpm;
mod crc;
pub mod emvco;
pub mod epc;
pub mod otp;
pub mod receive;
mod render;
pub mod swiss;
pub mod upi;

use serde::Serialize;

pub use crc::crc16_ccitt_false;
pub use emvco::{EmvcoCode, Initiation, MerchantCodeSpec};
pub use epc::EpcTransfer;
pub use receive::{country_of, receive_payload};
pub use render::{render_luma, render_png, render_svg, render_terminal};
pub use swiss::{SwissQrBill, qr_bill_text};
pub use upi::UpiLink;

/// The GUID of Purse's own merchant account template (tag 26): sub-field 01 is the merchant
/// id, 02 the order id of a dynamic code.
pub const PURSE_GUID: &str = "io.purse.pay";

/// Longest payload looked at: a version 40 QR code holds at most 7089 characters.
pub const MAX_PAYLOAD: usize = 7089;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "format", rename_all = "kebab-case")]
pub enum PaymentCode {
    Emvco(Box<EmvcoCode>),
    Upi(UpiLink),
    Epc(EpcTransfer),
    SwissQrBill(SwissQrBill),
}

impl PaymentCode {
    pub fn format(&self) -> &'static str {
        match self {
            PaymentCode::Emvco(_) => "emvco",
            PaymentCode::Upi(_) => "upi",
            PaymentCode::Epc(_) => "epc",
            PaymentCode::SwissQrBill(_) => "swiss-qr-bill",
        }
    }

    /// A person's receive code id when the code carries Purse's template for one.
    pub fn purse_person(&self) -> Option<String> {
        let PaymentCode::Emvco(code) = self else {
            return None;
        };
        code.account(PURSE_GUID)?
            .fields
            .iter()
            .find(|(k, _)| k == receive::RECEIVE_CODE_FIELD)
            .map(|(_, v)| v.clone())
    }

    /// Purse's own (merchant id, order id) when the code carries Purse's template.
    pub fn purse_merchant(&self) -> Option<(String, Option<String>)> {
        let PaymentCode::Emvco(code) = self else {
            return None;
        };
        let acct = code.account(PURSE_GUID)?;
        let get = |t: &str| {
            acct.fields
                .iter()
                .find(|(k, _)| k == t)
                .map(|(_, v)| v.clone())
        };
        Some((get("01")?, get("02")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaycodeError {
    /// Text that is no payment code at all (a web link, a Wi-Fi code...). `text` is handed
    /// back whole so the caller can offer to open or copy it.
    #[error("not a payment code")]
    NotPaymentCode { text: String },
    /// A payment code of a network Purse does not pay into. `fields`: what the code says,
    /// by name, where Purse can read it (an Alipay+ code in URL form: `PLVS`, `CDSD.01`...);
    /// untrusted text, to be escaped when shown.
    #[error("this is a {network} code; pay it with {network}")]
    OtherNetwork {
        network: &'static str,
        text: String,
        fields: Vec<(String, String)>,
    },
    /// A payment code that is broken: pay nothing.
    #[error("invalid {format} code: {reason}")]
    Invalid {
        format: &'static str,
        reason: String,
    },
    #[error("invalid EMVCo code: checksum is {found}, the content says {expected}")]
    CrcMismatch { expected: String, found: String },
}

/// Parses a scanned payload into a payment code.
pub fn parse(payload: &str) -> Result<PaymentCode, PaycodeError> {
    if payload.len() > MAX_PAYLOAD {
        return Err(PaycodeError::Invalid {
            format: "qr",
            reason: format!("{} bytes is more than a QR code can hold", payload.len()),
        });
    }
    let trimmed = payload.trim_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    if let Some(network) = other_network(trimmed) {
        return Err(PaycodeError::OtherNetwork {
            network,
            text: payload.to_owned(),
            fields: Vec::new(),
        });
    }
    if let Some(code) = alipay_plus::parse(trimmed) {
        return Err(PaycodeError::OtherNetwork {
            network: "Alipay+",
            text: payload.to_owned(),
            fields: code?.flat_fields(),
        });
    }
    // "0002" + two digits: a payload format indicator, so this is EMVCo (valid or not).
    if trimmed.starts_with("0002")
        && trimmed
            .get(4..6)
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
    {
        let code = emvco::parse(trimmed)?;
        if let Some(network) = other_network_emvco(&code) {
            return Err(PaycodeError::OtherNetwork {
                network,
                text: payload.to_owned(),
                fields: Vec::new(),
            });
        }
        return Ok(PaymentCode::Emvco(Box::new(code)));
    }
    let lower_prefix = trimmed.get(..6).unwrap_or(trimmed).to_ascii_lowercase();
    if lower_prefix.starts_with("upi:") {
        return upi::parse(trimmed).map(PaymentCode::Upi);
    }
    if trimmed.starts_with("BCD\n") || trimmed.starts_with("BCD\r\n") {
        return epc::parse(trimmed).map(PaymentCode::Epc);
    }
    if trimmed.starts_with("SPC\n") || trimmed.starts_with("SPC\r\n") {
        return swiss::parse(trimmed).map(PaymentCode::SwissQrBill);
    }
    Err(PaycodeError::NotPaymentCode {
        text: payload.to_owned(),
    })
}

/// Links of wallets that pay through their own apps.
fn other_network(text: &str) -> Option<&'static str> {
    let lower = text.get(..40).unwrap_or(text).to_ascii_lowercase();
    const PREFIXES: &[(&str, &str)] = &[
        ("https://qr.alipay.com/", "Alipay"),
        ("http://qr.alipay.com/", "Alipay"),
        ("alipays://", "Alipay"),
        ("alipay://", "Alipay"),
        ("wxp://", "WeChat Pay"),
        ("weixin://", "WeChat Pay"),
        ("https://wx.tenpay.com/", "WeChat Pay"),
        ("https://payapp.weixin.qq.com/", "WeChat Pay"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| lower.starts_with(p))
        .map(|(_, n)| *n)
}

/// EMVCo codes whose only merchant account is another wallet network's.
fn other_network_emvco(code: &EmvcoCode) -> Option<&'static str> {
    let ours = code.account(PURSE_GUID).is_some();
    if ours {
        return None;
    }
    let guids: Vec<String> = code
        .accounts
        .iter()
        .filter_map(|a| a.guid.as_deref().map(str::to_ascii_lowercase))
        .collect();
    if guids.is_empty() {
        return None;
    }
    if guids.iter().all(|g| {
        g.contains("alipayplus") || g.contains("alipay.plus") || g.contains("com.alipay.ap")
    }) {
        return Some("Alipay+");
    }
    if guids.iter().all(|g| g.contains("alipay")) {
        return Some("Alipay");
    }
    if guids
        .iter()
        .all(|g| g.contains("wechat") || g.contains("tenpay"))
    {
        return Some("WeChat Pay");
    }
    None
}

#[cfg(test)]
mod tests;
