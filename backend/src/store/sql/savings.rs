//! The savings rules' statements, and the daily job's bulk posting of incomes.

use purse_core::api::types::{SavingsDirection, SavingsMoveState, TransactionKind};
use purse_core::money::{Currency, Money};

use super::conn::{SqlRow, Value};
use super::rows::{currency, parsed};
use super::tx::SqlTx;
use crate::ledger::rows::TxRow;
use crate::ledger::savings::*;
use crate::ledger::tx::{Page, Result, StoreError};
use crate::ledger::{LedgerAccount, LedgerEntry, Posting};

/// Incomes per multi-row statement: 100 rows of at most 5 values stay far below SQLite's
/// limit on bound values.
const CHUNK: usize = 100;

/// `n` rows of a ledger account and an amount as numbered placeholders (`(?1, CAST(?2 AS
/// BIGINT)), (?3, ...)`). The cast tells an engine that types placeholders (PostgreSQL) that
/// the amount is an integer, as SQLite already assumes.
fn account_amount_rows(n: usize) -> String {
    (0..n)
        .map(|r| format!("(?{}, CAST(?{} AS BIGINT))", 2 * r + 1, 2 * r + 2))
        .collect::<Vec<_>>()
        .join(", ")
}

const HOLDER_COLS: &str = "account_id, currency, shares, carry, accrued_through, total_income,
    last_income, last_income_day";

fn holder(r: &dyn SqlRow) -> Result<HolderRow> {
    Ok(HolderRow {
        account_id: r.get("account_id")?,
        currency: currency(r, "currency")?,
        shares: r.get("shares")?,
        carry: r.get("carry")?,
        accrued_through: r.get("accrued_through")?,
        total_income: r.get("total_income")?,
        last_income: r.get("last_income")?,
        last_income_day: r.get("last_income_day")?,
    })
}

fn flow(r: &dyn SqlRow) -> Result<Flow> {
    Ok(Flow {
        moved_in: r.get("moved_in")?,
        moved_out: r.get("moved_out")?,
        instant_out: r.get("instant_out")?,
    })
}

const MOVE_COLS: &str = "move_id, intent_id, account_id, direction, amount, instant, standard,
    currency, state, settles_on, transaction_id, settle_transaction_id, created_at, settled_at";

fn savings_move(r: &dyn SqlRow) -> Result<SavingsMoveRow> {
    let c = currency(r, "currency")?;
    Ok(SavingsMoveRow {
        move_id: r.get("move_id")?,
        intent_id: r.get("intent_id")?,
        account_id: r.get("account_id")?,
        direction: parsed(r, "direction", SavingsDirection::parse)?,
        amount: Money::new(r.get("amount")?, c),
        instant: Money::new(r.get("instant")?, c),
        standard: Money::new(r.get("standard")?, c),
        state: parsed(r, "state", SavingsMoveState::parse)?,
        settles_on: r.get("settles_on")?,
        transaction_id: r.get("transaction_id")?,
        settle_transaction_id: r.get("settle_transaction_id")?,
        created_at: r.get("created_at")?,
        settled_at: r.get("settled_at")?,
    })
}

fn fund_day(r: &dyn SqlRow) -> Result<FundDayRow> {
    Ok(FundDayRow {
        day: r.get("day")?,
        per_10k: r.get("per_10k")?,
        completed_at: r.get("completed_at")?,
    })
}

