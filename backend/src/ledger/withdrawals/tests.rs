//! The withdrawal rule on the in-memory transaction.

use purse_core::api::types::{
    FundingKind, NoticeKind, PayoutState, TransactionKind, WithdrawalState,
};
use purse_core::money::Money;

use super::*;
use crate::funding::Behaviour;
use crate::ledger::devices::DeviceReads;
use crate::ledger::memory::{Memory, shop};
use crate::ledger::tx::Reads;

fn bank(last4: &str) -> FundingRow {
    FundingRow {
        source_id: format!("src_{last4}"),
        account_id: "acct_payer".into(),
        kind: FundingKind::Bank,
        brand: "DE".into(),
        last4: last4.into(),
        behaviour: Behaviour::Approve,
        created_at: 0,
    }
}

fn draft(m: &mut Memory, intent: &str, source: FundingRow, minor: i64) -> WithdrawalDraft {
    let account = m.account("acct_payer").unwrap().unwrap();
    WithdrawalDraft {
        withdrawal_id: format!("wd_{intent}"),
        transaction_id: format!("tx_{intent}"),
        intent_id: intent.into(),
        amount: Money::new(minor, account.currency),
        account,
        source,
        source_label: "Bank DE •••• 3000".into(),
        maxima: Maxima {
            per_payment_major: 100,
            per_day_major: 100,
        },
        device_cap: None,
        now: 10,
    }
}

#[test]
fn a_withdrawal_is_held_then_paid_out_or_returned() {
    let mut m = shop();
    let d = draft(&mut m, "pi_1", bank("3000"), 4_000);
    let WithdrawalResult::Held { withdrawal, tx } = withdraw(&mut m, &d).unwrap() else {
        panic!()
    };
    assert_eq!(tx.transaction.kind, TransactionKind::Withdrawal);
    assert_eq!(m.wallet("acct_payer"), 6_000, "held at once");
    let done = settle(&mut m, withdrawal, &bank("3000"), "Ann", "tx_s1", 20).unwrap();
    assert_eq!(done.state, WithdrawalState::Completed);
    assert_eq!(m.wallet("acct_payer"), 6_000);

    let d = draft(&mut m, "pi_2", bank("0003"), 1_000);
    let WithdrawalResult::Held { withdrawal, .. } = withdraw(&mut m, &d).unwrap() else {
        panic!()
    };
    assert_eq!(m.wallet("acct_payer"), 5_000);
    let back = settle(&mut m, withdrawal, &bank("0003"), "Ann", "tx_s2", 30).unwrap();
    assert_eq!(back.state, WithdrawalState::Returned);
    assert_eq!(m.wallet("acct_payer"), 6_000, "the money came back");
    let (rows, _) = m.transactions("acct_payer", 1, None).unwrap();
    assert_eq!(rows[0].transaction.kind, TransactionKind::WithdrawalReturn);
    assert_eq!(
        settle(&mut m, back.clone(), &bank("0003"), "Ann", "tx_s3", 40).unwrap(),
        back,
        "once"
    );
    assert_eq!(m.total(), 0);
}

#[test]
fn refusals_write_nothing() {
    let mut m = shop();
    let mut card = bank("4242");
    card.kind = FundingKind::Card;
    for (d, r) in [
        (
            draft(&mut m, "pi_a", bank("0004"), 100),
            WithdrawalRefusal::Refused,
        ),
        (
            draft(&mut m, "pi_b", card, 100),
            WithdrawalRefusal::NotABank,
        ),
        (
            draft(&mut m, "pi_c", bank("3000"), 10_001),
            WithdrawalRefusal::Over(Overspend::LimitPerPayment {
                limit: Money::new(10_000, m.account("acct_payer").unwrap().unwrap().currency),
            }),
        ),
    ] {
        match withdraw(&mut m, &d).unwrap() {
            WithdrawalResult::Refused(got) => assert_eq!(got, r),
            WithdrawalResult::Held { .. } => panic!("held"),
        }
    }
    assert_eq!(m.wallet("acct_payer"), 10_000);
}

fn ask_for(m: &mut Memory, id: &str, source: FundingRow, minor: i64, now: i64) -> PayoutRow {
    let account = m.account("acct_payer").unwrap().unwrap();
    let d = payouts::PayoutDraft {
        payout_id: id.into(),
        amount: Money::new(minor, account.currency),
        account,
        source,
        source_label: "Bank DE •••• 3000".into(),
        maxima: Maxima {
            per_payment_major: 100,
            per_day_major: 100,
        },
        now,
    };
    payouts::ask(m, &d).unwrap().unwrap()
}

