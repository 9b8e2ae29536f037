//! What the rules read, as SQLite statements.

use purse_core::money::Money;

use super::rows;
use super::tx::{SqlTx, page};
use crate::ledger::LedgerAccount;
use crate::ledger::rows::*;
use crate::ledger::tx::{Page, Reads, Result};

const ORDER_BY_ID: &str = concat!("SELECT ", order_cols!(), " FROM orders WHERE order_id = ?");

impl SqlTx<'_> {
    /// A ledger account's postings, newest first, before the transaction `starting_after`.
    pub(super) fn history_page(
        &self,
        account: &LedgerAccount,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<Page<TxRow>> {
        let limit = limit.clamp(1, 100);
        // Resolve the cursor first so the page is one index range scan.
        let Some(below) = self.cursor_seq(
            "SELECT seq FROM ledger_transactions WHERE transaction_id = ?",
            starting_after,
            params![],
        )?
        else {
            return Ok((Vec::new(), false));
        };
        let rows = self.all(
            concat!(
                "SELECT ",
                history_from!(),
                " WHERE p.ledger_account = ? AND p.seq < ? ORDER BY p.seq DESC LIMIT ?"
            ),
            params![account.to_string(), below, i64::from(limit) + 1],
            rows::history,
        )?;
        Ok(page(rows, limit))
    }
}

impl SqlTx<'_> {
    /// A ledger account's posting in one transaction, as its history shows it.
    pub(super) fn posting_of(
        &self,
        account: &LedgerAccount,
        transaction_id: &str,
    ) -> Result<Option<TxRow>> {
        self.one(
            concat!(
                "SELECT ",
                history_from!(),
                " WHERE p.ledger_account = ? AND t.transaction_id = ?"
            ),
            params![account.to_string(), transaction_id],
            rows::history,
        )
    }
}

