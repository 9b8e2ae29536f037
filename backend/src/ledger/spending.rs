//! The checks every outgoing movement passes, written once for payments and transfers: a
//! recovered device's cap, the account's limits, the balance.

use purse_core::money::Money;

use super::day_of;
use super::entry::LedgerAccount;
use super::limits::{Maxima, OverLimit};
use super::rows::AccountRow;
use super::tx::{Result, Tx};

/// Why money cannot go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overspend {
    LimitPerPayment {
        limit: Money,
    },
    LimitPerDay {
        limit: Money,
        spent: Money,
    },
    /// The device was recovered lately: its spending is capped for a while.
    LimitAfterRecovery {
        limit: Money,
    },
    InsufficientFunds,
}

impl From<OverLimit> for Overspend {
    fn from(o: OverLimit) -> Self {
        match o {
            OverLimit::PerPayment { limit } => Overspend::LimitPerPayment { limit },
            OverLimit::PerDay { limit, spent } => Overspend::LimitPerDay { limit, spent },
        }
    }
}

/// Whether `payer` may send `amount` now.
pub fn check(
    tx: &mut dyn Tx,
    payer: &AccountRow,
    amount: Money,
    maxima: Maxima,
    device_cap: Option<Money>,
    now: i64,
) -> Result<std::result::Result<(), Overspend>> {
    let spent = Money::new(
        tx.spent_on(&payer.account_id, day_of(now))?,
        amount.currency,
    );
    if let Some(cap) = device_cap
        && (amount.minor > cap.minor || spent.minor.saturating_add(amount.minor) > cap.minor)
    {
        return Ok(Err(Overspend::LimitAfterRecovery { limit: cap }));
    }
    if let Err(over) = maxima.for_account(payer).check(amount, spent) {
        return Ok(Err(over.into()));
    }
    let balance = tx.balance(&LedgerAccount::user(&payer.account_id))?;
    if balance.is_none_or(|(b, _)| b.minor < amount.minor) {
        return Ok(Err(Overspend::InsufficientFunds));
    }
    Ok(Ok(()))
}

/// Counts what went out towards today's limit (in the same transaction as the posting).
pub fn record(tx: &mut dyn Tx, payer: &AccountRow, amount: Money, now: i64) -> Result<()> {
    tx.add_spent(&payer.account_id, day_of(now), amount)
}
