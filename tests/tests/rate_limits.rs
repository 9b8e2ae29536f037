//! Rate limits: past its limit a caller gets `429 rate_limited` with `Retry-After`, nothing
//! of the request is done, and the wallet waits out a short wait by itself and reports a
//! long one.

mod common;

use std::time::{Duration, Instant};

use common::attacker::{Attacker, now};
use common::*;
use purse_backend::throttle::{Limit, Limits};
use purse_core::WalletError;
use purse_core::api::types::codes;

fn limit(burst: u32, secs: u64) -> Limit {
    Limit {
        burst,
        every: Duration::from_secs(secs),
    }
}

/// Generous everywhere but what a test looks at.
fn limits(change: impl FnOnce(&mut Limits)) -> Limits {
    let wide = limit(1_000, 1);
    let mut l = Limits {
        money_moves: wide,
        topups: wide,
        lookups: wide,
        enrollments: wide,
        requests: Limit {
            burst: 10_000,
            every: Duration::from_millis(1),
        },
        failed_signatures: wide,
    };
    change(&mut l);
    l
}

#[tokio::test]
async fn one_address_cannot_mint_accounts_and_money_without_end() {
    let b = Backend::start_with(|c| {
        c.rate_limits = Some(limits(|l| {
            l.enrollments = limit(3, 600);
            l.topups = limit(2, 600);
        }))
    })
    .await;
    let url = b.url();
    let mut enrolled = Vec::new();
    for n in 0..3 {
        let ((status, body), _, _) = Attacker::enroll(&url, &format!("Bot {n}"), "bot").await;
        assert_eq!(status, 201, "{body}");
        enrolled.push(body);
    }
    let ((status, code), _, _) = Attacker::enroll(&url, "Bot 3", "bot").await;
    assert_eq!((status, code.as_str()), (429, codes::RATE_LIMITED));

    // Top-ups: the account's burst, then refused, and the balance shows only what landed.
    let b2 =
        Backend::start_with(|c| c.rate_limits = Some(limits(|l| l.topups = limit(3, 600)))).await;
    let w = enrolled_wallet(&b2.url(), "Minter").await;
    let card = w
        .wallet
        .link_card("4242424242424242", 12, 2034)
        .await
        .unwrap();
    for _ in 0..2 {
        w.wallet
            .topup(&card.source_id, money("100.00 CNY"))
            .await
            .unwrap();
    }
    let e = w
        .wallet
        .topup(&card.source_id, money("100.00 CNY"))
        .await
        .unwrap_err();
    assert!(
        matches!(e, WalletError::RateLimited { retry_after_secs, .. } if retry_after_secs > 5),
        "{e:?}"
    );
    assert_eq!(w.wallet.balance().await.unwrap(), money("200.00 CNY"));
}

