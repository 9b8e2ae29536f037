//! Savings: a money-market fund beside the wallet, held as shares at 1 share = 1 minor unit
//! in the ledger account `savings:<account_id>`.
//!
//! - **Subscribing** moves money from the wallet at once; the shares earn from the next day
//!   (T+1).
//! - **Redeeming** is instant up to a daily cap per account; beyond it, the rest is a
//!   standard redemption, held (`holds:savings`) until the next business day, when the daily
//!   job lands it in the wallet.
//! - **The daily job** accrues each day once, in order, holder by holder in batches
//!   ([`accrue_batch`]): a holder earns on the shares it held at the close of the day before,
//!   less what left during the day (shares that leave earn nothing that day; shares that come
//!   in earn from the next), by [`accrual::accrue`]; each income is its own posting, from
//!   the fund's income account, in one balanced ledger transaction per batch (the fund's
//!   debit equals the batch's credits). One ledger transaction per holder would be three
//!   rows per holder instead of one, and SQLite's cost per row, not the arithmetic, is what
//!   a day of a million holders spends its time on (README: the savings benchmark).

pub mod accrual;
pub mod store;

#[cfg(test)]
pub(crate) mod memory;
#[cfg(test)]
mod tests;

pub use store::*;

use purse_core::api::types::{SavingsDirection, SavingsMoveState, TransactionKind};
use purse_core::calendar::{day_of, next_business_day};
use purse_core::money::{Currency, Money};

use super::entry::{LedgerAccount, LedgerEntry, Posting};
use super::history_row;
use super::rows::{AccountRow, TxRow};
use super::tx::{Reads, Result, Tx};
use accrual::{DailyReturn, accrue};

/// Who the fund is in histories.
pub const FUND_NAME: &str = "Savings fund";
/// Who the fund's income account paid, in its own history.
pub const HOLDERS_NAME: &str = "Savings holders";

/// Where the fund's income comes from: the fund's earnings, passed on to holders. A system
/// account, so its balance is minus everything the fund paid.
pub fn income_account(currency: Currency) -> LedgerAccount {
    LedgerAccount::system("savings:income", currency)
}

/// Where standard redemptions wait for their business day.
pub fn redeeming_account(currency: Currency) -> LedgerAccount {
    LedgerAccount::system("holds:savings", currency)
}

#[derive(Debug, Clone)]
pub struct MoveDraft {
    pub move_id: String,
    pub transaction_id: String,
    pub intent_id: String,
    pub account: AccountRow,
    pub direction: SavingsDirection,
    pub amount: Money,
    /// The most that may leave instantly per day.
    pub instant_cap: Money,
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveRefusal {
    IntentUsed,
    /// The wallet holds less than the subscription.
    InsufficientFunds,
    /// Savings hold less than the redemption.
    OverSavings,
}

// One per request, moved once: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum MoveResult {
    Moved {
        row: SavingsMoveRow,
        /// The wallet's side, when money reached or left it.
        wallet: Option<TxRow>,
        /// The savings side.
        savings: TxRow,
    },
    Refused(MoveRefusal),
}

pub fn balance_of(r: &mut dyn Reads, account: &LedgerAccount, currency: Currency) -> Result<Money> {
    Ok(r.balance(account)?
        .map_or(Money::zero(currency), |(m, _)| m))
}

/// What may still leave instantly today.
pub fn instant_left(r: &mut dyn Reads, account_id: &str, cap: Money, now: i64) -> Result<Money> {
    let used = r.flow(account_id, day_of(now))?.instant_out;
    Ok(Money::new((cap.minor - used).max(0), cap.currency))
}

