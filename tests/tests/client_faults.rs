//! The client against servers that misbehave: retries with backoff for what is safe to
//! repeat, none for what is not, and clear errors for malformed answers. Plus history pages
//! across many transactions.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use common::*;
use purse_core::Money;
use purse_core::api::types::TopupRequest;
use purse_core::api::{ApiClient, ApiError, DeviceCredentials, RetryPolicy};
use purse_core::keys::SigningKey;

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn client(url: &str) -> (ApiClient, DeviceCredentials) {
    let api = ApiClient::with_options(
        url,
        Duration::from_millis(500),
        RetryPolicy {
            attempts: 4,
            first_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        },
    )
    .unwrap();
    let creds = DeviceCredentials {
        device_id: "dev_t".into(),
        key: Arc::new(SigningKey::generate().unwrap()),
    };
    (api, creds)
}

const BALANCE: &str = r#"{"available":{"minor":5,"currency":"CNY"},"as_of_seq":1}"#;

#[tokio::test]
async fn reads_are_retried_through_5xx_until_they_succeed() {
    let hits = Arc::new(AtomicU32::new(0));
    let h = hits.clone();
    let url = serve(Router::new().route(
        "/v1/balance",
        get(move || {
            let h = h.clone();
            async move {
                if h.fetch_add(1, Ordering::SeqCst) < 2 {
                    (StatusCode::SERVICE_UNAVAILABLE, "busy".to_owned())
                } else {
                    (StatusCode::OK, BALANCE.to_owned())
                }
            }
        }),
    ))
    .await;
    let (api, creds) = client(&url);
    let b = api.balance(&creds).await.unwrap();
    assert_eq!(b.available.minor, 5);
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn writes_with_an_idempotency_key_are_retried_with_the_same_key() {
    let keys = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let k = keys.clone();
    let url = serve(Router::new().route(
        "/v1/topups",
        post(move |headers: axum::http::HeaderMap| {
            let k = k.clone();
            async move {
                let mut seen = k.lock().unwrap();
                seen.push(headers["idempotency-key"].to_str().unwrap().to_owned());
                if seen.len() < 3 {
                    StatusCode::BAD_GATEWAY
                } else {
                    StatusCode::IM_A_TEAPOT
                }
            }
        }),
    ))
    .await;
    let (api, creds) = client(&url);
    let req = TopupRequest {
        source_id: "s".into(),
        amount: Money::parse("1.00 CNY").unwrap(),
    };
    let e = api.topup(&creds, &req, "the-key").await.unwrap_err();
    assert!(
        matches!(&e, ApiError::Problem(p) if p.status == 418),
        "{e:?}"
    );
    assert_eq!(*keys.lock().unwrap(), vec!["the-key"; 3]);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_give_up_after_the_budget() {
    let hits = Arc::new(AtomicU32::new(0));
    let (h1, h2) = (hits.clone(), hits.clone());
    let url = serve(
        Router::new()
            .route(
                "/v1/account",
                get(move || {
                    h1.fetch_add(1, Ordering::SeqCst);
                    async { StatusCode::BAD_REQUEST }
                }),
            )
            .route(
                "/v1/balance",
                get(move || {
                    h2.fetch_add(100, Ordering::SeqCst);
                    async { StatusCode::SERVICE_UNAVAILABLE }
                }),
            ),
    )
    .await;
    let (api, creds) = client(&url);
    assert!(api.account(&creds).await.is_err());
    assert_eq!(hits.load(Ordering::SeqCst), 1, "a 400 is final");
    let e = api.balance(&creds).await.unwrap_err();
    assert!(e.is_retryable());
    assert_eq!(
        hits.load(Ordering::SeqCst),
        401,
        "four attempts, then the error"
    );
}

#[tokio::test]
async fn malformed_answers_are_decode_errors_not_panics() {
    let url = serve(
        Router::new()
            .route(
                "/v1/balance",
                get(|| async { (StatusCode::OK, "{\"available\": 1.5}") }),
            )
            .route(
                "/v1/account",
                get(|| async { (StatusCode::OK, "\u{0}\u{1}garbage") }),
            )
            .route(
                "/v1/devices",
                get(|| async { (StatusCode::OK, r#"{"data":[{"device_id":1}]}"#) }),
            )
            .route(
                "/v1/transactions",
                get(|| async { (StatusCode::OK, r#"{"data":[],"has_more":"yes"}"#) }),
            ),
    )
    .await;
    let (api, creds) = client(&url);
    assert!(matches!(
        api.balance(&creds).await,
        Err(ApiError::Decode(_))
    ));
    assert!(matches!(
        api.account(&creds).await,
        Err(ApiError::Decode(_))
    ));
    assert!(matches!(
        api.devices(&creds).await,
        Err(ApiError::Decode(_))
    ));
    assert!(matches!(
        api.transactions(&creds, 10, None).await,
        Err(ApiError::Decode(_))
    ));
}

#[tokio::test]
async fn a_server_that_hangs_times_out() {
    let url = serve(Router::new().route(
        "/v1/balance",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "late"
        }),
    ))
    .await;
    let api = ApiClient::with_options(
        &url,
        Duration::from_millis(200),
        RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        },
    )
    .unwrap();
    let creds = DeviceCredentials {
        device_id: "dev_t".into(),
        key: Arc::new(SigningKey::generate().unwrap()),
    };
    assert!(matches!(api.balance(&creds).await, Err(ApiError::Timeout)));
}

#[tokio::test]
async fn history_pages_cover_every_transaction_in_order() {
    let backend = Backend::start().await;
    let w = enrolled_wallet(&backend.url(), "Pat").await;
    let visa = w
        .wallet
        .link_card("4242424242424242", 12, 2034)
        .await
        .unwrap();
    for i in 1..=130 {
        w.wallet
            .topup(&visa.source_id, Money::new(i, cny()))
            .await
            .unwrap();
    }
    // The first sync walks every backend page (130 rows, pages of 100): all already cached.
    assert_eq!(w.wallet.sync_history().await.unwrap(), 0);
    let mut amounts = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = w.wallet.history(50, after.as_deref()).unwrap();
        amounts.extend(page.data.iter().map(|t| t.amount.minor));
        if !page.has_more {
            break;
        }
        after = page.data.last().map(|t| t.transaction_id.clone());
    }
    assert_eq!(amounts, (1..=130).rev().collect::<Vec<_>>());
    assert_eq!(
        w.wallet.balance().await.unwrap().minor,
        (1..=130).sum::<i64>()
    );
    backend.assert_ledger_sound().await;
}