#[tokio::test]
async fn payments_past_the_devices_limit_are_refused_and_move_nothing() {
    let b =
        Backend::start_with(|c| c.rate_limits = Some(limits(|l| l.money_moves = limit(3, 600))))
            .await;
    let url = b.url();
    let (shop, _, _) = merchant_wallet(&url, "Tea House", None).await;
    let payer = funded_wallet(&url, "Ann", "50.00 CNY").await;
    let mut paid = 0;
    let mut refused = None;
    for _ in 0..5 {
        match pay_order(&shop, &payer, "1.00 CNY").await {
            Ok(_) => paid += 1,
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    assert_eq!(paid, 3);
    let e = refused.expect("the fourth is refused");
    assert_eq!(e.code(), Some(codes::RATE_LIMITED), "{e}");
    assert_eq!(payer.wallet.balance().await.unwrap(), money("47.00 CNY"));
    assert_eq!(shop.wallet.balance().await.unwrap(), money("3.00 CNY"));
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_short_wait_is_waited_out_by_the_wallet() {
    let b = Backend::start_with(|c| c.rate_limits = Some(limits(|l| l.money_moves = limit(1, 1))))
        .await;
    let url = b.url();
    let (shop, _, _) = merchant_wallet(&url, "Tea House", None).await;
    let payer = funded_wallet(&url, "Ann", "50.00 CNY").await;
    let started = Instant::now();
    for _ in 0..2 {
        pay_order(&shop, &payer, "1.00 CNY").await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the second waited"
    );
    assert_eq!(payer.wallet.balance().await.unwrap(), money("48.00 CNY"));
}

#[tokio::test]
async fn an_address_that_keeps_failing_signatures_is_shut_out() {
    let b = Backend::start_with(|c| {
        c.rate_limits = Some(limits(|l| l.failed_signatures = limit(5, 600)))
    })
    .await;
    let (_w, creds) = enrolled_with_credentials(&b.url(), "Victim").await;
    let at = Attacker::for_device(&b.url(), creds);
    // Signing as the victim's device with a key that is not its own.
    let guess = Attacker {
        url: at.url.clone(),
        http: at.http.clone(),
        key: purse_core::keys::SigningKey::generate().unwrap(),
        device_id: at.device_id.clone(),
    };
    for n in 0..5 {
        let raw = guess.sign("GET", "/v1/balance", b"", None, now(), &format!("g{n}"));
        assert_eq!(
            guess.send(&raw).await,
            (401, codes::SIGNATURE_INVALID.to_owned())
        );
    }
    let raw = guess.sign("GET", "/v1/balance", b"", None, now(), "g5");
    assert_eq!(
        guess.send(&raw).await,
        (429, codes::RATE_LIMITED.to_owned())
    );
    // Now even a good signature from that address waits.
    let raw = at.sign("GET", "/v1/balance", b"", None, now(), "ok");
    assert_eq!(at.send(&raw).await, (429, codes::RATE_LIMITED.to_owned()));
}

#[tokio::test]
async fn console_sign_in_attempts_count_against_the_address_too() {
    let b =
        Backend::start_with(|c| c.rate_limits = Some(limits(|l| l.requests = limit(3, 600)))).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let forged = format!("{}/console/sign-in?token=v1.dev_x.00.1.AAAA", b.url());
    for _ in 0..3 {
        assert_eq!(http.get(&forged).send().await.unwrap().status(), 403);
    }
    let r = http.get(&forged).send().await.unwrap();
    assert_eq!(r.status(), 429, "a guesser of sign-in links is slowed down");
    assert!(r.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn every_request_counts_against_its_address_with_retry_after() {
    let b =
        Backend::start_with(|c| c.rate_limits = Some(limits(|l| l.requests = limit(5, 600)))).await;
    let http = reqwest::Client::new();
    for _ in 0..5 {
        let r = http
            .get(format!("{}/v1/health", b.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = http
        .get(format!("{}/v1/health", b.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let wait: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((500..=600).contains(&wait), "{wait}");
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["code"], codes::RATE_LIMITED);
    assert!(p["request_id"].as_str().unwrap().starts_with("req_"));
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_counts_for_itself_and_no_one_else_can_say_so() {
    let http = reqwest::Client::new();
    let get = |url: String, client: &'static str| {
        let http = http.clone();
        async move {
            http.get(format!("{url}/v1/health"))
                .header("x-forwarded-for", client)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // The test is the proxy: it is trusted, so the address it forwards counts.
    let trusted = Backend::start_with(|c| {
        c.rate_limits = Some(limits(|l| l.requests = limit(2, 600)));
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    for _ in 0..2 {
        assert_eq!(get(trusted.url(), "198.51.100.1").await, 200);
    }
    assert_eq!(get(trusted.url(), "198.51.100.1").await, 429);
    assert_eq!(
        get(trusted.url(), "198.51.100.2").await,
        200,
        "another client"
    );

    // Not trusted: a client cannot spread itself over made-up addresses.
    let plain =
        Backend::start_with(|c| c.rate_limits = Some(limits(|l| l.requests = limit(2, 600)))).await;
    assert_eq!(get(plain.url(), "198.51.100.1").await, 200);
    assert_eq!(get(plain.url(), "198.51.100.2").await, 200);
    assert_eq!(get(plain.url(), "198.51.100.3").await, 429);
}
