//! The savings rules on the in-memory transaction: moves, the cap, standard redemptions, and
//! the daily accrual with the ledger's invariants after each step.

use proptest::prelude::*;
use purse_core::api::types::{SavingsDirection, SavingsMoveState, TransactionKind};
use purse_core::money::Money;

use super::accrual::{DailyReturn, SCALE};
use super::*;
use crate::ledger::memory::{Memory, shop};
use crate::ledger::tx::Reads;

const DAY: i64 = 86_400;
/// A Wednesday (2026-12-02), at noon.
const WEDNESDAY: i64 = 20_789 * DAY + DAY / 2;

fn draft(
    m: &mut Memory,
    intent: &str,
    direction: SavingsDirection,
    minor: i64,
    now: i64,
) -> MoveDraft {
    let account = m.account("acct_payer").unwrap().unwrap();
    MoveDraft {
        move_id: format!("sv_{intent}"),
        transaction_id: format!("tx_{intent}"),
        intent_id: intent.into(),
        amount: Money::new(minor, account.currency),
        instant_cap: Money::new(3_000, account.currency),
        account,
        direction,
        now,
    }
}

fn try_move(
    m: &mut Memory,
    intent: &str,
    direction: SavingsDirection,
    minor: i64,
    now: i64,
) -> MoveResult {
    let d = draft(m, intent, direction, minor, now);
    move_money(m, &d).unwrap()
}

fn moved(
    m: &mut Memory,
    intent: &str,
    direction: SavingsDirection,
    minor: i64,
    now: i64,
) -> SavingsMoveRow {
    match try_move(m, intent, direction, minor, now) {
        MoveResult::Moved { row, .. } => row,
        MoveResult::Refused(r) => panic!("refused: {r:?}"),
    }
}

fn savings(m: &Memory) -> i64 {
    m.balances
        .get(&LedgerAccount::savings("acct_payer"))
        .map_or(0, |(b, _)| b.minor)
}

/// Runs the job for `day` as the backend does: batches, then the next morning's landings.
fn accrue_day(m: &mut Memory, day: i64, w: i64, batch: u32) -> usize {
    let started = m.start_fund_day(day, w).unwrap();
    let mut after = String::new();
    let mut holders = 0;
    loop {
        let b = accrue_batch(
            m,
            day,
            DailyReturn(started.per_10k),
            &after,
            batch,
            day * DAY,
        )
        .unwrap();
        let Some(last) = b.last else { break };
        holders += b.holders;
        after = last;
    }
    settle_due(m, day + 1, (day + 1) * DAY).unwrap();
    m.complete_fund_day(day, day * DAY).unwrap();
    holders
}

/// No money made or lost; the fund paid exactly what holders received; every carry below
/// one minor unit; a holder's shares at the close equal its savings account.
fn assert_sound(m: &Memory) {
    assert_eq!(m.total(), 0, "money made or lost");
    let cny = purse_core::money::Currency::from_code("CNY").unwrap();
    let fund_paid = -m
        .balances
        .get(&income_account(cny))
        .map_or(0, |(b, _)| b.minor);
    let holders_got: i64 = m
        .savings_tables
        .holders
        .values()
        .map(|h| h.total_income)
        .sum();
    assert_eq!(fund_paid, holders_got);
    for h in m.savings_tables.holders.values() {
        assert!((0..SCALE as i64).contains(&h.carry));
    }
}

#[test]
fn a_subscription_leaves_the_wallet_at_once_and_earns_from_the_next_day() {
    let mut m = shop();
    let today = day_of(WEDNESDAY);
    let row = moved(&mut m, "pi_1", SavingsDirection::In, 8_000, WEDNESDAY);
    assert_eq!(row.state, SavingsMoveState::Completed);
    assert_eq!(m.wallet("acct_payer"), 2_000);
    assert_eq!(savings(&m), 8_000);
    // The day it came in earns nothing (T+1) ...
    accrue_day(&mut m, today, 1_000_000, 10);
    assert_eq!(savings(&m), 8_000);
    // ... the next day it does: 8,000 x 1,000,000 / 10^8 = 80.
    accrue_day(&mut m, today + 1, 1_000_000, 10);
    assert_eq!(savings(&m), 8_080);
    let h = m.holder("acct_payer").unwrap().unwrap();
    assert_eq!((h.shares, h.last_income, h.total_income), (8_080, 80, 80));
    let history = m.history_of(&LedgerAccount::savings("acct_payer"));
    assert_eq!(
        history.last().unwrap().transaction.kind,
        TransactionKind::SavingsIncome
    );
    assert_sound(&m);
}

