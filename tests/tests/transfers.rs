//! Money between people on the real backend: send by handle, each refusal with its code,
//! exactly-once under concurrency, a lost answer pending then settled, both histories, and
//! the ledger's invariants after every test.

mod common;

use std::time::Duration;

use common::*;
use purse_core::WalletError;
use purse_core::api::types::{TransactionKind, codes};
use purse_core::pay::TransferOutcome;

fn sent(o: TransferOutcome) -> purse_core::api::types::Transfer {
    match o {
        TransferOutcome::Completed { transfer } => transfer,
        other => panic!("not sent: {other:?}"),
    }
}

#[tokio::test]
async fn money_goes_to_a_handle_once_and_both_histories_show_it() {
    let b = Backend::start().await;
    let ada = funded_wallet(&b.url(), "Ada Lovelace", "100.00 CNY").await;
    ada.wallet.set_handle("$ada").await.unwrap();
    let bo = enrolled_wallet(&b.url(), "Bo Li").await;
    bo.wallet.set_handle("$bo_li").await.unwrap();

    let r = ada.wallet.find_recipient("$bo_li").await.unwrap();
    let t = sent(
        ada.wallet
            .send(&r, money("10.00 CNY"), "lunch 🍜")
            .await
            .unwrap(),
    );
    assert_eq!(
        (t.amount, t.balance),
        (money("10.00 CNY"), money("90.00 CNY"))
    );
    assert_eq!(t.recipient.masked_name, "B* L*");
    assert_eq!(t.transaction.kind, TransactionKind::TransferOut);
    assert_eq!(t.transaction.counterparty, "B* L* $bo_li");
    assert_eq!(t.transaction.description, "lunch 🍜");

    let events = bo.wallet.poll_events(0).await.unwrap().events;
    let got = events.last().unwrap();
    assert_eq!(got.transaction.kind, TransactionKind::TransferIn);
    assert_eq!(got.transaction.amount, money("10.00 CNY"));
    assert_eq!(got.transaction.counterparty, "A** L******* $ada");
    assert_eq!(bo.wallet.balance().await.unwrap(), money("10.00 CNY"));
    bo.wallet.sync_history().await.unwrap();
    assert_eq!(
        bo.wallet.history(10, None).unwrap().data[0].kind,
        TransactionKind::TransferIn
    );

    // Settled: asking again answers from the outbox.
    let again = sent(ada.wallet.settle_transfer(&t.intent_id).await.unwrap());
    assert_eq!(again.transfer_id, t.transfer_id);
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn each_refusal_has_its_own_code_and_moves_nothing() {
    let b = Backend::start_with(|c| c.max_per_payment_major = 50).await;
    let ada = funded_wallet(&b.url(), "Ada", "100.00 CNY").await;
    let bo = enrolled_wallet(&b.url(), "Bo").await;
    let ada_id = ada.wallet.account().unwrap().unwrap().account_id;
    let bo_id = bo.wallet.account().unwrap().unwrap().account_id;
    let e = ada
        .wallet
        .send(&recipient(&ada_id), money("1.00 CNY"), "")
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::SELF_TRANSFER), "{e}");
    let e = ada
        .wallet
        .send(
            &recipient("acct_000000000000000000000000"),
            money("1.00 CNY"),
            "",
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::RECIPIENT_NOT_FOUND), "{e}");
    let e = ada
        .wallet
        .send(&recipient(&bo_id), money("50.01 CNY"), "")
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::LIMIT_PER_PAYMENT), "{e}");
    let e = ada
        .wallet
        .send(&recipient(&bo_id), money("1.00 EUR"), "")
        .await
        .unwrap_err();
    assert!(
        matches!(e, WalletError::InvalidInput(_)),
        "no FX, caught here: {e}"
    );
    let e = ada
        .wallet
        .send(&recipient(&bo_id), money("1.00 CNY"), "a\u{202e}b")
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::InvalidInput(_)), "{e}");
    let e = ada
        .wallet
        .send(&recipient(&bo_id), money("1.00 CNY"), &"x".repeat(141))
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::InvalidInput(_)), "{e}");
    sent(
        ada.wallet
            .send(&recipient(&bo_id), money("50.00 CNY"), "")
            .await
            .unwrap(),
    );
    sent(
        ada.wallet
            .send(&recipient(&bo_id), money("50.00 CNY"), "")
            .await
            .unwrap(),
    );
    let e = ada
        .wallet
        .send(&recipient(&bo_id), money("0.01 CNY"), "")
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::InsufficientFunds { .. }), "{e}");
    assert_eq!(bo.wallet.balance().await.unwrap(), money("100.00 CNY"));
    b.assert_ledger_sound().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_transfers_at_once_from_a_wallet_that_covers_ten() {
    let b = Backend::start().await;
    common::scenarios::a_hundred_transfers_from_ten(&b.url(), b.store()).await;
}

