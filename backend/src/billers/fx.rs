//! What a payment in another currency costs: the sandbox's exchange rates (in millionths,
//! never floats) and fee, and the conversion in integer arithmetic, rounded up so the
//! operator is always paid in full.

use purse_core::money::{Currency, Money};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct FxFile {
    pub fee_bps: u32,
    pub rates: Vec<Rate>,
}

/// One unit of `from` buys `rate_micros / 1e6` units of `to`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Rate {
    pub from: Currency,
    pub to: Currency,
    pub rate_micros: i64,
}

#[derive(Debug, Clone, Default)]
pub struct FxTable {
    fee_bps: u32,
    rates: Vec<Rate>,
}

impl From<FxFile> for FxTable {
    fn from(f: FxFile) -> Self {
        FxTable {
            fee_bps: f.fee_bps,
            rates: f.rates.into_iter().filter(|r| r.rate_micros > 0).collect(),
        }
    }
}

/// What paying `biller_amount` from a wallet in another currency costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversion {
    pub rate_micros: i64,
    /// `biller_amount` in the wallet's currency, rounded up.
    pub converted: Money,
    pub fee: Money,
    /// `converted + fee`: what leaves the wallet.
    pub debit: Money,
}

fn ceil_div(n: i128, d: i128) -> i128 {
    (n + d - 1) / d
}

impl FxTable {
    pub fn merge(&mut self, other: FxTable) {
        if !other.rates.is_empty() {
            self.fee_bps = other.fee_bps;
        }
        for r in other.rates {
            self.rates.retain(|o| (o.from, o.to) != (r.from, r.to));
            self.rates.push(r);
        }
    }

    /// The cost of `biller_amount` for a wallet holding `wallet`; `None` when no rate is
    /// known or the amount overflows.
    pub fn convert(&self, wallet: Currency, biller_amount: Money) -> Option<Conversion> {
        let rate = self
            .rates
            .iter()
            .find(|r| r.from == wallet && r.to == biller_amount.currency)?;
        if !biller_amount.is_positive() {
            return None;
        }
        let pow = |c: Currency| 10i128.pow(u32::from(c.exponent()));
        // biller minor -> biller major (÷ 10^be) -> wallet major (÷ rate) -> wallet minor.
        let converted = ceil_div(
            i128::from(biller_amount.minor) * pow(wallet) * 1_000_000,
            i128::from(rate.rate_micros) * pow(biller_amount.currency),
        );
        let fee = ceil_div(converted * i128::from(self.fee_bps), 10_000);
        let money = |v: i128| i64::try_from(v).ok().map(|m| Money::new(m, wallet));
        Some(Conversion {
            rate_micros: rate.rate_micros,
            converted: money(converted)?,
            fee: money(fee)?,
            debit: money(converted + fee)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> FxTable {
        FxTable {
            fee_bps: 100,
            rates: vec![
                Rate {
                    from: Currency::from_code("CNY").unwrap(),
                    to: Currency::from_code("CHF").unwrap(),
                    rate_micros: 122_000,
                },
                Rate {
                    from: Currency::from_code("CNY").unwrap(),
                    to: Currency::from_code("JPY").unwrap(),
                    rate_micros: 21_000_000,
                },
            ],
        }
    }

    #[test]
    fn converts_up_with_the_fee_on_top() {
        let cny = Currency::from_code("CNY").unwrap();
        let c = table()
            .convert(cny, Money::parse("45.50 CHF").unwrap())
            .unwrap();
        // 45.50 / 0.122 = 372.9508... -> 372.96; 1 % of it is 3.7296 -> 3.73.
        assert_eq!(c.converted, Money::parse("372.96 CNY").unwrap());
        assert_eq!(c.fee, Money::parse("3.73 CNY").unwrap());
        assert_eq!(c.debit, Money::parse("376.69 CNY").unwrap());
        // A currency without minor units: 1000 JPY / 21 = 47.619... -> 47.62 CNY.
        let y = table()
            .convert(cny, Money::parse("1000 JPY").unwrap())
            .unwrap();
        assert_eq!(y.converted, Money::parse("47.62 CNY").unwrap());
    }

    #[test]
    fn unknown_pairs_and_overflow_have_no_price() {
        let cny = Currency::from_code("CNY").unwrap();
        assert!(
            table()
                .convert(cny, Money::parse("1.00 EUR").unwrap())
                .is_none()
        );
        let huge = Money::new(i64::MAX, Currency::from_code("CHF").unwrap());
        assert!(table().convert(cny, huge).is_none());
        assert!(table().convert(cny, Money::new(0, huge.currency)).is_none());
    }
}
