//! What the rules write, as SQLite statements: rows, the balanced journal and its checks.

use purse_core::money::Money;

use super::rows;
use super::tx::SqlTx;
use crate::ledger::rows::*;
use crate::ledger::tx::{Result, Tx};
use crate::ledger::{LedgerAccount, LedgerEntry, Posted, Posting, StoreError};

impl Tx for SqlTx<'_> {
    fn insert_account(&mut self, a: &AccountRow) -> Result<()> {
        self.execute(
            concat!(
                "INSERT INTO accounts (",
                account_cols!(),
                ") VALUES (?, ?, ?, ?, ?, ?)"
            ),
            params![
                a.account_id,
                a.name,
                a.currency.code(),
                a.created_at,
                a.limit_per_payment.map(|m| m.minor),
                a.limit_per_day.map(|m| m.minor)
            ],
        )?;
        self.execute(
            "INSERT INTO ledger_accounts (ledger_account, currency, kind) VALUES (?, ?, 'user')",
            params![
                LedgerAccount::user(&a.account_id).to_string(),
                a.currency.code()
            ],
        )?;
        Ok(())
    }

    fn insert_device(&mut self, d: &DeviceRow) -> Result<()> {
        self.execute(
            concat!(
                "INSERT INTO devices (",
                device_cols!(),
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                d.device_id,
                d.account_id,
                d.name,
                d.public_key,
                d.payment_public_key,
                d.created_at,
                d.revoked_at,
                d.restricted_until
            ],
        )?;
        Ok(())
    }

    fn revoke_device(
        &mut self,
        account_id: &str,
        device_id: &str,
        now: i64,
    ) -> Result<Option<DeviceRow>> {
        self.one(
            concat!(
                "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?)
                 WHERE account_id = ? AND device_id = ? RETURNING ",
                device_cols!()
            ),
            params![now, account_id, device_id],
            rows::device,
        )
    }

    fn insert_nonce(&mut self, device_id: &str, nonce: &str, expires_at: i64) -> Result<bool> {
        let added = self.execute(
            "INSERT INTO nonces (device_id, nonce, expires_at) VALUES (?, ?, ?)
             ON CONFLICT (device_id, nonce) DO NOTHING",
            params![device_id, nonce, expires_at],
        )?;
        Ok(added == 1)
    }

    fn bump_rate(&mut self, bucket: &str, window_start: i64) -> Result<i64> {
        Ok(self
            .one(
                "INSERT INTO rate_windows (bucket, window_start, count) VALUES (?, ?, 1)
                 ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_windows.count + 1
                 RETURNING count",
                params![bucket, window_start],
                |r| r.get(0),
            )?
            .unwrap_or(1))
    }

    fn purge_rates(&mut self, before: i64) -> Result<u64> {
        Ok(self.execute(
            "DELETE FROM rate_windows WHERE window_start < ?",
            params![before],
        )? as u64)
    }

    fn purge_nonces(&mut self, now: i64) -> Result<u64> {
        Ok(self.execute("DELETE FROM nonces WHERE expires_at < ?", params![now])? as u64)
    }

    fn purge_idempotency(&mut self, before: i64) -> Result<u64> {
        Ok(self.execute(
            "DELETE FROM idempotency WHERE created_at < ?",
            params![before],
        )? as u64)
    }

    fn insert_funding(&mut self, s: &FundingRow, fingerprint: &str) -> Result<()> {
        self.execute(
            concat!(
                "INSERT INTO funding_sources (",
                funding_cols!(),
                ", fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                s.source_id,
                s.account_id,
                rows::funding_kind(s.kind),
                s.brand,
                s.last4,
                s.behaviour.encode(),
                s.created_at,
                fingerprint
            ],
        )?;
        Ok(())
    }

    fn store_idempotent(
        &mut self,
        account_id: &str,
        key: &str,
        r: &StoredResponse,
        now: i64,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO idempotency (account_id, idem_key, request_hash, status, body, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
            params![
                account_id,
                key,
                r.request_hash,
                i64::from(r.status),
                r.body,
                now
            ],
        )?;
        Ok(())
    }

    fn set_limits(
        &mut self,
        account_id: &str,
        per_payment: Option<Money>,
        per_day: Option<Money>,
    ) -> Result<()> {
        self.execute(
            "UPDATE accounts SET limit_per_payment = COALESCE(?, limit_per_payment),
                limit_per_day = COALESCE(?, limit_per_day) WHERE account_id = ?",
            params![
                per_payment.map(|m| m.minor),
                per_day.map(|m| m.minor),
                account_id
            ],
        )?;
        Ok(())
    }

    fn add_spent(&mut self, account_id: &str, day: i64, amount: Money) -> Result<()> {
        self.execute(
            "INSERT INTO daily_spend (account_id, day, spent) VALUES (?, ?, ?)
             ON CONFLICT (account_id, day) DO UPDATE SET spent = daily_spend.spent + excluded.spent",
            params![account_id, day, amount.minor],
        )?;
        Ok(())
    }

    fn insert_merchant(&mut self, m: &MerchantRow, name_skeleton: &str) -> Result<()> {
        self.execute(
            "INSERT INTO merchants (merchant_id, account_id, display_name, city, mcc,
                webhook_url, webhook_secret, static_payload, created_at, name_skeleton)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            params![
                m.merchant_id,
                m.account_id,
                m.display_name,
                m.city,
                m.mcc,
                m.webhook_url,
                m.webhook_secret,
                m.static_payload,
                m.created_at,
                name_skeleton
            ],
        )?;
        Ok(())
    }

    fn set_merchant_skeleton(&mut self, merchant_id: &str, name_skeleton: &str) -> Result<()> {
        self.execute(
            "UPDATE merchants SET name_skeleton = ? WHERE merchant_id = ?",
            params![name_skeleton, merchant_id],
        )?;
        Ok(())
    }

    fn insert_order(&mut self, o: &OrderRow) -> Result<()> {
        self.execute(
            concat!(
                "INSERT INTO orders (",
                order_cols!(),
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                o.order_id,
                o.merchant_id,
                o.amount.minor,
                o.amount.currency.code(),
                o.description,
                o.kind.as_str(),
                o.state.as_str(),
                o.amount_refunded.minor,
                o.payload,
                o.created_at,
                o.expires_at,
                o.paid_at,
                o.payment_id,
                o.payer_account_id
            ],
        )?;
        Ok(())
    }

    fn update_order(&mut self, o: &OrderRow) -> Result<()> {
        let changed = self.execute(
            "UPDATE orders SET state = ?, amount_refunded = ?, paid_at = ?, payment_id = ?,
                payer_account_id = ? WHERE order_id = ?",
            params![
                o.state.as_str(),
                o.amount_refunded.minor,
                o.paid_at,
                o.payment_id,
                o.payer_account_id,
                o.order_id
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    fn insert_payment(&mut self, p: &PaymentRow) -> Result<()> {
        self.execute(
            concat!(
                "INSERT INTO payments (",
                payment_cols!(),
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                p.payment_id,
                p.intent_id,
                p.payer_account_id,
                p.merchant_id,
                p.order_id,
                p.amount.minor,
                p.amount.currency.code(),
                p.transaction_id,
                p.created_at
            ],
        )?;
        Ok(())
    }

    fn insert_refund(&mut self, r: &RefundRow) -> Result<()> {
        self.execute(
            "INSERT INTO refunds (refund_id, order_id, amount, currency, reason,
                transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            params![
                r.refund_id,
                r.order_id,
                r.amount.minor,
                r.amount.currency.code(),
                r.reason,
                r.transaction_id,
                r.created_at
            ],
        )?;
        Ok(())
    }

    fn post(&mut self, entry: &LedgerEntry) -> Result<Posted> {
        if !entry.is_balanced() {
            return Err(StoreError::Unbalanced("ledger entry does not balance"));
        }
        let seq = self.insert_ledger_transaction(entry)?;
        let mut balances = Vec::with_capacity(entry.postings.len());
        for p in &entry.postings {
            balances.push(self.insert_posting(seq, p)?);
        }
        Ok(Posted { seq, balances })
    }

    fn queue_webhook(&mut self, m: &WebhookMessage, due_ms: i64) -> Result<()> {
        self.execute(
            "INSERT INTO webhook_deliveries
                (message_id, merchant_id, event_type, body, next_attempt_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
            params![
                m.message_id,
                m.merchant_id,
                m.event_type,
                m.body,
                due_ms,
                m.created_at
            ],
        )?;
        Ok(())
    }

    fn lease_delivery(&mut self, message_id: &str, until_ms: i64) -> Result<()> {
        self.execute(
            "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE message_id = ?",
            params![until_ms, message_id],
        )?;
        Ok(())
    }

    fn set_merchant_webhook(
        &mut self,
        merchant_id: &str,
        url: Option<&str>,
        secret: &str,
    ) -> Result<()> {
        self.execute(
            "UPDATE merchants SET webhook_url = ?, webhook_secret = ? WHERE merchant_id = ?",
            params![url, secret, merchant_id],
        )?;
        Ok(())
    }

    fn redeliver(&mut self, merchant_id: &str, message_id: &str, now_ms: i64) -> Result<bool> {
        let changed = self.execute(
            "UPDATE webhook_deliveries SET delivered_at = NULL, next_attempt_at = ?,
                last_error = NULL WHERE message_id = ? AND merchant_id = ?",
            params![now_ms, message_id, merchant_id],
        )?;
        Ok(changed == 1)
    }

    fn record_delivery(
        &mut self,
        message_id: &str,
        delivered_at_ms: Option<i64>,
        next_attempt_ms: Option<i64>,
        error: Option<&str>,
    ) -> Result<()> {
        // A message given up on keeps a due time no clock reaches.
        self.execute(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = ?,
                next_attempt_at = ?, last_error = ? WHERE message_id = ?",
            params![
                delivered_at_ms,
                next_attempt_ms.unwrap_or(i64::MAX),
                error,
                message_id
            ],
        )?;
        Ok(())
    }
}

impl SqlTx<'_> {
    /// The header of a ledger entry; its sequence. The caller adds postings that balance.
    pub(super) fn insert_ledger_transaction(&self, entry: &LedgerEntry) -> Result<i64> {
        let seq: i64 = self
            .one(
                "INSERT INTO ledger_transactions
                    (transaction_id, kind, description, status, created_at, order_id, intent_id)
                 VALUES (?, ?, ?, 'completed', ?, ?, ?) RETURNING seq",
                params![
                    entry.transaction_id,
                    entry.kind.as_str(),
                    entry.description,
                    entry.created_at,
                    entry.order_id,
                    entry.intent_id
                ],
                |r| r.get(0),
            )?
            .ok_or(StoreError::NotFound)?;
        Ok(seq)
    }

    /// One posting of entry `seq`: its account created if new, its balance moved (never a
    /// user's below zero), the row written; the balance after it.
    pub(super) fn insert_posting(&self, seq: i64, p: &Posting) -> Result<Money> {
        let name = p.account.to_string();
        let currency = p.amount.currency.code();
        let kind = if p.account.is_user() {
            "user"
        } else {
            "system"
        };
        let credit = || {
            self.one(
                "UPDATE ledger_accounts SET balance = balance + ?, last_seq = ?
                 WHERE ledger_account = ? AND currency = ? RETURNING balance",
                params![p.amount.minor, seq, name, currency],
                |r| r.get::<i64>(0),
            )
            .map_err(|e| match e {
                StoreError::Constraint(_) => StoreError::NegativeBalance,
                other => other,
            })
        };
        // The account is made only when the update finds none: an insert-if-missing on an
        // account that exists would, on a networked engine, collide with every concurrent
        // posting to it (a shop's account takes many at once).
        let balance = match credit()? {
            Some(b) => b,
            None => {
                self.execute(
                    "INSERT INTO ledger_accounts (ledger_account, currency, kind) VALUES (?, ?, ?)
                     ON CONFLICT (ledger_account) DO NOTHING",
                    params![name, currency, kind],
                )?;
                credit()?.ok_or(StoreError::Unbalanced(
                    "currency does not match the ledger account",
                ))?
            }
        };
        self.execute(
            "INSERT INTO postings
                (seq, ledger_account, amount, currency, counterparty, balance_after)
             VALUES (?, ?, ?, ?, ?, ?)",
            params![seq, name, p.amount.minor, currency, p.counterparty, balance],
        )?;
        Ok(Money::new(balance, p.amount.currency))
    }
}
