//! Withdrawals on the real backend: the amount is held at once, the sandbox bank pays it out
//! or returns it (the money comes back, with an event), or refuses it at once.

mod common;

use common::*;
use purse_backend::funding::make_iban;
use purse_core::api::types::{TransactionKind, WithdrawalState, codes};
use purse_core::pay::WithdrawOutcome;

fn held(o: WithdrawOutcome) -> purse_core::api::types::Withdrawal {
    match o {
        WithdrawOutcome::Completed { withdrawal } => withdrawal,
        other => panic!("not held: {other:?}"),
    }
}

#[tokio::test]
async fn a_withdrawal_is_held_then_paid_out_or_returned_and_a_refusal_moves_nothing() {
    let b = Backend::start().await;
    let w = funded_wallet(&b.url(), "Ada", "100.00 CNY").await;
    let paying = w
        .wallet
        .link_bank(&make_iban("DE", "370400440532013000"), "Ada")
        .await
        .unwrap();
    let returning = w
        .wallet
        .link_bank(&make_iban("DE", "370400440532010003"), "Ada")
        .await
        .unwrap();
    let refusing = w
        .wallet
        .link_bank(&make_iban("DE", "370400440532010004"), "Ada")
        .await
        .unwrap();
    w.wallet.poll_events(0).await.unwrap();

    let out = held(
        w.wallet
            .withdraw(&paying.source_id, money("30.00 CNY"))
            .await
            .unwrap(),
    );
    assert_eq!(
        (out.state, out.balance),
        (WithdrawalState::Pending, money("70.00 CNY"))
    );
    assert_eq!(out.transaction.kind, TransactionKind::Withdrawal);
    let back = held(
        w.wallet
            .withdraw(&returning.source_id, money("20.00 CNY"))
            .await
            .unwrap(),
    );
    assert_eq!(back.balance, money("50.00 CNY"), "held at once");
    let e = w
        .wallet
        .withdraw(&refusing.source_id, money("5.00 CNY"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::WITHDRAWAL_REFUSED), "{e}");
    let e = w
        .wallet
        .withdraw(&paying.source_id, money("60.00 CNY"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::INSUFFICIENT_FUNDS), "{e}");

    let settled = w.wallet.sandbox_settle_withdrawals().await.unwrap();
    let state_of = |id: &str| {
        settled
            .iter()
            .find(|s| s.withdrawal_id == id)
            .unwrap()
            .state
    };
    assert_eq!(state_of(&out.withdrawal_id), WithdrawalState::Completed);
    assert_eq!(state_of(&back.withdrawal_id), WithdrawalState::Returned);
    assert_eq!(
        w.wallet.balance().await.unwrap(),
        money("70.00 CNY"),
        "the returned 20.00 came back"
    );
    let events = w.wallet.poll_events(0).await.unwrap().events;
    let returned = events
        .iter()
        .find(|e| e.transaction.kind == TransactionKind::WithdrawalReturn)
        .unwrap();
    assert_eq!(returned.transaction.amount, money("20.00 CNY"));
    assert_eq!(returned.balance, money("70.00 CNY"));
    // Settling again changes nothing.
    w.wallet.sandbox_settle_withdrawals().await.unwrap();
    assert_eq!(w.wallet.balance().await.unwrap(), money("70.00 CNY"));
    assert_eq!(w.wallet.withdrawals().await.unwrap().len(), 2);
    b.assert_ledger_sound().await;
}
