//! The bill rules' statements: the catalogue (each biller stored as its definition),
//! bill payments, saved billers and quotes.

use super::conn::SqlRow;
use purse_core::api::types::{BillPaymentState, Biller, BillerCategory};
use purse_core::money::Money;

use super::rows::{currency, parsed};
use super::tx::SqlTx;
use crate::ledger::bills::*;
use crate::ledger::tx::Result;

fn biller(r: &dyn SqlRow) -> Result<Biller> {
    let text: String = r.get("definition")?;
    serde_json::from_str(&text)
        .map_err(|e| crate::ledger::StoreError::Corrupt(format!("biller definition: {e}")))
}

fn opt_money(r: &dyn SqlRow, amount: &str, cur: &str) -> Result<Option<Money>> {
    match r.get::<Option<i64>>(amount)? {
        Some(m) => Ok(Some(Money::new(m, currency(r, cur)?))),
        None => Ok(None),
    }
}

const PAYMENT_COLS: &str = "bill_payment_id, intent_id, account_id, biller_id, reference, amount,
    currency, fee, biller_amount, biller_currency, product_id, quote_id, state, confirmation,
    failure, transaction_id, created_at, settled_at";

fn payment(r: &dyn SqlRow) -> Result<BillPaymentRow> {
    let cur = currency(r, "currency")?;
    Ok(BillPaymentRow {
        bill_payment_id: r.get("bill_payment_id")?,
        intent_id: r.get("intent_id")?,
        account_id: r.get("account_id")?,
        biller_id: r.get("biller_id")?,
        reference: r.get("reference")?,
        amount: Money::new(r.get("amount")?, cur),
        fee: Money::new(r.get("fee")?, cur),
        biller_amount: opt_money(r, "biller_amount", "biller_currency")?,
        product_id: r.get("product_id")?,
        quote_id: r.get("quote_id")?,
        state: parsed(r, "state", BillPaymentState::parse)?,
        confirmation: r.get("confirmation")?,
        failure: r.get("failure")?,
        transaction_id: r.get("transaction_id")?,
        created_at: r.get("created_at")?,
        settled_at: r.get("settled_at")?,
    })
}

const SAVED_COLS: &str = "saved_id, account_id, biller_id, reference, nickname, created_at";

fn saved(r: &dyn SqlRow) -> Result<SavedBillerRow> {
    Ok(SavedBillerRow {
        saved_id: r.get("saved_id")?,
        account_id: r.get("account_id")?,
        biller_id: r.get("biller_id")?,
        reference: r.get("reference")?,
        nickname: r.get("nickname")?,
        created_at: r.get("created_at")?,
    })
}

const QUOTE_COLS: &str = "quote_id, account_id, biller_id, reference, product_id, biller_amount,
    biller_currency, rate_micros, fee, debit, currency, expires_at, created_at, used_by";

fn quote(r: &dyn SqlRow) -> Result<QuoteRow> {
    let cur = currency(r, "currency")?;
    Ok(QuoteRow {
        quote_id: r.get("quote_id")?,
        account_id: r.get("account_id")?,
        biller_id: r.get("biller_id")?,
        reference: r.get("reference")?,
        product_id: r.get("product_id")?,
        biller_amount: Money::new(r.get("biller_amount")?, currency(r, "biller_currency")?),
        rate_micros: r.get("rate_micros")?,
        fee: Money::new(r.get("fee")?, cur),
        debit: Money::new(r.get("debit")?, cur),
        expires_at: r.get("expires_at")?,
        created_at: r.get("created_at")?,
        used_by: r.get("used_by")?,
    })
}

