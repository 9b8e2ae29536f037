//! The transfer rule on the in-memory transaction.

use purse_core::api::types::TransactionKind;
use purse_core::money::{Currency, Money};

use super::*;
use crate::ledger::memory::{Memory, shop};
use crate::ledger::tx::Reads;

fn draft(m: &mut Memory, intent: &str, minor: i64) -> TransferDraft {
    let payer = m.account("acct_payer").unwrap().unwrap();
    let recipient = m.account("acct_shop").unwrap().unwrap();
    TransferDraft {
        transfer_id: format!("tr_{intent}"),
        transaction_id: format!("tx_{intent}"),
        intent_id: intent.into(),
        amount: Money::new(minor, payer.currency),
        payer,
        recipient,
        payer_label: "A**".into(),
        recipient_label: "S***".into(),
        note: "lunch".into(),
        maxima: Maxima {
            per_payment_major: 50,
            per_day_major: 60,
        },
        device_cap: None,
        request_id: None,
        now: 500,
    }
}

#[test]
fn a_transfer_moves_money_once_and_each_side_sees_its_kind() {
    let mut m = shop();
    let d = draft(&mut m, "pi_1", 2_000);
    let TransferResult::Sent {
        transfer: sent,
        payer_tx,
    } = transfer(&mut m, &d).unwrap()
    else {
        panic!("refused");
    };
    assert_eq!(sent.amount.minor, 2_000);
    assert_eq!(payer_tx.transaction.kind, TransactionKind::TransferOut);
    assert_eq!(payer_tx.transaction.counterparty, "S***");
    assert_eq!(
        (m.wallet("acct_payer"), m.wallet("acct_shop")),
        (8_000, 2_000)
    );
    let (received, _) = m.transactions("acct_shop", 10, None).unwrap();
    assert_eq!(received[0].transaction.kind, TransactionKind::TransferIn);
    assert_eq!(received[0].transaction.description, "lunch");
    assert!(matches!(
        transfer(&mut m, &d).unwrap(),
        TransferResult::Refused(TransferRefusal::IntentUsed)
    ));
    assert_eq!(m.total(), 0);
}

#[test]
fn every_refusal_writes_nothing() {
    let mut m = shop();
    let mut to_self = draft(&mut m, "pi_s", 100);
    to_self.recipient = to_self.payer.clone();
    let mut foreign = draft(&mut m, "pi_c", 100);
    foreign.amount = Money::new(100, Currency::from_code("EUR").unwrap());
    let mut capped = draft(&mut m, "pi_r", 2_000);
    capped.device_cap = Some(Money::new(1_000, capped.amount.currency));
    for (d, refusal) in [
        (to_self, TransferRefusal::SelfTransfer),
        (foreign, TransferRefusal::CurrencyMismatch),
        (
            draft(&mut m, "pi_big", 5_001),
            TransferRefusal::Over(Overspend::LimitPerPayment {
                limit: Money::new(5_000, capped.amount.currency),
            }),
        ),
        (
            capped.clone(),
            TransferRefusal::Over(Overspend::LimitAfterRecovery {
                limit: Money::new(1_000, capped.amount.currency),
            }),
        ),
    ] {
        match transfer(&mut m, &d).unwrap() {
            TransferResult::Refused(r) => assert_eq!(r, refusal),
            TransferResult::Sent { .. } => panic!("sent {d:?}"),
        }
    }
    // 10,000 in the wallet: a second 5,000 fits the 6,000 day only up to 1,000.
    let a = draft(&mut m, "pi_a", 5_000);
    let TransferResult::Sent { .. } = transfer(&mut m, &a).unwrap() else {
        panic!()
    };
    let b = draft(&mut m, "pi_b", 1_001);
    assert!(matches!(
        transfer(&mut m, &b).unwrap(),
        TransferResult::Refused(TransferRefusal::Over(Overspend::LimitPerDay { .. }))
    ));
    assert_eq!(
        (m.wallet("acct_payer"), m.wallet("acct_shop")),
        (5_000, 5_000)
    );
}
