//! What the withdrawal rule stores: one row per withdrawal, held until the bank settles it.

use purse_core::api::types::WithdrawalState;
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

pub trait WithdrawalReads {
    fn withdrawal(&mut self, account_id: &str, intent_id: &str) -> Result<Option<WithdrawalRow>>;
    /// The account's withdrawals, newest first.
    fn withdrawals(&mut self, account_id: &str, limit: u32) -> Result<Vec<WithdrawalRow>>;
}

pub trait WithdrawalWrites: WithdrawalReads {
    /// `Duplicate` if the account used the intent before.
    fn insert_withdrawal(&mut self, w: &WithdrawalRow) -> Result<()>;
    /// Writes state and settlement time.
    fn update_withdrawal(&mut self, w: &WithdrawalRow) -> Result<()>;
}
