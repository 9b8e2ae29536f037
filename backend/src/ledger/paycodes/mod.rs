//! Pay codes: the customer shows a code, the till charges it.
//!
//! A device's code is its pay-code index and a one-time value of a counter: a 30-second
//! step and a slot in it ([`purse_core::paycode::consumer`]). A charge is accepted only for
//! a step within one of now and a counter above the device's high-water mark, which the
//! charge raises in its own transaction: a code is charged once, even by two tills at the same moment. Within the
//! customer's no-confirmation limit it is charged at once; above it, it waits a minute for
//! the customer's confirmation by the payment key, and is canceled without.

pub mod store;

#[cfg(test)]
pub(crate) mod memory;
#[cfg(test)]
mod tests;

pub use store::*;

use purse_core::api::types::{ChargeState, NoticeKind, TransactionKind};
use purse_core::money::Money;
use purse_core::paycode::consumer::{PresentedCode, SLOTS};
use purse_core::paycode::otp::STEP_SECS;

use super::devices::NoticeRow;
use super::entry::{LedgerAccount, LedgerEntry};
use super::history_row;
use super::limits::Maxima;
use super::rows::{AccountRow, MerchantRow, TxRow};
use super::spending::{self, Overspend};
use super::tx::{Result, Tx};

/// How long a pay-code secret is good for by default; the wallet refreshes it when online.
pub const KEY_TTL_SECS: i64 = 7 * 86_400;
/// How long a charge above the limit waits for the customer, by default.
pub const CONFIRM_SECS: i64 = 60;
/// The no-confirmation limit unless the account set its own, and the most it may be set
/// to, in major units of the account's currency.
pub const DEFAULT_LIMIT_MAJOR: i64 = 50;
pub const CEILING_MAJOR: i64 = 2_000;

/// The account's no-confirmation limit.
pub fn limit_of(tx: &mut dyn Tx, account: &AccountRow) -> Result<Money> {
    Ok(match tx.paycode_limit(&account.account_id)? {
        Some(l) => l,
        None => Money::from_major(DEFAULT_LIMIT_MAJOR, account.currency)
            .unwrap_or(Money::zero(account.currency)),
    })
}

/// Opens a device's pay-code secret as stored (sealed with the backend's key, see
/// `crate::vault`); `None` when it cannot be opened.
#[derive(Clone)]
pub struct SecretOpener(pub std::sync::Arc<OpenSecret>);

pub type OpenSecret = dyn Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync;

impl SecretOpener {
    /// For secrets stored as they are (the rules' unit tests).
    pub fn plain() -> Self {
        SecretOpener(std::sync::Arc::new(|s: &[u8]| Some(s.to_vec())))
    }
}

impl std::fmt::Debug for SecretOpener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretOpener(..)")
    }
}

#[derive(Debug, Clone)]
pub struct ChargeDraft {
    pub charge_id: String,
    pub transaction_id: String,
    pub merchant: MerchantRow,
    pub merchant_account: AccountRow,
    pub code: PresentedCode,
    pub amount: Money,
    pub reference: String,
    pub maxima: Maxima,
    /// How long the charge waits for the customer if it must.
    pub confirm_secs: i64,
    /// The most a recovered device may spend a day in its first days (the code's device
    /// is held to it as a signing device is).
    pub restricted_cap: Money,
    pub now: i64,
    pub secrets: SecretOpener,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeRefusal {
    /// No device has the index, or the value is not one of its codes of now.
    Invalid,
    /// This code, or a later one of the device, was charged already.
    Used,
    /// One of the device's codes, from minutes ago: not scanned in time.
    Stale,
    /// The device's secret expired, or the device was revoked.
    Expired,
    Revoked,
    /// A merchant cannot charge its own account's code.
    SelfCharge,
    Over(Overspend),
}

impl ChargeRefusal {
    /// Whether it counts as a failed attempt towards the guessing throttle: only a value
    /// that is none of the device's codes. A used or stale code is a real one (a till's
    /// retry, a slow queue), which a guesser would not hit more often than a fresh one.
    pub fn is_failed_guess(self) -> bool {
        matches!(self, ChargeRefusal::Invalid)
    }
}

// One per request, moved once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ChargeResult {
    /// Charged at once; `tx` is the merchant's side.
    Charged { charge: ChargeRow, tx: TxRow },
    /// Above the limit: waits for the customer (a notice went to the account).
    Awaiting { charge: ChargeRow },
    /// The device whose code it was, when one was found.
    Refused {
        refusal: ChargeRefusal,
        device_id: Option<String>,
    },
}