#[test]
fn a_payout_waits_for_the_phone_and_is_carried_out_once_by_its_withdrawal() {
    let mut m = shop();
    let asked = ask_for(&mut m, "po_1", bank("3000"), 4_000, 10);
    assert_eq!(asked.state, PayoutState::Waiting);
    assert_eq!(
        ask_for(&mut m, "po_1", bank("3000"), 5_000, 11),
        asked,
        "one id, one payout"
    );
    assert_eq!(m.payouts("acct_payer", 10).unwrap().len(), 1);
    assert_eq!(m.wallet("acct_payer"), 10_000, "asking moves nothing");
    let told = m.notices("acct_payer", 0, 10).unwrap();
    assert_eq!(told.len(), 1, "the phones are told once");
    assert_eq!(told[0].kind, NoticeKind::PayoutConfirmation);
    assert_eq!(told[0].intent_id.as_deref(), Some("po_1"));

    // A withdrawal with the payout's id but another amount or bank does not carry it out.
    let mut other = draft(&mut m, "po_1", bank("3000"), 3_999);
    for d in [other.clone(), draft(&mut m, "po_1", bank("3001"), 4_000)] {
        assert!(matches!(
            withdraw(&mut m, &d).unwrap(),
            WithdrawalResult::Refused(WithdrawalRefusal::Payout(payouts::PayoutMismatch::Differs))
        ));
    }
    other.amount = asked.amount;
    let WithdrawalResult::Held { withdrawal, .. } = withdraw(&mut m, &other).unwrap() else {
        panic!("held")
    };
    let done = m.payout("acct_payer", "po_1").unwrap().unwrap();
    assert_eq!(done.state, PayoutState::Confirmed);
    assert_eq!(
        done.withdrawal_id.as_deref(),
        Some(withdrawal.withdrawal_id.as_str())
    );
    assert_eq!(m.wallet("acct_payer"), 6_000);
    assert_eq!(
        payouts::decline(&mut m, done, 20).unwrap(),
        None,
        "too late"
    );
}

#[test]
fn a_declined_or_expired_payout_is_not_carried_out() {
    let mut m = shop();
    let asked = ask_for(&mut m, "po_d", bank("3000"), 1_000, 10);
    let declined = payouts::decline(&mut m, asked, 20).unwrap().unwrap();
    assert_eq!(declined.state, PayoutState::Declined);
    let d = draft(&mut m, "po_d", bank("3000"), 1_000);
    assert!(matches!(
        withdraw(&mut m, &d).unwrap(),
        WithdrawalResult::Refused(WithdrawalRefusal::Payout(
            payouts::PayoutMismatch::NotWaiting
        ))
    ));

    ask_for(&mut m, "po_e", bank("3000"), 1_000, 10);
    let mut d = draft(&mut m, "po_e", bank("3000"), 1_000);
    d.now = 10 + payouts::PAYOUT_TTL_SECS;
    assert!(matches!(
        withdraw(&mut m, &d).unwrap(),
        WithdrawalResult::Refused(WithdrawalRefusal::Payout(
            payouts::PayoutMismatch::NotWaiting
        ))
    ));
    let stored = m.payout("acct_payer", "po_e").unwrap().unwrap();
    assert_eq!(stored.state_at(d.now), PayoutState::Expired);
    assert_eq!(m.wallet("acct_payer"), 10_000, "nothing moved");
}

#[test]
fn a_payout_is_refused_at_once_when_the_withdrawal_would_be() {
    let mut m = shop();
    let account = m.account("acct_payer").unwrap().unwrap();
    let mut card = bank("4242");
    card.kind = FundingKind::Card;
    let maxima = Maxima {
        per_payment_major: 1_000,
        per_day_major: 1_000,
    };
    for (source, minor, why) in [
        (card, 100, payouts::PayoutRefusal::NotABank),
        (bank("3000"), 0, payouts::PayoutRefusal::BadAmount),
        (
            bank("3000"),
            10_001,
            payouts::PayoutRefusal::Over(Overspend::InsufficientFunds),
        ),
    ] {
        let d = payouts::PayoutDraft {
            payout_id: "po_x".into(),
            account: account.clone(),
            source,
            source_label: "Card •••• 4242".into(),
            amount: Money::new(minor, account.currency),
            maxima,
            now: 10,
        };
        assert_eq!(payouts::ask(&mut m, &d).unwrap(), Err(why));
    }
    assert!(m.payouts("acct_payer", 10).unwrap().is_empty());
}
