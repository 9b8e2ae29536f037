//! The pay-code rules on the in-memory transaction: charged at once within the limit and
//! once only, a step of drift either way and no more, waiting above the limit, confirmed or
//! canceled after its minute, revoked devices and expired secrets refused.

use purse_core::api::types::{ChargeState, NoticeKind};
use purse_core::money::Money;
use purse_core::paycode::consumer::{
    PresentedCode, first_counter, generate, generate_at, next_counter,
};

use super::*;
use crate::ledger::devices::DeviceReads;
use crate::ledger::memory::{Memory, shop};
use crate::ledger::rows::DeviceRow;
use crate::ledger::tx::Reads;

const NOW: i64 = 1_800_000_000;
const SECRET: &[u8] = b"the payer phone's pay-code secret";

fn with_key() -> Memory {
    with_device(None)
}

fn with_device(restricted_until: Option<i64>) -> Memory {
    let mut m = shop();
    m.insert_device(&DeviceRow {
        device_id: "dev_ann".into(),
        account_id: "acct_payer".into(),
        name: "Ann's phone".into(),
        public_key: "k".into(),
        payment_public_key: "p".into(),
        created_at: 0,
        revoked_at: None,
        restricted_until,
    })
    .unwrap();
    let key = issue(
        &mut m,
        "dev_ann",
        "acct_payer",
        SECRET.to_vec(),
        &mut || 1_234,
        KEY_TTL_SECS,
        NOW - 60,
    )
    .unwrap();
    assert_eq!(key.device_index, 1_234);
    m
}

fn draft(m: &mut Memory, code: &str, minor: i64, now: i64, id: &str) -> ChargeDraft {
    let merchant = m.merchant("mch_1").unwrap().unwrap();
    ChargeDraft {
        charge_id: id.into(),
        transaction_id: format!("tx_{id}"),
        merchant_account: m.account("acct_shop").unwrap().unwrap(),
        merchant,
        code: PresentedCode::parse(code).unwrap(),
        amount: Money::new(minor, m.account("acct_payer").unwrap().unwrap().currency),
        reference: "till 1".into(),
        maxima: Maxima {
            per_payment_major: 5_000,
            per_day_major: 20_000,
        },
        confirm_secs: CONFIRM_SECS,
        restricted_cap: Money::new(50_000, m.account("acct_payer").unwrap().unwrap().currency),
        now,
        secrets: super::SecretOpener::plain(),
    }
}