fn entry(c: &ChargeRow, merchant: &MerchantRow, payer_name: &str) -> LedgerEntry {
    LedgerEntry {
        transaction_id: c.transaction_id.clone().unwrap_or_default(),
        kind: TransactionKind::Payment,
        description: format!("Pay code: {}", c.reference),
        created_at: c.settled_at.unwrap_or(c.created_at),
        order_id: None,
        intent_id: Some(c.charge_id.clone()),
        postings: LedgerEntry::transfer(
            (LedgerAccount::user(&c.account_id), &merchant.display_name),
            (LedgerAccount::user(&merchant.account_id), payer_name),
            c.amount,
        ),
    }
}

/// Posts the payment of a charge; the merchant's side.
fn pay(
    tx: &mut dyn Tx,
    c: &mut ChargeRow,
    merchant: &MerchantRow,
    payer: &AccountRow,
    transaction_id: &str,
    now: i64,
) -> Result<TxRow> {
    c.state = ChargeState::Completed;
    c.transaction_id = Some(transaction_id.to_owned());
    c.settled_at = Some(now);
    let e = entry(c, merchant, &payer.name);
    let posted = tx.post(&e)?;
    spending::record(tx, payer, c.amount, now)?;
    Ok(history_row(&e, &posted, 1))
}

