//! The daily job: accrues every day that ended and was not accrued yet, oldest first, in
//! batches of holders (each batch one transaction), then lands the standard redemptions due
//! the next morning and marks the day complete. Safe to run twice, from two processes, or
//! after a crash half-way through a day: a holder accrued for a day is never read for it
//! again, and the day's row keeps the return it started with.

use std::sync::Arc;
use std::time::Duration;

use purse_core::calendar::{day_of, iso_date};
use purse_core::money::Currency;

use super::RateSchedule;
use crate::app::AppState;
use crate::ledger::StoreError;
use crate::ledger::savings::accrual::DailyReturn;
use crate::ledger::savings::{accrue_batch, settle_due};
use crate::store::Store;

/// Holders per transaction: large enough to amortize a commit, small enough that payments
/// wait at most a few tens of milliseconds behind a batch.
pub const BATCH: u32 = 5_000;

/// What the job did for one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayReport {
    pub day: i64,
    pub per_10k: i64,
    /// Holders accrued (paid or not).
    pub holders: usize,
    /// Paid per currency, in minor units.
    pub paid: Vec<(Currency, i64)>,
    /// Standard redemptions landed in wallets the next morning.
    pub landed: usize,
}

/// The first day the job still owes: the day after the newest completed one (or that one
/// itself, if a run stopped in it), else the first day a holder needs, else `through`.
async fn first_day(store: &Arc<dyn Store>, through: i64) -> Result<i64, StoreError> {
    store
        .read(|r| {
            Ok(match r.newest_fund_day()? {
                Some(d) if d.completed_at.is_none() => d.day,
                Some(d) => d.day + 1,
                None => r.first_day_due()?.unwrap_or(through).min(through),
            })
        })
        .await
}

/// Accrues every owed day up to and including `through` (a day that has ended), and
/// returns what each did; nothing when all are done. `now` stamps the postings.
pub async fn accrue_through(
    store: &Arc<dyn Store>,
    rates: &RateSchedule,
    through: i64,
    now: i64,
    batch: u32,
) -> Result<Vec<DayReport>, StoreError> {
    let mut reports = Vec::new();
    for day in first_day(store, through).await?..=through {
        let per_10k = rates.return_on(day).0;
        let started = store
            .write(move |tx| tx.start_fund_day(day, per_10k))
            .await?;
        let w = DailyReturn(started.per_10k);
        let mut report = DayReport {
            day,
            per_10k: started.per_10k,
            holders: 0,
            paid: Vec::new(),
            landed: 0,
        };
        let mut after = String::new();
        loop {
            let from = after.clone();
            let b = store
                .write(move |tx| accrue_batch(tx, day, w, &from, batch, now))
                .await?;
            let Some(last) = b.last else { break };
            report.holders += b.holders;
            for (c, p) in b.paid {
                match report.paid.iter_mut().find(|(k, _)| *k == c) {
                    Some((_, sum)) => *sum += p,
                    None => report.paid.push((c, p)),
                }
            }
            after = last;
        }
        report.landed = store
            .write(move |tx| {
                let landed = settle_due(tx, day + 1, now)?;
                tx.complete_fund_day(day, now)?;
                Ok(landed.len())
            })
            .await?;
        tracing::info!(
            day = %iso_date(day),
            holders = report.holders,
            landed = report.landed,
            "savings day accrued"
        );
        reports.push(report);
    }
    Ok(reports)
}

/// Runs the job whenever a day has ended unaccrued: at start (catching up after downtime),
/// each minute, and at once when the clock is moved.
pub async fn scheduler(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = state.config.fund_clock.changed() => {}
        }
        let now = state.fund_now();
        let yesterday = day_of(now) - 1;
        match accrue_through(
            &state.store,
            &state.config.savings_rates,
            yesterday,
            now,
            BATCH,
        )
        .await
        {
            Ok(days) if !days.is_empty() => match state.store.read(|r| r.newest_seq()).await {
                Ok(seq) => state.ledger_moved(seq),
                Err(e) => tracing::warn!("savings job: {e}"),
            },
            Ok(_) => {}
            Err(e) => tracing::warn!("savings job failed: {e}"),
        }
    }
}