#[test]
fn accruing_a_day_twice_posts_once() {
    let mut m = shop();
    let today = day_of(WEDNESDAY);
    moved(&mut m, "pi_1", SavingsDirection::In, 8_000, WEDNESDAY);
    accrue_day(&mut m, today, 4521, 10);
    accrue_day(&mut m, today + 1, 1_000_000, 10);
    let ledger = m.ledger.len();
    accrue_day(&mut m, today + 1, 1_000_000, 10);
    let again = accrue_batch(&mut m, today + 1, DailyReturn(1_000_000), "", 10, 0).unwrap();
    assert_eq!(again.holders, 0);
    assert_eq!(m.ledger.len(), ledger, "nothing posted twice");
    assert_eq!(savings(&m), 8_080);
    assert_sound(&m);
}

#[test]
fn redeeming_is_instant_up_to_the_cap_and_standard_beyond_it() {
    let mut m = shop();
    moved(&mut m, "pi_1", SavingsDirection::In, 9_000, WEDNESDAY);
    // 2,000 of a 3,000 cap at once.
    let first = moved(&mut m, "pi_2", SavingsDirection::Out, 2_000, WEDNESDAY);
    assert_eq!((first.instant.minor, first.standard.minor), (2_000, 0));
    assert_eq!(m.wallet("acct_payer"), 3_000);
    let MoveResult::Moved {
        row: second,
        wallet,
        ..
    } = try_move(&mut m, "pi_3", SavingsDirection::Out, 4_000, WEDNESDAY)
    else {
        panic!()
    };
    assert_eq!(
        (second.instant.minor, second.standard.minor),
        (1_000, 3_000)
    );
    assert_eq!(second.state, SavingsMoveState::Pending);
    assert_eq!(second.settles_on, Some(day_of(WEDNESDAY) + 1), "Thursday");
    assert_eq!(wallet.unwrap().transaction.amount.minor, 1_000);
    assert_eq!(m.wallet("acct_payer"), 4_000);
    assert_eq!(savings(&m), 3_000);
    assert_eq!(m.redeeming("acct_payer").unwrap(), 3_000);
    assert_sound(&m);
    // Above what savings hold: refused, nothing written.
    let before = m.ledger.len();
    let over = try_move(&mut m, "pi_4", SavingsDirection::Out, 3_001, WEDNESDAY);
    assert!(matches!(
        over,
        MoveResult::Refused(MoveRefusal::OverSavings)
    ));
    assert_eq!(m.ledger.len(), before);
    // The same intent again: refused as used.
    let again = try_move(&mut m, "pi_3", SavingsDirection::Out, 4_000, WEDNESDAY);
    assert!(matches!(
        again,
        MoveResult::Refused(MoveRefusal::IntentUsed)
    ));
    // The job of Wednesday lands it on Thursday morning.
    accrue_day(&mut m, day_of(WEDNESDAY), 4521, 10);
    assert_eq!(m.wallet("acct_payer"), 7_000);
    assert_eq!(m.redeeming("acct_payer").unwrap(), 0);
    let landed = m.savings_move("acct_payer", "pi_3").unwrap().unwrap();
    assert_eq!(landed.state, SavingsMoveState::Completed);
    assert_sound(&m);
}

#[test]
fn a_standard_redemption_on_friday_lands_on_monday() {
    let mut m = shop();
    let friday = WEDNESDAY + 2 * DAY;
    moved(&mut m, "pi_1", SavingsDirection::In, 9_000, friday);
    let row = moved(&mut m, "pi_2", SavingsDirection::Out, 5_000, friday);
    assert_eq!(row.settles_on, Some(day_of(friday) + 3));
    accrue_day(&mut m, day_of(friday), 4521, 10);
    accrue_day(&mut m, day_of(friday) + 1, 4521, 10);
    assert_eq!(m.wallet("acct_payer"), 1_000 + 3_000, "not on the weekend");
    accrue_day(&mut m, day_of(friday) + 2, 4521, 10);
    assert_eq!(m.wallet("acct_payer"), 1_000 + 5_000, "Monday morning");
    assert_sound(&m);
}

