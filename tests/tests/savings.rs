//! Savings on the real backend and its SQLite store: money in at once and earning from the
//! next day, the daily job run by the backend itself when its fund clock moves, catch-up
//! after missed days, instant redemptions up to the cap and a standard one landing on the
//! next business day, a redemption above the balance refused with its own code, and a lost
//! answer reconciled once. The ledger is checked after each test.

mod common;

use std::time::Duration;

use common::*;
use purse_backend::clock::Clock;
use purse_backend::fund::{RateSchedule, accrue_through};
use purse_core::api::types::{SavingsMove, SavingsMoveState, TransactionKind, TransactionStatus};
use purse_core::calendar::{day_of, is_business_day};
use purse_core::pay::SavingsOutcome;
use purse_core::wallet::WalletError;

const DAY: i64 = 86_400;

fn moved(o: SavingsOutcome) -> SavingsMove {
    match o {
        SavingsOutcome::Completed { savings_move } => savings_move,
        other => panic!("not moved: {other:?}"),
    }
}

/// A backend whose fund clock this test moves, with a cap of 100.00 on instant redemptions.
async fn backend() -> (Backend, Clock) {
    let clock = Clock::default();
    let c = clock.clone();
    let b = Backend::start_with(move |cfg| {
        cfg.fund_clock = c;
        cfg.savings_instant_cap_major = 100;
    })
    .await;
    (b, clock)
}

