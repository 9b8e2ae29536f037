//! What a test checks once the faults stop: the backend's ledger of an account, and that a
//! payer's wallet agrees with it after recovery, each intent paid at most once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use purse_backend::store::Store;
use purse_core::api::RetryPolicy;
use purse_core::api::types::Transaction;
use purse_core::cache::IntentState;
use purse_core::keys::NoSecretStore;
use purse_core::pay::PaymentOutcome;
use purse_core::{Money, Wallet, WalletConfig};

use super::proxy::{Fault, FaultyProxy, Rng};
use super::*;

/// Every transaction of an account on the backend, newest first.
pub async fn ledger_of(store: &dyn Store, account_id: &str) -> Vec<Transaction> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let cursor = after.clone();
        let id = account_id.to_owned();
        let (page, more) = store
            .read(move |r| r.transactions(&id, 100, cursor.as_deref()))
            .await
            .unwrap();
        after = page.last().map(|t| t.transaction.transaction_id.clone());
        all.extend(page.into_iter().map(|r| r.transaction));
        if !more {
            return all;
        }
    }
}

/// What the user was shown for one attempt.
#[derive(Debug)]
pub enum Shown {
    Success { intent_id: String, amount: i64 },
    Pending,
    Failure,
}

impl Shown {
    /// What a payment's outcome showed the user.
    pub fn of(outcome: &Result<PaymentOutcome, purse_core::WalletError>) -> Shown {
        match outcome {
            Ok(PaymentOutcome::Completed { payment: p }) => Shown::Success {
                intent_id: p.intent_id.clone(),
                amount: p.amount.minor,
            },
            Ok(PaymentOutcome::Pending { .. }) => Shown::Pending,
            Err(_) => Shown::Failure,
        }
    }
}

/// Each wallet settles what it did not hear the end of, as on its next start; with the
/// backend reachable again, nothing may stay unknown.
pub async fn reconcile_all(payers: &[(Arc<Wallet>, tempfile::TempDir)]) {
    for (wallet, _) in payers {
        for (intent, r) in wallet.reconcile().await.unwrap() {
            assert!(
                !matches!(&r, Ok(o) if o.is_pending()),
                "{intent} still unknown with the backend reachable: {r:?}"
            );
        }
    }
}

/// The checks every fault run ends with, for one payer after recovery.
pub async fn assert_recovered(store: &dyn Store, w: &Wallet, shown: &[Shown]) {
    let account_id = w.account().unwrap().unwrap().account_id;
    let ledger = ledger_of(store, &account_id).await;

    // Each intent at most once on the backend.
    let mut paid_intents = BTreeMap::new();
    for t in &ledger {
        if let Some(i) = &t.intent_id {
            assert!(
                paid_intents.insert(i.clone(), -t.amount.minor).is_none(),
                "intent {i} paid twice"
            );
        }
    }

    // The outbox agrees with the backend, intent by intent; nothing is left unknown.
    let intents = w.payment_intents(10_000).unwrap();
    for r in &intents {
        match r.state {
            IntentState::Completed => assert_eq!(
                paid_intents.get(&r.intent_id),
                Some(&r.amount.minor),
                "completed intent {} not on the ledger",
                r.intent_id
            ),
            IntentState::Failed => assert!(
                !paid_intents.contains_key(&r.intent_id),
                "intent {} failed in the wallet but paid on the backend",
                r.intent_id
            ),
            IntentState::Pending => panic!("intent {} still pending", r.intent_id),
        }
    }
    let known: BTreeSet<&str> = intents.iter().map(|r| r.intent_id.as_str()).collect();
    for i in paid_intents.keys() {
        assert!(
            known.contains(i.as_str()),
            "payment {i} unknown to the wallet"
        );
    }

    // Exactly once where the user saw success.
    for s in shown {
        if let Shown::Success { intent_id, amount } = s {
            assert_eq!(paid_intents.get(intent_id), Some(amount));
        }
    }

    // The wallet's history, as recovery left it (no full re-sync), is the ledger.
    let mut cached = Vec::new();
    loop {
        let after = cached
            .last()
            .map(|t: &Transaction| t.transaction_id.clone());
        let page = w.history(500, after.as_deref()).unwrap();
        cached.extend(page.data);
        if !page.has_more {
            break;
        }
    }
    let as_cached: Vec<(String, i64, i64)> = cached
        .iter()
        .map(|t| (t.transaction_id.clone(), t.seq, t.amount.minor))
        .collect();
    let as_ledger: Vec<(String, i64, i64)> = ledger
        .iter()
        .map(|t| (t.transaction_id.clone(), t.seq, t.amount.minor))
        .collect();
    if as_cached != as_ledger {
        let only_cached: Vec<_> = as_cached
            .iter()
            .filter(|t| !as_ledger.contains(t))
            .collect();
        let only_ledger: Vec<_> = as_ledger
            .iter()
            .filter(|t| !as_cached.contains(t))
            .collect();
        panic!(
            "history differs from the ledger: only in the wallet {only_cached:?}, only on the \
             ledger {only_ledger:?} ({} and {} rows)",
            as_cached.len(),
            as_ledger.len()
        );
    }

    let (balance, _) = store.balance(&account_id).await.unwrap();
    assert!(balance >= 0, "balance below zero: {balance}");
    assert_eq!(
        w.cached_balance().unwrap().unwrap().balance.minor,
        balance,
        "the wallet's balance is not the backend's"
    );
}