impl SavingsReads for SqlTx<'_> {
    fn holder(&mut self, account_id: &str) -> Result<Option<HolderRow>> {
        self.one(
            &format!("SELECT {HOLDER_COLS} FROM savings_holders WHERE account_id = ?"),
            params![account_id],
            holder,
        )
    }

    fn holders_due(&mut self, day: i64, after: &str, limit: u32) -> Result<Vec<HolderRow>> {
        // A range scan of the primary key: no index on the accrual day, which every
        // holder's update would move.
        self.all(
            &format!(
                "SELECT {HOLDER_COLS} FROM savings_holders
                 WHERE account_id > ? AND accrued_through < ? ORDER BY account_id LIMIT ?"
            ),
            params![after, day, limit],
            holder,
        )
    }

    fn flow(&mut self, account_id: &str, day: i64) -> Result<Flow> {
        Ok(self
            .one(
                "SELECT moved_in, moved_out, instant_out FROM savings_flows
                 WHERE day = ? AND account_id = ?",
                params![day, account_id],
                flow,
            )?
            .unwrap_or_default())
    }

    fn flows_between(
        &mut self,
        day: i64,
        after: &str,
        through: &str,
    ) -> Result<Vec<(String, Flow)>> {
        self.all(
            "SELECT account_id, moved_in, moved_out, instant_out FROM savings_flows
             WHERE day = ? AND account_id > ? AND account_id <= ? ORDER BY account_id",
            params![day, after, through],
            |r| Ok((r.get("account_id")?, flow(r)?)),
        )
    }

    fn savings_move(
        &mut self,
        account_id: &str,
        intent_id: &str,
    ) -> Result<Option<SavingsMoveRow>> {
        self.one(
            &format!(
                "SELECT {MOVE_COLS} FROM savings_moves WHERE account_id = ? AND intent_id = ?"
            ),
            params![account_id, intent_id],
            savings_move,
        )
    }

    fn savings_moves(&mut self, account_id: &str, limit: u32) -> Result<Vec<SavingsMoveRow>> {
        self.all(
            &format!(
                "SELECT {MOVE_COLS} FROM savings_moves WHERE account_id = ?
                 ORDER BY created_at DESC, move_id LIMIT ?"
            ),
            params![account_id, limit],
            savings_move,
        )
    }

    fn moves_due(&mut self, day: i64, limit: u32) -> Result<Vec<SavingsMoveRow>> {
        self.all(
            &format!(
                "SELECT {MOVE_COLS} FROM savings_moves
                 WHERE state = 'pending' AND settles_on <= ? ORDER BY settles_on, move_id LIMIT ?"
            ),
            params![day, limit],
            savings_move,
        )
    }

    fn redeeming(&mut self, account_id: &str) -> Result<i64> {
        Ok(self
            .one(
                "SELECT COALESCE(SUM(standard), 0) FROM savings_moves
                 WHERE account_id = ? AND state = 'pending'",
                params![account_id],
                |r| r.get(0),
            )?
            .unwrap_or(0))
    }

    fn fund_day(&mut self, day: i64) -> Result<Option<FundDayRow>> {
        self.one(
            "SELECT day, per_10k, completed_at FROM savings_days WHERE day = ?",
            params![day],
            fund_day,
        )
    }

    fn fund_days(&mut self, limit: u32) -> Result<Vec<FundDayRow>> {
        self.all(
            "SELECT day, per_10k, completed_at FROM savings_days
             WHERE completed_at IS NOT NULL ORDER BY day DESC LIMIT ?",
            params![limit],
            fund_day,
        )
    }

    fn newest_fund_day(&mut self) -> Result<Option<FundDayRow>> {
        self.one(
            "SELECT day, per_10k, completed_at FROM savings_days ORDER BY day DESC LIMIT 1",
            params![],
            fund_day,
        )
    }

    fn first_day_due(&mut self) -> Result<Option<i64>> {
        Ok(self
            .one(
                "SELECT MIN(accrued_through) + 1 FROM savings_holders",
                params![],
                |r| r.get::<Option<i64>>(0),
            )?
            .flatten())
    }

    fn savings_posting(&mut self, account_id: &str, transaction_id: &str) -> Result<Option<TxRow>> {
        self.posting_of(&LedgerAccount::savings(account_id), transaction_id)
    }

    fn savings_history(
        &mut self,
        account_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<Page<TxRow>> {
        self.history_page(&LedgerAccount::savings(account_id), limit, starting_after)
    }
}

