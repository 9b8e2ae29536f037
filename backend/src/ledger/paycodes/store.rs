//! What the pay-code rules store: each device's pay-code secret with its index and the
//! last one-time counter accepted from it, each charge, and each account's no-confirmation limit.

use purse_core::api::types::ChargeState;
use purse_core::money::Money;

use crate::ledger::tx::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayCodeKeyRow {
    /// Eight digits, unique across devices.
    pub device_index: u32,
    pub device_id: String,
    pub account_id: String,
    pub secret: Vec<u8>,
    pub issued_at: i64,
    pub expires_at: i64,
    /// The last one-time counter charged: a code of this counter or an earlier one is
    /// refused.
    pub high_water: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRow {
    pub charge_id: String,
    pub merchant_id: String,
    pub reference: String,
    /// Who pays, and the device whose code it was.
    pub account_id: String,
    pub device_id: String,
    /// The one-time counter of the code charged.
    pub counter: i64,
    pub amount: Money,
    pub state: ChargeState,
    /// The payment's ledger transaction, once charged.
    pub transaction_id: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub settled_at: Option<i64>,
}

pub trait PayCodeReads {
    fn paycode_key(&mut self, device_index: u32) -> Result<Option<PayCodeKeyRow>>;
    fn paycode_key_of(&mut self, device_id: &str) -> Result<Option<PayCodeKeyRow>>;
    fn charge(&mut self, charge_id: &str) -> Result<Option<ChargeRow>>;
    /// This account's charges still waiting, oldest first.
    fn charges_waiting(&mut self, account_id: &str) -> Result<Vec<ChargeRow>>;
    /// Waiting charges whose minute ran out by `now`.
    fn charges_expired(&mut self, now: i64, limit: u32) -> Result<Vec<ChargeRow>>;
    /// The account's own no-confirmation limit, when it set one.
    fn paycode_limit(&mut self, account_id: &str) -> Result<Option<Money>>;
}

pub trait PayCodeWrites: PayCodeReads {
    /// Adds the device's key, or replaces its secret and validity (index and high-water
    /// mark stay). `Duplicate` if another device has the index.
    fn put_paycode_key(&mut self, key: &PayCodeKeyRow) -> Result<()>;
    /// Moves the device's high-water mark to `counter` if it is below; whether it moved (one
    /// of two concurrent charges of a code finds it moved already).
    fn raise_high_water(&mut self, device_index: u32, counter: i64) -> Result<bool>;
    fn insert_charge(&mut self, c: &ChargeRow) -> Result<()>;
    /// Writes state, transaction and settlement time.
    fn update_charge(&mut self, c: &ChargeRow) -> Result<()>;
    fn set_paycode_limit(&mut self, account_id: &str, limit: Money) -> Result<()>;
}
