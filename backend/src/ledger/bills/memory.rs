//! The bill tables of the in-memory transaction.

use purse_core::api::types::{Biller, BillerCategory};

use super::store::*;
use crate::ledger::memory::Memory;
use crate::ledger::tx::{Result, StoreError};

#[derive(Default)]
pub struct BillTables {
    pub billers: Vec<Biller>,
    pub payments: Vec<BillPaymentRow>,
    pub saved: Vec<SavedBillerRow>,
    pub quotes: Vec<QuoteRow>,
}

impl BillReads for Memory {
    fn biller(&mut self, biller_id: &str) -> Result<Option<Biller>> {
        Ok(self
            .bill_tables
            .billers
            .iter()
            .find(|b| b.biller_id == biller_id)
            .cloned())
    }
    fn billers(&mut self, category: Option<BillerCategory>) -> Result<Vec<Biller>> {
        let mut out: Vec<Biller> = self
            .bill_tables
            .billers
            .iter()
            .filter(|b| category.is_none_or(|c| b.category == c))
            .cloned()
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }
    fn bill_payment(
        &mut self,
        account_id: &str,
        intent_id: &str,
    ) -> Result<Option<BillPaymentRow>> {
        Ok(self
            .bill_tables
            .payments
            .iter()
            .find(|p| p.account_id == account_id && p.intent_id == intent_id)
            .cloned())
    }
    fn bill_payments(&mut self, account_id: &str, limit: u32) -> Result<Vec<BillPaymentRow>> {
        Ok(self
            .bill_tables
            .payments
            .iter()
            .rev()
            .filter(|p| p.account_id == account_id)
            .take(limit as usize)
            .cloned()
            .collect())
    }
    fn saved_billers(&mut self, account_id: &str) -> Result<Vec<SavedBillerRow>> {
        Ok(self
            .bill_tables
            .saved
            .iter()
            .filter(|s| s.account_id == account_id)
            .cloned()
            .collect())
    }
    fn quote(&mut self, account_id: &str, quote_id: &str) -> Result<Option<QuoteRow>> {
        Ok(self
            .bill_tables
            .quotes
            .iter()
            .find(|q| q.account_id == account_id && q.quote_id == quote_id)
            .cloned())
    }
}

impl BillWrites for Memory {
    fn upsert_biller(&mut self, biller: &Biller, _now: i64) -> Result<()> {
        let t = &mut self.bill_tables.billers;
        t.retain(|b| b.biller_id != biller.biller_id);
        t.push(biller.clone());
        Ok(())
    }
    fn insert_bill_payment(&mut self, p: &BillPaymentRow) -> Result<()> {
        if self.bill_payment(&p.account_id, &p.intent_id)?.is_some() {
            return Err(StoreError::Duplicate("bill payment"));
        }
        self.bill_tables.payments.push(p.clone());
        Ok(())
    }
    fn update_bill_payment(&mut self, p: &BillPaymentRow) -> Result<()> {
        if let Some(row) = self
            .bill_tables
            .payments
            .iter_mut()
            .find(|o| o.bill_payment_id == p.bill_payment_id)
        {
            *row = p.clone();
        }
        Ok(())
    }
    fn insert_saved_biller(&mut self, s: &SavedBillerRow) -> Result<()> {
        self.bill_tables.saved.push(s.clone());
        Ok(())
    }
    fn delete_saved_biller(&mut self, account_id: &str, saved_id: &str) -> Result<bool> {
        let before = self.bill_tables.saved.len();
        self.bill_tables
            .saved
            .retain(|s| !(s.account_id == account_id && s.saved_id == saved_id));
        Ok(self.bill_tables.saved.len() < before)
    }
    fn insert_quote(&mut self, q: &QuoteRow) -> Result<()> {
        self.bill_tables.quotes.push(q.clone());
        Ok(())
    }
    fn use_quote(&mut self, quote_id: &str, intent_id: &str) -> Result<()> {
        if let Some(q) = self
            .bill_tables
            .quotes
            .iter_mut()
            .find(|q| q.quote_id == quote_id)
        {
            q.used_by = Some(intent_id.to_owned());
        }
        Ok(())
    }
}
