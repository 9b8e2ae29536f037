//! A scanned Swiss QR-bill or EPC069-12 code as a bill payment: prefilled when its creditor
//! account is a registered biller's (reference and amount from the code, checked by the
//! biller's own rules), explained when not.

use super::{BillError, check_amount, check_reference};
use crate::api::types::Biller;
use crate::money::Money;
use crate::paycode::PaymentCode;

/// A bill payment filled in from a scanned code, still to be confirmed by the payer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ScannedBill {
    pub biller: Biller,
    /// Normalised and checked against the biller's rule.
    pub reference: String,
    /// The amount the code prints, checked against the biller's limits; absent when the
    /// payer types it.
    pub amount: Option<Money>,
    /// The creditor's name as the code prints it (untrusted: the biller's name is the one to
    /// show as the payee).
    pub creditor_name: String,
}

fn account_key(iban: &str) -> String {
    iban.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The bill a scanned code asks to pay, among `billers`.
pub fn bill_from_code(code: &PaymentCode, billers: &[Biller]) -> Result<ScannedBill, BillError> {
    let (iban, creditor, reference, amount) = match code {
        PaymentCode::SwissQrBill(b) => (&b.iban, &b.creditor_name, &b.reference, b.amount),
        PaymentCode::Epc(t) => (&t.iban, &t.name, &t.reference, t.amount),
        other => {
            return Err(BillError::NotABill {
                format: other.format().to_owned(),
            });
        }
    };
    let key = account_key(iban);
    let biller = billers
        .iter()
        .find(|b| b.creditor_accounts.iter().any(|a| account_key(a) == key))
        .ok_or_else(|| BillError::UnknownCreditor {
            creditor: crate::text::escape_shown(creditor).into_owned(),
        })?;
    let reference = reference.as_deref().ok_or(BillError::NoReference)?;
    let reference = check_reference(&biller.reference, reference)?;
    if let Some(a) = amount {
        // The amount due is the code's own: the rule against it always holds.
        check_amount(biller, Some(a), a)?;
    }
    Ok(ScannedBill {
        biller: biller.clone(),
        reference,
        amount,
        creditor_name: creditor.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::*;
    use crate::paycode::parse;

    fn swiss_biller() -> Biller {
        let chf = Money::parse("0.01 CHF").unwrap();
        Biller {
            biller_id: "ch_ewz".into(),
            name: "ewz Zürich".into(),
            category: BillerCategory::Electricity,
            country: "CH".into(),
            currency: chf.currency,
            reference: CustomerParam {
                label: "QR reference".into(),
                kind: ParamKind::Numeric,
                min_length: 27,
                max_length: 27,
                pattern: None,
                check_digit: CheckDigit::SwissQr,
            },
            fetch_mode: FetchMode::Optional,
            amount_rule: AmountRule::Exact,
            min_amount: chf,
            max_amount: Money::new(10_000_000, chf.currency),
            creditor_accounts: vec!["CH44 3199 9123 0008 8901 2".into()],
            products: vec![],
            prefixes: vec![],
        }
    }

    fn qr_bill(iban: &str, reference: &str) -> String {
        crate::paycode::qr_bill_text(iban, "ewz", "1949.75", "CHF", "Ada", reference)
    }

    #[test]
    fn a_registered_creditor_prefills_the_payment() {
        let code = parse(&qr_bill(
            "CH4431999123000889012",
            "210000000003139471430009017",
        ))
        .unwrap();
        let bill = bill_from_code(&code, &[swiss_biller()]).unwrap();
        assert_eq!(bill.biller.biller_id, "ch_ewz");
        assert_eq!(bill.reference, "210000000003139471430009017");
        assert_eq!(bill.amount, Some(Money::parse("1949.75 CHF").unwrap()));
    }

    #[test]
    fn an_epc_code_with_a_creditor_reference_prefills_too() {
        let eur = Money::parse("0.01 EUR").unwrap();
        let biller = Biller {
            biller_id: "de_berlin_energie".into(),
            currency: eur.currency,
            reference: CustomerParam {
                label: "Creditor reference".into(),
                kind: ParamKind::Alphanumeric,
                min_length: 5,
                max_length: 25,
                pattern: None,
                check_digit: CheckDigit::Iso11649,
            },
            min_amount: eur,
            max_amount: Money::new(10_000_000, eur.currency),
            creditor_accounts: vec!["DE89 3704 0044 0532 0130 00".into()],
            ..swiss_biller()
        };
        let epc = "BCD\n002\n1\nSCT\nCOBADEFFXXX\nBerliner Energie\nDE89370400440532013000\nEUR84.20\n\nRF18539007547034\n";
        let bill = bill_from_code(&parse(epc).unwrap(), std::slice::from_ref(&biller)).unwrap();
        assert_eq!(bill.reference, "RF18539007547034");
        assert_eq!(bill.amount, Some(Money::parse("84.20 EUR").unwrap()));
        let upi = parse("upi://pay?pa=shop@bank&pn=Shop").unwrap();
        assert_eq!(
            bill_from_code(&upi, &[biller]).unwrap_err().code(),
            "not_a_bill"
        );
    }

    #[test]
    fn others_are_explained() {
        let unknown = parse(&qr_bill(
            "CH5800791123000889012",
            "210000000003139471430009017",
        ))
        .unwrap();
        assert_eq!(
            bill_from_code(&unknown, &[swiss_biller()])
                .unwrap_err()
                .code(),
            "creditor_unknown"
        );
        let typo = parse(&qr_bill(
            "CH4431999123000889012",
            "210000000003139471430009018",
        ))
        .unwrap();
        assert_eq!(
            bill_from_code(&typo, &[swiss_biller()]).unwrap_err().code(),
            "reference_bad_check_digit"
        );
    }
}
