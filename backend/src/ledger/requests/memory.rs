//! The request tables of the in-memory transaction.

use super::store::*;
use crate::ledger::memory::Memory;
use crate::ledger::tx::Result;

#[derive(Default)]
pub struct RequestTables {
    pub requests: Vec<RequestRow>,
    pub blocks: Vec<(String, String)>,
}

impl RequestReads for Memory {
    fn money_request(&mut self, id: &str) -> Result<Option<RequestRow>> {
        Ok(self
            .request_tables
            .requests
            .iter()
            .find(|r| r.request_id == id)
            .cloned())
    }
    fn money_requests(
        &mut self,
        account_id: &str,
        as_payer: bool,
        limit: u32,
    ) -> Result<Vec<RequestRow>> {
        Ok(self
            .request_tables
            .requests
            .iter()
            .rev()
            .filter(|r| {
                let who = if as_payer {
                    &r.payer_account_id
                } else {
                    &r.requester_account_id
                };
                who == account_id
            })
            .take(limit as usize)
            .cloned()
            .collect())
    }
    fn is_blocked(&mut self, blocker: &str, blocked: &str) -> Result<bool> {
        Ok(self
            .request_tables
            .blocks
            .iter()
            .any(|(a, b)| a == blocker && b == blocked))
    }
}

impl RequestWrites for Memory {
    fn insert_money_request(&mut self, r: &RequestRow) -> Result<()> {
        self.request_tables.requests.push(r.clone());
        Ok(())
    }
    fn update_money_request(&mut self, r: &RequestRow) -> Result<()> {
        if let Some(row) = self
            .request_tables
            .requests
            .iter_mut()
            .find(|o| o.request_id == r.request_id)
        {
            *row = r.clone();
        }
        Ok(())
    }
    fn insert_block(&mut self, blocker: &str, blocked: &str, _now: i64) -> Result<()> {
        self.request_tables
            .blocks
            .push((blocker.to_owned(), blocked.to_owned()));
        Ok(())
    }
}
