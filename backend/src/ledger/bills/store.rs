//! What the bill rules store: the catalogue's billers, one row per bill payment, the
//! billers a user saved, and held prices (quotes) of payments in another currency.

use purse_core::api::types::{BillPaymentState, Biller, BillerCategory};
use purse_core::money::Money;

use crate::ledger::tx::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillPaymentRow {
    pub bill_payment_id: String,
    pub intent_id: String,
    pub account_id: String,
    pub biller_id: String,
    pub reference: String,
    /// What left the wallet (fee included).
    pub amount: Money,
    /// The fee within `amount` (zero without a conversion).
    pub fee: Money,
    /// What the biller was paid, when that is another currency.
    pub biller_amount: Option<Money>,
    pub product_id: Option<String>,
    pub quote_id: Option<String>,
    pub state: BillPaymentState,
    pub confirmation: Option<String>,
    pub failure: Option<String>,
    /// The payment's (or hold's) ledger transaction.
    pub transaction_id: String,
    pub created_at: i64,
    pub settled_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedBillerRow {
    pub saved_id: String,
    pub account_id: String,
    pub biller_id: String,
    pub reference: String,
    pub nickname: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteRow {
    pub quote_id: String,
    pub account_id: String,
    pub biller_id: String,
    pub reference: String,
    pub product_id: Option<String>,
    pub biller_amount: Money,
    pub rate_micros: i64,
    pub fee: Money,
    pub debit: Money,
    pub expires_at: i64,
    pub created_at: i64,
    /// The intent that spent it: a quote pays once.
    pub used_by: Option<String>,
}

pub trait BillReads {
    fn biller(&mut self, biller_id: &str) -> Result<Option<Biller>>;
    /// By name within a category, all categories when `None`.
    fn billers(&mut self, category: Option<BillerCategory>) -> Result<Vec<Biller>>;
    fn bill_payment(&mut self, account_id: &str, intent_id: &str)
    -> Result<Option<BillPaymentRow>>;
    /// The account's bill payments, newest first.
    fn bill_payments(&mut self, account_id: &str, limit: u32) -> Result<Vec<BillPaymentRow>>;
    /// The account's saved billers, oldest first.
    fn saved_billers(&mut self, account_id: &str) -> Result<Vec<SavedBillerRow>>;
    fn quote(&mut self, account_id: &str, quote_id: &str) -> Result<Option<QuoteRow>>;
}

pub trait BillWrites: BillReads {
    /// Adds a biller or replaces the one of its id.
    fn upsert_biller(&mut self, biller: &Biller, now: i64) -> Result<()>;
    /// `Duplicate` if the account used the intent before.
    fn insert_bill_payment(&mut self, p: &BillPaymentRow) -> Result<()>;
    /// Writes state, confirmation, failure and settlement time.
    fn update_bill_payment(&mut self, p: &BillPaymentRow) -> Result<()>;
    /// `Duplicate` if the account saved this biller and reference before.
    fn insert_saved_biller(&mut self, s: &SavedBillerRow) -> Result<()>;
    /// Whether one was removed.
    fn delete_saved_biller(&mut self, account_id: &str, saved_id: &str) -> Result<bool>;
    fn insert_quote(&mut self, q: &QuoteRow) -> Result<()>;
    /// Marks the quote spent by `intent_id`.
    fn use_quote(&mut self, quote_id: &str, intent_id: &str) -> Result<()>;
}
