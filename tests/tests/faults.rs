//! Payments through a network that loses, delays, repeats and resets, and a client killed
//! mid-payment. Whatever fails: money is conserved, no balance goes below zero, each intent
//! is paid at most once (exactly once when the user was shown success), and after recovery
//! the wallet's history is the backend's ledger.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::proxy::{Fault, FaultyProxy, Rng};
use common::recovery::*;
use common::*;
use purse_core::api::RetryPolicy;
use purse_core::cache::IntentState;
use purse_core::keys::NoSecretStore;
use purse_core::pay::{PayQuote, PaymentOutcome};
use purse_core::wallet::{PaymentUpdate, WatchPolicy};
use purse_core::{Money, Wallet, WalletConfig, WalletError};

const CLIENT_TIMEOUT: Duration = Duration::from_millis(400);

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        first_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    }
}

/// Every update a watch of the intent reports, in order.
async fn watched(w: &Wallet, intent_id: &str, policy: WatchPolicy) -> Vec<PaymentUpdate> {
    let mut seen = Vec::new();
    w.watch_payment(intent_id, policy, |u| seen.push(u)).await;
    seen
}

/// A funded payer whose every request goes through the proxy (faults off while set up).
async fn payer_behind(proxy: &FaultyProxy, name: &str) -> (Arc<Wallet>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let wallet = Wallet::open(
        WalletConfig::new(
            dir.path(),
            Arc::new(purse_core::keys::DecisionProtector::approving()),
            Arc::new(NoSecretStore),
        )
        .backend(&proxy.url)
        .network(CLIENT_TIMEOUT, quick_retries()),
    )
    .unwrap();
    wallet.enroll(name, cny(), "phone").await.unwrap();
    let card = wallet
        .link_card("4242 4242 4242 4242", 12, 2030)
        .await
        .unwrap();
    wallet
        .topup(&card.source_id, money("200.00 CNY"))
        .await
        .unwrap();
    (Arc::new(wallet), dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_payments_through_a_faulty_network_settle_exactly_once() {
    let b = Backend::start().await;
    let proxy = FaultyProxy::start(&b.url(), 0x5eed_f00d, 35, Duration::from_millis(600)).await;
    proxy.set_faulty(false);
    let (shop, merchant, _) = merchant_wallet(&b.url(), "Corner Shop", None).await;
    let shop = Arc::new(shop);
    let mut payers = Vec::new();
    for i in 0..4 {
        payers.push(payer_behind(&proxy, &format!("Payer {i}")).await);
    }
    proxy.set_faulty(true);

    const PER_PAYER: usize = 60;
    let mut tasks = Vec::new();
    for (i, (wallet, _)) in payers.iter().enumerate() {
        let wallet = wallet.clone();
        let shop = shop.clone();
        let static_code = merchant.static_payload.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(1000 + i as u64);
            let mut shown = Vec::new();
            let mut paid_orders: Vec<String> = Vec::new();
            for _ in 0..PER_PAYER {
                let amount = Money::new(50 + rng.below(750) as i64, cny());
                let roll = rng.below(100);
                let (payload, typed) = if roll < 5 && !paid_orders.is_empty() {
                    // A code already paid: must be refused, never paid twice.
                    let k = rng.below(paid_orders.len() as u64) as usize;
                    (paid_orders[k].clone(), None)
                } else if roll < 70 {
                    let order = shop
                        .wallet
                        .create_order(amount, "fault test", None)
                        .await
                        .unwrap();
                    (order.payload, None)
                } else {
                    (static_code.clone(), Some(amount))
                };
                let Ok(quote) = wallet.resolve_payload(&payload).await else {
                    continue; // the quote never arrived: nothing was attempted
                };
                let outcome = wallet.pay(&quote, typed).await;
                shown.push(match outcome {
                    Ok(PaymentOutcome::Completed { payment: p }) => {
                        if typed.is_none() {
                            paid_orders.push(payload);
                        }
                        Shown::Success {
                            intent_id: p.intent_id.clone(),
                            amount: p.amount.minor,
                        }
                    }
                    Ok(PaymentOutcome::Pending { .. }) => Shown::Pending,
                    Err(_) => Shown::Failure,
                });
            }
            shown
        }));
    }
    let mut shown_by_payer = Vec::new();
    for t in tasks {
        shown_by_payer.push(t.await.unwrap());
    }

    // The network heals; each wallet recovers as it would on its next start.
    proxy.set_faulty(false);
    for (wallet, _) in &payers {
        for (intent, r) in wallet.reconcile().await.unwrap() {
            assert!(
                !matches!(&r, Ok(o) if o.is_pending()),
                "{intent} still unknown after the network healed: {r:?}"
            );
        }
    }

    b.assert_ledger_sound().await;
    let mut successes = 0;
    let mut pendings = 0;
    for ((wallet, _), shown) in payers.iter().zip(&shown_by_payer) {
        assert_recovered(&b, wallet, shown).await;
        successes += shown
            .iter()
            .filter(|s| matches!(s, Shown::Success { .. }))
            .count();
        pendings += shown.iter().filter(|s| matches!(s, Shown::Pending)).count();
    }
    let (merchant_balance, _) = b.server.store.balance(&merchant.account_id).await.unwrap();
    assert!(merchant_balance > 0);

    // The run really met every fault, and enough payments went through them to mean something.
    let log = proxy.log();
    for f in [
        Fault::DropRequest,
        Fault::DropResponse,
        Fault::Delay,
        Fault::Duplicate,
        Fault::Reset,
    ] {
        let on_payments = log
            .iter()
            .filter(|(path, fault)| *fault == f && path.starts_with("/v1/payments"))
            .count();
        assert!(on_payments >= 3, "only {on_payments} payments met {f:?}");
    }
    let failures: usize = shown_by_payer
        .iter()
        .map(|s| s.iter().filter(|s| matches!(s, Shown::Failure)).count())
        .sum();
    eprintln!(
        "{successes} shown success, {pendings} pending, {failures} failed; {} requests, {} faulty",
        log.len(),
        log.iter().filter(|(_, f)| *f != Fault::Pass).count()
    );
    assert!(successes >= 100, "only {successes} payments succeeded");
    assert!(
        pendings >= 1,
        "no payment was left pending: faults too mild"
    );
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
    let b = Backend::start().await;
    let proxy = FaultyProxy::start(&b.url(), 1, 0, Duration::ZERO).await;
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
    let b = Backend::start().await;
    let proxy = Arc::new(FaultyProxy::start(&b.url(), 1, 0, Duration::ZERO).await);
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
