//! The withdrawal rule's statements, and the payouts it carries out.

use purse_core::api::types::{PayoutState, WithdrawalState};
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

const PAYOUT_COLS: &str = "payout_id, account_id, source_id, amount, currency, state, created_at,
    expires_at, withdrawal_id";

fn payout_row(r: &dyn SqlRow) -> Result<PayoutRow> {
    Ok(PayoutRow {
        payout_id: r.get("payout_id")?,
        account_id: r.get("account_id")?,
        source_id: r.get("source_id")?,
        amount: Money::new(r.get("amount")?, currency(r, "currency")?),
        state: parsed(r, "state", PayoutState::parse)?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
        withdrawal_id: r.get("withdrawal_id")?,
    })
}

impl WithdrawalReads for SqlTx<'_> {
    fn payout(&mut self, account_id: &str, payout_id: &str) -> Result<Option<PayoutRow>> {
        self.one(
            &format!("SELECT {PAYOUT_COLS} FROM payouts WHERE account_id = ? AND payout_id = ?"),
            params![account_id, payout_id],
            payout_row,
        )
    }

    fn payouts(&mut self, account_id: &str, limit: u32) -> Result<Vec<PayoutRow>> {
        self.all(
            &format!(
                "SELECT {PAYOUT_COLS} FROM payouts WHERE account_id = ?
                 ORDER BY created_at DESC, payout_id LIMIT ?"
            ),
            params![account_id, limit],
            payout_row,
        )
    }

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

    fn insert_payout(&mut self, p: &PayoutRow) -> Result<()> {
        self.execute(
            &format!("INSERT INTO payouts ({PAYOUT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            params![
                p.payout_id,
                p.account_id,
                p.source_id,
                p.amount.minor,
                p.amount.currency.code(),
                p.state.as_str(),
                p.created_at,
                p.expires_at,
                p.withdrawal_id
            ],
        )?;
        Ok(())
    }

    fn update_payout(&mut self, p: &PayoutRow) -> Result<()> {
        self.execute(
            "UPDATE payouts SET state = ?, withdrawal_id = ? WHERE payout_id = ?",
            params![p.state.as_str(), p.withdrawal_id, p.payout_id],
        )?;
        Ok(())
    }
}
