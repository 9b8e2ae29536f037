//! The withdrawal rule's statements.

use purse_core::api::types::WithdrawalState;
use purse_core::money::Money;

use super::conn::SqlRow;
use super::rows::{currency, parsed};
use super::tx::SqlTx;
use crate::ledger::tx::Result;
use crate::ledger::withdrawals::*;

const COLS: &str = "withdrawal_id, intent_id, account_id, source_id, amount, currency, state,
    transaction_id, created_at, settled_at";

fn row(r: &dyn SqlRow) -> Result<WithdrawalRow> {
    Ok(WithdrawalRow {
        withdrawal_id: r.get("withdrawal_id")?,
        intent_id: r.get("intent_id")?,
        account_id: r.get("account_id")?,
        source_id: r.get("source_id")?,
        amount: Money::new(r.get("amount")?, currency(r, "currency")?),
        state: parsed(r, "state", WithdrawalState::parse)?,
        transaction_id: r.get("transaction_id")?,
        created_at: r.get("created_at")?,
        settled_at: r.get("settled_at")?,
    })
}

impl WithdrawalReads for SqlTx<'_> {
    fn withdrawal(&mut self, account_id: &str, intent_id: &str) -> Result<Option<WithdrawalRow>> {
        self.one(
            &format!("SELECT {COLS} FROM withdrawals WHERE account_id = ? AND intent_id = ?"),
            params![account_id, intent_id],
            row,
        )
    }

    fn withdrawals(&mut self, account_id: &str, limit: u32) -> Result<Vec<WithdrawalRow>> {
        self.all(
            &format!(
                "SELECT {COLS} FROM withdrawals WHERE account_id = ?
                 ORDER BY created_at DESC, withdrawal_id LIMIT ?"
            ),
            params![account_id, limit],
            row,
        )
    }
}

impl WithdrawalWrites for SqlTx<'_> {
    fn insert_withdrawal(&mut self, w: &WithdrawalRow) -> Result<()> {
        self.execute(
            &format!("INSERT INTO withdrawals ({COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            params![
                w.withdrawal_id,
                w.intent_id,
                w.account_id,
                w.source_id,
                w.amount.minor,
                w.amount.currency.code(),
                w.state.as_str(),
                w.transaction_id,
                w.created_at,
                w.settled_at
            ],
        )?;
        Ok(())
    }

    fn update_withdrawal(&mut self, w: &WithdrawalRow) -> Result<()> {
        self.execute(
            "UPDATE withdrawals SET state = ?, settled_at = ? WHERE withdrawal_id = ?",
            params![w.state.as_str(), w.settled_at, w.withdrawal_id],
        )?;
        Ok(())
    }
}
