//! The people tables of the in-memory transaction, for the rules' unit tests.

use purse_core::api::types::ContactKind;

use super::store::*;
use crate::ledger::memory::Memory;
use crate::ledger::tx::{Result, StoreError};

#[derive(Default)]
pub struct PeopleTables {
    pub handles: Vec<(String, String)>,
    pub contacts: Vec<(String, ContactKind, String)>,
    pub challenges: Vec<ContactChallengeRow>,
    pub messages: Vec<SandboxMessageRow>,
    pub receive_codes: Vec<ReceiveCodeRow>,
}

impl PeopleReads for Memory {
    fn receive_code(&mut self, code_id: &str) -> Result<Option<ReceiveCodeRow>> {
        let t = &self.people_tables;
        Ok(t.receive_codes
            .iter()
            .find(|c| c.code_id == code_id)
            .cloned())
    }
    fn current_receive_code(&mut self, account_id: &str) -> Result<Option<ReceiveCodeRow>> {
        let t = &self.people_tables;
        Ok(t.receive_codes
            .iter()
            .find(|c| c.account_id == account_id && c.revoked_at.is_none())
            .cloned())
    }
    fn account_of_handle(&mut self, handle: &str) -> Result<Option<String>> {
        let t = &self.people_tables;
        Ok(t.handles
            .iter()
            .find(|(_, h)| h == handle)
            .map(|(a, _)| a.clone()))
    }
    fn handle_of(&mut self, account_id: &str) -> Result<Option<String>> {
        let t = &self.people_tables;
        Ok(t.handles
            .iter()
            .find(|(a, _)| a == account_id)
            .map(|(_, h)| h.clone()))
    }
    fn account_of_contact(&mut self, kind: ContactKind, value: &str) -> Result<Option<String>> {
        let t = &self.people_tables;
        Ok(t.contacts
            .iter()
            .find(|(_, k, v)| *k == kind && v == value)
            .map(|(a, _, _)| a.clone()))
    }
    fn contact_of(&mut self, account_id: &str, kind: ContactKind) -> Result<Option<String>> {
        let t = &self.people_tables;
        Ok(t.contacts
            .iter()
            .find(|(a, k, _)| a == account_id && *k == kind)
            .map(|(_, _, v)| v.clone()))
    }
    fn contact_challenge(&mut self, id: &str) -> Result<Option<ContactChallengeRow>> {
        let t = &self.people_tables;
        Ok(t.challenges.iter().find(|c| c.challenge_id == id).cloned())
    }
    fn sandbox_messages(&mut self, account_id: &str, limit: u32) -> Result<Vec<SandboxMessageRow>> {
        let t = &self.people_tables;
        Ok(t.messages
            .iter()
            .rev()
            .filter(|m| m.account_id == account_id)
            .take(limit as usize)
            .cloned()
            .collect())
    }
}

impl PeopleWrites for Memory {
    fn insert_receive_code(&mut self, c: &ReceiveCodeRow) -> Result<()> {
        self.people_tables.receive_codes.push(c.clone());
        Ok(())
    }
    fn revoke_receive_codes(&mut self, account_id: &str, now: i64) -> Result<()> {
        for c in &mut self.people_tables.receive_codes {
            if c.account_id == account_id && c.revoked_at.is_none() {
                c.revoked_at = Some(now);
            }
        }
        Ok(())
    }
    fn set_handle(&mut self, account_id: &str, handle: &str) -> Result<()> {
        let t = &mut self.people_tables;
        if t.handles
            .iter()
            .any(|(a, h)| h == handle && a != account_id)
        {
            return Err(StoreError::Duplicate("handle"));
        }
        t.handles.retain(|(a, _)| a != account_id);
        t.handles.push((account_id.to_owned(), handle.to_owned()));
        Ok(())
    }
    fn set_contact(
        &mut self,
        account_id: &str,
        kind: ContactKind,
        value: &str,
        _now: i64,
    ) -> Result<()> {
        let t = &mut self.people_tables;
        if t.contacts
            .iter()
            .any(|(a, k, v)| *k == kind && v == value && a != account_id)
        {
            return Err(StoreError::Duplicate("contact"));
        }
        t.contacts
            .retain(|(a, k, _)| !(a == account_id && *k == kind));
        t.contacts
            .push((account_id.to_owned(), kind, value.to_owned()));
        Ok(())
    }
    fn insert_contact_challenge(&mut self, c: &ContactChallengeRow) -> Result<()> {
        self.people_tables.challenges.push(c.clone());
        Ok(())
    }
    fn set_challenge_tries(&mut self, id: &str, tries_left: u32) -> Result<()> {
        if let Some(c) = self
            .people_tables
            .challenges
            .iter_mut()
            .find(|c| c.challenge_id == id)
        {
            c.tries_left = tries_left;
        }
        Ok(())
    }
    fn delete_contact_challenge(&mut self, id: &str) -> Result<()> {
        self.people_tables
            .challenges
            .retain(|c| c.challenge_id != id);
        Ok(())
    }
    fn insert_sandbox_message(&mut self, m: &SandboxMessageRow) -> Result<()> {
        self.people_tables.messages.push(m.clone());
        Ok(())
    }
}
