//! The savings fund's operations around the ledger rules: where its daily returns come from
//! ([`rates`]) and the daily job that accrues them ([`job`]).

pub mod job;
pub mod rates;

pub use job::{DayReport, accrue_through, scheduler};
pub use rates::RateSchedule;
