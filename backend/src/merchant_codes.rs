//! The EMVCo codes a merchant shows: the static code (initiation 11, the payer types the
//! amount) and an order's dynamic code (initiation 12, amount and order id inside), both
//! carrying the backend's own merchant account template (tag 26, GUID `io.purse.pay`).

use purse_core::money::{Currency, Money};
use purse_core::paycode::{
    Initiation, MerchantCodeSpec, PURSE_GUID, PaycodeError, country_of, emvco,
};

/// EMVCo caps the merchant name at 25 characters and the city at 15.
fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn spec(
    merchant_id: &str,
    name: &str,
    city: &str,
    mcc: &str,
    currency: Currency,
) -> MerchantCodeSpec {
    MerchantCodeSpec {
        initiation: Initiation::Static,
        account_tag: 26,
        guid: PURSE_GUID.into(),
        account_fields: vec![("01".into(), merchant_id.into())],
        mcc: mcc.into(),
        amount: None,
        currency,
        country: country_of(currency),
        merchant_name: clip(name, 25),
        merchant_city: clip(city, 15),
        bill_number: None,
        reference_label: None,
        terminal_label: None,
    }
}

pub fn static_payload(
    merchant_id: &str,
    name: &str,
    city: &str,
    mcc: &str,
    currency: Currency,
) -> Result<String, PaycodeError> {
    emvco::encode(&spec(merchant_id, name, city, mcc, currency))
}

pub fn order_payload(
    merchant_id: &str,
    name: &str,
    city: &str,
    mcc: &str,
    order_id: &str,
    amount: Money,
) -> Result<String, PaycodeError> {
    let mut s = spec(merchant_id, name, city, mcc, amount.currency);
    s.initiation = Initiation::Dynamic;
    s.account_fields.push(("02".into(), order_id.into()));
    s.amount = Some(amount);
    s.reference_label = Some(clip(order_id, 25));
    emvco::encode(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use purse_core::paycode::{PaymentCode, parse};

    #[test]
    fn codes_parse_back_to_the_merchant_and_order() {
        let cny = Currency::from_code("CNY").unwrap();
        let p = static_payload(
            "mch_1",
            "A very long tea house name indeed",
            "Hangzhou",
            "5814",
            cny,
        )
        .unwrap();
        let code = parse(&p).unwrap();
        assert_eq!(code.purse_merchant(), Some(("mch_1".into(), None)));
        let PaymentCode::Emvco(e) = &code else {
            panic!()
        };
        assert_eq!(e.initiation, Initiation::Static);
        assert_eq!(
            e.merchant_name.as_deref(),
            Some("A very long tea house nam")
        );
        assert_eq!(e.country.as_deref(), Some("CN"));

        let amount = Money::parse("12.34 CNY").unwrap();
        let p = order_payload("mch_1", "Tea", "Hangzhou", "5814", "ord_9", amount).unwrap();
        let code = parse(&p).unwrap();
        assert_eq!(
            code.purse_merchant(),
            Some(("mch_1".into(), Some("ord_9".into())))
        );
        let PaymentCode::Emvco(e) = &code else {
            panic!()
        };
        assert_eq!(
            (e.initiation, e.amount),
            (Initiation::Dynamic, Some(amount))
        );
    }
}
