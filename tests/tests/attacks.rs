//! Each attack on request authentication is refused with its own code: tampered body,
//! tampered header, replay, stale and future timestamps, unknown key, revoked device,
//! missing or incomplete signatures. Requests are built by hand so they can be bent.

mod common;

use common::attacker::{Attacker, now};
use common::*;
use purse_core::WalletError;
use purse_core::api::types::{Problem, codes};
use purse_core::keys::SigningKey;

/// `purse=:<base64>:` with one bit of the signature flipped.
fn flip_a_bit(field: &str) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD as B64;
    let b64 = field
        .strip_prefix("purse=:")
        .and_then(|r| r.strip_suffix(':'))
        .unwrap();
    let mut sig = B64.decode(b64).unwrap();
    sig[10] ^= 0x01;
    format!("purse=:{}:", B64.encode(sig))
}

/// A top-up of 1.00 CNY from a freshly linked sandbox card, as raw JSON.
async fn topup_body(w: &TestWallet) -> String {
    let src = w
        .wallet
        .link_card("4242424242424242", 12, 2034)
        .await
        .unwrap();
    format!(
        r#"{{"source_id":"{}","amount":{{"minor":100,"currency":"CNY"}}}}"#,
        src.source_id
    )
}

async fn setup() -> (Backend, TestWallet, Attacker) {
    let backend = Backend::start().await;
    let (w, creds) = enrolled_with_credentials(&backend.url(), "Victim").await;
    let attacker = Attacker::for_device(&backend.url(), creds);
    (backend, w, attacker)
}

#[tokio::test]
async fn a_well_formed_request_passes() {
    let (_b, _w, at) = setup().await;
    let raw = at.sign("GET", "/v1/balance", b"", None, now(), "ok-1");
    let (status, body) = at.send(&raw).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn tampered_body_is_refused() {
    let (_b, _w, at) = setup().await;
    let body = br#"{"number":"4242424242424242","exp_month":12,"exp_year":2034}"#;
    let mut raw = at.sign("POST", "/v1/funding/cards", body, None, now(), "tb-1");
    raw.body = br#"{"number":"4000000000000002","exp_month":12,"exp_year":2034}"#.to_vec();
    assert_eq!(at.send(&raw).await, (401, codes::DIGEST_MISMATCH.into()));

    // Recomputing the digest does not help: the signature covers it.
    let d = purse_core::sign::content_digest(&raw.body);
    raw.headers[0].1 = d;
    assert_eq!(at.send(&raw).await, (401, codes::SIGNATURE_INVALID.into()));
}

#[tokio::test]
async fn tampered_header_or_target_is_refused() {
    let (_b, w, at) = setup().await;
    let body = topup_body(&w).await;
    let mut raw = at.sign(
        "POST",
        "/v1/topups",
        body.as_bytes(),
        Some("k-1"),
        now(),
        "th-1",
    );
    raw.headers[4].1 = "k-2".into();
    assert_eq!(at.send(&raw).await, (401, codes::SIGNATURE_INVALID.into()));

    let mut raw = at.sign("GET", "/v1/balance", b"", None, now(), "th-2");
    raw.path = "/v1/account".into();
    assert_eq!(at.send(&raw).await, (401, codes::SIGNATURE_INVALID.into()));

    let mut raw = at.sign("GET", "/v1/balance", b"", None, now(), "th-3");
    raw.headers[2].1 = flip_a_bit(&raw.headers[2].1);
    let (status, code) = at.send(&raw).await;
    assert_eq!(status, 401);
    assert!(code == codes::SIGNATURE_INVALID, "{code}");
}

#[tokio::test]
async fn replayed_request_is_refused() {
    let (_b, _w, at) = setup().await;
    let raw = at.sign("GET", "/v1/balance", b"", None, now(), "replay-1");
    assert_eq!(at.send(&raw).await.0, 200);
    assert_eq!(at.send(&raw).await, (401, codes::NONCE_REPLAYED.into()));
}

#[tokio::test]
async fn stale_and_future_timestamps_are_refused() {
    let (_b, _w, at) = setup().await;
    let raw = at.sign("GET", "/v1/balance", b"", None, now() - 3600, "old-1");
    assert_eq!(at.send(&raw).await, (401, codes::SIGNATURE_EXPIRED.into()));
    let raw = at.sign("GET", "/v1/balance", b"", None, now() + 3600, "future-1");
    assert_eq!(
        at.send(&raw).await,
        (401, codes::SIGNATURE_FROM_FUTURE.into())
    );
}

#[tokio::test]
async fn unknown_key_is_refused() {
    let (_b, _w, mut at) = setup().await;
    at.key = SigningKey::generate().unwrap();
    at.device_id = purse_core::keys::device_id_for(&at.key.public_key());
    let raw = at.sign("GET", "/v1/balance", b"", None, now(), "u-1");
    assert_eq!(at.send(&raw).await, (401, codes::UNKNOWN_KEY.into()));

    // A known keyid with the wrong key does not verify.
    let (_b2, _w2, mut at2) = setup().await;
    at2.key = SigningKey::generate().unwrap();
    let raw = at2.sign("GET", "/v1/balance", b"", None, now(), "u-2");
    assert_eq!(at2.send(&raw).await, (401, codes::SIGNATURE_INVALID.into()));
}

#[tokio::test]
async fn revoked_device_is_refused() {
    let (_b, w, at) = setup().await;
    let devices = w.wallet.devices().await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].revoked_at, None);
    let me = w.wallet.account().unwrap().unwrap().device_id;
    let revoked = w.wallet.revoke_device(&me).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    let raw = at.sign("GET", "/v1/balance", b"", None, now(), "rv-1");
    assert_eq!(at.send(&raw).await, (403, codes::DEVICE_REVOKED.into()));
    assert!(matches!(
        w.wallet.balance().await,
        Err(WalletError::DeviceRevoked)
    ));
}

