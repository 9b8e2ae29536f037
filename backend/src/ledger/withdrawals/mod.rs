//! Withdrawals to a linked bank account. The amount leaves the available balance at once
//! (posted to a holding account); the bank settles later: `completed` moves it on to the
//! bank's settlement account, `returned` brings it back with its own ledger entry (and so an
//! event). The sandbox bank decides by the account number's last digits (see
//! [`crate::funding::withdrawal_outcome`]): some refuse at once, some return later.

pub mod payouts;
pub mod store;

#[cfg(test)]
pub(crate) mod memory;
#[cfg(test)]
mod tests;

pub use store::*;

use purse_core::api::types::{FundingKind, PayoutState, TransactionKind, WithdrawalState};
use purse_core::money::Money;

use super::entry::{LedgerAccount, LedgerEntry};
use super::history_row;
use super::limits::Maxima;
use super::rows::{AccountRow, FundingRow, TxRow};
use super::spending::{self, Overspend};
use super::tx::{Result, Tx};
use crate::funding::{WithdrawalOutcome, withdrawal_outcome};

/// Where held withdrawals wait for the bank.
pub fn holding_account(amount: Money) -> LedgerAccount {
    LedgerAccount::system("holds:withdrawals", amount.currency)
}

fn bank_account(amount: Money) -> LedgerAccount {
    LedgerAccount::system("funding:bank_sandbox", amount.currency)
}

#[derive(Debug, Clone)]
pub struct WithdrawalDraft {
    pub withdrawal_id: String,
    pub transaction_id: String,
    pub intent_id: String,
    pub account: AccountRow,
    pub source: FundingRow,
    /// How the bank appears in history ("Bank DE •••• 3000").
    pub source_label: String,
    pub amount: Money,
    pub maxima: Maxima,
    pub device_cap: Option<Money>,
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalRefusal {
    IntentUsed,
    NotABank,
    /// The bank refused it at once.
    Refused,
    Over(Overspend),
    /// The intent is a payout the console asked for, and this withdrawal may not carry it
    /// out (see [`payouts::carried_out_by`]).
    Payout(payouts::PayoutMismatch),
}

// One per request, moved once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum WithdrawalResult {
    Held {
        withdrawal: WithdrawalRow,
        tx: TxRow,
    },
    Refused(WithdrawalRefusal),
}

/// Holds the amount for the bank, or says why not. A refusal writes nothing.
pub fn withdraw(tx: &mut dyn Tx, d: &WithdrawalDraft) -> Result<WithdrawalResult> {
    let refuse = |r| Ok(WithdrawalResult::Refused(r));
    if tx
        .withdrawal(&d.account.account_id, &d.intent_id)?
        .is_some()
    {
        return refuse(WithdrawalRefusal::IntentUsed);
    }
    let payout = tx.payout(&d.account.account_id, &d.intent_id)?;
    if let Some(p) = &payout
        && let Err(m) = payouts::carried_out_by(p, d.amount, &d.source.source_id, d.now)
    {
        return refuse(WithdrawalRefusal::Payout(m));
    }
    if d.source.kind != FundingKind::Bank || d.source.account_id != d.account.account_id {
        return refuse(WithdrawalRefusal::NotABank);
    }
    if withdrawal_outcome(&d.source.last4) == WithdrawalOutcome::RefusedAtOnce {
        return refuse(WithdrawalRefusal::Refused);
    }
    if let Err(over) = spending::check(tx, &d.account, d.amount, d.maxima, d.device_cap, d.now)? {
        return refuse(WithdrawalRefusal::Over(over));
    }
    let entry = LedgerEntry {
        transaction_id: d.transaction_id.clone(),
        kind: TransactionKind::Withdrawal,
        description: format!("Withdrawal to {}", d.source_label),
        created_at: d.now,
        order_id: None,
        intent_id: Some(d.intent_id.clone()),
        postings: LedgerEntry::transfer(
            (LedgerAccount::user(&d.account.account_id), &d.source_label),
            (holding_account(d.amount), &d.account.name),
            d.amount,
        ),
    };
    let posted = tx.post(&entry)?;
    let row = WithdrawalRow {
        withdrawal_id: d.withdrawal_id.clone(),
        intent_id: d.intent_id.clone(),
        account_id: d.account.account_id.clone(),
        source_id: d.source.source_id.clone(),
        amount: d.amount,
        state: WithdrawalState::Pending,
        transaction_id: d.transaction_id.clone(),
        created_at: d.now,
        settled_at: None,
    };
    tx.insert_withdrawal(&row)?;
    if let Some(mut p) = payout {
        p.state = PayoutState::Confirmed;
        p.withdrawal_id = Some(row.withdrawal_id.clone());
        tx.update_payout(&p)?;
    }
    spending::record(tx, &d.account, d.amount, d.now)?;
    Ok(WithdrawalResult::Held {
        withdrawal: row,
        tx: history_row(&entry, &posted, 0),
    })
}

/// The bank settles a held withdrawal: on to the bank, or back to the wallet. `new_tx_id`
/// names the settling ledger transaction. Settled ones are left as they are.
pub fn settle(
    tx: &mut dyn Tx,
    mut w: WithdrawalRow,
    source: &FundingRow,
    account_name: &str,
    new_tx_id: &str,
    now: i64,
) -> Result<WithdrawalRow> {
    if w.state != WithdrawalState::Pending {
        return Ok(w);
    }
    let returned = withdrawal_outcome(&source.last4) == WithdrawalOutcome::ReturnedLater;
    let label = format!("Bank •••• {}", source.last4);
    let entry = LedgerEntry {
        transaction_id: new_tx_id.to_owned(),
        kind: if returned {
            TransactionKind::WithdrawalReturn
        } else {
            TransactionKind::Withdrawal
        },
        description: if returned {
            format!("Withdrawal returned by {label}")
        } else {
            format!("Withdrawal paid out to {label}")
        },
        created_at: now,
        order_id: None,
        intent_id: Some(w.intent_id.clone()),
        postings: if returned {
            LedgerEntry::transfer(
                (holding_account(w.amount), account_name),
                (LedgerAccount::user(&w.account_id), &label),
                w.amount,
            )
        } else {
            LedgerEntry::transfer(
                (holding_account(w.amount), account_name),
                (bank_account(w.amount), account_name),
                w.amount,
            )
        },
    };
    tx.post(&entry)?;
    w.state = if returned {
        WithdrawalState::Returned
    } else {
        WithdrawalState::Completed
    };
    w.settled_at = Some(now);
    tx.update_withdrawal(&w)?;
    Ok(w)
}
