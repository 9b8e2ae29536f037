//! What the savings rules store. A holder's shares are its ledger account
//! `savings:<account_id>`; beside it, the daily job's view of each holder (shares at the
//! close of the last accrued day, the carry below one minor unit), what moved in and out per
//! holder and day, one row per subscription or redemption, and each accrued day of the fund.

use purse_core::api::types::{SavingsDirection, SavingsMoveState};
use purse_core::money::{Currency, Money};

use crate::ledger::LedgerAccount;
use crate::ledger::rows::TxRow;
use crate::ledger::tx::{Page, Result};

/// One holder as the daily job sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderRow {
    pub account_id: String,
    pub currency: Currency,
    /// Shares at the close of `accrued_through`, that day's income included.
    pub shares: i64,
    /// Income below one minor unit, in 10^-8 of one, carried into the next day.
    pub carry: i64,
    /// The last day accrued for this holder (UTC day number).
    pub accrued_through: i64,
    pub total_income: i64,
    /// The income of `last_income_day`.
    pub last_income: i64,
    pub last_income_day: Option<i64>,
}

/// What moved for one holder on one day (minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flow {
    pub moved_in: i64,
    /// Every redemption, instant and standard.
    pub moved_out: i64,
    /// The instant part, which the daily cap counts.
    pub instant_out: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavingsMoveRow {
    pub move_id: String,
    pub intent_id: String,
    pub account_id: String,
    pub direction: SavingsDirection,
    pub amount: Money,
    pub instant: Money,
    pub standard: Money,
    pub state: SavingsMoveState,
    /// The day the standard part lands.
    pub settles_on: Option<i64>,
    /// The move's ledger transaction; `settle_transaction_id` the standard part's landing.
    pub transaction_id: String,
    pub settle_transaction_id: Option<String>,
    pub created_at: i64,
    pub settled_at: Option<i64>,
}

/// One day of the fund: its return, and whether every holder was accrued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FundDayRow {
    pub day: i64,
    /// Income per 10,000 shares in ten-thousandths (万份收益 × 10^4).
    pub per_10k: i64,
    pub completed_at: Option<i64>,
}

/// One holder's income of one day, to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Income {
    pub account_id: String,
    pub amount: Money,
}

pub trait SavingsReads {
    fn holder(&mut self, account_id: &str) -> Result<Option<HolderRow>>;
    /// Holders not yet accrued for `day`, after `after` in account order.
    fn holders_due(&mut self, day: i64, after: &str, limit: u32) -> Result<Vec<HolderRow>>;
    fn flow(&mut self, account_id: &str, day: i64) -> Result<Flow>;
    /// The flows of `day` of the accounts after `after` up to and including `through`.
    fn flows_between(
        &mut self,
        day: i64,
        after: &str,
        through: &str,
    ) -> Result<Vec<(String, Flow)>>;
    fn savings_move(&mut self, account_id: &str, intent_id: &str)
    -> Result<Option<SavingsMoveRow>>;
    /// Newest first.
    fn savings_moves(&mut self, account_id: &str, limit: u32) -> Result<Vec<SavingsMoveRow>>;
    /// Pending standard redemptions landing on or before `day`.
    fn moves_due(&mut self, day: i64, limit: u32) -> Result<Vec<SavingsMoveRow>>;
    /// The standard parts still on their way to this account's wallet.
    fn redeeming(&mut self, account_id: &str) -> Result<i64>;
    fn fund_day(&mut self, day: i64) -> Result<Option<FundDayRow>>;
    /// Completed days, newest first.
    fn fund_days(&mut self, limit: u32) -> Result<Vec<FundDayRow>>;
    /// The newest day started, completed or not.
    fn newest_fund_day(&mut self) -> Result<Option<FundDayRow>>;
    /// The earliest day any holder still needs (the smallest `accrued_through` + 1).
    fn first_day_due(&mut self) -> Result<Option<i64>>;
    /// The savings ledger account's posting in one transaction.
    fn savings_posting(&mut self, account_id: &str, transaction_id: &str) -> Result<Option<TxRow>>;
    /// The savings ledger account's postings, newest first, before `starting_after`.
    fn savings_history(
        &mut self,
        account_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<Page<TxRow>>;
}

pub trait SavingsWrites: SavingsReads {
    /// Adds the holder unless it exists.
    fn insert_holder(&mut self, h: &HolderRow) -> Result<()>;
    /// Writes shares, carry, accrual day and income of each.
    fn update_holders(&mut self, holders: &[HolderRow]) -> Result<()>;
    fn add_flow(&mut self, account_id: &str, day: i64, flow: Flow) -> Result<()>;
    /// `Duplicate` if the account used the intent before.
    fn insert_savings_move(&mut self, m: &SavingsMoveRow) -> Result<()>;
    /// Writes state, landing transaction and time.
    fn update_savings_move(&mut self, m: &SavingsMoveRow) -> Result<()>;
    /// Records a day's return; a day started before keeps the return it started with.
    fn start_fund_day(&mut self, day: i64, per_10k: i64) -> Result<FundDayRow>;
    fn complete_fund_day(&mut self, day: i64, now: i64) -> Result<()>;
    /// Adds a batch's holders and income to the day's totals in `currency`.
    fn add_fund_income(
        &mut self,
        day: i64,
        currency: Currency,
        holders: i64,
        paid: i64,
    ) -> Result<()>;
    /// Posts the incomes (all of one currency, each to its holder's savings account) as
    /// one ledger transaction from the fund's income account `from`, which is debited
    /// their sum. The ledger's rules hold as for [`crate::ledger::Tx::post`]; engines write
    /// it in as few statements as they can.
    fn post_incomes(
        &mut self,
        from: &LedgerAccount,
        transaction_id: &str,
        description: &str,
        created_at: i64,
        incomes: &[Income],
    ) -> Result<()>;
}