/// Moves money into or out of savings, exactly once per intent. A refusal writes nothing.
pub fn move_money(tx: &mut dyn Tx, d: &MoveDraft) -> Result<MoveResult> {
    let account_id = d.account.account_id.as_str();
    if tx.savings_move(account_id, &d.intent_id)?.is_some() {
        return Ok(MoveResult::Refused(MoveRefusal::IntentUsed));
    }
    let currency = d.amount.currency;
    let wallet = LedgerAccount::user(account_id);
    let savings = LedgerAccount::savings(account_id);
    let today = day_of(d.now);
    let (instant, standard, postings, description) = match d.direction {
        SavingsDirection::In => {
            if balance_of(tx, &wallet, currency)?.minor < d.amount.minor {
                return Ok(MoveResult::Refused(MoveRefusal::InsufficientFunds));
            }
            let postings =
                LedgerEntry::transfer((wallet, FUND_NAME), (savings, &d.account.name), d.amount);
            (d.amount.minor, 0, postings, "Into savings".to_owned())
        }
        SavingsDirection::Out => {
            if balance_of(tx, &savings, currency)?.minor < d.amount.minor {
                return Ok(MoveResult::Refused(MoveRefusal::OverSavings));
            }
            let instant = d
                .amount
                .minor
                .min(instant_left(tx, account_id, d.instant_cap, d.now)?.minor);
            let standard = d.amount.minor - instant;
            let mut postings = vec![Posting {
                account: savings,
                amount: Money::new(-d.amount.minor, currency),
                counterparty: d.account.name.clone(),
            }];
            if instant > 0 {
                postings.push(Posting {
                    account: wallet,
                    amount: Money::new(instant, currency),
                    counterparty: FUND_NAME.to_owned(),
                });
            }
            if standard > 0 {
                postings.push(Posting {
                    account: redeeming_account(currency),
                    amount: Money::new(standard, currency),
                    counterparty: d.account.name.clone(),
                });
            }
            let description = if standard == 0 {
                "Out of savings".to_owned()
            } else {
                format!(
                    "Out of savings ({} on {})",
                    Money::new(standard, currency),
                    purse_core::calendar::iso_date(next_business_day(today))
                )
            };
            (instant, standard, postings, description)
        }
    };
    let entry = LedgerEntry {
        transaction_id: d.transaction_id.clone(),
        kind: match d.direction {
            SavingsDirection::In => TransactionKind::SavingsIn,
            SavingsDirection::Out => TransactionKind::SavingsOut,
        },
        description,
        created_at: d.now,
        order_id: None,
        intent_id: Some(d.intent_id.clone()),
        postings,
    };
    let posted = tx.post(&entry)?;
    tx.insert_holder(&HolderRow {
        account_id: account_id.to_owned(),
        currency,
        shares: 0,
        carry: 0,
        // Nothing to accrue before today: it held nothing.
        accrued_through: today - 1,
        total_income: 0,
        last_income: 0,
        last_income_day: None,
    })?;
    let flow = match d.direction {
        SavingsDirection::In => Flow {
            moved_in: d.amount.minor,
            ..Flow::default()
        },
        SavingsDirection::Out => Flow {
            moved_out: d.amount.minor,
            instant_out: instant,
            ..Flow::default()
        },
    };
    tx.add_flow(account_id, today, flow)?;
    let row = SavingsMoveRow {
        move_id: d.move_id.clone(),
        intent_id: d.intent_id.clone(),
        account_id: account_id.to_owned(),
        direction: d.direction,
        amount: d.amount,
        instant: Money::new(instant, currency),
        standard: Money::new(standard, currency),
        state: if standard == 0 {
            SavingsMoveState::Completed
        } else {
            SavingsMoveState::Pending
        },
        settles_on: (standard > 0).then(|| next_business_day(today)),
        transaction_id: d.transaction_id.clone(),
        settle_transaction_id: None,
        created_at: d.now,
        settled_at: (standard == 0).then_some(d.now),
    };
    tx.insert_savings_move(&row)?;
    let index_of = |a: &LedgerAccount| entry.postings.iter().position(|p| &p.account == a);
    let wallet =
        index_of(&LedgerAccount::user(account_id)).map(|i| history_row(&entry, &posted, i));
    let savings = index_of(&LedgerAccount::savings(account_id))
        .map(|i| history_row(&entry, &posted, i))
        .ok_or(super::StoreError::Unbalanced(
            "a savings move without its savings posting",
        ))?;
    Ok(MoveResult::Moved {
        row,
        wallet,
        savings,
    })
}

/// The ledger transaction of one batch's incomes of `day` in `currency`, named by the
/// batch's first holder: the same batch posted twice could never commit.
pub fn income_transaction_id(day: i64, currency: Currency, first_holder: &str) -> String {
    format!("tx_inc{day}_{}_{first_holder}", currency.code())
}