impl Reads for SqlTx<'_> {
    fn account(&mut self, account_id: &str) -> Result<Option<AccountRow>> {
        self.one(
            concat!(
                "SELECT ",
                account_cols!(),
                " FROM accounts WHERE account_id = ?"
            ),
            params![account_id],
            rows::account,
        )
    }

    fn device(&mut self, device_id: &str) -> Result<Option<DeviceRow>> {
        self.one(
            concat!(
                "SELECT ",
                device_cols!(),
                " FROM devices WHERE device_id = ?"
            ),
            params![device_id],
            rows::device,
        )
    }

    fn devices(&mut self, account_id: &str) -> Result<Vec<DeviceRow>> {
        self.all(
            concat!(
                "SELECT ",
                device_cols!(),
                " FROM devices WHERE account_id = ? ORDER BY created_at, device_id"
            ),
            params![account_id],
            rows::device,
        )
    }

    fn funding_sources(&mut self, account_id: &str) -> Result<Vec<FundingRow>> {
        self.all(
            concat!(
                "SELECT ",
                funding_cols!(),
                " FROM funding_sources WHERE account_id = ? ORDER BY created_at, source_id"
            ),
            params![account_id],
            rows::funding,
        )
    }

    fn funding_source(&mut self, account_id: &str, source_id: &str) -> Result<Option<FundingRow>> {
        self.one(
            concat!(
                "SELECT ",
                funding_cols!(),
                " FROM funding_sources WHERE account_id = ? AND source_id = ?"
            ),
            params![account_id, source_id],
            rows::funding,
        )
    }

    fn funding_by_fingerprint(
        &mut self,
        account_id: &str,
        fingerprint: &str,
    ) -> Result<Option<FundingRow>> {
        self.one(
            concat!(
                "SELECT ",
                funding_cols!(),
                " FROM funding_sources WHERE account_id = ? AND fingerprint = ?"
            ),
            params![account_id, fingerprint],
            rows::funding,
        )
    }

    fn idempotent(&mut self, account_id: &str, key: &str) -> Result<Option<StoredResponse>> {
        self.one(
            "SELECT request_hash, status, body FROM idempotency
             WHERE account_id = ? AND idem_key = ?",
            params![account_id, key],
            rows::stored_response,
        )
    }

    fn balance(&mut self, account: &LedgerAccount) -> Result<Option<(Money, i64)>> {
        self.one(
            "SELECT balance, last_seq, currency FROM ledger_accounts WHERE ledger_account = ?",
            params![account.to_string()],
            |r| {
                Ok((
                    Money::new(r.get("balance")?, rows::currency(r, "currency")?),
                    r.get("last_seq")?,
                ))
            },
        )
    }

    fn transactions(
        &mut self,
        account_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<Page<TxRow>> {
        self.history_page(&LedgerAccount::user(account_id), limit, starting_after)
    }

    fn transaction_of(&mut self, account_id: &str, transaction_id: &str) -> Result<Option<TxRow>> {
        self.posting_of(&LedgerAccount::user(account_id), transaction_id)
    }

    fn events(&mut self, account_id: &str, after: i64, limit: u32) -> Result<Vec<TxRow>> {
        self.all(
            concat!(
                "SELECT ",
                history_from!(),
                " WHERE p.ledger_account = ? AND p.seq > ? ORDER BY p.seq LIMIT ?"
            ),
            params![
                LedgerAccount::user(account_id).to_string(),
                after,
                i64::from(limit.clamp(1, 500))
            ],
            rows::history,
        )
    }

    fn rate_count(&mut self, bucket: &str, window_start: i64) -> Result<i64> {
        Ok(self
            .one(
                "SELECT count FROM rate_windows WHERE bucket = ? AND window_start = ?",
                params![bucket, window_start],
                |r| r.get(0),
            )?
            .unwrap_or(0))
    }

    fn newest_seq(&mut self) -> Result<i64> {
        Ok(self
            .one(
                "SELECT COALESCE(MAX(seq), 0) FROM ledger_transactions",
                params![],
                |r| r.get(0),
            )?
            .unwrap_or(0))
    }

    fn newest_notice_seq(&mut self) -> Result<i64> {
        Ok(self
            .one(
                "SELECT COALESCE(MAX(seq), 0) FROM notices",
                params![],
                |r| r.get(0),
            )?
            .unwrap_or(0))
    }

    fn spent_on(&mut self, account_id: &str, day: i64) -> Result<i64> {
        Ok(self
            .one(
                "SELECT spent FROM daily_spend WHERE account_id = ? AND day = ?",
                params![account_id, day],
                |r| r.get(0),
            )?
            .unwrap_or(0))
    }

    fn merchant(&mut self, merchant_id: &str) -> Result<Option<MerchantRow>> {
        self.one(
            concat!("SELECT ", merchant_from!(), " WHERE m.merchant_id = ?"),
            params![merchant_id],
            rows::merchant,
        )
    }

    fn merchant_named_like(&mut self, skeleton: &str) -> Result<Option<String>> {
        self.one(
            "SELECT merchant_id FROM merchants WHERE name_skeleton = ? LIMIT 1",
            params![skeleton],
            |r| r.get("merchant_id"),
        )
    }

    fn merchants_without_skeleton(&mut self, limit: u32) -> Result<Vec<(String, String)>> {
        self.all(
            "SELECT merchant_id, display_name FROM merchants WHERE name_skeleton IS NULL
             ORDER BY merchant_id LIMIT ?",
            params![limit],
            |r| Ok((r.get("merchant_id")?, r.get("display_name")?)),
        )
    }

    fn merchant_of_account(&mut self, account_id: &str) -> Result<Option<MerchantRow>> {
        self.one(
            concat!("SELECT ", merchant_from!(), " WHERE m.account_id = ?"),
            params![account_id],
            rows::merchant,
        )
    }

    fn order(&mut self, order_id: &str) -> Result<Option<OrderRow>> {
        self.one(ORDER_BY_ID, params![order_id], rows::order)
    }

    fn orders(
        &mut self,
        merchant_id: &str,
        limit: u32,
        starting_after: Option<&str>,
    ) -> Result<Page<OrderRow>> {
        let limit = limit.clamp(1, 100);
        let Some(below) = self.cursor_seq(
            "SELECT seq FROM orders WHERE order_id = ? AND merchant_id = ?",
            starting_after,
            params![merchant_id],
        )?
        else {
            return Ok((Vec::new(), false));
        };
        let rows = self.all(
            concat!(
                "SELECT ",
                order_cols!(),
                " FROM orders WHERE merchant_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
            ),
            params![merchant_id, below, i64::from(limit) + 1],
            rows::order,
        )?;
        Ok(page(rows, limit))
    }

    fn payment(&mut self, payer_account_id: &str, intent_id: &str) -> Result<Option<PaymentRow>> {
        self.one(
            concat!(
                "SELECT ",
                payment_cols!(),
                " FROM payments WHERE payer_account_id = ? AND intent_id = ?"
            ),
            params![payer_account_id, intent_id],
            rows::payment,
        )
    }

    fn due_deliveries(&mut self, now_ms: i64, limit: u32) -> Result<Vec<DeliveryRow>> {
        self.all(
            concat!(
                "SELECT ",
                delivery_from!(),
                " WHERE d.delivered_at IS NULL AND d.next_attempt_at <= ?
                  ORDER BY d.next_attempt_at, d.seq LIMIT ?"
            ),
            params![now_ms, i64::from(limit)],
            rows::delivery,
        )
    }

    fn deliveries(&mut self, merchant_id: &str, limit: u32) -> Result<Vec<DeliveryRow>> {
        self.all(
            concat!(
                "SELECT ",
                delivery_from!(),
                " WHERE d.merchant_id = ? ORDER BY d.seq DESC LIMIT ?"
            ),
            params![merchant_id, i64::from(limit.clamp(1, 100))],
            rows::delivery,
        )
    }
}
