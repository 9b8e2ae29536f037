//! Bill payments and phone top-ups, one rule for both: the reference and the amount are
//! checked by the core's biller rules (the wallet checked them too, offline), a payment in
//! another currency spends a quote once, the account's limits and balance hold, and then
//! the biller answers. Confirmed at once, the money goes to the biller's settlement account;
//! accepted for later, it is held until the biller confirms (on to the biller) or rejects
//! (back to the wallet, its own ledger entry, so an event). Either later answer is a notice.

pub mod store;

#[cfg(test)]
pub(crate) mod memory;
#[cfg(test)]
mod tests;

pub use store::*;

use purse_core::api::types::{BillPaymentState, Biller, NoticeKind, TransactionKind};
use purse_core::bills::{BillError, check_amount, check_product, check_reference};
use purse_core::money::Money;

use super::devices::NoticeRow;
use super::entry::{LedgerAccount, LedgerEntry, Posting};
use super::history_row;
use super::limits::Maxima;
use super::rows::{AccountRow, TxRow};
use super::spending::{self, Overspend};
use super::tx::{Result, Tx};
use crate::billers::{Answer, BillerSystem, Submission};

/// How many billers an account may save.
pub const MAX_SAVED: usize = 50;

/// Where accepted payments wait for their biller.
pub fn holding_account(currency: purse_core::money::Currency) -> LedgerAccount {
    LedgerAccount::system("holds:bills", currency)
}

fn biller_account(biller_id: &str, currency: purse_core::money::Currency) -> LedgerAccount {
    LedgerAccount::system(&format!("billers:{biller_id}"), currency)
}

fn fee_account(currency: purse_core::money::Currency) -> LedgerAccount {
    LedgerAccount::system("fees:fx", currency)
}

#[derive(Debug, Clone)]
pub struct BillPaymentDraft {
    pub bill_payment_id: String,
    pub transaction_id: String,
    pub intent_id: String,
    pub account: AccountRow,
    pub biller: Biller,
    /// As the wallet sent (and signed) it: already normalised.
    pub reference: String,
    /// What leaves the wallet.
    pub amount: Money,
    pub product_id: Option<String>,
    pub quote_id: Option<String>,
    /// The amount due of the bill the biller gave for this reference, when there is one.
    pub due: Option<Money>,
    pub maxima: Maxima,
    pub device_cap: Option<Money>,
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BillPaymentRefusal {
    IntentUsed,
    /// A biller rule: the reference, the amount, the product.
    Bill(BillError),
    /// The biller is paid in another currency: a quote first.
    QuoteRequired,
    QuoteExpired,
    /// The quote is not this account's, is spent, or prices another payment.
    QuoteMismatch,
    Over(Overspend),
}

// One per request, moved once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum BillPaymentResult {
    Paid { payment: BillPaymentRow, tx: TxRow },
    Refused(BillPaymentRefusal),
}

/// What the biller is paid, the fee within the debit, and the quote that priced it.
type Priced = (Money, Money, Option<QuoteRow>);

/// What the biller is paid and the fee within `d.amount`, or the rule that refuses it.
fn priced(
    tx: &mut dyn Tx,
    d: &BillPaymentDraft,
) -> Result<std::result::Result<Priced, BillPaymentRefusal>> {
    use BillPaymentRefusal as R;
    let b = &d.biller;
    let quote = match &d.quote_id {
        None if b.currency != d.account.currency => return Ok(Err(R::QuoteRequired)),
        None => None,
        Some(id) => {
            let Some(q) = tx.quote(&d.account.account_id, id)? else {
                return Ok(Err(R::QuoteMismatch));
            };
            let same = q.biller_id == b.biller_id
                && q.reference == d.reference
                && q.product_id == d.product_id
                && q.debit == d.amount
                && q.used_by.is_none();
            if !same {
                return Ok(Err(R::QuoteMismatch));
            }
            if d.now > q.expires_at {
                return Ok(Err(R::QuoteExpired));
            }
            Some(q)
        }
    };
    let (biller_amount, fee) = match &quote {
        Some(q) => (q.biller_amount, q.fee),
        None => (d.amount, Money::zero(d.amount.currency)),
    };
    let rule = if b.products.is_empty() {
        check_amount(b, d.due, biller_amount)
    } else {
        let id = d.product_id.as_deref().unwrap_or_default();
        check_product(b, id, Some(biller_amount)).map(|_| ())
    };
    Ok(match rule {
        Ok(()) => Ok((biller_amount, fee, quote)),
        Err(e) => Err(R::Bill(e)),
    })
}

