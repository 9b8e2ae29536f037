//! The savings tables of the in-memory transaction.

use std::collections::BTreeMap;

use purse_core::api::types::SavingsMoveState;
use purse_core::money::{Currency, Money};

use super::store::*;
use super::{FUND_NAME, HOLDERS_NAME};
use crate::ledger::entry::{LedgerAccount, LedgerEntry, Posting};
use crate::ledger::memory::{Memory, page};
use crate::ledger::rows::TxRow;
use crate::ledger::tx::{Page, Result, StoreError, Tx};

#[derive(Default)]
pub struct SavingsTables {
    pub holders: BTreeMap<String, HolderRow>,
    pub flows: BTreeMap<(i64, String), Flow>,
    pub moves: Vec<SavingsMoveRow>,
    pub days: BTreeMap<i64, FundDayRow>,
    /// (day, currency) -> (holders paid, paid).
    pub income: BTreeMap<(i64, &'static str), (i64, i64)>,
}

impl SavingsReads for Memory {
    fn holder(&mut self, account_id: &str) -> Result<Option<HolderRow>> {
        Ok(self.savings_tables.holders.get(account_id).cloned())
    }
    fn holders_due(&mut self, day: i64, after: &str, limit: u32) -> Result<Vec<HolderRow>> {
        Ok(self
            .savings_tables
            .holders
            .values()
            .filter(|h| h.account_id.as_str() > after && h.accrued_through < day)
            .take(limit as usize)
            .cloned()
            .collect())
    }
    fn flow(&mut self, account_id: &str, day: i64) -> Result<Flow> {
        Ok(self
            .savings_tables
            .flows
            .get(&(day, account_id.to_owned()))
            .copied()
            .unwrap_or_default())
    }
    fn flows_between(
        &mut self,
        day: i64,
        after: &str,
        through: &str,
    ) -> Result<Vec<(String, Flow)>> {
        Ok(self
            .savings_tables
            .flows
            .iter()
            .filter(|((d, id), _)| *d == day && id.as_str() > after && id.as_str() <= through)
            .map(|((_, id), f)| (id.clone(), *f))
            .collect())
    }
    fn savings_move(
        &mut self,
        account_id: &str,
        intent_id: &str,
    ) -> Result<Option<SavingsMoveRow>> {
        Ok(self
            .savings_tables
            .moves
            .iter()
            .find(|m| m.account_id == account_id && m.intent_id == intent_id)
            .cloned())
    }
    fn savings_moves(&mut self, account_id: &str, limit: u32) -> Result<Vec<SavingsMoveRow>> {
        Ok(self
            .savings_tables
            .moves
            .iter()
            .rev()
            .filter(|m| m.account_id == account_id)
            .take(limit as usize)
            .cloned()
            .collect())
    }
    fn moves_due(&mut self, day: i64, limit: u32) -> Result<Vec<SavingsMoveRow>> {
        Ok(self
            .savings_tables
            .moves
            .iter()
            .filter(|m| {
                m.state == SavingsMoveState::Pending && m.settles_on.is_some_and(|d| d <= day)
            })
            .take(limit as usize)
            .cloned()
            .collect())
    }
    fn redeeming(&mut self, account_id: &str) -> Result<i64> {
        Ok(self
            .savings_tables
            .moves
            .iter()
            .filter(|m| m.account_id == account_id && m.state == SavingsMoveState::Pending)
            .map(|m| m.standard.minor)
            .sum())
    }
    fn fund_day(&mut self, day: i64) -> Result<Option<FundDayRow>> {
        Ok(self.savings_tables.days.get(&day).copied())
    }
    fn fund_days(&mut self, limit: u32) -> Result<Vec<FundDayRow>> {
        Ok(self
            .savings_tables
            .days
            .values()
            .rev()
            .filter(|d| d.completed_at.is_some())
            .take(limit as usize)
            .copied()
            .collect())
    }
    fn newest_fund_day(&mut self) -> Result<Option<FundDayRow>> {
        Ok(self.savings_tables.days.values().next_back().copied())
    }
    fn first_day_due(&mut self) -> Result<Option<i64>> {
        Ok(self
            .savings_tables
            .holders
            .values()
            .map(|h| h.accrued_through + 1)
            .min())
    }
    fn savings_posting(&mut self, account_id: &str, transaction_id: &str) -> Result<Option<TxRow>> {
        Ok(self
            .history_of(&LedgerAccount::savings(account_id))
            .into_iter()
            .find(|r| r.transaction.transaction_id == transaction_id))
    }
    fn savings_history(
        &mut self,
        account_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<Page<TxRow>> {
        let mut rows = self.history_of(&LedgerAccount::savings(account_id));
        rows.reverse();
        let start = match starting_after {
            None => 0,
            Some(id) => match rows.iter().position(|r| r.transaction.transaction_id == id) {
                Some(i) => i + 1,
                None => return Ok((Vec::new(), false)),
            },
        };
        Ok(page(rows, limit, start))
    }
}

impl SavingsWrites for Memory {
    fn insert_holder(&mut self, h: &HolderRow) -> Result<()> {
        self.savings_tables
            .holders
            .entry(h.account_id.clone())
            .or_insert_with(|| h.clone());
        Ok(())
    }
    fn update_holders(&mut self, holders: &[HolderRow]) -> Result<()> {
        for h in holders {
            self.savings_tables
                .holders
                .insert(h.account_id.clone(), h.clone());
        }
        Ok(())
    }
    fn add_flow(&mut self, account_id: &str, day: i64, flow: Flow) -> Result<()> {
        let f = self
            .savings_tables
            .flows
            .entry((day, account_id.to_owned()))
            .or_default();
        f.moved_in += flow.moved_in;
        f.moved_out += flow.moved_out;
        f.instant_out += flow.instant_out;
        Ok(())
    }
    fn insert_savings_move(&mut self, m: &SavingsMoveRow) -> Result<()> {
        if self.savings_move(&m.account_id, &m.intent_id)?.is_some() {
            return Err(StoreError::Duplicate("savings move"));
        }
        self.savings_tables.moves.push(m.clone());
        Ok(())
    }
    fn update_savings_move(&mut self, m: &SavingsMoveRow) -> Result<()> {
        if let Some(row) = self
            .savings_tables
            .moves
            .iter_mut()
            .find(|o| o.move_id == m.move_id)
        {
            *row = m.clone();
        }
        Ok(())
    }
    fn start_fund_day(&mut self, day: i64, per_10k: i64) -> Result<FundDayRow> {
        Ok(*self.savings_tables.days.entry(day).or_insert(FundDayRow {
            day,
            per_10k,
            completed_at: None,
        }))
    }
    fn complete_fund_day(&mut self, day: i64, now: i64) -> Result<()> {
        if let Some(d) = self.savings_tables.days.get_mut(&day) {
            d.completed_at.get_or_insert(now);
        }
        Ok(())
    }
    fn add_fund_income(
        &mut self,
        day: i64,
        currency: Currency,
        holders: i64,
        paid: i64,
    ) -> Result<()> {
        let t = self
            .savings_tables
            .income
            .entry((day, currency.code()))
            .or_default();
        t.0 += holders;
        t.1 += paid;
        Ok(())
    }
    fn post_incomes(
        &mut self,
        from: &LedgerAccount,
        transaction_id: &str,
        description: &str,
        created_at: i64,
        incomes: &[Income],
    ) -> Result<()> {
        let Some(first) = incomes.first() else {
            return Ok(());
        };
        let sum: i64 = incomes.iter().map(|i| i.amount.minor).sum();
        let mut postings = vec![Posting {
            account: from.clone(),
            amount: Money::new(-sum, first.amount.currency),
            counterparty: HOLDERS_NAME.to_owned(),
        }];
        postings.extend(incomes.iter().map(|i| Posting {
            account: LedgerAccount::savings(&i.account_id),
            amount: i.amount,
            counterparty: FUND_NAME.to_owned(),
        }));
        self.post(&LedgerEntry {
            transaction_id: transaction_id.to_owned(),
            kind: purse_core::api::types::TransactionKind::SavingsIncome,
            description: description.to_owned(),
            created_at,
            order_id: None,
            intent_id: None,
            postings,
        })?;
        Ok(())
    }
}
