//! The withdrawals table of the in-memory transaction.

use super::store::*;
use crate::ledger::memory::Memory;
use crate::ledger::tx::{Result, StoreError};

impl WithdrawalReads for Memory {
    fn payout(&mut self, account_id: &str, payout_id: &str) -> Result<Option<PayoutRow>> {
        Ok(self
            .payouts
            .iter()
            .find(|p| p.account_id == account_id && p.payout_id == payout_id)
            .cloned())
    }
    fn payouts(&mut self, account_id: &str, limit: u32) -> Result<Vec<PayoutRow>> {
        Ok(self
            .payouts
            .iter()
            .rev()
            .filter(|p| p.account_id == account_id)
            .take(limit as usize)
            .cloned()
            .collect())
    }
    fn withdrawal(&mut self, account_id: &str, intent_id: &str) -> Result<Option<WithdrawalRow>> {
        Ok(self
            .withdrawals
            .iter()
            .find(|w| w.account_id == account_id && w.intent_id == intent_id)
            .cloned())
    }
    fn withdrawals(&mut self, account_id: &str, limit: u32) -> Result<Vec<WithdrawalRow>> {
        Ok(self
            .withdrawals
            .iter()
            .rev()
            .filter(|w| w.account_id == account_id)
            .take(limit as usize)
            .cloned()
            .collect())
    }
}

impl WithdrawalWrites for Memory {
    fn insert_withdrawal(&mut self, w: &WithdrawalRow) -> Result<()> {
        if self.withdrawal(&w.account_id, &w.intent_id)?.is_some() {
            return Err(StoreError::Duplicate("withdrawal"));
        }
        self.withdrawals.push(w.clone());
        Ok(())
    }
    fn update_withdrawal(&mut self, w: &WithdrawalRow) -> Result<()> {
        if let Some(row) = self
            .withdrawals
            .iter_mut()
            .find(|o| o.withdrawal_id == w.withdrawal_id)
        {
            *row = w.clone();
        }
        Ok(())
    }
    fn insert_payout(&mut self, p: &PayoutRow) -> Result<()> {
        if self.payout(&p.account_id, &p.payout_id)?.is_some() {
            return Err(StoreError::Duplicate("payout"));
        }
        self.payouts.push(p.clone());
        Ok(())
    }
    fn update_payout(&mut self, p: &PayoutRow) -> Result<()> {
        if let Some(row) = self.payouts.iter_mut().find(|o| o.payout_id == p.payout_id) {
            *row = p.clone();
        }
        Ok(())
    }
}
