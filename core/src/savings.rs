//! Savings rules every side shares: the 7-day annualized yield and how fund quotes print.
//! The daily income itself is posted by the backend's ledger (`backend/src/ledger/savings`);
//! the wallet only shows it.

/// Fixed point of the yield arithmetic: 10^15 is one.
const ONE: i128 = 1_000_000_000_000_000;

fn mul(a: i128, b: i128) -> i128 {
    a * b / ONE
}

fn pow(mut base: i128, mut exp: u32) -> i128 {
    let mut acc = ONE;
    while exp > 0 {
        if exp & 1 == 1 {
            acc = mul(acc, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    acc
}

/// The 7th root of `p` (near one) by Newton's method.
fn seventh_root(p: i128) -> i128 {
    let mut x = ONE + (p - ONE) / 7;
    for _ in 0..32 {
        let next = (6 * x + p * ONE / pow(x, 6)) / 7;
        if (next - x).abs() <= 1 {
            return next;
        }
        x = next;
    }
    x
}

/// The 7-day annualized yield by the standard formula of money-market funds,
/// `((1 + R1/10000) × … × (1 + R7/10000))^(365/7) − 1`, where `Ri` is a day's income per
/// 10,000 shares (万份收益, here in ten-thousandths: `4521` is 0.4521). In millionths,
/// rounded half up: `16638` is 1.6638 %. `None` unless exactly seven days are given.
///
/// Integer fixed point (10^15) rather than floating point, so that every side (backend,
/// CLI, both shells) shows the same digits; a day's return is taken as at most 1,000,000
/// (1 % a day), which keeps the arithmetic inside i128.
pub fn seven_day_yield_ppm(returns: &[i64]) -> Option<i64> {
    if returns.len() != 7 {
        return None;
    }
    let product = returns.iter().fold(ONE, |p, w| {
        mul(p, ONE + i128::from((*w).clamp(0, 1_000_000)) * 10_000_000)
    });
    let annual = pow(seventh_root(product), 365) - ONE;
    i64::try_from((annual * 1_000_000 + ONE / 2) / ONE).ok()
}

/// `0.4521`: a day's income per 10,000 shares as funds quote it.
pub fn format_per_10k(per_10k: i64) -> String {
    format!("{}.{:04}", per_10k / 10_000, per_10k % 10_000)
}

/// `1.6638%`: a yield in millionths as a percentage with four decimals.
pub fn format_yield_ppm(ppm: i64) -> String {
    format!("{}.{:04}%", ppm / 10_000, ppm % 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seven_day_yield_by_the_standard_formula() {
        // 0.4521 every day: (1 + 0.4521/10000)^365 - 1 = 1.6638 %.
        assert_eq!(seven_day_yield_ppm(&[4521; 7]), Some(16_638));
        assert_eq!(seven_day_yield_ppm(&[0; 7]), Some(0));
        assert_eq!(seven_day_yield_ppm(&[4521; 6]), None);
        // Against the formula in floating point, on uneven days.
        let days = [4521, 4380, 4702, 3999, 5100, 4450, 4610];
        let p: f64 = days.iter().map(|w| 1.0 + *w as f64 / 1e8).product();
        let expected = ((p.powf(365.0 / 7.0) - 1.0) * 1e6).round() as i64;
        assert_eq!(seven_day_yield_ppm(&days), Some(expected));
        assert!(
            seven_day_yield_ppm(&[1_000_000; 7]).is_some(),
            "1 % a day fits"
        );
    }

    #[test]
    fn quotes_print_as_funds_print_them() {
        assert_eq!(format_per_10k(4521), "0.4521");
        assert_eq!(format_per_10k(12_345), "1.2345");
        assert_eq!(format_yield_ppm(16_638), "1.6638%");
        assert_eq!(format_yield_ppm(5), "0.0005%");
    }
}
