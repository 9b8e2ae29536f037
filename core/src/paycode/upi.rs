//! UPI deep links: `upi://pay?pa=merchant@bank&pn=Name&am=10.00&cu=INR&tn=Note`.

use serde::Serialize;

use super::PaycodeError;
use crate::money::{Currency, Money};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpiLink {
    /// The payee's virtual payment address (`pa`), e.g. `shop@okaxis`.
    pub payee_address: String,
    pub payee_name: Option<String>,
    pub amount_text: Option<String>,
    pub amount: Option<Money>,
    pub currency: Currency,
    pub mcc: Option<String>,
    pub transaction_ref: Option<String>,
    pub note: Option<String>,
    pub warnings: Vec<String>,
}

fn invalid(reason: impl Into<String>) -> PaycodeError {
    PaycodeError::Invalid {
        format: "upi",
        reason: reason.into(),
    }
}

pub fn parse(text: &str) -> Result<UpiLink, PaycodeError> {
    let url = url::Url::parse(text).map_err(|e| invalid(e.to_string()))?;
    if !url.scheme().eq_ignore_ascii_case("upi") {
        return Err(invalid("not a upi: link"));
    }
    let action = url
        .host_str()
        .unwrap_or_else(|| url.path().trim_matches('/'));
    if !action.eq_ignore_ascii_case("pay") {
        return Err(invalid(format!("UPI action {action:?} is not pay")));
    }
    let mut params: Vec<(String, String)> = Vec::new();
    for (k, v) in url.query_pairs() {
        let k = k.to_ascii_lowercase();
        if params.iter().any(|(p, _)| *p == k) {
            return Err(invalid(format!("parameter {k} appears twice")));
        }
        params.push((k, v.into_owned()));
    }
    let get = |k: &str| params.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone());
    let payee_address = get("pa").ok_or_else(|| invalid("no payee address (pa)"))?;
    let (user, handle) = payee_address
        .split_once('@')
        .ok_or_else(|| invalid("payee address must be name@handle"))?;
    if user.is_empty() || handle.is_empty() || payee_address.len() > 255 {
        return Err(invalid("payee address must be name@handle"));
    }
    let mut warnings = Vec::new();
    let currency = match get("cu") {
        Some(c) => {
            Currency::from_code(&c.to_ascii_uppercase()).map_err(|e| invalid(e.to_string()))?
        }
        None => Currency::from_code("INR").map_err(|e| invalid(e.to_string()))?,
    };
    if currency.code() != "INR" {
        warnings.push(format!("UPI settles in INR, the link says {currency}"));
    }
    let amount_text = get("am");
    let amount = match &amount_text {
        Some(a) => {
            Some(Money::parse_amount(a, currency).map_err(|e| invalid(format!("amount: {e}")))?)
        }
        None => None,
    };
    Ok(UpiLink {
        payee_address,
        payee_name: get("pn"),
        amount_text,
        amount,
        currency,
        mcc: get("mc"),
        transaction_ref: get("tr").or_else(|| get("tid")),
        note: get("tn"),
        warnings,
    })
}
