//! The transfer rule's statements.

use purse_core::money::Money;

use super::rows::currency;
use super::tx::SqlTx;
use crate::ledger::transfers::*;
use crate::ledger::tx::Result;

impl TransferReads for SqlTx<'_> {
    fn transfer(&mut self, payer: &str, intent: &str) -> Result<Option<TransferRow>> {
        self.one(
            "SELECT transfer_id, intent_id, payer_account_id, recipient_account_id, amount,
                    currency, note, transaction_id, created_at
             FROM transfers WHERE payer_account_id = ? AND intent_id = ?",
            params![payer, intent],
            |r| {
                Ok(TransferRow {
                    transfer_id: r.get("transfer_id")?,
                    intent_id: r.get("intent_id")?,
                    payer_account_id: r.get("payer_account_id")?,
                    recipient_account_id: r.get("recipient_account_id")?,
                    amount: Money::new(r.get("amount")?, currency(r, "currency")?),
                    note: r.get("note")?,
                    transaction_id: r.get("transaction_id")?,
                    created_at: r.get("created_at")?,
                })
            },
        )
    }
}

impl TransferWrites for SqlTx<'_> {
    fn insert_transfer(&mut self, t: &TransferRow) -> Result<()> {
        self.execute(
            "INSERT INTO transfers (transfer_id, intent_id, payer_account_id,
                recipient_account_id, amount, currency, note, transaction_id, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            params![
                t.transfer_id,
                t.intent_id,
                t.payer_account_id,
                t.recipient_account_id,
                t.amount.minor,
                t.amount.currency.code(),
                t.note,
                t.transaction_id,
                t.created_at
            ],
        )?;
        Ok(())
    }
}