/// Charges a presented code: once per code, at once within the customer's limit, waiting
/// for confirmation above it. A refusal writes nothing.
pub fn charge(tx: &mut dyn Tx, d: &ChargeDraft) -> Result<ChargeResult> {
    let refuse = |refusal, device_id: Option<&str>| {
        Ok(ChargeResult::Refused {
            refusal,
            device_id: device_id.map(str::to_owned),
        })
    };
    let Some(key) = tx.paycode_key(d.code.device_index)? else {
        return refuse(ChargeRefusal::Invalid, None);
    };
    let device = Some(key.device_id.as_str());
    let Some(secret) = (d.secrets.0)(&key.secret) else {
        tracing::error!(device = %key.device_id, "a pay-code secret could not be opened");
        return refuse(ChargeRefusal::Invalid, device);
    };
    let Some(counter) = d.code.matching_counter(&secret, d.now) else {
        if d.code.stale_counter(&secret, d.now).is_some() {
            return refuse(ChargeRefusal::Stale, device);
        }
        return refuse(ChargeRefusal::Invalid, device);
    };
    let step = counter / SLOTS;
    let counter = i64::try_from(counter).unwrap_or(i64::MAX);
    if counter <= key.high_water {
        return refuse(ChargeRefusal::Used, device);
    }
    let Some(dev) = tx
        .device(&key.device_id)?
        .filter(|dev| dev.revoked_at.is_none())
    else {
        return refuse(ChargeRefusal::Revoked, device);
    };
    let cap = dev
        .restricted_until
        .filter(|until| d.now < *until)
        .map(|_| d.restricted_cap);
    // A code made before the secret expired is good for its step, no longer.
    if i64::try_from(step).unwrap_or(i64::MAX) * STEP_SECS > key.expires_at {
        return refuse(ChargeRefusal::Expired, device);
    }
    if key.account_id == d.merchant.account_id {
        return refuse(ChargeRefusal::SelfCharge, device);
    }
    let Some(payer) = tx.account(&key.account_id)? else {
        return refuse(ChargeRefusal::Invalid, device);
    };
    if let Err(over) = spending::check(tx, &payer, d.amount, d.maxima, cap, d.now)? {
        return refuse(ChargeRefusal::Over(over), device);
    }
    if !tx.raise_high_water(key.device_index, counter)? {
        return refuse(ChargeRefusal::Used, device);
    }
    let mut c = ChargeRow {
        charge_id: d.charge_id.clone(),
        merchant_id: d.merchant.merchant_id.clone(),
        reference: d.reference.clone(),
        account_id: payer.account_id.clone(),
        device_id: key.device_id.clone(),
        counter,
        amount: d.amount,
        state: ChargeState::AwaitingConfirmation,
        transaction_id: None,
        created_at: d.now,
        expires_at: d.now + d.confirm_secs,
        settled_at: None,
    };
    if d.amount.minor <= limit_of(tx, &payer)?.minor {
        let merchant_side = pay(tx, &mut c, &d.merchant, &payer, &d.transaction_id, d.now)?;
        tx.insert_charge(&c)?;
        return Ok(ChargeResult::Charged {
            charge: c,
            tx: merchant_side,
        });
    }
    tx.insert_charge(&c)?;
    tx.insert_notice(&NoticeRow {
        seq: 0,
        account_id: payer.account_id.clone(),
        kind: NoticeKind::PaycodeConfirmation,
        device_id: d.merchant.merchant_id.clone(),
        device_name: d.merchant.display_name.clone(),
        recovery_id: None,
        completes_at: Some(c.expires_at),
        request_id: None,
        intent_id: Some(c.charge_id.clone()),
        created_at: d.now,
    })?;
    Ok(ChargeResult::Awaiting { charge: c })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmRefusal {
    /// Charged, canceled, or its minute ran out (then it is canceled now).
    NotWaiting,
    Over(Overspend),
}

/// The customer confirms a waiting charge (the route checked the signed authorization);
/// the customer's side of the payment.
pub fn confirm(
    tx: &mut dyn Tx,
    mut c: ChargeRow,
    payer: &AccountRow,
    maxima: Maxima,
    device_cap: Option<Money>,
    transaction_id: &str,
    now: i64,
) -> Result<std::result::Result<(ChargeRow, TxRow), ConfirmRefusal>> {
    if c.state != ChargeState::AwaitingConfirmation {
        return Ok(Err(ConfirmRefusal::NotWaiting));
    }
    if now > c.expires_at {
        cancel(tx, c, now)?;
        return Ok(Err(ConfirmRefusal::NotWaiting));
    }
    if let Err(over) = spending::check(tx, payer, c.amount, maxima, device_cap, now)? {
        return Ok(Err(ConfirmRefusal::Over(over)));
    }
    let Some(merchant) = tx.merchant(&c.merchant_id)? else {
        return Ok(Err(ConfirmRefusal::NotWaiting));
    };
    pay(tx, &mut c, &merchant, payer, transaction_id, now)?;
    tx.update_charge(&c)?;
    let mine = tx
        .transaction_of(&payer.account_id, transaction_id)?
        .ok_or(super::StoreError::NotFound)?;
    Ok(Ok((c, mine)))
}

/// Cancels a waiting charge (its minute ran out, or the customer declined).
pub fn cancel(tx: &mut dyn Tx, mut c: ChargeRow, now: i64) -> Result<ChargeRow> {
    if c.state == ChargeState::AwaitingConfirmation {
        c.state = ChargeState::Canceled;
        c.settled_at = Some(now);
        tx.update_charge(&c)?;
    }
    Ok(c)
}

/// Cancels every waiting charge whose minute ran out; how many.
pub fn cancel_expired(tx: &mut dyn Tx, now: i64) -> Result<usize> {
    let expired = tx.charges_expired(now, 500)?;
    let n = expired.len();
    for c in expired {
        cancel(tx, c, now)?;
    }
    Ok(n)
}

/// Issues a device's pay-code secret (`secret` as it is stored: sealed by the route): its
/// index stays once it has one; a new device gets an unused index from `candidates` (random
/// in the route, so indexes are not enumerable).
pub fn issue(
    tx: &mut dyn Tx,
    device_id: &str,
    account_id: &str,
    secret: Vec<u8>,
    candidates: &mut dyn FnMut() -> u32,
    ttl_secs: i64,
    now: i64,
) -> Result<PayCodeKeyRow> {
    let (device_index, high_water) = match tx.paycode_key_of(device_id)? {
        Some(k) => (k.device_index, k.high_water),
        None => {
            let mut index = candidates();
            let mut tries = 0;
            while tx.paycode_key(index)?.is_some() {
                tries += 1;
                if tries > 64 {
                    return Err(super::StoreError::Duplicate("pay-code index"));
                }
                index = candidates();
            }
            (index, 0)
        }
    };
    let key = PayCodeKeyRow {
        device_index,
        device_id: device_id.to_owned(),
        account_id: account_id.to_owned(),
        secret,
        issued_at: now,
        expires_at: now + ttl_secs,
        high_water,
    };
    tx.put_paycode_key(&key)?;
    Ok(key)
}