/// Pays `d`, asking `billers` once every check passed; a refusal writes nothing.
pub fn pay(
    tx: &mut dyn Tx,
    d: &BillPaymentDraft,
    billers: &dyn BillerSystem,
) -> Result<BillPaymentResult> {
    let refuse = |r| Ok(BillPaymentResult::Refused(r));
    if tx
        .bill_payment(&d.account.account_id, &d.intent_id)?
        .is_some()
    {
        return refuse(BillPaymentRefusal::IntentUsed);
    }
    match check_reference(&d.biller.reference, &d.reference) {
        Ok(r) if r == d.reference => {}
        Ok(_) => {
            return refuse(BillPaymentRefusal::Bill(BillError::BadCharacters {
                label: d.biller.reference.label.to_lowercase(),
            }));
        }
        Err(e) => return refuse(BillPaymentRefusal::Bill(e)),
    }
    let (biller_amount, fee, quote) = match priced(tx, d)? {
        Ok(p) => p,
        Err(r) => return refuse(r),
    };
    if let Err(over) = spending::check(tx, &d.account, d.amount, d.maxima, d.device_cap, d.now)? {
        return refuse(BillPaymentRefusal::Over(over));
    }
    let submission = billers.submit(&d.biller, &d.reference, biller_amount);
    let user = (
        LedgerAccount::user(&d.account.account_id),
        d.biller.name.as_str(),
    );
    let postings = match &submission {
        Submission::Confirmed { .. } => {
            let mut p = LedgerEntry::transfer(
                user,
                (
                    biller_account(&d.biller.biller_id, d.amount.currency),
                    &d.account.name,
                ),
                d.amount,
            );
            split_fee(&mut p, fee, &d.account.name);
            p
        }
        Submission::Accepted => LedgerEntry::transfer(
            user,
            (holding_account(d.amount.currency), &d.account.name),
            d.amount,
        ),
    };
    let entry = LedgerEntry {
        transaction_id: d.transaction_id.clone(),
        kind: TransactionKind::BillPayment,
        description: description(&d.biller, &d.reference),
        created_at: d.now,
        order_id: None,
        intent_id: Some(d.intent_id.clone()),
        postings,
    };
    let posted = tx.post(&entry)?;
    let (state, confirmation) = match submission {
        Submission::Confirmed { confirmation } => (BillPaymentState::Completed, Some(confirmation)),
        Submission::Accepted => (BillPaymentState::Pending, None),
    };
    let row = BillPaymentRow {
        bill_payment_id: d.bill_payment_id.clone(),
        intent_id: d.intent_id.clone(),
        account_id: d.account.account_id.clone(),
        biller_id: d.biller.biller_id.clone(),
        reference: d.reference.clone(),
        amount: d.amount,
        fee,
        biller_amount: quote.as_ref().map(|q| q.biller_amount),
        product_id: d.product_id.clone(),
        quote_id: d.quote_id.clone(),
        settled_at: (state == BillPaymentState::Completed).then_some(d.now),
        state,
        confirmation,
        failure: None,
        transaction_id: d.transaction_id.clone(),
        created_at: d.now,
    };
    tx.insert_bill_payment(&row)?;
    if let Some(q) = quote {
        tx.use_quote(&q.quote_id, &d.intent_id)?;
    }
    spending::record(tx, &d.account, d.amount, d.now)?;
    Ok(BillPaymentResult::Paid {
        payment: row,
        tx: history_row(&entry, &posted, 0),
    })
}

