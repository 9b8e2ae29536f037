//! The pay-code tables of the in-memory transaction.

use purse_core::api::types::ChargeState;
use purse_core::money::Money;

use super::store::*;
use crate::ledger::memory::Memory;
use crate::ledger::tx::{Result, StoreError};

#[derive(Default)]
pub struct PayCodeTables {
    pub keys: Vec<PayCodeKeyRow>,
    pub charges: Vec<ChargeRow>,
    pub limits: Vec<(String, Money)>,
}

impl PayCodeReads for Memory {
    fn paycode_key(&mut self, device_index: u32) -> Result<Option<PayCodeKeyRow>> {
        Ok(self
            .paycode_tables
            .keys
            .iter()
            .find(|k| k.device_index == device_index)
            .cloned())
    }
    fn paycode_key_of(&mut self, device_id: &str) -> Result<Option<PayCodeKeyRow>> {
        Ok(self
            .paycode_tables
            .keys
            .iter()
            .find(|k| k.device_id == device_id)
            .cloned())
    }
    fn charge(&mut self, charge_id: &str) -> Result<Option<ChargeRow>> {
        Ok(self
            .paycode_tables
            .charges
            .iter()
            .find(|c| c.charge_id == charge_id)
            .cloned())
    }
    fn charges_waiting(&mut self, account_id: &str) -> Result<Vec<ChargeRow>> {
        Ok(self
            .paycode_tables
            .charges
            .iter()
            .filter(|c| c.account_id == account_id && c.state == ChargeState::AwaitingConfirmation)
            .cloned()
            .collect())
    }
    fn charges_expired(&mut self, now: i64, limit: u32) -> Result<Vec<ChargeRow>> {
        Ok(self
            .paycode_tables
            .charges
            .iter()
            .filter(|c| c.state == ChargeState::AwaitingConfirmation && c.expires_at < now)
            .take(limit as usize)
            .cloned()
            .collect())
    }
    fn paycode_limit(&mut self, account_id: &str) -> Result<Option<Money>> {
        Ok(self
            .paycode_tables
            .limits
            .iter()
            .find(|(a, _)| a == account_id)
            .map(|(_, m)| *m))
    }
}

impl PayCodeWrites for Memory {
    fn put_paycode_key(&mut self, key: &PayCodeKeyRow) -> Result<()> {
        let keys = &mut self.paycode_tables.keys;
        if keys
            .iter()
            .any(|k| k.device_index == key.device_index && k.device_id != key.device_id)
        {
            return Err(StoreError::Duplicate("pay-code index"));
        }
        keys.retain(|k| k.device_id != key.device_id);
        keys.push(key.clone());
        Ok(())
    }
    fn raise_high_water(&mut self, device_index: u32, counter: i64) -> Result<bool> {
        match self
            .paycode_tables
            .keys
            .iter_mut()
            .find(|k| k.device_index == device_index && k.high_water < counter)
        {
            Some(k) => {
                k.high_water = counter;
                Ok(true)
            }
            None => Ok(false),
        }
    }
    fn insert_charge(&mut self, c: &ChargeRow) -> Result<()> {
        if self.charge(&c.charge_id)?.is_some() {
            return Err(StoreError::Duplicate("charge"));
        }
        self.paycode_tables.charges.push(c.clone());
        Ok(())
    }
    fn update_charge(&mut self, c: &ChargeRow) -> Result<()> {
        if let Some(row) = self
            .paycode_tables
            .charges
            .iter_mut()
            .find(|o| o.charge_id == c.charge_id)
        {
            *row = c.clone();
        }
        Ok(())
    }
    fn set_paycode_limit(&mut self, account_id: &str, limit: Money) -> Result<()> {
        let limits = &mut self.paycode_tables.limits;
        limits.retain(|(a, _)| a != account_id);
        limits.push((account_id.to_owned(), limit));
        Ok(())
    }
}
