//! Payouts: a withdrawal the shop's console asks for and the shop's phone confirms.
//!
//! A browser session moves no money by itself: the console writes a waiting payout (amount,
//! bank account), and the merchant's device confirms it by signing an ordinary withdrawal
//! whose intent id is the payout's id ([`super::withdraw`] then marks the payout
//! confirmed, in the same transaction as the hold), or declines it. Unanswered, it expires.

use purse_core::api::types::{FundingKind, NoticeKind, PayoutState};
use purse_core::money::Money;

use super::store::PayoutRow;
use crate::ledger::devices::NoticeRow;
use crate::ledger::limits::Maxima;
use crate::ledger::rows::{AccountRow, FundingRow};
use crate::ledger::spending::{self, Overspend};
use crate::ledger::tx::{Result, Tx};

/// How long a payout waits for the phone: long enough to find it, short enough that an
/// old request is not signed by mistake.
pub const PAYOUT_TTL_SECS: i64 = 600;

#[derive(Debug, Clone)]
pub struct PayoutDraft {
    pub payout_id: String,
    pub account: AccountRow,
    pub source: FundingRow,
    /// How the bank account is shown on the phone ("Bank DE •••• 3000").
    pub source_label: String,
    pub amount: Money,
    pub maxima: Maxima,
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutRefusal {
    NotABank,
    /// Not a positive amount in the account's currency.
    BadAmount,
    /// More than the balance, or over the account's limits, now.
    Over(Overspend),
}

/// Writes a waiting payout and tells the account's devices (a `payout_confirmation`
/// notice), or says why it could not be carried out now. The checks the
/// withdrawal makes again at confirmation are made here too, so the console says at once
/// what the phone would be refused. Asking twice with one id (a form sent twice) is one
/// payout: the first.
pub fn ask(
    tx: &mut dyn Tx,
    d: &PayoutDraft,
) -> Result<std::result::Result<PayoutRow, PayoutRefusal>> {
    if let Some(p) = tx.payout(&d.account.account_id, &d.payout_id)? {
        return Ok(Ok(p));
    }
    if d.source.kind != FundingKind::Bank || d.source.account_id != d.account.account_id {
        return Ok(Err(PayoutRefusal::NotABank));
    }
    if !d.amount.is_positive() || d.amount.currency != d.account.currency {
        return Ok(Err(PayoutRefusal::BadAmount));
    }
    if let Err(over) = spending::check(tx, &d.account, d.amount, d.maxima, None, d.now)? {
        return Ok(Err(PayoutRefusal::Over(over)));
    }
    let row = PayoutRow {
        payout_id: d.payout_id.clone(),
        account_id: d.account.account_id.clone(),
        source_id: d.source.source_id.clone(),
        amount: d.amount,
        state: PayoutState::Waiting,
        created_at: d.now,
        expires_at: d.now + PAYOUT_TTL_SECS,
        withdrawal_id: None,
    };
    tx.insert_payout(&row)?;
    tx.insert_notice(&NoticeRow {
        seq: 0,
        account_id: row.account_id.clone(),
        kind: NoticeKind::PayoutConfirmation,
        device_id: row.source_id.clone(),
        device_name: d.source_label.clone(),
        recovery_id: None,
        completes_at: Some(row.expires_at),
        request_id: None,
        intent_id: Some(row.payout_id.clone()),
        created_at: d.now,
    })?;
    Ok(Ok(row))
}

/// The phone declines a waiting payout; `None` when it is no longer waiting.
pub fn decline(tx: &mut dyn Tx, mut p: PayoutRow, now: i64) -> Result<Option<PayoutRow>> {
    if p.state_at(now) != PayoutState::Waiting {
        return Ok(None);
    }
    p.state = PayoutState::Declined;
    tx.update_payout(&p)?;
    Ok(Some(p))
}

/// Why a withdrawal may not carry out the payout that shares its intent id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutMismatch {
    NotWaiting,
    /// The signed amount or bank account differs from what the console asked for.
    Differs,
}

/// Whether a withdrawal of `amount` to `source_id` carries out `p` at `now`.
pub fn carried_out_by(
    p: &PayoutRow,
    amount: Money,
    source_id: &str,
    now: i64,
) -> std::result::Result<(), PayoutMismatch> {
    if p.state_at(now) != PayoutState::Waiting {
        return Err(PayoutMismatch::NotWaiting);
    }
    if p.amount != amount || p.source_id != source_id {
        return Err(PayoutMismatch::Differs);
    }
    Ok(())
}
