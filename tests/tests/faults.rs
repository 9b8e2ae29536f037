//! Payments through a network that loses, delays, repeats and resets, and a client killed
//! mid-payment. Whatever fails: money is conserved, no balance goes below zero, each intent
//! is paid at most once (exactly once when the user was shown success), and after recovery
//! the wallet's history is the backend's ledger.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::proxy::FaultyProxy;
use common::recovery::*;
use common::*;
use purse_core::cache::IntentState;
use purse_core::pay::{PayQuote, PaymentOutcome};
use purse_core::wallet::{PaymentUpdate, WatchPolicy};
use purse_core::{Wallet, WalletError};

/// Every update a watch of the intent reports, in order.
async fn watched(w: &Wallet, intent_id: &str, policy: WatchPolicy) -> Vec<PaymentUpdate> {
    let mut seen = Vec::new();
    w.watch_payment(intent_id, policy, |u| seen.push(u)).await;
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_payments_through_a_faulty_network_settle_exactly_once() {
    let (b, proxy) = Backend::behind_proxy(0x5eed_f00d, 35, Duration::from_millis(600)).await;
    pay_through_faults(b.store(), &b.url(), &proxy).await;
}

/// A merchant's order for `amount`, and a funded payer behind `proxy` holding its quote.
async fn order_behind(
    b: &Backend,
    proxy: &FaultyProxy,
    amount: &str,
) -> (TestWallet, Arc<Wallet>, tempfile::TempDir, PayQuote) {
    let (shop, _, _) = merchant_wallet(&b.url(), "Kiosk", None).await;
    let (payer, dir) = payer_behind(proxy, "Ivy").await;
    let order = shop
        .wallet
        .create_order(money(amount), "", None)
        .await
        .unwrap();
    let quote = payer.resolve_payload(&order.payload).await.unwrap();
    (shop, payer, dir, quote)
}

/// A "payment pending" screen asks again until it can say paid or refused: `settle` re-sends
/// the intent with its key while the outcome is unknown, then answers from the outbox.
#[tokio::test]
async fn a_pending_payment_settles_when_asked_again() {
    let (b, proxy) = Backend::behind_proxy(1, 0, Duration::ZERO).await;
    let (shop, payer, _dir, quote) = order_behind(&b, &proxy, "3.00 CNY").await;

    let mut answered = proxy.hold_answers("/v1/payments");
    let intent_id = match payer.pay(&quote, None).await.unwrap() {
        PaymentOutcome::Pending { intent_id } => intent_id,
        other => panic!("the answer was held, yet {other:?}"),
    };
    assert!(answered.recv().await.unwrap().contains("201"));
    // Still no answer: still pending, never failed.
    assert!(matches!(
        payer.settle(&intent_id).await.unwrap(),
        PaymentOutcome::Pending { .. }
    ));

    proxy.release_answers();
    let PaymentOutcome::Completed { payment: paid } = payer.settle(&intent_id).await.unwrap()
    else {
        panic!("the backend had paid it");
    };
    assert_eq!(
        (paid.intent_id.as_str(), paid.amount),
        (intent_id.as_str(), money("3.00 CNY"))
    );
    assert_eq!(paid.balance, money("197.00 CNY"));
    // Settled now: answered from the outbox, nothing sent.
    let sent = proxy.log().len();
    assert!(matches!(
        payer.settle(&intent_id).await.unwrap(),
        PaymentOutcome::Completed { .. }
    ));
    assert_eq!(proxy.log().len(), sent);

    // A refusal is final, and settle says it again, typed.
    let dear = shop
        .wallet
        .create_order(money("500.00 CNY"), "", None)
        .await
        .unwrap();
    let quote = payer.resolve_payload(&dear.payload).await.unwrap();
    let refused = payer.pay(&quote, None).await.unwrap_err();
    assert!(
        matches!(refused, WalletError::InsufficientFunds { .. }),
        "{refused}"
    );
    let last = payer.payment_intents(1).unwrap().remove(0);
    assert_eq!(last.state, IntentState::Failed);
    let again = payer.settle(&last.intent_id).await.unwrap_err();
    assert!(
        matches!(again, WalletError::InsufficientFunds { .. }),
        "{again}"
    );
    assert!(matches!(
        payer.settle("pi_unknown").await,
        Err(WalletError::InvalidInput(_))
    ));

    // A watch decides the same: the refusal is a final failure; an intent it cannot ask
    // about stops the watch without calling anything failed.
    let quick = WatchPolicy::starting_at(Duration::from_millis(1));
    assert!(matches!(
        watched(&payer, &last.intent_id, quick).await.pop(),
        Some(PaymentUpdate::Failed(WalletError::InsufficientFunds { .. }))
    ));
    assert!(matches!(
        watched(&payer, "pi_unknown", quick).await.pop(),
        Some(PaymentUpdate::Unresolved(WalletError::InvalidInput(_)))
    ));
}

/// The command line waits a few seconds for a lost answer before it says "pending".
#[tokio::test]
async fn a_patient_caller_gets_the_answer_once_the_network_is_back() {
    let (b, proxy) = Backend::behind_proxy(1, 0, Duration::ZERO).await;
    let proxy = Arc::new(proxy);
    let (_shop, payer, _dir, quote) = order_behind(&b, &proxy, "1.50 CNY").await;
    let _answered = proxy.hold_answers("/v1/payments");
    let PaymentOutcome::Pending { intent_id } = payer.pay(&quote, None).await.unwrap() else {
        panic!("the answer was held");
    };
    // Asked too briefly, it is still pending.
    let once = WatchPolicy {
        first_pause: Duration::from_millis(10),
        max_pause: Duration::from_millis(10),
        max_asks: Some(1),
    };
    let seen = watched(&payer, &intent_id, once).await;
    assert!(
        matches!(seen[..], [PaymentUpdate::Pending { .. }]),
        "only the first Pending is reported: {seen:?}"
    );

    let back = proxy.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        back.release_answers();
    });
    let mut seen = watched(
        &payer,
        &intent_id,
        WatchPolicy::starting_at(Duration::from_millis(100)),
    )
    .await;
    assert_eq!(seen.len(), 2, "Pending, then Completed: {seen:?}");
    let Some(PaymentUpdate::Completed { payment: paid }) = seen.pop() else {
        panic!("not settled after the network came back: {seen:?}");
    };
    assert_eq!(paid.amount, money("1.50 CNY"));
    assert_eq!(paid.balance, money("198.50 CNY"));
}
