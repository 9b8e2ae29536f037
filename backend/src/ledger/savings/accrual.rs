//! A day's income of a money-market fund, in integer arithmetic that neither creates nor
//! loses money.
//!
//! The fund's daily return is quoted as income per 10,000 shares with four decimals (万份收益,
//! `0.4521`), held here as ten-thousandths: [`DailyReturn`] `4521`. With 1 share = 1 minor
//! unit, a holder of `s` shares earns `s × w / 10^8` minor units whatever the currency's
//! exponent (the 10^4 of "per 10,000" and the 10^4 of four decimals). Each holder keeps the
//! remainder below one minor unit as a carry into the next day, so over any run of days a
//! holder is paid exactly `floor(Σ s × w / 10^8)` and the holders' income sums to what the
//! fund paid, to the minor unit.

/// The quoted income per 10,000 shares (万份收益) times 10^4: `0.4521` is `4521`. Never
/// negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DailyReturn(pub i64);

/// `s × w` is divided by this to give minor units.
pub const SCALE: i128 = 100_000_000;

impl DailyReturn {
    /// The day's return of an annual rate in basis points (165 = 1.65 %) over a 365-day
    /// year, rounded half up to four decimals: 1.65 % gives 0.4521.
    pub fn from_annual_bps(bps: i64) -> DailyReturn {
        DailyReturn((bps.max(0) * 20_000 + 365) / 730)
    }
}

/// What one holder earns on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accrued {
    /// Whole minor units to post today.
    pub income: i64,
    /// The remainder, below one minor unit (in units of 1 / [`SCALE`]), for tomorrow.
    pub carry: i64,
}

/// One holder's day: `shares` earning since before today, yesterday's `carry`.
pub fn accrue(shares: i64, carry: i64, w: DailyReturn) -> Accrued {
    let total = i128::from(shares.max(0)) * i128::from(w.0.max(0)) + i128::from(carry.max(0));
    Accrued {
        // A holder would need more than 9.2 × 10^18 minor units of income in one day to
        // overflow i64: saturate rather than wrap.
        income: i64::try_from(total / SCALE).unwrap_or(i64::MAX),
        carry: (total % SCALE) as i64,
    }
}

/// A batch of holders' days; returns what the fund pays in all, the sum of their incomes.
pub fn accrue_all(holders: &[(i64, i64)], w: DailyReturn, out: &mut Vec<Accrued>) -> i128 {
    out.clear();
    out.reserve(holders.len());
    let mut paid: i128 = 0;
    for &(shares, carry) in holders {
        let a = accrue(shares, carry, w);
        paid += i128::from(a.income);
        out.push(a);
    }
    paid
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_quoted_return_of_an_annual_rate() {
        assert_eq!(DailyReturn::from_annual_bps(165), DailyReturn(4521));
        assert_eq!(DailyReturn::from_annual_bps(0), DailyReturn(0));
        assert_eq!(
            DailyReturn::from_annual_bps(365),
            DailyReturn(10_000),
            "1.0000 a day"
        );
    }

    #[test]
    fn a_small_holder_is_paid_once_the_carry_adds_up() {
        // 100.00 CNY = 10,000 shares at 0.4521 per 10,000: 0.4521 fen a day.
        let w = DailyReturn(4521);
        let mut carry = 0;
        let mut paid = 0;
        for _ in 0..3 {
            let a = accrue(10_000, carry, w);
            paid += a.income;
            carry = a.carry;
        }
        assert_eq!(
            paid, 1,
            "1.3563 fen over three days: 1 paid, 0.3563 carried"
        );
        assert_eq!(carry, 35_630_000);
    }

    proptest! {
        /// Over random holders, daily returns and balances changing between days (as
        /// subscriptions and redemptions do), each holder is paid exactly the floor of its
        /// exact income, the carry stays below one minor unit, and the fund pays the sum.
        #[test]
        fn income_is_exact_and_the_fund_pays_the_sum(
            days in proptest::collection::vec(
                (0i64..20_000, proptest::collection::vec(0i64..10_000_000_000, 1..40)),
                1..30,
            ),
        ) {
            let n = days.iter().map(|(_, h)| h.len()).max().unwrap_or(0);
            let mut carries = vec![0i64; n];
            let mut exact = vec![0i128; n];
            let mut paid_to = vec![0i128; n];
            let mut out = Vec::new();
            for (w, shares) in &days {
                let holders: Vec<(i64, i64)> =
                    shares.iter().zip(&carries).map(|(s, c)| (*s, *c)).collect();
                let fund_paid = accrue_all(&holders, DailyReturn(*w), &mut out);
                let mut sum = 0i128;
                for (i, a) in out.iter().enumerate() {
                    prop_assert!((0..SCALE as i64).contains(&a.carry));
                    exact[i] += i128::from(shares[i]) * i128::from(*w);
                    paid_to[i] += i128::from(a.income);
                    carries[i] = a.carry;
                    sum += i128::from(a.income);
                }
                prop_assert_eq!(sum, fund_paid);
            }
            for i in 0..n {
                prop_assert_eq!(paid_to[i], exact[i] / SCALE, "holder {}", i);
                prop_assert_eq!(i128::from(carries[i]), exact[i] % SCALE);
            }
        }
    }
}
