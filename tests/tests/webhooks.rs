//! Webhooks that cannot be turned against the backend's own network, and that one
//! merchant's dead endpoint cannot hold up for everyone else.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use purse_core::api::types::{RegisterMerchantRequest, codes};

fn registration(name: &str, webhook_url: &str) -> RegisterMerchantRequest {
    RegisterMerchantRequest {
        display_name: name.into(),
        city: "Hangzhou".into(),
        mcc: Some("5814".into()),
        webhook_url: Some(webhook_url.into()),
    }
}

#[tokio::test]
async fn webhook_urls_aimed_at_the_backends_own_network_are_refused() {
    let backend = Backend::start().await;
    let url = backend.url();
    let own = format!("{url}/v1/balance");
    for (n, bad) in [
        own.as_str(),
        "http://127.0.0.1:9/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:192.168.0.1]/hook",
        "https://user:secret@shop.example.com/hook",
        "http://shop.example.com/hook",
    ]
    .into_iter()
    .enumerate()
    {
        let w = enrolled_wallet(&url, "Mallory Ltd").await;
        let e = w
            .wallet
            .register_merchant(&registration(&format!("Shop {n}"), bad))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some(codes::WEBHOOK_URL_INVALID), "{bad}: {e}");
    }
    let w = enrolled_wallet(&url, "Honest Ltd").await;
    w.wallet
        .register_merchant(&registration("Tea House", "https://shop.example.com/hooks"))
        .await
        .unwrap();
}

/// An endpoint that takes connections and never answers; counts them.
async fn black_hole() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merchant_whose_endpoint_never_answers_delays_nobody_elses_webhooks() {
    let backend = Backend::start_with(|c| c.webhook_targets.allow_loopback = true).await;
    let url = backend.url();
    let (hole, connections) = black_hole().await;
    let honest_hooks = WebhookReceiver::start(0).await;
    let (stuck, _, _) = merchant_wallet(&url, "Stuck Shop", Some(hole)).await;
    let (honest, _, _) = merchant_wallet(&url, "Tea House", Some(honest_hooks.url.clone())).await;
    let payer = funded_wallet(&url, "Ann", "100.00 CNY").await;

    // More messages for the dead endpoint than a deliverer takes in one turn.
    for _ in 0..40 {
        pay_order(&stuck, &payer, "0.01 CNY").await.unwrap();
    }
    let paid = Instant::now();
    pay_order(&honest, &payer, "1.00 CNY").await.unwrap();
    let got = honest_hooks.wait_for(1).await;
    let waited = paid.elapsed();
    assert_eq!(got.len(), 1);
    assert!(
        waited < Duration::from_secs(3),
        "the honest merchant's webhook took {waited:?}"
    );
    // The dead endpoint holds a few messages at a time, not the whole queue.
    assert!(connections.load(Ordering::SeqCst) <= 8);
}