impl BillReads for SqlTx<'_> {
    fn biller(&mut self, biller_id: &str) -> Result<Option<Biller>> {
        self.one(
            "SELECT definition FROM billers WHERE biller_id = ?",
            params![biller_id],
            biller,
        )
    }

    fn billers(&mut self, category: Option<BillerCategory>) -> Result<Vec<Biller>> {
        match category {
            Some(c) => self.all(
                "SELECT definition FROM billers WHERE category = ? ORDER BY name",
                params![c.as_str()],
                biller,
            ),
            None => self.all(
                "SELECT definition FROM billers ORDER BY name",
                params![],
                biller,
            ),
        }
    }

    fn bill_payment(
        &mut self,
        account_id: &str,
        intent_id: &str,
    ) -> Result<Option<BillPaymentRow>> {
        self.one(
            &format!(
                "SELECT {PAYMENT_COLS} FROM bill_payments WHERE account_id = ? AND intent_id = ?"
            ),
            params![account_id, intent_id],
            payment,
        )
    }

    fn bill_payments(&mut self, account_id: &str, limit: u32) -> Result<Vec<BillPaymentRow>> {
        self.all(
            &format!(
                "SELECT {PAYMENT_COLS} FROM bill_payments WHERE account_id = ?
                 ORDER BY created_at DESC,
                    (SELECT t.seq FROM ledger_transactions t
                     WHERE t.transaction_id = bill_payments.transaction_id) DESC
                 LIMIT ?"
            ),
            params![account_id, limit],
            payment,
        )
    }

    fn saved_billers(&mut self, account_id: &str) -> Result<Vec<SavedBillerRow>> {
        self.all(
            &format!(
                "SELECT {SAVED_COLS} FROM saved_billers WHERE account_id = ?
                 ORDER BY created_at, position, saved_id"
            ),
            params![account_id],
            saved,
        )
    }

    fn quote(&mut self, account_id: &str, quote_id: &str) -> Result<Option<QuoteRow>> {
        self.one(
            &format!("SELECT {QUOTE_COLS} FROM bill_quotes WHERE account_id = ? AND quote_id = ?"),
            params![account_id, quote_id],
            quote,
        )
    }
}

impl BillWrites for SqlTx<'_> {
    fn upsert_biller(&mut self, b: &Biller, now: i64) -> Result<()> {
        let definition = serde_json::to_string(b)
            .map_err(|e| crate::ledger::StoreError::Corrupt(e.to_string()))?;
        self.execute(
            "INSERT INTO billers (biller_id, name, category, definition, updated_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (biller_id) DO UPDATE SET name = excluded.name,
                category = excluded.category, definition = excluded.definition,
                updated_at = excluded.updated_at",
            params![b.biller_id, b.name, b.category.as_str(), definition, now],
        )?;
        Ok(())
    }

    fn insert_bill_payment(&mut self, p: &BillPaymentRow) -> Result<()> {
        self.execute(
            &format!(
                "INSERT INTO bill_payments ({PAYMENT_COLS})
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                p.bill_payment_id,
                p.intent_id,
                p.account_id,
                p.biller_id,
                p.reference,
                p.amount.minor,
                p.amount.currency.code(),
                p.fee.minor,
                p.biller_amount.map(|m| m.minor),
                p.biller_amount.map(|m| m.currency.code()),
                p.product_id,
                p.quote_id,
                p.state.as_str(),
                p.confirmation,
                p.failure,
                p.transaction_id,
                p.created_at,
                p.settled_at
            ],
        )?;
        Ok(())
    }

    fn update_bill_payment(&mut self, p: &BillPaymentRow) -> Result<()> {
        self.execute(
            "UPDATE bill_payments SET state = ?, confirmation = ?, failure = ?, settled_at = ?
             WHERE bill_payment_id = ?",
            params![
                p.state.as_str(),
                p.confirmation,
                p.failure,
                p.settled_at,
                p.bill_payment_id
            ],
        )?;
        Ok(())
    }

    fn insert_saved_biller(&mut self, s: &SavedBillerRow) -> Result<()> {
        self.execute(
            &format!(
                "INSERT INTO saved_billers ({SAVED_COLS}, position)
                 SELECT ?, ?, ?, ?, ?, ?, COALESCE(MAX(position), 0) + 1
                 FROM saved_billers WHERE account_id = ?"
            ),
            params![
                s.saved_id,
                s.account_id,
                s.biller_id,
                s.reference,
                s.nickname,
                s.created_at,
                s.account_id
            ],
        )?;
        Ok(())
    }

    fn delete_saved_biller(&mut self, account_id: &str, saved_id: &str) -> Result<bool> {
        Ok(self.execute(
            "DELETE FROM saved_billers WHERE account_id = ? AND saved_id = ?",
            params![account_id, saved_id],
        )? > 0)
    }

    fn insert_quote(&mut self, q: &QuoteRow) -> Result<()> {
        self.execute(
            &format!(
                "INSERT INTO bill_quotes ({QUOTE_COLS})
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                q.quote_id,
                q.account_id,
                q.biller_id,
                q.reference,
                q.product_id,
                q.biller_amount.minor,
                q.biller_amount.currency.code(),
                q.rate_micros,
                q.fee.minor,
                q.debit.minor,
                q.debit.currency.code(),
                q.expires_at,
                q.created_at,
                q.used_by
            ],
        )?;
        Ok(())
    }

    fn use_quote(&mut self, quote_id: &str, intent_id: &str) -> Result<()> {
        self.execute(
            "UPDATE bill_quotes SET used_by = ? WHERE quote_id = ? AND used_by IS NULL",
            params![intent_id, quote_id],
        )?;
        Ok(())
    }
}