#[tokio::test]
async fn missing_or_incomplete_signatures_are_refused() {
    let (_b, w, at) = setup().await;
    let resp = reqwest::get(format!("{}/v1/balance", at.url))
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let p: Problem = resp.json().await.unwrap();
    assert_eq!(p.code, codes::SIGNATURE_MISSING);

    // Signed without covering the idempotency key that the request carries.
    let body = topup_body(&w).await;
    let mut raw = at.sign("POST", "/v1/topups", body.as_bytes(), None, now(), "cov-1");
    raw.headers.push(("idempotency-key".into(), "k".into()));
    assert_eq!(at.send(&raw).await, (401, codes::SIGNATURE_COVERAGE.into()));

    // Money-moving without an idempotency key at all.
    let raw = at.sign("POST", "/v1/topups", body.as_bytes(), None, now(), "cov-2");
    assert_eq!(
        at.send(&raw).await,
        (400, codes::IDEMPOTENCY_KEY_MISSING.into())
    );

    let mut raw = at.sign("GET", "/v1/balance", b"", None, now(), "mal-1");
    raw.headers[1].1 = "purse=(\"@method\"".into();
    assert_eq!(
        at.send(&raw).await,
        (401, codes::SIGNATURE_MALFORMED.into())
    );
}

#[tokio::test]
async fn openapi_document_is_served_and_describes_the_api() {
    let (b, _w, _at) = setup().await;
    let doc: serde_json::Value = reqwest::get(format!("{}/v1/openapi.json", b.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/v1/enroll",
        "/v1/balance",
        "/v1/transactions",
        "/v1/topups",
        "/v1/devices/{device_id}/revoke",
        "/v1/funding/cards",
        "/v1/pairings",
        "/v1/pairings/{pairing_id}",
        "/v1/pairings/{pairing_id}/open",
        "/v1/pairings/{pairing_id}/approve",
        "/v1/recovery/challenge",
        "/v1/recovery/rotate",
        "/v1/recoveries",
        "/v1/recoveries/{recovery_id}",
        "/v1/recoveries/{recovery_id}/cancel",
        "/v1/profile",
        "/v1/profile/handle",
        "/v1/profile/contacts",
        "/v1/profile/contacts/verify",
        "/v1/recipients",
        "/v1/sandbox/messages",
        "/v1/transfers",
        "/v1/transfers/{intent_id}",
        "/v1/receive-code",
        "/v1/receive-code/rotate",
        "/v1/receive-codes/{code_id}",
        "/v1/requests",
        "/v1/requests/{request_id}/decline",
        "/v1/requests/{request_id}/cancel",
        "/v1/blocks",
        "/v1/withdrawals",
        "/v1/withdrawals/{intent_id}",
        "/v1/sandbox/withdrawals/settle",
        "/v1/billers",
        "/v1/billers/{biller_id}",
        "/v1/billers/{biller_id}/bill",
        "/v1/operators",
        "/v1/bill-quotes",
        "/v1/saved-billers",
        "/v1/saved-billers/due",
        "/v1/saved-billers/{saved_id}",
        "/v1/bill-payments",
        "/v1/bill-payments/{intent_id}",
        "/v1/sandbox/billers/advance",
        "/v1/savings",
        "/v1/savings/moves",
        "/v1/savings/moves/{intent_id}",
        "/v1/savings/history",
        "/v1/paycode/key",
        "/v1/paycode/charges",
        "/v1/paycode/charges/{charge_id}",
        "/v1/paycode/charges/{charge_id}/confirm",
        "/v1/paycode/charges/{charge_id}/decline",
        "/v1/paycode/waiting",
        "/v1/paycode/limit",
    ] {
        assert!(doc["paths"][path].is_object(), "missing {path}");
    }
    assert!(doc["components"]["schemas"]["Money"].is_object());
    assert!(doc["components"]["schemas"]["Notice"].is_object());
    assert!(doc["components"]["schemas"]["Biller"].is_object());
    assert!(doc["components"]["schemas"]["SavingsMove"].is_object());
}

#[tokio::test]
async fn a_request_signed_for_another_server_is_refused() {
    let (b, _w, at) = setup().await;
    // Signed for another server, sent here naming it: refused before any key is looked at.
    let elsewhere = Attacker {
        url: "http://wallet.other.example".into(),
        http: at.http.clone(),
        key: SigningKey::from_pkcs8(at.key.pkcs8()).unwrap(),
        device_id: at.device_id.clone(),
    };
    let mut raw = elsewhere.sign("GET", "/v1/balance", b"", None, now(), "host-1");
    raw.headers
        .push(("host".to_owned(), "wallet.other.example".to_owned()));
    assert_eq!(at.send(&raw).await, (421, codes::WRONG_HOST.to_owned()));
    // Signed for another server, sent with this one's name: the signature does not cover
    // the URL this server rebuilds from its own address.
    let raw = elsewhere.sign("GET", "/v1/balance", b"", None, now(), "host-2");
    assert_eq!(
        at.send(&raw).await,
        (401, codes::SIGNATURE_INVALID.to_owned())
    );
    // A port of this machine that is not this backend's is another server too.
    let port = b.server.addr.port();
    let mut raw = at.sign("GET", "/v1/balance", b"", None, now(), "host-3");
    raw.headers
        .push(("host".to_owned(), format!("127.0.0.1:{}", port + 1)));
    assert_eq!(at.send(&raw).await, (421, codes::WRONG_HOST.to_owned()));
}

#[tokio::test]
async fn two_of_a_header_that_must_be_one_are_refused() {
    let (_b, _w, at) = setup().await;
    for header in [
        "signature",
        "signature-input",
        "content-digest",
        "idempotency-key",
    ] {
        let body = br#"{"x":1}"#;
        let mut raw = at.sign(
            "PUT",
            "/v1/account/limits",
            body,
            Some("idem-dup"),
            now(),
            header,
        );
        let first = raw.headers.iter().position(|(k, _)| k == header).unwrap();
        // A bent copy first, the genuine one last: the last one used to win.
        let genuine = raw.headers.remove(first);
        raw.headers
            .push((header.to_owned(), format!("{}x", genuine.1)));
        raw.headers.push(genuine);
        assert_eq!(
            at.send(&raw).await,
            (401, codes::SIGNATURE_MALFORMED.to_owned()),
            "{header}"
        );
    }
}

#[tokio::test]
async fn a_zero_or_negative_amount_is_an_amount_error_not_a_signature_error() {
    let backend = Backend::start().await;
    let url = backend.url();
    let (_shop, merchant, _) = merchant_wallet(&url, "Tea House", None).await;
    let (at, payment_key, account_id) = eve(&url).await;
    let account_id = account_id.as_str();
    for (n, minor) in [0i64, -100].into_iter().enumerate() {
        let intent = format!("int_nonpositive_{n}");
        let body = payment_body(
            account_id,
            &merchant.merchant_id,
            &intent,
            minor,
            &payment_key,
        );
        let raw = at.sign("POST", "/v1/payments", &body, Some(&intent), now(), &intent);
        assert_eq!(
            at.send(&raw).await,
            (400, codes::AMOUNT_INVALID.to_owned()),
            "{minor}"
        );
    }
}

/// Eve, enrolled by hand: her device as an attacker, her payment key, her account id.
async fn eve(url: &str) -> (Attacker, SigningKey, String) {
    let ((status, body), at, payment_key) = Attacker::enroll(url, "Eve", "phone").await;
    assert_eq!(status, 201, "{body}");
    let account: serde_json::Value = serde_json::from_str(&body).unwrap();
    let account_id = account["account"]["account_id"]
        .as_str()
        .unwrap()
        .to_owned();
    (at, payment_key, account_id)
}

/// A payment request signed by `payment_key`, whatever its amount.
fn payment_body(
    account_id: &str,
    payee_id: &str,
    intent: &str,
    minor: i64,
    payment_key: &SigningKey,
) -> Vec<u8> {
    use base64::Engine;
    use purse_core::sign::{Authorization, PaymentAuthorization};
    let authorization = PaymentAuthorization {
        intent_id: intent.into(),
        account_id: account_id.into(),
        payee_id: payee_id.into(),
        order_id: None,
        amount: purse_core::Money::new(minor, cny()),
        expires_at: now() + 60,
    };
    // Signed as no wallet would sign a non-positive amount: the fields' own rules skipped.
    let signature = payment_key.sign(&authorization.signing_bytes()).unwrap();
    serde_json::to_vec(&purse_core::api::types::PaymentRequest {
        payee_id: payee_id.into(),
        order_id: None,
        amount: authorization.amount,
        authorization,
        authorization_signature: base64::engine::general_purpose::STANDARD.encode(signature),
    })
    .unwrap()
}

#[tokio::test]
async fn a_refusal_is_answered_the_same_to_every_repeat() {
    let backend = Backend::start().await;
    let url = backend.url();
    let (_shop, merchant, _) = merchant_wallet(&url, "Tea House", None).await;
    let (at, payment_key, account_id) = eve(&url).await;
    let account_id = account_id.as_str();
    let body = payment_body(
        account_id,
        &merchant.merchant_id,
        "int_broke",
        100,
        &payment_key,
    );
    let mut answers = Vec::new();
    for nonce in ["first", "again"] {
        let raw = at.sign(
            "POST",
            "/v1/payments",
            &body,
            Some("int_broke"),
            now(),
            nonce,
        );
        answers.push(at.send(&raw).await);
    }
    assert_eq!(answers[0], (402, codes::INSUFFICIENT_FUNDS.to_owned()));
    assert_eq!(answers[1], answers[0]);
}

#[tokio::test]
async fn every_refusal_is_problem_json_even_the_frameworks_own() {
    let b = Backend::start().await;
    let http = reqwest::Client::new();
    let problem = |r: &reqwest::Response| r.headers()["content-type"].to_str().unwrap().to_owned();
    // A method the route does not take: 405 with Allow, as problem+json.
    let r = http
        .request(reqwest::Method::TRACE, format!("{}/v1/account", b.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET,HEAD");
    assert_eq!(problem(&r), "application/problem+json");
    let p: Problem = r.json().await.unwrap();
    assert!(p.request_id.starts_with("req_"));
    // A query string the framework cannot read.
    let r = http
        .get(format!("{}/v1/events?limit=many", b.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(problem(&r), "application/problem+json");
    let p: Problem = r.json().await.unwrap();
    assert_eq!(p.code, codes::INVALID_REQUEST);
    assert!(p.detail.contains("limit"), "{}", p.detail);
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_refused() {
    let (_b, _w, at) = setup().await;
    let raw = at.sign(
        "PUT",
        "/v1/account/limits",
        b"[null, null]",
        None,
        now(),
        "arr",
    );
    assert_eq!(
        at.send(&raw).await,
        (400, codes::INVALID_REQUEST.to_owned())
    );
}

#[tokio::test]
async fn another_accounts_objects_are_out_of_reach() {
    use purse_core::api::ApiClient;
    let b = Backend::start().await;
    let url = b.url();
    let (shop, _, _) = merchant_wallet(&url, "Tea House", None).await;
    let (bob, bob_creds) = enrolled_with_credentials(&url, "Bob").await;
    let (mallory, mallory_creds) = enrolled_with_credentials(&url, "Mallory").await;
    let bobs_card = bob
        .wallet
        .link_card("4242424242424242", 12, 2034)
        .await
        .unwrap();
    bob.wallet
        .topup(&bobs_card.source_id, money("20.00 CNY"))
        .await
        .unwrap();
    let (order, paid) = pay_order(&shop, &bob, "5.00 CNY").await.unwrap();
    let purse_core::pay::PaymentOutcome::Completed { payment: paid } = paid else {
        panic!("{paid:?}")
    };

    // Bob's card cannot fund Mallory; Bob's payment and the shop's order are not hers to see.
    let e = mallory
        .wallet
        .topup(&bobs_card.source_id, money("1.00 CNY"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::NOT_FOUND), "{e}");
    let api = ApiClient::new(&url).unwrap();
    let e = api
        .payment(&mallory_creds, &paid.intent_id)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::NOT_FOUND), "{e}");
    assert!(api.payment(&bob_creds, &paid.intent_id).await.is_ok());
    // Not a merchant: no merchant operation, not even reading an order.
    let e = mallory.wallet.order(&order.order_id).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::NOT_A_MERCHANT), "{e}");
    // Another merchant cannot read, close or refund the shop's order.
    let (other, _, _) = merchant_wallet(&url, "Book Nook", None).await;
    let e = other.wallet.order(&order.order_id).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::NOT_FOUND), "{e}");
    let e = other
        .wallet
        .refund(&order.order_id, money("5.00 CNY"), "")
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::NOT_FOUND), "{e}");
    assert_eq!(mallory.wallet.balance().await.unwrap(), money("0.00 CNY"));
    assert_eq!(shop.wallet.balance().await.unwrap(), money("5.00 CNY"));
}
