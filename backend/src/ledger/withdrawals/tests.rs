//! The withdrawal rule on the in-memory transaction.

use purse_core::api::types::{FundingKind, TransactionKind, WithdrawalState};
use purse_core::money::Money;

use super::*;
use crate::funding::Behaviour;
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
