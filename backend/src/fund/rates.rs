//! The fund's daily returns. A real fund's come from its manager each day; the sandbox's
//! from a schedule of annual rates, each from a day on (`--savings-rate 2026-12-01=1.70`).

use purse_core::calendar::parse_iso_date;

use crate::ledger::savings::accrual::DailyReturn;

/// Annual rates in basis points from each listed day on. Before the first entry, and with no
/// entry at all, [`RateSchedule::DEFAULT_BPS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateSchedule {
    /// (first day, basis points), sorted by day.
    steps: Vec<(i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("a savings rate is DATE=PERCENT (2026-12-01=1.70), not {0:?}")]
    Form(String),
    #[error("a savings rate is between 0 and 100 % with at most two decimals, not {0:?}")]
    Rate(String),
}

impl RateSchedule {
    /// 1.65 % a year: a money-market fund's yield of late 2026.
    pub const DEFAULT_BPS: i64 = 165;

    /// Adds `DATE=PERCENT` (`2026-12-01=1.70`); later dates replace the rate from then on.
    pub fn add(&mut self, spec: &str) -> Result<(), RateError> {
        let (date, rate) = spec
            .split_once('=')
            .ok_or_else(|| RateError::Form(spec.to_owned()))?;
        let day = parse_iso_date(date.trim()).ok_or_else(|| RateError::Form(spec.to_owned()))?;
        let bps = parse_percent_bps(rate.trim()).ok_or_else(|| RateError::Rate(spec.to_owned()))?;
        self.steps.retain(|(d, _)| *d != day);
        self.steps.push((day, bps));
        self.steps.sort_unstable();
        Ok(())
    }

    /// The annual rate on `day`, in basis points.
    pub fn bps_on(&self, day: i64) -> i64 {
        self.steps
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .map_or(Self::DEFAULT_BPS, |(_, bps)| *bps)
    }

    pub fn return_on(&self, day: i64) -> DailyReturn {
        DailyReturn::from_annual_bps(self.bps_on(day))
    }
}

/// `1.70` -> 170: a percentage with at most two decimals, 0 to 100.
fn parse_percent_bps(s: &str) -> Option<i64> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|c| c.is_ascii_digit())
        || whole.len() > 3
    {
        return None;
    }
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let bps = whole.parse::<i64>().ok()? * 100 + frac;
    (bps <= 10_000).then_some(bps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_of_annual_rates() {
        let mut s = RateSchedule::default();
        assert_eq!(s.bps_on(20_000), 165);
        s.add("2026-12-01=1.70").unwrap();
        s.add("2026-12-05 = 2").unwrap();
        let dec1 = parse_iso_date("2026-12-01").unwrap();
        assert_eq!(s.bps_on(dec1 - 1), 165);
        assert_eq!(s.bps_on(dec1), 170);
        assert_eq!(s.bps_on(dec1 + 3), 170);
        assert_eq!(s.bps_on(dec1 + 4), 200);
        assert_eq!(
            s.return_on(dec1).0,
            4658,
            "1.70 % / 365 = 0.4658 per 10,000"
        );
        for bad in [
            "2026-12-01",
            "2026-12-01=",
            "2026-12-01=1.705",
            "x=1",
            "2026-12-01=101",
            "2026-12-01=-1",
        ] {
            assert!(s.add(bad).is_err(), "{bad}");
        }
    }
}