fn refusal(r: ChargeResult) -> ChargeRefusal {
    match r {
        ChargeResult::Refused { refusal, .. } => refusal,
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn a_code_within_the_limit_is_charged_at_once_and_only_once() {
    let mut m = with_key();
    let code = generate(SECRET, 1_234, NOW).digits();
    let d = draft(&mut m, &code, 800, NOW, "pc_1");
    let ChargeResult::Charged { charge: done, tx } = charge(&mut m, &d).unwrap() else {
        panic!()
    };
    assert_eq!(done.state, ChargeState::Completed);
    assert_eq!(tx.transaction.amount.minor, 800, "the merchant's side");
    assert_eq!(m.wallet("acct_payer"), 10_000 - 800);
    assert_eq!(m.total(), 0);
    let again = draft(&mut m, &code, 800, NOW + 5, "pc_2");
    assert_eq!(
        refusal(charge(&mut m, &again).unwrap()),
        ChargeRefusal::Used
    );
    // An earlier step's code is refused too, though still inside its window.
    let earlier = generate(SECRET, 1_234, NOW - 30).digits();
    let d = draft(&mut m, &earlier, 800, NOW, "pc_3");
    assert_eq!(refusal(charge(&mut m, &d).unwrap()), ChargeRefusal::Used);
    assert_eq!(m.wallet("acct_payer"), 10_000 - 800);
    // The phone's next code of the same step (its next slot) is charged; then the slot
    // before it is used.
    let used = first_counter(NOW);
    let next = generate_at(SECRET, 1_234, next_counter(NOW, Some(used)).unwrap());
    let d = draft(&mut m, &next.qr_text(), 200, NOW + 5, "pc_4");
    assert!(matches!(
        charge(&mut m, &d).unwrap(),
        ChargeResult::Charged { .. }
    ));
    assert_eq!(m.wallet("acct_payer"), 10_000 - 1_000);
    let d = draft(&mut m, &code, 200, NOW + 6, "pc_5");
    assert_eq!(refusal(charge(&mut m, &d).unwrap()), ChargeRefusal::Used);
    assert_eq!(m.total(), 0);
}

#[test]
fn one_step_of_drift_either_way_and_not_two() {
    let mut m = with_key();
    let ahead = generate(SECRET, 1_234, NOW + 30).digits();
    let d = draft(&mut m, &ahead, 100, NOW, "pc_1");
    assert!(matches!(
        charge(&mut m, &d).unwrap(),
        ChargeResult::Charged { .. }
    ));
    let mut m = with_key();
    // Two steps old it is the device's but stale (not a guess); fifteen minutes old, unknown.
    let old = generate(SECRET, 1_234, NOW - 60).digits();
    let d = draft(&mut m, &old, 100, NOW, "pc_1");
    let r = refusal(charge(&mut m, &d).unwrap());
    assert_eq!(r, ChargeRefusal::Stale);
    assert!(!r.is_failed_guess());
    let older = generate(SECRET, 1_234, NOW - 900).digits();
    let d = draft(&mut m, &older, 100, NOW, "pc_1");
    assert_eq!(refusal(charge(&mut m, &d).unwrap()), ChargeRefusal::Invalid);
    let guess = format!("2900001234{:08}", 12_345_678);
    let d = draft(&mut m, &guess, 100, NOW, "pc_2");
    assert!(refusal(charge(&mut m, &d).unwrap()).is_failed_guess());
    let unknown = generate(SECRET, 9_999, NOW).digits();
    let d = draft(&mut m, &unknown, 100, NOW, "pc_3");
    assert_eq!(refusal(charge(&mut m, &d).unwrap()), ChargeRefusal::Invalid);
}

#[test]
fn above_the_limit_it_waits_for_the_customer_then_is_confirmed_or_canceled() {
    let mut m = with_key();
    let code = generate(SECRET, 1_234, NOW).digits();
    let d = draft(&mut m, &code, 6_000, NOW, "pc_1");
    let ChargeResult::Awaiting { charge: waiting } = charge(&mut m, &d).unwrap() else {
        panic!()
    };
    assert_eq!(waiting.state, ChargeState::AwaitingConfirmation);
    assert_eq!(m.wallet("acct_payer"), 10_000, "nothing moved yet");
    let notice = m.notices("acct_payer", 0, 10).unwrap().pop().unwrap();
    assert_eq!(notice.kind, NoticeKind::PaycodeConfirmation);
    assert_eq!(notice.intent_id.as_deref(), Some("pc_1"));
    let payer = m.account("acct_payer").unwrap().unwrap();
    let maxima = d.maxima;
    let (done, mine) = confirm(&mut m, waiting, &payer, maxima, None, "tx_c", NOW + 20)
        .unwrap()
        .unwrap();
    assert_eq!(done.state, ChargeState::Completed);
    assert_eq!(mine.transaction.amount.minor, -6_000);
    assert_eq!(m.wallet("acct_payer"), 4_000);
    assert_eq!(m.total(), 0);

    // With a lower limit of her own, another waits; not confirmed within its minute, it is
    // canceled and nothing moved.
    m.set_paycode_limit("acct_payer", Money::new(1_000, payer.currency))
        .unwrap();
    let code = generate(SECRET, 1_234, NOW + 60).digits();
    let d = draft(&mut m, &code, 3_000, NOW + 60, "pc_2");
    let ChargeResult::Awaiting { charge: late } = charge(&mut m, &d).unwrap() else {
        panic!()
    };
    assert_eq!(cancel_expired(&mut m, NOW + 130).unwrap(), 1);
    let r = confirm(&mut m, late, &payer, maxima, None, "tx_d", NOW + 130).unwrap();
    assert_eq!(r.unwrap_err(), ConfirmRefusal::NotWaiting);
    assert_eq!(
        m.charge("pc_2").unwrap().unwrap().state,
        ChargeState::Canceled
    );
    assert_eq!(m.wallet("acct_payer"), 4_000);
}

#[test]
fn a_revoked_device_and_an_expired_secret_are_refused() {
    let mut m = with_key();
    let later = NOW + KEY_TTL_SECS + 3_600;
    let code = generate(SECRET, 1_234, later).digits();
    let d = draft(&mut m, &code, 100, later, "pc_1");
    assert_eq!(refusal(charge(&mut m, &d).unwrap()), ChargeRefusal::Expired);
    m.revoke_device("acct_payer", "dev_ann", NOW).unwrap();
    let code = generate(SECRET, 1_234, NOW).digits();
    let d = draft(&mut m, &code, 100, NOW, "pc_2");
    assert_eq!(refusal(charge(&mut m, &d).unwrap()), ChargeRefusal::Revoked);
    // A refreshed secret keeps the index and the high-water mark.
    let again = issue(
        &mut m,
        "dev_ann",
        "acct_payer",
        b"new".to_vec(),
        &mut || 7,
        KEY_TTL_SECS,
        NOW,
    )
    .unwrap();
    assert_eq!(again.device_index, 1_234);
}

#[test]
fn a_recovered_devices_codes_are_held_to_its_day_cap() {
    let mut m = with_device(Some(NOW + 3_600));
    let code = generate(SECRET, 1_234, NOW).digits();
    let mut d = draft(&mut m, &code, 4_000, NOW, "pc_1");
    d.restricted_cap = Money::new(3_000, d.amount.currency);
    assert!(matches!(
        refusal(charge(&mut m, &d).unwrap()),
        ChargeRefusal::Over(_)
    ));
    assert_eq!(m.wallet("acct_payer"), 10_000);
    // A device whose restricted days are over is not held to it.
    let mut m2 = with_device(Some(NOW));
    let d2 = ChargeDraft { now: NOW + 10, ..d };
    assert!(matches!(
        charge(&mut m2, &d2).unwrap(),
        ChargeResult::Charged { .. }
    ));
}
