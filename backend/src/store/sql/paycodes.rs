//! The pay-code rules' statements.

use purse_core::api::types::ChargeState;
use purse_core::money::Money;

use super::conn::SqlRow;
use super::rows::{currency, parsed};
use super::tx::SqlTx;
use crate::ledger::paycodes::*;
use crate::ledger::tx::{Result, StoreError};

const KEY_COLS: &str =
    "device_index, device_id, account_id, secret, issued_at, expires_at, high_water";

fn key(r: &dyn SqlRow) -> Result<PayCodeKeyRow> {
    Ok(PayCodeKeyRow {
        device_index: r.get("device_index")?,
        device_id: r.get("device_id")?,
        account_id: r.get("account_id")?,
        secret: r.get("secret")?,
        issued_at: r.get("issued_at")?,
        expires_at: r.get("expires_at")?,
        high_water: r.get("high_water")?,
    })
}

const CHARGE_COLS: &str = "charge_id, merchant_id, reference, account_id, device_id, counter,
    amount, currency, state, transaction_id, created_at, expires_at, settled_at";

fn charge_row(r: &dyn SqlRow) -> Result<ChargeRow> {
    Ok(ChargeRow {
        charge_id: r.get("charge_id")?,
        merchant_id: r.get("merchant_id")?,
        reference: r.get("reference")?,
        account_id: r.get("account_id")?,
        device_id: r.get("device_id")?,
        counter: r.get("counter")?,
        amount: Money::new(r.get("amount")?, currency(r, "currency")?),
        state: parsed(r, "state", ChargeState::parse)?,
        transaction_id: r.get("transaction_id")?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
        settled_at: r.get("settled_at")?,
    })
}

impl PayCodeReads for SqlTx<'_> {
    fn paycode_key(&mut self, device_index: u32) -> Result<Option<PayCodeKeyRow>> {
        self.one(
            &format!("SELECT {KEY_COLS} FROM paycode_keys WHERE device_index = ?"),
            params![device_index],
            key,
        )
    }

    fn paycode_key_of(&mut self, device_id: &str) -> Result<Option<PayCodeKeyRow>> {
        self.one(
            &format!("SELECT {KEY_COLS} FROM paycode_keys WHERE device_id = ?"),
            params![device_id],
            key,
        )
    }

    fn charge(&mut self, charge_id: &str) -> Result<Option<ChargeRow>> {
        self.one(
            &format!("SELECT {CHARGE_COLS} FROM paycode_charges WHERE charge_id = ?"),
            params![charge_id],
            charge_row,
        )
    }

    fn charges_waiting(&mut self, account_id: &str) -> Result<Vec<ChargeRow>> {
        self.all(
            &format!(
                "SELECT {CHARGE_COLS} FROM paycode_charges
                 WHERE account_id = ? AND state = 'awaiting_confirmation' ORDER BY created_at"
            ),
            params![account_id],
            charge_row,
        )
    }

    fn charges_expired(&mut self, now: i64, limit: u32) -> Result<Vec<ChargeRow>> {
        self.all(
            &format!(
                "SELECT {CHARGE_COLS} FROM paycode_charges
                 WHERE state = 'awaiting_confirmation' AND expires_at < ? LIMIT ?"
            ),
            params![now, limit],
            charge_row,
        )
    }

    fn paycode_limit(&mut self, account_id: &str) -> Result<Option<Money>> {
        self.one(
            "SELECT max_minor, currency FROM paycode_limits WHERE account_id = ?",
            params![account_id],
            |r| Ok(Money::new(r.get("max_minor")?, currency(r, "currency")?)),
        )
    }
}

impl PayCodeWrites for SqlTx<'_> {
    fn put_paycode_key(&mut self, k: &PayCodeKeyRow) -> Result<()> {
        let changed = self.execute(
            &format!(
                "INSERT INTO paycode_keys ({KEY_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (device_id) DO UPDATE SET secret = excluded.secret,
                    issued_at = excluded.issued_at, expires_at = excluded.expires_at
                 WHERE paycode_keys.device_index = excluded.device_index"
            ),
            params![
                k.device_index,
                k.device_id,
                k.account_id,
                k.secret,
                k.issued_at,
                k.expires_at,
                k.high_water
            ],
        );
        match changed {
            Ok(1) => Ok(()),
            Ok(_) => Err(StoreError::Duplicate("pay-code index")),
            Err(StoreError::Duplicate(_)) => Err(StoreError::Duplicate("pay-code index")),
            Err(e) => Err(e),
        }
    }

    fn raise_high_water(&mut self, device_index: u32, counter: i64) -> Result<bool> {
        Ok(self.execute(
            "UPDATE paycode_keys SET high_water = ? WHERE device_index = ? AND high_water < ?",
            params![counter, device_index, counter],
        )? == 1)
    }

    fn insert_charge(&mut self, c: &ChargeRow) -> Result<()> {
        self.execute(
            &format!(
                "INSERT INTO paycode_charges ({CHARGE_COLS})
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                c.charge_id,
                c.merchant_id,
                c.reference,
                c.account_id,
                c.device_id,
                c.counter,
                c.amount.minor,
                c.amount.currency.code(),
                c.state.as_str(),
                c.transaction_id,
                c.created_at,
                c.expires_at,
                c.settled_at
            ],
        )?;
        Ok(())
    }

    fn update_charge(&mut self, c: &ChargeRow) -> Result<()> {
        self.execute(
            "UPDATE paycode_charges SET state = ?, transaction_id = ?, settled_at = ?
             WHERE charge_id = ?",
            params![
                c.state.as_str(),
                c.transaction_id,
                c.settled_at,
                c.charge_id
            ],
        )?;
        Ok(())
    }

    fn set_paycode_limit(&mut self, account_id: &str, limit: Money) -> Result<()> {
        self.execute(
            "INSERT INTO paycode_limits (account_id, max_minor, currency) VALUES (?, ?, ?)
             ON CONFLICT (account_id) DO UPDATE SET max_minor = excluded.max_minor,
                currency = excluded.currency",
            params![account_id, limit.minor, limit.currency.code()],
        )?;
        Ok(())
    }
}
