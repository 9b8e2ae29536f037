//! Savings: a money-market fund beside the wallet, held as shares at 1 share = 1 minor unit.
//! So far the daily-income arithmetic ([`accrual`]); subscriptions, redemptions and the
//! daily job build on it (issue 14).

pub mod accrual;
