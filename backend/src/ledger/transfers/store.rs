//! What the transfer rule stores: one row per settled transfer, so "sent at most once" holds
//! for as long as the ledger exists, not only while the idempotency record is kept.

use purse_core::money::Money;

use crate::ledger::tx::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRow {
    pub transfer_id: String,
    pub intent_id: String,
    pub payer_account_id: String,
    pub recipient_account_id: String,
    pub amount: Money,
    pub note: String,
    pub transaction_id: String,
    pub created_at: i64,
}

pub trait TransferReads {
    fn transfer(&mut self, payer_account_id: &str, intent_id: &str) -> Result<Option<TransferRow>>;
}

pub trait TransferWrites: TransferReads {
    /// `Duplicate` if the payer used the intent before.
    fn insert_transfer(&mut self, t: &TransferRow) -> Result<()>;
}
