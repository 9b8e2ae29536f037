//! The transfers table of the in-memory transaction.

use super::store::*;
use crate::ledger::memory::Memory;
use crate::ledger::tx::{Result, StoreError};

impl TransferReads for Memory {
    fn transfer(&mut self, payer: &str, intent: &str) -> Result<Option<TransferRow>> {
        Ok(self
            .transfers
            .iter()
            .find(|t| t.payer_account_id == payer && t.intent_id == intent)
            .cloned())
    }
}

impl TransferWrites for Memory {
    fn insert_transfer(&mut self, t: &TransferRow) -> Result<()> {
        if self.transfer(&t.payer_account_id, &t.intent_id)?.is_some() {
            return Err(StoreError::Duplicate("transfer"));
        }
        self.transfers.push(t.clone());
        Ok(())
    }
}
