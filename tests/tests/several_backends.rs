//! Three backend processes on one PostgreSQL database, clients spreading their requests over
//! them: what holds on one backend holds on three, because nothing is correct only within
//! one process. No double spend, one payment per order, exactly once through a faulty
//! network, a nonce used on one backend refused on another, each webhook message sent once
//! by three deliverers, and an event stream woken by a write through another backend.
//!
//! These run only where `PURSE_TEST_POSTGRES` names a server (the test command starts one).

mod common;

use std::time::Duration;

use common::attacker::{Attacker, now};
use common::cluster::Cluster;
use common::recovery::pay_through_faults;
use common::scenarios::{a_hundred_transfers_from_ten, a_waiting_poll_wakes_when_paid};
use common::*;
use purse_core::api::types::codes;
use purse_core::pay::PaymentOutcome;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_transfers_spread_over_three_backends_spend_only_the_balance() {
    let Some(c) = Cluster::start(3, 1, 0).await else {
        return;
    };
    a_hundred_transfers_from_ten(&c.url, c.store()).await;
    let spread = c.proxy.routed("/v1/transfers");
    for b in 0..3 {
        assert!(
            spread.contains(&b),
            "backend {b} took no transfer: {spread:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_paid_through_three_backends_at_once_is_paid_once() {
    let Some(c) = Cluster::start(3, 2, 0).await else {
        return;
    };
    let (shop, _, _) = merchant_wallet(&c.url, "Noodle Bar", None).await;
    let order = shop
        .wallet
        .create_order(money("8.00 CNY"), "", None)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..6 {
        let payer = funded_wallet(&c.url, &format!("Payer {i}"), "20.00 CNY").await;
        let payload = order.payload.clone();
        tasks.push(tokio::spawn(async move {
            let q = payer.wallet.resolve_payload(&payload).await?;
            payer.wallet.pay(&q, None).await
        }));
    }
    let mut paid = 0;
    for t in tasks {
        if let Ok(PaymentOutcome::Completed { .. }) = t.await.unwrap() {
            paid += 1;
        }
    }
    assert_eq!(paid, 1, "one payment per order, whichever backend took it");
    assert_eq!(shop.wallet.balance().await.unwrap(), money("8.00 CNY"));
    assert_sound(c.store()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_through_faults_over_three_backends_settle_exactly_once() {
    let Some(c) = Cluster::start(3, 0x5eed_f00d, 35).await else {
        return;
    };
    pay_through_faults(c.store(), &c.backends[0], &c.proxy).await;
    let spread = c.proxy.routed("/v1/payments");
    for b in 0..3 {
        assert!(spread.contains(&b), "backend {b} took no payment");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_replayed_to_another_backend_is_refused() {
    let Some(c) = Cluster::start(3, 3, 0).await else {
        return;
    };
    let (_w, creds) = enrolled_with_credentials(&c.url, "Victim").await;
    let at = Attacker::for_device(&c.url, creds);
    let raw = at.sign("GET", "/v1/balance", b"", None, now(), "across-1");
    assert_eq!(at.send(&raw).await.0, 200);
    assert_eq!(at.send(&raw).await, (401, codes::NONCE_REPLAYED.into()));
    let routed = c.proxy.routed("/v1/balance");
    let [.., first, second] = routed.as_slice() else {
        panic!("{routed:?}")
    };
    assert_ne!(first, second, "the replay went to another backend");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_deliverers_send_each_webhook_once() {
    let Some(c) = Cluster::start(3, 4, 0).await else {
        return;
    };
    // A slow merchant: each message is in flight long enough for every deliverer to look.
    let hooks = WebhookReceiver::answering_after(0, Duration::from_millis(1200)).await;
    let (shop, _, _) = merchant_wallet(&c.url, "Tea House", Some(hooks.url.clone())).await;
    let payer = funded_wallet(&c.url, "Cy", "100.00 CNY").await;
    for _ in 0..9 {
        let order = shop
            .wallet
            .create_order(money("1.00 CNY"), "", None)
            .await
            .unwrap();
        let q = payer.wallet.resolve_payload(&order.payload).await.unwrap();
        payer.wallet.pay(&q, None).await.unwrap();
    }
    let got = hooks.wait_for(9).await;
    // Each deliverer looks at least twice a second: give them time to send any twice.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let got_after = hooks.received.lock().unwrap().clone();
    let mut ids: Vec<String> = got_after.iter().map(|h| h.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(got.len(), 9);
    assert_eq!(got_after.len(), 9, "sent once each, not once per backend");
    assert_eq!(ids.len(), 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_poll_on_one_backend_wakes_for_money_paid_through_another() {
    let Some(c) = Cluster::start(3, 5, 0).await else {
        return;
    };
    a_waiting_poll_wakes_when_paid(&c.backends[0], &c.backends[1]).await;
}