pub const CLIENT_TIMEOUT: Duration = Duration::from_millis(400);

pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        first_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    }
}

/// A funded payer whose every request goes through the proxy (faults off while set up).
pub async fn payer_behind(proxy: &FaultyProxy, name: &str) -> (Arc<Wallet>, tempfile::TempDir) {
    quick_payer(&proxy.url, name, "200.00 CNY").await
}

/// A payer of `url`, enrolled and topped up with `amount`, that gives up on an answer
/// quickly ([`CLIENT_TIMEOUT`], [`quick_retries`]): a payment caught by a fault is shown
/// pending soon.
pub async fn quick_payer(url: &str, name: &str, amount: &str) -> (Arc<Wallet>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let wallet = Wallet::open(
        WalletConfig::new(
            dir.path(),
            Arc::new(purse_core::keys::DecisionProtector::approving()),
            Arc::new(NoSecretStore),
        )
        .backend(url)
        .network(CLIENT_TIMEOUT, quick_retries()),
    )
    .unwrap();
    wallet.enroll(name, cny(), "phone").await.unwrap();
    let card = wallet
        .link_card("4242 4242 4242 4242", 12, 2030)
        .await
        .unwrap();
    wallet.topup(&card.source_id, money(amount)).await.unwrap();
    (Arc::new(wallet), dir)
}

/// Four payers behind `proxy` pay a merchant (of `merchant_url`) 60 times each while the
/// proxy loses, delays, repeats and resets; then the network heals and each wallet recovers
/// as on its next start. Asserts that each intent was paid at most once, exactly once where
/// success was shown, that every fault was met, and that the ledger in `store` is sound.
pub async fn pay_through_faults(store: &dyn Store, merchant_url: &str, proxy: &FaultyProxy) {
    proxy.set_faulty(false);
    let (shop, merchant, _) = merchant_wallet(merchant_url, "Corner Shop", None).await;
    let shop = Arc::new(shop);
    let mut payers = Vec::new();
    for i in 0..4 {
        payers.push(payer_behind(proxy, &format!("Payer {i}")).await);
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
                let outcome = Shown::of(&wallet.pay(&quote, typed).await);
                if typed.is_none() && matches!(outcome, Shown::Success { .. }) {
                    paid_orders.push(payload);
                }
                shown.push(outcome);
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
    reconcile_all(&payers).await;

    assert_sound(store).await;
    let mut successes = 0;
    let mut pendings = 0;
    for ((wallet, _), shown) in payers.iter().zip(&shown_by_payer) {
        assert_recovered(store, wallet, shown).await;
        successes += shown
            .iter()
            .filter(|s| matches!(s, Shown::Success { .. }))
            .count();
        pendings += shown.iter().filter(|s| matches!(s, Shown::Pending)).count();
    }
    let (merchant_balance, _) = store.balance(&merchant.account_id).await.unwrap();
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
