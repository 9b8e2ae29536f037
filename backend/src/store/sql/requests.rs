//! The request rules' statements.

use purse_core::api::types::RequestState;
use purse_core::money::Money;

use super::conn::SqlRow;
use super::rows::{currency, parsed};
use super::tx::SqlTx;
use crate::ledger::requests::*;
use crate::ledger::tx::Result;

const COLS: &str = "request_id, requester_account_id, payer_account_id, amount, currency, note,
    state, created_at, expires_at, transfer_id, finished_at";

fn row(r: &dyn SqlRow) -> Result<RequestRow> {
    Ok(RequestRow {
        request_id: r.get("request_id")?,
        requester_account_id: r.get("requester_account_id")?,
        payer_account_id: r.get("payer_account_id")?,
        amount: Money::new(r.get("amount")?, currency(r, "currency")?),
        note: r.get("note")?,
        state: parsed(r, "state", RequestState::parse)?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
        transfer_id: r.get("transfer_id")?,
        finished_at: r.get("finished_at")?,
    })
}

impl RequestReads for SqlTx<'_> {
    fn money_request(&mut self, request_id: &str) -> Result<Option<RequestRow>> {
        self.one(
            &format!("SELECT {COLS} FROM money_requests WHERE request_id = ?"),
            params![request_id],
            row,
        )
    }

    fn money_requests(
        &mut self,
        account_id: &str,
        as_payer: bool,
        limit: u32,
    ) -> Result<Vec<RequestRow>> {
        let column = if as_payer {
            "payer_account_id"
        } else {
            "requester_account_id"
        };
        self.all(
            &format!(
                "SELECT {COLS} FROM money_requests WHERE {column} = ?
                 ORDER BY created_at DESC, request_id LIMIT ?"
            ),
            params![account_id, limit],
            row,
        )
    }

    fn is_blocked(&mut self, blocker: &str, blocked: &str) -> Result<bool> {
        Ok(self
            .one(
                "SELECT 1 FROM blocks WHERE blocker_account_id = ? AND blocked_account_id = ?",
                params![blocker, blocked],
                |r| r.get::<i64>(0),
            )?
            .is_some())
    }
}

impl RequestWrites for SqlTx<'_> {
    fn insert_money_request(&mut self, r: &RequestRow) -> Result<()> {
        self.execute(
            &format!(
                "INSERT INTO money_requests ({COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                r.request_id,
                r.requester_account_id,
                r.payer_account_id,
                r.amount.minor,
                r.amount.currency.code(),
                r.note,
                r.state.as_str(),
                r.created_at,
                r.expires_at,
                r.transfer_id,
                r.finished_at
            ],
        )?;
        Ok(())
    }

    fn update_money_request(&mut self, r: &RequestRow) -> Result<()> {
        self.execute(
            "UPDATE money_requests SET state = ?, transfer_id = ?, finished_at = ?
             WHERE request_id = ?",
            params![r.state.as_str(), r.transfer_id, r.finished_at, r.request_id],
        )?;
        Ok(())
    }

    fn insert_block(&mut self, blocker: &str, blocked: &str, now: i64) -> Result<()> {
        self.execute(
            "INSERT INTO blocks (blocker_account_id, blocked_account_id, created_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
            params![blocker, blocked, now],
        )?;
        Ok(())
    }
}
