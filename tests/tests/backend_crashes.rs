//! The backend killed (`kill -9`) at random moments while payers pay, and started again on
//! the same store each time: no acknowledged payment is lost or doubled, each intent is
//! paid at most once (the idempotency records outlive the crash), every wallet learns how
//! each payment ended, and the ledger balances.
//!
//! The test command runs a short form (3 crashes); `./scripts/crash-soak.sh [ROUNDS]` runs
//! the long one (`PURSE_CRASH_ROUNDS`, default 40 there).

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use common::cluster::backend_process;
use common::proxy::Rng;
use common::recovery::*;
use common::*;
use purse_backend::store::Database;
use purse_core::money::Money;
use tokio::process::Child;

/// A backend process on `db`, listening on `listen`; returns it with its address.
async fn start_backend(db: &Path, listen: &str) -> (Child, String) {
    backend_process(&[
        "--listen",
        listen,
        "--no-rate-limits",
        "--db",
        &db.to_string_lossy(),
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_survive_the_backend_killed_under_load() {
    let rounds: usize = std::env::var("PURSE_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let seed = 0xc0ffee;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("backend.db");
    let (mut backend, url) = start_backend(&db, "127.0.0.1:0").await;
    let listen = url.trim_start_matches("http://").to_owned();

    let (_shop, merchant, _) = merchant_wallet(&url, "Corner Shop", None).await;
    let mut payers = Vec::new();
    for i in 0..4 {
        payers.push(quick_payer(&url, &format!("Payer {i}"), "500.00 CNY").await);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for (i, (wallet, _)) in payers.iter().enumerate() {
        let (wallet, stop, acknowledged) = (wallet.clone(), stop.clone(), acknowledged.clone());
        let code = merchant.static_payload.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(seed + i as u64);
            let mut shown = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let amount = Money::new(1 + rng.below(20) as i64, cny());
                let Ok(quote) = wallet.resolve_payload(&code).await else {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue; // no quote: nothing was attempted
                };
                let outcome = Shown::of(&wallet.pay(&quote, Some(amount)).await);
                if matches!(outcome, Shown::Success { .. }) {
                    acknowledged.fetch_add(1, Ordering::Relaxed);
                }
                shown.push(outcome);
            }
            shown
        }));
    }

    let mut rng = Rng::new(seed);
    let mut at_kill = vec![0];
    for _ in 0..rounds {
        tokio::time::sleep(Duration::from_millis(150 + rng.below(450))).await;
        at_kill.push(acknowledged.load(Ordering::Relaxed));
        backend.start_kill().unwrap();
        backend.wait().await.unwrap();
        // Down for a while: long enough, often, for the wallets' retries to give up and
        // show the payment pending.
        tokio::time::sleep(Duration::from_millis(rng.below(600))).await;
        backend = start_backend(&db, &listen).await.0;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut shown_by_payer = Vec::new();
    for t in tasks {
        shown_by_payer.push(t.await.unwrap());
    }

    reconcile_all(&payers).await;
    backend.start_kill().unwrap();
    backend.wait().await.unwrap();

    let store = Database::Sqlite(db.clone()).open().await.unwrap();
    assert_sound(store.as_ref()).await;
    let (mut successes, mut unknown) = (0, 0);
    for ((wallet, _), shown) in payers.iter().zip(&shown_by_payer) {
        assert_recovered(store.as_ref(), wallet, shown).await;
        successes += shown
            .iter()
            .filter(|s| matches!(s, Shown::Success { .. }))
            .count();
        unknown += shown
            .iter()
            .filter(|s| !matches!(s, Shown::Success { .. }))
            .count();
    }
    eprintln!(
        "{rounds} crashes; {successes} payments acknowledged, all on the ledger once; \
         {unknown} shown pending or failed, each settled by its wallet"
    );
    // Payers were paying in every life of the backend, so each kill met payments in flight
    // (those the wallets' retries carried over the restart are among the acknowledged).
    assert!(
        at_kill.windows(2).all(|w| w[1] > w[0]),
        "a backend life without payments: {at_kill:?}"
    );
}