impl SavingsWrites for SqlTx<'_> {
    fn insert_holder(&mut self, h: &HolderRow) -> Result<()> {
        self.execute(
            &format!(
                "INSERT INTO savings_holders ({HOLDER_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (account_id) DO NOTHING"
            ),
            params![
                h.account_id,
                h.currency.code(),
                h.shares,
                h.carry,
                h.accrued_through,
                h.total_income,
                h.last_income,
                h.last_income_day
            ],
        )?;
        Ok(())
    }

    fn update_holders(&mut self, holders: &[HolderRow]) -> Result<()> {
        for h in holders {
            self.execute(
                "UPDATE savings_holders SET shares = ?, carry = ?, accrued_through = ?,
                    total_income = ?, last_income = ?, last_income_day = ?
                 WHERE account_id = ?",
                params![
                    h.shares,
                    h.carry,
                    h.accrued_through,
                    h.total_income,
                    h.last_income,
                    h.last_income_day,
                    h.account_id
                ],
            )?;
        }
        Ok(())
    }

    fn add_flow(&mut self, account_id: &str, day: i64, f: Flow) -> Result<()> {
        self.execute(
            "INSERT INTO savings_flows (day, account_id, moved_in, moved_out, instant_out)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (day, account_id) DO UPDATE SET
                moved_in = savings_flows.moved_in + excluded.moved_in,
                moved_out = savings_flows.moved_out + excluded.moved_out,
                instant_out = savings_flows.instant_out + excluded.instant_out",
            params![day, account_id, f.moved_in, f.moved_out, f.instant_out],
        )?;
        Ok(())
    }

    fn insert_savings_move(&mut self, m: &SavingsMoveRow) -> Result<()> {
        self.execute(
            &format!(
                "INSERT INTO savings_moves ({MOVE_COLS})
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                m.move_id,
                m.intent_id,
                m.account_id,
                m.direction.as_str(),
                m.amount.minor,
                m.instant.minor,
                m.standard.minor,
                m.amount.currency.code(),
                m.state.as_str(),
                m.settles_on,
                m.transaction_id,
                m.settle_transaction_id,
                m.created_at,
                m.settled_at
            ],
        )?;
        Ok(())
    }

    fn update_savings_move(&mut self, m: &SavingsMoveRow) -> Result<()> {
        self.execute(
            "UPDATE savings_moves SET state = ?, settle_transaction_id = ?, settled_at = ?
             WHERE move_id = ?",
            params![
                m.state.as_str(),
                m.settle_transaction_id,
                m.settled_at,
                m.move_id
            ],
        )?;
        Ok(())
    }

    fn start_fund_day(&mut self, day: i64, per_10k: i64) -> Result<FundDayRow> {
        self.execute(
            "INSERT INTO savings_days (day, per_10k) VALUES (?, ?) ON CONFLICT (day) DO NOTHING",
            params![day, per_10k],
        )?;
        self.fund_day(day)?.ok_or(StoreError::NotFound)
    }

    fn complete_fund_day(&mut self, day: i64, now: i64) -> Result<()> {
        self.execute(
            "UPDATE savings_days SET completed_at = COALESCE(completed_at, ?) WHERE day = ?",
            params![now, day],
        )?;
        Ok(())
    }

    fn add_fund_income(
        &mut self,
        day: i64,
        currency: Currency,
        holders: i64,
        paid: i64,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO savings_income (day, currency, holders, paid) VALUES (?, ?, ?, ?)
             ON CONFLICT (day, currency) DO UPDATE SET
                holders = savings_income.holders + excluded.holders,
                paid = savings_income.paid + excluded.paid",
            params![day, currency.code(), holders, paid],
        )?;
        Ok(())
    }

    /// The journal's rules as [`crate::ledger::Tx::post`] keeps them, in few statements:
    /// one ledger transaction, the fund's one debit, and the holders in chunks of
    /// [`CHUNK`], each chunk one multi-row update of their balances and one multi-row
    /// insert of their postings (the balance after each read back in the same statement).
    /// A statement's fixed cost, not its rows, is what a day of a million holders would
    /// otherwise spend its time on.
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
        let currency = first.amount.currency;
        let code = currency.code();
        if incomes
            .iter()
            .any(|i| i.amount.currency != currency || i.amount.minor <= 0)
        {
            return Err(StoreError::Unbalanced("incomes of one positive currency"));
        }
        let sum: i64 = incomes.iter().map(|i| i.amount.minor).sum();
        // The fund's side as `post` writes it; the holders' side follows in this same
        // transaction, so the entry balances when it commits.
        let seq = self.insert_ledger_transaction(&LedgerEntry {
            transaction_id: transaction_id.to_owned(),
            kind: TransactionKind::SavingsIncome,
            description: description.to_owned(),
            created_at,
            order_id: None,
            intent_id: None,
            postings: Vec::new(),
        })?;
        self.insert_posting(
            seq,
            &Posting {
                account: from.clone(),
                amount: Money::new(-sum, currency),
                counterparty: HOLDERS_NAME.to_owned(),
            },
        )?;
        for chunk in incomes.chunks(CHUNK) {
            let n = chunk.len();
            let names: Vec<String> = chunk
                .iter()
                .map(|i| LedgerAccount::savings(&i.account_id).to_string())
                .collect();
            let mut values: Vec<Value> = Vec::with_capacity(n * 2 + 3);
            for (name, i) in names.iter().zip(chunk) {
                values.push(Value::Text(name));
                values.push(Value::Int(i.amount.minor));
            }
            values.extend([Value::Int(seq), Value::Text(code)]);
            let (seq_at, code_at, name_at) = (n * 2 + 1, n * 2 + 2, n * 2 + 3);
            let credited = self.execute(
                &format!(
                    "UPDATE ledger_accounts
                     SET balance = ledger_accounts.balance + v.column2, last_seq = ?{seq_at}
                     FROM (VALUES {}) AS v
                     WHERE ledger_accounts.ledger_account = v.column1
                       AND ledger_accounts.currency = ?{code_at}",
                    account_amount_rows(n)
                ),
                &values,
            )?;
            if credited != n {
                return Err(StoreError::Unbalanced("income to a holder without savings"));
            }
            values.push(Value::Text(FUND_NAME));
            self.execute(
                &format!(
                    "INSERT INTO postings
                        (seq, ledger_account, amount, currency, counterparty, balance_after)
                     SELECT ?{seq_at}, v.column1, v.column2, ?{code_at}, ?{name_at}, a.balance
                     FROM (VALUES {}) AS v
                     JOIN ledger_accounts a ON a.ledger_account = v.column1",
                    account_amount_rows(n)
                ),
                &values,
            )?;
        }
        Ok(())
    }
}