/// How the payment reads in history: the number topped up, or the reference's last four.
fn description(biller: &Biller, reference: &str) -> String {
    if biller.products.is_empty() {
        let tail: String = reference
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("Bill: {} •••• {tail}", biller.name)
    } else {
        format!("Top-up {reference} ({})", biller.name)
    }
}

/// Moves the fee out of the biller's share, to the fee account: the biller gets what was
/// converted, the fee stays with Purse.
fn split_fee(postings: &mut Vec<Posting>, fee: Money, counterparty: &str) {
    if fee.minor == 0 {
        return;
    }
    if let Some(to) = postings.last_mut() {
        to.amount.minor -= fee.minor;
    }
    postings.push(Posting {
        account: fee_account(fee.currency),
        amount: fee,
        counterparty: counterparty.to_owned(),
    });
}

/// The biller's later answer on a pending payment; settled ones are left as they are.
/// `new_tx_id` names the settling ledger transaction.
pub fn settle(
    tx: &mut dyn Tx,
    mut p: BillPaymentRow,
    biller: &Biller,
    answer: Answer,
    account_name: &str,
    new_tx_id: &str,
    now: i64,
) -> Result<BillPaymentRow> {
    if p.state != BillPaymentState::Pending {
        return Ok(p);
    }
    let hold = (holding_account(p.amount.currency), account_name);
    let (kind, description, postings, notice) = match &answer {
        Answer::Confirmed { .. } => {
            let mut postings = LedgerEntry::transfer(
                hold,
                (
                    biller_account(&biller.biller_id, p.amount.currency),
                    account_name,
                ),
                p.amount,
            );
            split_fee(&mut postings, p.fee, account_name);
            (
                TransactionKind::BillPayment,
                format!("Paid on to {}", biller.name),
                postings,
                NoticeKind::BillCompleted,
            )
        }
        Answer::Rejected { .. } => (
            TransactionKind::BillRefund,
            format!("Refund: {} rejected the payment", biller.name),
            LedgerEntry::transfer(
                hold,
                (LedgerAccount::user(&p.account_id), biller.name.as_str()),
                p.amount,
            ),
            NoticeKind::BillFailed,
        ),
    };
    tx.post(&LedgerEntry {
        transaction_id: new_tx_id.to_owned(),
        kind,
        description,
        created_at: now,
        order_id: None,
        intent_id: Some(p.intent_id.clone()),
        postings,
    })?;
    match answer {
        Answer::Confirmed { confirmation } => {
            p.state = BillPaymentState::Completed;
            p.confirmation = Some(confirmation);
        }
        Answer::Rejected { reason } => {
            p.state = BillPaymentState::Failed;
            p.failure = Some(reason);
        }
    }
    p.settled_at = Some(now);
    tx.update_bill_payment(&p)?;
    tx.insert_notice(&NoticeRow {
        seq: 0,
        account_id: p.account_id.clone(),
        kind: notice,
        device_id: biller.biller_id.clone(),
        device_name: biller.name.clone(),
        recovery_id: None,
        completes_at: None,
        request_id: None,
        intent_id: Some(p.intent_id.clone()),
        created_at: now,
    })?;
    Ok(p)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveRefusal {
    Bill(BillError),
    /// Saved already: the existing one.
    Exists,
    TooMany,
}

/// Saves a biller and reference under a nickname (checked as shown text by the caller).
pub fn save(
    tx: &mut dyn Tx,
    biller: &Biller,
    row: SavedBillerRow,
) -> Result<std::result::Result<SavedBillerRow, SaveRefusal>> {
    let reference = match check_reference(&biller.reference, &row.reference) {
        Ok(r) => r,
        Err(e) => return Ok(Err(SaveRefusal::Bill(e))),
    };
    let saved = tx.saved_billers(&row.account_id)?;
    if saved
        .iter()
        .any(|s| s.biller_id == biller.biller_id && s.reference == reference)
    {
        return Ok(Err(SaveRefusal::Exists));
    }
    if saved.len() >= MAX_SAVED {
        return Ok(Err(SaveRefusal::TooMany));
    }
    let row = SavedBillerRow { reference, ..row };
    tx.insert_saved_biller(&row)?;
    Ok(Ok(row))
}