#[test]
fn a_subscription_needs_the_money_in_the_wallet() {
    let mut m = shop();
    let r = try_move(&mut m, "pi_1", SavingsDirection::In, 10_001, WEDNESDAY);
    assert!(matches!(
        r,
        MoveResult::Refused(MoveRefusal::InsufficientFunds)
    ));
    assert_eq!(m.wallet("acct_payer"), 10_000);
}

#[test]
fn shares_that_leave_during_a_day_earn_nothing_that_day() {
    let mut m = shop();
    let today = day_of(WEDNESDAY);
    moved(&mut m, "pi_1", SavingsDirection::In, 8_000, WEDNESDAY);
    accrue_day(&mut m, today, 1_000_000, 10);
    let thursday = WEDNESDAY + DAY;
    moved(&mut m, "pi_2", SavingsDirection::Out, 3_000, thursday);
    moved(&mut m, "pi_3", SavingsDirection::In, 1_000, thursday);
    accrue_day(&mut m, today + 1, 1_000_000, 10);
    // 8,000 - 3,000 earned 1 %; the 1,000 that came in did not.
    assert_eq!(savings(&m), 8_000 - 3_000 + 1_000 + 50);
    assert_sound(&m);
}

proptest! {
    /// Random holders subscribing and redeeming on random days at random returns, accrued in
    /// random batch sizes: no money appears or disappears, the fund pays exactly what
    /// holders receive, carries stay below one minor unit, and each holder's shares at the
    /// close equal its savings account.
    #[test]
    fn the_ledger_holds_over_random_days(
        days in proptest::collection::vec(
            (0i64..30_000, proptest::collection::vec((0usize..4, any::<bool>(), 1i64..3_000), 0..6)),
            1..12,
        ),
        batch in 1u32..4,
    ) {
        let mut m = shop();
        let ids = ["acct_payer", "acct_b", "acct_c", "acct_d"];
        let cny = purse_core::money::Currency::from_code("CNY").unwrap();
        for id in &ids[1..] {
            m.insert_account(&crate::ledger::AccountRow {
                account_id: (*id).into(),
                name: (*id).into(),
                currency: cny,
                created_at: 0,
                limit_per_payment: None,
                limit_per_day: None,
            }).unwrap();
            m.post(&LedgerEntry {
                transaction_id: format!("tx_fund_{id}"),
                kind: TransactionKind::Topup,
                description: String::new(),
                created_at: 0,
                postings: LedgerEntry::transfer(
                    (LedgerAccount::system("funding:test", cny), id),
                    (LedgerAccount::user(id), "test"),
                    Money::new(10_000, cny),
                ),
                order_id: None,
                intent_id: None,
            }).unwrap();
        }
        let first = day_of(WEDNESDAY);
        let mut n = 0;
        for (i, (w, moves)) in days.iter().enumerate() {
            let day = first + i as i64;
            for (who, into, minor) in moves {
                n += 1;
                let account = m.account(ids[*who]).unwrap().unwrap();
                let d = MoveDraft {
                    move_id: format!("sv_{n}"),
                    transaction_id: format!("tx_{n}"),
                    intent_id: format!("pi_{n}"),
                    amount: Money::new(*minor, cny),
                    instant_cap: Money::new(1_500, cny),
                    account,
                    direction: if *into { SavingsDirection::In } else { SavingsDirection::Out },
                    now: day * DAY + 3_600,
                };
                // Refusals (not enough in the wallet or in savings) write nothing.
                let _ = move_money(&mut m, &d).unwrap();
            }
            accrue_day(&mut m, day, *w, batch);
            assert_sound(&m);
            for h in m.savings_tables.holders.values() {
                let account = m.balances.get(&LedgerAccount::savings(&h.account_id)).map_or(0, |(b, _)| b.minor);
                prop_assert_eq!(h.shares, account, "{}", h.account_id);
            }
        }
    }
}
