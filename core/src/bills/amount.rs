//! An amount against a biller's amount rule, and a top-up amount against its product.

use super::BillError;
use crate::api::types::{AmountRule, Biller, FetchMode, Product, ProductPrice};
use crate::money::Money;

/// Whether `amount` may be paid to `biller`, given the bill's amount due when one was
/// fetched. Every biller's minimum and maximum hold; the rules against the amount due need
/// a fetched bill.
pub fn check_amount(biller: &Biller, due: Option<Money>, amount: Money) -> Result<(), BillError> {
    if amount.currency != biller.currency {
        return Err(BillError::CurrencyMismatch {
            expected: biller.currency.code().to_owned(),
        });
    }
    if !amount.is_positive() {
        return Err(BillError::NotPositive);
    }
    if amount.minor < biller.min_amount.minor {
        return Err(BillError::BelowMinimum {
            min: biller.min_amount,
        });
    }
    if amount.minor > biller.max_amount.minor {
        return Err(BillError::AboveMaximum {
            max: biller.max_amount,
        });
    }
    if biller.amount_rule == AmountRule::Range {
        return Ok(());
    }
    let due = due.ok_or(BillError::BillRequired)?;
    match biller.amount_rule {
        AmountRule::Exact if amount != due => Err(BillError::MustEqualDue { due }),
        AmountRule::AtLeastDue if amount.minor < due.minor => Err(BillError::BelowDue { due }),
        AmountRule::AtMostDue if amount.minor > due.minor => Err(BillError::AboveDue { due }),
        _ => Ok(()),
    }
}

/// Whether the biller's bill should be fetched before paying: its amount rule needs the
/// amount due, or the payer gave no amount and the biller can say what is due.
pub fn needs_bill(biller: &Biller, amount_given: bool) -> bool {
    biller.products.is_empty()
        && biller.fetch_mode != FetchMode::NotSupported
        && (biller.amount_rule != AmountRule::Range || !amount_given)
}

/// The product a top-up buys and what the operator is paid for it, in the operator's
/// currency: a fixed product's own amount (`amount` must then be absent or equal), or the
/// typed `amount` on a range product's steps.
pub fn check_product<'b>(
    biller: &'b Biller,
    product_id: &str,
    amount: Option<Money>,
) -> Result<(&'b Product, Money), BillError> {
    let product = biller
        .products
        .iter()
        .find(|p| p.product_id == product_id)
        .ok_or_else(|| BillError::UnknownProduct {
            product_id: product_id.to_owned(),
        })?;
    let paid = match &product.price {
        ProductPrice::Fixed { amount: fixed } => match amount {
            Some(a) if a != *fixed => return Err(BillError::MustEqualDue { due: *fixed }),
            _ => *fixed,
        },
        ProductPrice::Range { min, max, step } => {
            let a = amount.ok_or(BillError::NotPositive)?;
            if a.currency != min.currency {
                return Err(BillError::CurrencyMismatch {
                    expected: min.currency.code().to_owned(),
                });
            }
            if a.minor < min.minor {
                return Err(BillError::BelowMinimum { min: *min });
            }
            if a.minor > max.minor {
                return Err(BillError::AboveMaximum { max: *max });
            }
            if step.minor <= 0 || (a.minor - min.minor) % step.minor != 0 {
                return Err(BillError::OffStep {
                    min: *min,
                    max: *max,
                    step: *step,
                });
            }
            a
        }
    };
    Ok((product, paid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::*;
    use crate::money::Currency;

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::from_code("CNY").unwrap())
    }

    fn biller(rule: AmountRule) -> Biller {
        Biller {
            biller_id: "b".into(),
            name: "B".into(),
            category: BillerCategory::Electricity,
            country: "CN".into(),
            currency: cny(0).currency,
            reference: CustomerParam {
                label: "Account".into(),
                kind: ParamKind::Numeric,
                min_length: 1,
                max_length: 20,
                pattern: None,
                check_digit: CheckDigit::None,
            },
            fetch_mode: FetchMode::Optional,
            amount_rule: rule,
            min_amount: cny(100),
            max_amount: cny(1_000_000),
            creditor_accounts: vec![],
            products: vec![
                Product {
                    product_id: "p10".into(),
                    name: "10".into(),
                    price: ProductPrice::Fixed { amount: cny(1_000) },
                },
                Product {
                    product_id: "any".into(),
                    name: "Any".into(),
                    price: ProductPrice::Range {
                        min: cny(500),
                        max: cny(20_000),
                        step: cny(100),
                    },
                },
            ],
            prefixes: vec![],
        }
    }

    #[test]
    fn every_amount_rule() {
        let due = Some(cny(5_000));
        let code = |rule, due, minor| {
            check_amount(&biller(rule), due, cny(minor))
                .err()
                .map(|e| e.code())
        };
        assert_eq!(code(AmountRule::Exact, due, 5_000), None);
        assert_eq!(
            code(AmountRule::Exact, due, 4_999),
            Some("amount_must_equal_due")
        );
        assert_eq!(code(AmountRule::Exact, None, 5_000), Some("bill_required"));
        assert_eq!(code(AmountRule::AtLeastDue, due, 6_000), None);
        assert_eq!(
            code(AmountRule::AtLeastDue, due, 4_000),
            Some("amount_below_due")
        );
        assert_eq!(
            code(AmountRule::AtMostDue, due, 2_000),
            None,
            "a part payment"
        );
        assert_eq!(
            code(AmountRule::AtMostDue, due, 5_001),
            Some("amount_above_due")
        );
        assert_eq!(code(AmountRule::Range, None, 777), None);
        assert_eq!(
            code(AmountRule::Range, None, 99),
            Some("amount_below_minimum")
        );
        assert_eq!(
            code(AmountRule::Range, None, 1_000_001),
            Some("amount_above_maximum")
        );
        assert_eq!(code(AmountRule::Range, None, 0), Some("amount_invalid"));
        assert_eq!(code(AmountRule::Range, None, -5), Some("amount_invalid"));
        let eur = Money::parse("10.00 EUR").unwrap();
        assert_eq!(
            check_amount(&biller(AmountRule::Range), None, eur)
                .unwrap_err()
                .code(),
            "currency_mismatch"
        );
    }

    #[test]
    fn products_fixed_and_ranged() {
        let b = biller(AmountRule::Range);
        assert_eq!(check_product(&b, "p10", None).unwrap().1, cny(1_000));
        assert_eq!(
            check_product(&b, "p10", Some(cny(1_000))).unwrap().1,
            cny(1_000)
        );
        assert!(check_product(&b, "p10", Some(cny(900))).is_err());
        assert_eq!(
            check_product(&b, "any", Some(cny(700))).unwrap().1,
            cny(700)
        );
        let code = |id, a| check_product(&b, id, a).unwrap_err().code();
        assert_eq!(code("any", Some(cny(750))), "amount_off_step");
        assert_eq!(code("any", Some(cny(400))), "amount_below_minimum");
        assert_eq!(code("any", Some(cny(20_100))), "amount_above_maximum");
        assert_eq!(code("any", None), "amount_invalid");
        assert_eq!(code("nope", None), "product_unknown");
    }
}
