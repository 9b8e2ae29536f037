//! The device tables of the in-memory transaction, for the rules' unit tests.

use super::store::*;
use crate::ledger::memory::Memory;
use crate::ledger::tx::{Result, StoreError};
use purse_core::api::types::RecoveryState;

#[derive(Default)]
pub struct DeviceTables {
    pub pairings: Vec<PairingRow>,
    pub recovery_keys: Vec<RecoveryKeyRow>,
    pub challenges: Vec<ChallengeRow>,
    pub recoveries: Vec<RecoveryRow>,
    pub notices: Vec<NoticeRow>,
}

impl DeviceReads for Memory {
    fn pairing(&mut self, id: &str) -> Result<Option<PairingRow>> {
        let t = &self.device_tables;
        Ok(t.pairings.iter().find(|p| p.pairing_id == id).cloned())
    }
    fn pairing_of_device(&mut self, device_id: &str) -> Result<Option<PairingRow>> {
        let t = &self.device_tables;
        Ok(t.pairings
            .iter()
            .find(|p| p.device_id == device_id)
            .cloned())
    }
    fn recovery_key(&mut self, account_id: &str) -> Result<Option<RecoveryKeyRow>> {
        let t = &self.device_tables;
        Ok(t.recovery_keys
            .iter()
            .find(|k| k.account_id == account_id)
            .cloned())
    }
    fn recovery_key_by_lookup(&mut self, lookup: &str) -> Result<Option<RecoveryKeyRow>> {
        let t = &self.device_tables;
        Ok(t.recovery_keys.iter().find(|k| k.lookup == lookup).cloned())
    }
    fn recovery(&mut self, id: &str) -> Result<Option<RecoveryRow>> {
        let t = &self.device_tables;
        Ok(t.recoveries.iter().find(|r| r.recovery_id == id).cloned())
    }
    fn waiting_recoveries(&mut self, account_id: &str) -> Result<Vec<RecoveryRow>> {
        let t = &self.device_tables;
        Ok(t.recoveries
            .iter()
            .filter(|r| r.account_id == account_id && r.state == RecoveryState::Waiting)
            .cloned()
            .collect())
    }
    fn recovery_of_device(&mut self, device_id: &str) -> Result<Option<RecoveryRow>> {
        let t = &self.device_tables;
        Ok(t.recoveries
            .iter()
            .find(|r| r.device_id == device_id)
            .cloned())
    }
    fn newest_notice(&mut self, account_id: &str) -> Result<i64> {
        let t = &self.device_tables;
        Ok(t.notices
            .iter()
            .filter(|n| n.account_id == account_id)
            .map(|n| n.seq)
            .max()
            .unwrap_or(0))
    }
    fn notices(&mut self, account_id: &str, after: i64, limit: u32) -> Result<Vec<NoticeRow>> {
        let t = &self.device_tables;
        Ok(t.notices
            .iter()
            .filter(|n| n.account_id == account_id && n.seq > after)
            .take(limit as usize)
            .cloned()
            .collect())
    }
}

impl DeviceWrites for Memory {
    fn insert_pairing(&mut self, p: &PairingRow) -> Result<()> {
        let t = &mut self.device_tables;
        if t.pairings
            .iter()
            .any(|o| o.pairing_id == p.pairing_id || o.device_id == p.device_id)
        {
            return Err(StoreError::Duplicate("pairing"));
        }
        t.pairings.push(p.clone());
        Ok(())
    }
    fn update_pairing(&mut self, p: &PairingRow) -> Result<()> {
        let t = &mut self.device_tables;
        let row = t
            .pairings
            .iter_mut()
            .find(|o| o.pairing_id == p.pairing_id)
            .ok_or(StoreError::NotFound)?;
        *row = p.clone();
        Ok(())
    }
    fn set_recovery_key(&mut self, k: &RecoveryKeyRow) -> Result<()> {
        let t = &mut self.device_tables;
        if t.recovery_keys
            .iter()
            .any(|o| o.lookup == k.lookup && o.account_id != k.account_id)
        {
            return Err(StoreError::Duplicate("recovery lookup"));
        }
        t.recovery_keys.retain(|o| o.account_id != k.account_id);
        t.recovery_keys.push(k.clone());
        Ok(())
    }
    fn insert_challenge(&mut self, c: &ChallengeRow) -> Result<()> {
        self.device_tables.challenges.push(c.clone());
        Ok(())
    }
    fn take_challenge(&mut self, challenge: &str) -> Result<Option<ChallengeRow>> {
        let t = &mut self.device_tables;
        let i = t.challenges.iter().position(|c| c.challenge == challenge);
        Ok(i.map(|i| t.challenges.remove(i)))
    }
    fn insert_recovery(&mut self, r: &RecoveryRow) -> Result<()> {
        let t = &mut self.device_tables;
        if t.recoveries.iter().any(|o| o.recovery_id == r.recovery_id) {
            return Err(StoreError::Duplicate("recovery"));
        }
        t.recoveries.push(r.clone());
        Ok(())
    }
    fn update_recovery(&mut self, r: &RecoveryRow) -> Result<()> {
        let t = &mut self.device_tables;
        let row = t
            .recoveries
            .iter_mut()
            .find(|o| o.recovery_id == r.recovery_id)
            .ok_or(StoreError::NotFound)?;
        *row = r.clone();
        Ok(())
    }
    fn insert_notice(&mut self, n: &NoticeRow) -> Result<i64> {
        let t = &mut self.device_tables;
        let seq = t.notices.last().map_or(1, |l| l.seq + 1);
        t.notices.push(NoticeRow { seq, ..n.clone() });
        Ok(seq)
    }
    fn purge_device_attempts(&mut self, before: i64) -> Result<u64> {
        let t = &mut self.device_tables;
        let n = t.challenges.len() + t.pairings.len();
        t.challenges.retain(|c| c.expires_at >= before);
        t.pairings.retain(|p| p.expires_at >= before);
        Ok((n - t.challenges.len() - t.pairings.len()) as u64)
    }
}
