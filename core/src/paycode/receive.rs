//! A person's receive code: an EMVCo static code with Purse's template (tag 26, GUID
//! `io.purse.pay`) whose sub-field `03` names the receive code (`rc_...`) instead of a
//! merchant. It may carry an amount (tag 54) and a note (the reference label, 62-05). The
//! name inside (tag 59) is what the code claims; the payer's wallet asks the backend who it
//! really pays.

use super::emvco::{self, Initiation, MerchantCodeSpec};
use super::{PURSE_GUID, PaycodeError};
use crate::money::{Currency, Money};

/// Template sub-field that holds a receive code id.
pub const RECEIVE_CODE_FIELD: &str = "03";

/// ISO 3166 country of a currency: the first two letters of its ISO 4217 code name the
/// country for every national currency.
pub fn country_of(currency: Currency) -> String {
    currency.code()[..2].to_owned()
}

/// The payload of a receive code, with an optional amount and note.
pub fn receive_payload(
    code_id: &str,
    name: &str,
    currency: Currency,
    amount: Option<Money>,
    note: Option<&str>,
) -> Result<String, PaycodeError> {
    emvco::encode(&MerchantCodeSpec {
        initiation: if amount.is_some() {
            Initiation::Dynamic
        } else {
            Initiation::Static
        },
        account_tag: 26,
        guid: PURSE_GUID.into(),
        account_fields: vec![(RECEIVE_CODE_FIELD.into(), code_id.into())],
        mcc: "0000".into(),
        amount,
        currency,
        country: country_of(currency),
        merchant_name: name.chars().take(25).collect(),
        merchant_city: "-".into(),
        bill_number: None,
        reference_label: note.map(|n| n.chars().take(25).collect()),
        terminal_label: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receive_code_reads_back_as_a_person_not_a_merchant() {
        let cny = Currency::from_code("CNY").unwrap();
        let payload = receive_payload(
            "rc_1",
            "Bo Li",
            cny,
            Some(Money::new(1250, cny)),
            Some("tickets"),
        )
        .unwrap();
        let code = crate::paycode::parse(&payload).unwrap();
        assert_eq!(code.purse_person().as_deref(), Some("rc_1"));
        assert_eq!(code.purse_merchant(), None);
        let crate::paycode::PaymentCode::Emvco(e) = code else {
            panic!()
        };
        assert_eq!(e.amount, Some(Money::new(1250, cny)));
        assert_eq!(e.merchant_name.as_deref(), Some("Bo Li"));
        let plain = receive_payload("rc_2", "Bo Li", cny, None, None).unwrap();
        assert_eq!(
            crate::paycode::parse(&plain)
                .unwrap()
                .purse_person()
                .as_deref(),
            Some("rc_2")
        );
    }
}
