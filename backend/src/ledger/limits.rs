//! Spending limits: the backend's maxima, and the lower limits an account may choose.

use purse_core::money::{Currency, Money};

use super::rows::AccountRow;

/// The backend's maxima, in major units of any currency (config says "5,000 a payment").
#[derive(Debug, Clone, Copy)]
pub struct Maxima {
    pub per_payment_major: i64,
    pub per_day_major: i64,
}

/// The limits that apply to one account, in its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_payment: Money,
    pub per_day: Money,
    pub max_per_payment: Money,
    pub max_per_day: Money,
}

/// Why a payment is over a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverLimit {
    PerPayment { limit: Money },
    PerDay { limit: Money, spent: Money },
}

impl Maxima {
    pub fn in_currency(&self, currency: Currency) -> (Money, Money) {
        let m =
            |major| Money::from_major(major, currency).unwrap_or(Money::new(i64::MAX, currency));
        (m(self.per_payment_major), m(self.per_day_major))
    }

    /// The account's own limits where lower than the maxima.
    pub fn for_account(&self, account: &AccountRow) -> Limits {
        let (max_per_payment, max_per_day) = self.in_currency(account.currency);
        let lower = |own: Option<Money>, max: Money| match own {
            Some(l) if l.currency == max.currency && l.minor < max.minor => l,
            _ => max,
        };
        Limits {
            per_payment: lower(account.limit_per_payment, max_per_payment),
            per_day: lower(account.limit_per_day, max_per_day),
            max_per_payment,
            max_per_day,
        }
    }
}

impl Limits {
    /// Checks one more payment of `amount` on a day with `spent` paid already.
    pub fn check(&self, amount: Money, spent: Money) -> Result<(), OverLimit> {
        if amount.minor > self.per_payment.minor {
            return Err(OverLimit::PerPayment {
                limit: self.per_payment,
            });
        }
        if spent.minor.saturating_add(amount.minor) > self.per_day.minor {
            return Err(OverLimit::PerDay {
                limit: self.per_day,
                spent,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(own_pp: Option<i64>, own_pd: Option<i64>) -> AccountRow {
        let cny = Currency::from_code("CNY").unwrap();
        AccountRow {
            account_id: "a".into(),
            name: "A".into(),
            currency: cny,
            created_at: 0,
            limit_per_payment: own_pp.map(|m| Money::new(m, cny)),
            limit_per_day: own_pd.map(|m| Money::new(m, cny)),
        }
    }

    const MAX: Maxima = Maxima {
        per_payment_major: 50,
        per_day_major: 100,
    };

    #[test]
    fn an_account_may_only_lower_its_limits() {
        let l = MAX.for_account(&account(None, None));
        assert_eq!((l.per_payment.minor, l.per_day.minor), (5_000, 10_000));
        let l = MAX.for_account(&account(Some(1_000), Some(1_000_000)));
        assert_eq!((l.per_payment.minor, l.per_day.minor), (1_000, 10_000));
    }

    #[test]
    fn per_payment_then_per_day() {
        let l = MAX.for_account(&account(None, None));
        let cny = l.per_day.currency;
        let m = |v| Money::new(v, cny);
        assert_eq!(l.check(m(5_000), m(0)), Ok(()));
        assert_eq!(
            l.check(m(5_001), m(0)),
            Err(OverLimit::PerPayment { limit: m(5_000) })
        );
        assert_eq!(l.check(m(4_000), m(6_000)), Ok(()));
        assert_eq!(
            l.check(m(4_000), m(6_001)),
            Err(OverLimit::PerDay {
                limit: m(10_000),
                spent: m(6_001)
            })
        );
        assert!(l.check(m(1), m(i64::MAX)).is_err(), "no overflow");
    }
}
