//! Scenarios that run on one backend and on several behind a load balancer alike: each
//! takes the addresses its clients use and the database to audit.

use std::sync::Arc;
use std::time::Duration;

use purse_backend::store::Store;
use purse_core::WalletError;
use purse_core::pay::TransferOutcome;

use super::*;

/// A wallet holding 10.00 sends 1.00 a hundred times at once (through `url`): ten
/// transfers go through, the rest are refused for funds, and no balance goes below zero.
pub async fn a_hundred_transfers_from_ten(url: &str, store: &dyn Store) {
    let ada = Arc::new(funded_wallet(url, "Ada", "10.00 CNY").await);
    let bo = enrolled_wallet(url, "Bo").await;
    bo.wallet.set_handle("$bobo").await.unwrap();
    let r = ada.wallet.find_recipient("$bobo").await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let (ada, r) = (ada.clone(), r.clone());
        tasks.push(tokio::spawn(async move {
            ada.wallet.send(&r, money("1.00 CNY"), "").await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(TransferOutcome::Completed { .. }) => ok += 1,
            Ok(other) => panic!("{other:?}"),
            Err(WalletError::InsufficientFunds { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(ok, 10);
    assert_eq!(ada.wallet.balance().await.unwrap(), money("0.00 CNY"));
    assert_eq!(bo.wallet.balance().await.unwrap(), money("10.00 CNY"));
    assert_sound(store).await;
}

/// A shop (of `shop_url`) waits on its event stream; a payer (of `payer_url`) pays its
/// order 300 ms later; the wait ends with that payment, long before it would time out.
pub async fn a_waiting_poll_wakes_when_paid(shop_url: &str, payer_url: &str) {
    let (shop, _, _) = merchant_wallet(shop_url, "Noodle Bar", None).await;
    let payer = funded_wallet(payer_url, "Bo", "50.00 CNY").await;
    shop.wallet.poll_events(0).await.unwrap();
    let order = shop
        .wallet
        .create_order(money("8.00 CNY"), "", None)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let (events, _) = tokio::join!(shop.wallet.poll_events(10), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let q = payer.wallet.resolve_payload(&order.payload).await.unwrap();
        payer.wallet.pay(&q, None).await.unwrap();
    });
    let events = events.unwrap().events;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "woken, not timed out"
    );
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].transaction.amount, money("8.00 CNY"));
    assert_eq!(events[0].transaction.counterparty, "Bo");
}
