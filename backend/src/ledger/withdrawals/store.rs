//! What the withdrawal rule stores: one row per withdrawal, held until the bank settles it,
//! and one per payout the console asked for, until the phone answers it.

use purse_core::api::types::{PayoutState, WithdrawalState};
use purse_core::money::Money;

use crate::ledger::tx::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalRow {
    pub withdrawal_id: String,
    pub intent_id: String,
    pub account_id: String,
    pub source_id: String,
    pub amount: Money,
    pub state: WithdrawalState,
    /// The hold's ledger transaction.
    pub transaction_id: String,
    pub created_at: i64,
    pub settled_at: Option<i64>,
}

/// A payout as stored. A waiting row past `expires_at` reads as expired
/// ([`super::payouts::current`]); nothing rewrites it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutRow {
    /// Also the intent id of the withdrawal that confirms it.
    pub payout_id: String,
    pub account_id: String,
    pub source_id: String,
    pub amount: Money,
    pub state: PayoutState,
    pub created_at: i64,
    pub expires_at: i64,
    pub withdrawal_id: Option<String>,
}

impl PayoutRow {
    /// Its state at `now`: a waiting payout past its time is expired.
    pub fn state_at(&self, now: i64) -> PayoutState {
        if self.state == PayoutState::Waiting && now >= self.expires_at {
            PayoutState::Expired
        } else {
            self.state
        }
    }
}

pub trait WithdrawalReads {
    fn payout(&mut self, account_id: &str, payout_id: &str) -> Result<Option<PayoutRow>>;
    /// The account's payouts, newest first.
    fn payouts(&mut self, account_id: &str, limit: u32) -> Result<Vec<PayoutRow>>;
    fn withdrawal(&mut self, account_id: &str, intent_id: &str) -> Result<Option<WithdrawalRow>>;
    /// The account's withdrawals, newest first.
    fn withdrawals(&mut self, account_id: &str, limit: u32) -> Result<Vec<WithdrawalRow>>;
}

pub trait WithdrawalWrites: WithdrawalReads {
    /// `Duplicate` if the account used the intent before.
    fn insert_withdrawal(&mut self, w: &WithdrawalRow) -> Result<()>;
    /// Writes state and settlement time.
    fn update_withdrawal(&mut self, w: &WithdrawalRow) -> Result<()>;
    fn insert_payout(&mut self, p: &PayoutRow) -> Result<()>;
    /// Writes state and withdrawal.
    fn update_payout(&mut self, p: &PayoutRow) -> Result<()>;
}