/// Waits until the backend's own job has finished its run at start (it completes the day
/// before the fund clock's today), so that a test's own run of the job does not meet it
/// half-way (on a slower engine the start run may still be going).
async fn start_run_done(b: &Backend, clock: &Clock) {
    let yesterday = day_of(clock.now()) - 1;
    for _ in 0..400 {
        let newest = b.store().read(|r| r.newest_fund_day()).await.unwrap();
        if newest.is_some_and(|d| d.day >= yesterday && d.completed_at.is_some()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the backend's job did not finish its first run");
}

/// Waits until the backend's own job has accrued through yesterday (its fund clock's).
async fn accrued(w: &purse_core::Wallet, clock: &Clock) -> purse_core::api::types::Savings {
    let yesterday = purse_core::calendar::iso_date(day_of(clock.now()) - 1);
    for _ in 0..200 {
        let s = w.savings().await.unwrap();
        if s.returns.first().map(|d| d.date.as_str()) == Some(yesterday.as_str()) {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the backend did not accrue through {yesterday}");
}

#[tokio::test]
async fn savings_earn_from_the_next_day_and_the_job_runs_when_days_pass() {
    let (b, clock) = backend().await;
    let ada = funded_wallet(&b.url(), "Ada", "500.00 CNY").await.wallet;

    let m = moved(ada.savings_in(money("300.00 CNY")).await.unwrap());
    assert_eq!(m.state, SavingsMoveState::Completed);
    assert_eq!(m.balance, money("200.00 CNY"), "the wallet paid at once");
    assert_eq!(m.savings_balance, money("300.00 CNY"));
    let today = day_of(clock.now());
    assert_eq!(
        m.earns_from.as_deref(),
        Some(purse_core::calendar::iso_date(today + 1).as_str())
    );
    assert_eq!(ada.balance().await.unwrap(), money("200.00 CNY"));
    let s = ada.savings().await.unwrap();
    assert_eq!(s.not_yet_earning, money("300.00 CNY"));

    // A day passes: the day it came in earns nothing (T+1).
    clock.advance(DAY);
    let s = accrued(&ada, &clock).await;
    assert_eq!(s.balance, money("300.00 CNY"));
    assert_eq!(s.yesterday_income, money("0.00 CNY"));

    // Seven more: 30,000 shares x 0.4521 / 10,000 = 1.3563 fen a day, carried exactly.
    clock.advance(7 * DAY);
    let s = accrued(&ada, &clock).await;
    assert_eq!(s.returns.len(), 7);
    assert_eq!(
        s.seven_day_yield_ppm,
        Some(16_638),
        "1.6638 % at 1.65 % a year"
    );
    assert!(s.total_income.minor >= 9, "{:?}", s.total_income);
    assert_eq!(s.balance.minor, 30_000 + s.total_income.minor);
    assert!(s.yesterday_income.minor >= 1);
    let history = ada.savings_history(50, None).await.unwrap();
    let incomes = history
        .data
        .iter()
        .filter(|e| e.transaction.kind == TransactionKind::SavingsIncome)
        .count();
    assert!(incomes >= 6, "{incomes} income rows");
    assert_eq!(
        history.data.last().unwrap().transaction.kind,
        TransactionKind::SavingsIn
    );
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn the_job_catches_up_missed_days_in_order_and_runs_each_once() {
    let (b, clock) = backend().await;
    start_run_done(&b, &clock).await;
    let ada = funded_wallet(&b.url(), "Ada", "500.00 CNY").await.wallet;
    moved(ada.savings_in(money("400.00 CNY")).await.unwrap());
    let store = &b.server.store;
    let today = day_of(clock.now());
    // The backend was down for three days: one run accrues each of them, oldest first.
    let now = clock.now() + 4 * DAY;
    let days = accrue_through(store, &RateSchedule::default(), today + 3, now, 2)
        .await
        .unwrap();
    let order: Vec<i64> = days.iter().map(|d| d.day).collect();
    assert_eq!(order, vec![today, today + 1, today + 2, today + 3]);
    assert_eq!(days[0].paid, vec![], "nothing on the day it came in");
    // 40,000 shares: 1.8084 fen a day, so 1, 2 and 2 fen as the carry adds up.
    let paid: Vec<i64> = days[1..]
        .iter()
        .map(|d| d.paid.iter().map(|p| p.1).sum())
        .collect();
    assert_eq!(paid, vec![1, 2, 2]);
    // Run again: nothing is owed, nothing posted.
    assert!(
        accrue_through(store, &RateSchedule::default(), today + 3, now, 2)
            .await
            .unwrap()
            .is_empty()
    );
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn redemptions_are_instant_up_to_the_cap_and_standard_beyond_it() {
    let (b, clock) = backend().await;
    let ada = funded_wallet(&b.url(), "Ada", "500.00 CNY").await.wallet;
    moved(ada.savings_in(money("400.00 CNY")).await.unwrap());

    let first = moved(ada.savings_out(money("60.00 CNY")).await.unwrap());
    assert_eq!(
        (first.instant, first.standard),
        (money("60.00 CNY"), money("0.00 CNY"))
    );
    assert_eq!(first.balance, money("160.00 CNY"));
    // 40.00 of the 100.00 cap left: the rest is standard.
    let second = moved(ada.savings_out(money("90.00 CNY")).await.unwrap());
    assert_eq!(second.instant, money("40.00 CNY"));
    assert_eq!(second.standard, money("50.00 CNY"));
    assert_eq!(second.state, SavingsMoveState::Pending);
    let lands =
        purse_core::calendar::parse_iso_date(second.settles_on.as_deref().unwrap()).unwrap();
    assert!(lands > day_of(clock.now()) && is_business_day(lands));
    assert_eq!(ada.balance().await.unwrap(), money("200.00 CNY"));
    let s = ada.savings().await.unwrap();
    assert_eq!(s.balance, money("250.00 CNY"));
    assert_eq!(s.redeeming, money("50.00 CNY"));
    assert_eq!(s.instant_left, money("0.00 CNY"));
    let pending = ada.savings_history(10, None).await.unwrap().data[0].clone();
    assert_eq!(pending.transaction.status, TransactionStatus::Pending);
    assert_eq!(pending.settles_on, second.settles_on);

    // Above the balance: its own code, nothing moved.
    match ada.savings_out(money("250.01 CNY")).await {
        Err(WalletError::PaymentRefused { code, .. }) => assert_eq!(code, "savings_insufficient"),
        other => panic!("{other:?}"),
    }
    assert_eq!(ada.savings().await.unwrap().balance, money("250.00 CNY"));

    // The business day comes: the standard part lands in the wallet.
    clock.advance((lands - day_of(clock.now())) * DAY);
    accrued(&ada, &clock).await;
    assert_eq!(ada.balance().await.unwrap(), money("250.00 CNY"));
    let done = ada.savings_move(&second.intent_id).await.unwrap().unwrap();
    assert_eq!(
        done.state,
        SavingsMoveState::Completed,
        "as the backend has it now"
    );
    assert!(done.settled_at.is_some());
    let s = ada.savings().await.unwrap();
    assert_eq!(s.redeeming, money("0.00 CNY"));
    assert_eq!(s.instant_left, money("100.00 CNY"), "a new day, a new cap");
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_lost_answer_leaves_a_move_pending_and_it_happens_once() {
    let (b, proxy) = Backend::behind_proxy(1, 0, Duration::ZERO).await;
    let (ada, _dir) = impatient_funded(&proxy.url, "100.00 CNY").await;
    let mut answered = proxy.hold_answers("/v1/savings/moves");
    let outcome = ada.savings_in(money("40.00 CNY")).await.unwrap();
    assert!(
        matches!(outcome, SavingsOutcome::Pending { .. }),
        "{outcome:?}"
    );
    assert!(answered.recv().await.unwrap().contains("201"));
    proxy.release_answers();
    let results = ada.reconcile().await.unwrap();
    assert_eq!(results.len(), 1);
    assert!(!results[0].1.as_ref().unwrap().is_pending());
    assert_eq!(
        ada.balance().await.unwrap(),
        money("60.00 CNY"),
        "moved once"
    );
    assert_eq!(ada.savings().await.unwrap().balance, money("40.00 CNY"));
    b.assert_ledger_sound().await;
}