#[tokio::test]
async fn a_lost_answer_is_pending_and_settles_once() {
    let (b, proxy) = Backend::behind_proxy(1, 0, Duration::ZERO).await;
    let (ada, _dir) = impatient_funded(&proxy.url, "20.00 CNY").await;
    let bo = enrolled_wallet(&b.url(), "Bo").await;
    bo.wallet.set_handle("$bob").await.unwrap();
    let r = ada.find_recipient("$bob").await.unwrap();

    let mut answered = proxy.hold_answers("/v1/transfers");
    let intent_id = match ada.send(&r, money("7.00 CNY"), "rent").await.unwrap() {
        TransferOutcome::Pending { intent_id } => intent_id,
        other => panic!("the answer was held, yet {other:?}"),
    };
    assert!(
        answered.recv().await.unwrap().contains("201"),
        "the backend sent it"
    );
    assert!(matches!(
        ada.settle_transfer(&intent_id).await.unwrap(),
        TransferOutcome::Pending { .. }
    ));
    proxy.release_answers();
    let results = ada.reconcile().await.unwrap();
    assert_eq!(results.len(), 1);
    assert!(!results[0].1.as_ref().unwrap().is_pending());
    let t = sent(ada.settle_transfer(&intent_id).await.unwrap());
    assert_eq!(t.balance, money("13.00 CNY"));
    assert_eq!(
        bo.wallet.balance().await.unwrap(),
        money("7.00 CNY"),
        "once"
    );
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_receive_code_is_scanned_resolved_paid_and_dead_once_rotated() {
    let b = Backend::start().await;
    let ada = funded_wallet(&b.url(), "Ada", "50.00 CNY").await;
    let bo = enrolled_wallet(&b.url(), "Bo Li").await;
    bo.wallet.set_handle("$bo_li").await.unwrap();
    let shown = bo
        .wallet
        .receive_code(Some(money("12.50 CNY")), Some("tickets"))
        .await
        .unwrap();
    assert_eq!(
        bo.wallet.receive_code(None, None).await.unwrap().code_id,
        shown.code_id,
        "one code per account until rotated"
    );
    // Ada scans it from a picture, as a camera would.
    let png = purse_core::paycode::render_png(&shown.payload, 6).unwrap();
    let found = purse_core::scan::scan_image(&png, Default::default()).unwrap();
    let q = ada.wallet.resolve_person(&found[0].payload).await.unwrap();
    assert_eq!(
        (
            q.recipient.masked_name.as_str(),
            q.recipient.handle.as_deref()
        ),
        ("B* L*", Some("$bo_li"))
    );
    assert_eq!(
        (q.claimed_amount, q.note.as_deref(), q.name_mismatch),
        (Some(money("12.50 CNY")), Some("tickets"), false)
    );
    sent(
        ada.wallet
            .send(
                &q.recipient,
                q.claimed_amount.unwrap(),
                q.note.as_deref().unwrap(),
            )
            .await
            .unwrap(),
    );
    assert_eq!(bo.wallet.balance().await.unwrap(), money("12.50 CNY"));

    // A code that copies Bo's id under another name is flagged, and still pays Bo.
    let forged =
        purse_core::paycode::receive_payload(&shown.code_id, "Tea House", cny(), None, None)
            .unwrap();
    let q = ada.wallet.resolve_person(&forged).await.unwrap();
    assert!(q.name_mismatch);
    assert_eq!(q.recipient.masked_name, "B* L*");
    // A merchant's code is not a person's.
    assert!(matches!(
        ada.wallet.resolve_person("000201garbage").await,
        Err(WalletError::InvalidCode(_))
    ));

    let rotated = bo.wallet.rotate_receive_code().await.unwrap();
    assert_ne!(rotated.code_id, shown.code_id);
    let e = ada.wallet.resolve_person(&shown.payload).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::RECEIVE_CODE_INVALID), "{e}");
    ada.wallet.resolve_person(&rotated.payload).await.unwrap();
    b.assert_ledger_sound().await;
}