/// Lands the standard redemptions due on or before `day` in their wallets; returns them.
pub fn settle_due(tx: &mut dyn Tx, day: i64, now: i64) -> Result<Vec<SavingsMoveRow>> {
    let mut landed = Vec::new();
    loop {
        let due = tx.moves_due(day, 500)?;
        if due.is_empty() {
            return Ok(landed);
        }
        for mut m in due {
            let transaction_id = format!("tx_{}_landed", m.move_id);
            tx.post(&LedgerEntry {
                transaction_id: transaction_id.clone(),
                kind: TransactionKind::SavingsOut,
                description: "Out of savings (standard redemption)".to_owned(),
                created_at: now,
                order_id: None,
                intent_id: Some(m.intent_id.clone()),
                postings: LedgerEntry::transfer(
                    (redeeming_account(m.standard.currency), FUND_NAME),
                    (LedgerAccount::user(&m.account_id), FUND_NAME),
                    m.standard,
                ),
            })?;
            m.state = SavingsMoveState::Completed;
            m.settle_transaction_id = Some(transaction_id);
            m.settled_at = Some(now);
            tx.update_savings_move(&m)?;
            landed.push(m);
        }
    }
}

/// What one batch of a day's accrual did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// The last holder of the batch: the next batch starts after it. `None`: no holder was
    /// left, the day is complete.
    pub last: Option<String>,
    pub holders: usize,
    /// Paid per currency, in minor units.
    pub paid: Vec<(Currency, i64)>,
}

/// Accrues `day` for up to `limit` holders after `after` in account order, in one
/// transaction: each holder's income posted (from the fund's income account, one ledger
/// transaction for the batch), its shares
/// and carry moved on, the day's totals added. Holders accrued for the day already are not
/// read again, so a batch repeated after a crash posts nothing twice.
pub fn accrue_batch(
    tx: &mut dyn Tx,
    day: i64,
    w: DailyReturn,
    after: &str,
    limit: u32,
    now: i64,
) -> Result<Batch> {
    let mut holders = tx.holders_due(day, after, limit)?;
    let Some(last) = holders.last().map(|h| h.account_id.clone()) else {
        return Ok(Batch::default());
    };
    let mut flows = tx.flows_between(day, after, &last)?.into_iter().peekable();
    let mut incomes: Vec<(Currency, Vec<Income>)> = Vec::new();
    for h in &mut holders {
        // Flows come in account order too: walk both lists together.
        while flows
            .peek()
            .is_some_and(|(id, _)| id.as_str() < h.account_id.as_str())
        {
            flows.next();
        }
        let flow = match flows.peek() {
            Some((id, f)) if *id == h.account_id => *f,
            _ => Flow::default(),
        };
        let earning = (h.shares - flow.moved_out).max(0);
        let a = accrue(earning, h.carry, w);
        h.shares = h.shares + flow.moved_in - flow.moved_out + a.income;
        h.carry = a.carry;
        h.accrued_through = day;
        h.last_income = a.income;
        h.last_income_day = Some(day);
        if a.income > 0 {
            h.total_income += a.income;
            let income = Income {
                account_id: h.account_id.clone(),
                amount: Money::new(a.income, h.currency),
            };
            match incomes.iter_mut().find(|(c, _)| *c == h.currency) {
                Some((_, list)) => list.push(income),
                None => incomes.push((h.currency, vec![income])),
            }
        }
    }
    let description = format!("Savings income {}", purse_core::calendar::iso_date(day));
    let mut paid = Vec::new();
    for (currency, list) in &incomes {
        let id = income_transaction_id(day, *currency, &list[0].account_id);
        tx.post_incomes(&income_account(*currency), &id, &description, now, list)?;
        let sum: i64 = list.iter().map(|i| i.amount.minor).sum();
        tx.add_fund_income(day, *currency, list.len() as i64, sum)?;
        paid.push((*currency, sum));
    }
    tx.update_holders(&holders)?;
    Ok(Batch {
        last: Some(last),
        holders: holders.len(),
        paid,
    })
}
