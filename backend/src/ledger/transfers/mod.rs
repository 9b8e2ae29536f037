//! Money between people: every check that can refuse a transfer, then one ledger
//! transaction from sender to recipient, in the caller's one write.

pub mod store;

#[cfg(test)]
pub(crate) mod memory;
#[cfg(test)]
mod tests;

pub use store::*;

use purse_core::api::types::TransactionKind;
use purse_core::money::Money;

use super::entry::{LedgerAccount, LedgerEntry};
use super::history_row;
use super::limits::Maxima;
use super::requests::{self, RequestRefusal};
use super::rows::{AccountRow, TxRow};
use super::spending::{self, Overspend};
use super::tx::{Result, Tx};

/// A transfer to settle: the route checked the authorization and the note, and drew ids.
#[derive(Debug, Clone)]
pub struct TransferDraft {
    pub transfer_id: String,
    pub transaction_id: String,
    pub intent_id: String,
    pub payer: AccountRow,
    pub recipient: AccountRow,
    /// How each side appears in the other's history ("B* L* $bo_li").
    pub payer_label: String,
    pub recipient_label: String,
    pub amount: Money,
    pub note: String,
    pub maxima: Maxima,
    pub device_cap: Option<Money>,
    /// The money request this transfer pays, if any.
    pub request_id: Option<String>,
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferRefusal {
    IntentUsed,
    SelfTransfer,
    /// No exchange: both accounts must hold the amount's currency.
    CurrencyMismatch,
    Over(Overspend),
    /// The named request cannot be paid by this transfer (why: the request rule says).
    Request(RequestRefusal),
}

// One per request, moved once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum TransferResult {
    Sent {
        transfer: TransferRow,
        payer_tx: TxRow,
    },
    Refused(TransferRefusal),
}

/// Settles a transfer or says why not. A refusal writes nothing.
pub fn transfer(tx: &mut dyn Tx, d: &TransferDraft) -> Result<TransferResult> {
    let refuse = |r| Ok(TransferResult::Refused(r));
    if tx.transfer(&d.payer.account_id, &d.intent_id)?.is_some() {
        return refuse(TransferRefusal::IntentUsed);
    }
    if d.payer.account_id == d.recipient.account_id {
        return refuse(TransferRefusal::SelfTransfer);
    }
    if d.amount.currency != d.payer.currency || d.amount.currency != d.recipient.currency {
        return refuse(TransferRefusal::CurrencyMismatch);
    }
    if let Err(over) = spending::check(tx, &d.payer, d.amount, d.maxima, d.device_cap, d.now)? {
        return refuse(TransferRefusal::Over(over));
    }
    let request = match &d.request_id {
        None => None,
        Some(id) => match requests::check_payable(
            tx,
            id,
            &d.payer.account_id,
            &d.recipient.account_id,
            d.amount,
            d.now,
        )? {
            Ok(r) => Some(r),
            Err(e) => return refuse(TransferRefusal::Request(e)),
        },
    };
    let entry = LedgerEntry {
        transaction_id: d.transaction_id.clone(),
        kind: TransactionKind::TransferOut,
        description: d.note.clone(),
        created_at: d.now,
        order_id: None,
        intent_id: Some(d.intent_id.clone()),
        postings: LedgerEntry::transfer(
            (LedgerAccount::user(&d.payer.account_id), &d.recipient_label),
            (LedgerAccount::user(&d.recipient.account_id), &d.payer_label),
            d.amount,
        ),
    };
    let posted = tx.post(&entry)?;
    let row = TransferRow {
        transfer_id: d.transfer_id.clone(),
        intent_id: d.intent_id.clone(),
        payer_account_id: d.payer.account_id.clone(),
        recipient_account_id: d.recipient.account_id.clone(),
        amount: d.amount,
        note: d.note.clone(),
        transaction_id: d.transaction_id.clone(),
        created_at: d.now,
    };
    tx.insert_transfer(&row)?;
    spending::record(tx, &d.payer, d.amount, d.now)?;
    if let Some(r) = request {
        requests::mark_paid(tx, r, &d.transfer_id, &d.payer_label, d.now)?;
    }
    Ok(TransferResult::Sent {
        transfer: row,
        payer_tx: history_row(&entry, &posted, 0),
    })
}
