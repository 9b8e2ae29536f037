//! The payment flow end to end on the real backend: merchants and their codes, quotes,
//! payments, refusals, limits, refunds, webhooks and the payer's event stream.

mod common;

use purse_core::sign::Authorization;
use std::time::Duration;

use base64::Engine;
use common::*;
use purse_core::WalletError;
use purse_core::api::types::{OrderState, TransactionKind, codes};
use purse_core::pay::PaymentOutcome;
use purse_core::paycode::{Initiation, MerchantCodeSpec, PURSE_GUID, emvco};
use purse_core::sign::webhook;

fn completed(o: PaymentOutcome) -> purse_core::api::types::Payment {
    match o {
        PaymentOutcome::Completed { payment } => payment,
        other => panic!("expected a completed payment, got {other:?}"),
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn a_dynamic_order_is_paid_once_notified_and_refunded() {
    let hooks = WebhookReceiver::start(1).await; // the first delivery fails: retried
    let b = Backend::start_with(|c| {
        c.webhook_retry = vec![Duration::from_millis(200); 5];
        c.webhook_targets.allow_loopback = true;
    })
    .await;
    let (shop, merchant, secret) =
        merchant_wallet(&b.url(), "Tea House", Some(hooks.url.clone())).await;
    let payer = funded_wallet(&b.url(), "Ada", "100.00 CNY").await;

    let order = shop
        .wallet
        .create_order(money("12.34 CNY"), "2 oolong", None)
        .await
        .unwrap();
    assert_eq!(order.state, OrderState::Waiting);

    let quote = payer.wallet.resolve_payload(&order.payload).await.unwrap();
    assert_eq!(quote.quote.merchant_name, "Tea House");
    assert_eq!(quote.quote.amount, Some(money("12.34 CNY")));
    assert_eq!(
        quote.quote.order_id.as_deref(),
        Some(order.order_id.as_str())
    );
    assert!(!quote.name_mismatch() && !quote.amount_mismatch());

    let paid = completed(payer.wallet.pay(&quote, None).await.unwrap());
    assert_eq!(paid.amount, money("12.34 CNY"));
    assert_eq!(paid.balance, money("87.66 CNY"));
    assert_eq!(paid.merchant_name, "Tea House");
    assert_eq!(
        paid.transaction.amount,
        purse_core::Money::new(-1234, cny())
    );
    assert_eq!(
        payer.wallet.cached_balance().unwrap().unwrap().balance,
        money("87.66 CNY")
    );
    assert_eq!(shop.wallet.balance().await.unwrap(), money("12.34 CNY"));
    let o = shop.wallet.order(&order.order_id).await.unwrap();
    assert_eq!(o.state, OrderState::Paid);
    assert_eq!(o.payment_id.as_deref(), Some(paid.payment_id.as_str()));

    // The order cannot be paid again, by the same payer or anyone.
    let again = payer.wallet.pay(&quote, None).await.unwrap_err();
    assert_eq!(again.code(), Some(codes::ORDER_ALREADY_PAID), "{again}");
    let e = payer
        .wallet
        .resolve_payload(&order.payload)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::ORDER_ALREADY_PAID));

    // The merchant hears of it, signed, after one failed delivery.
    let got = hooks.wait_for(2).await;
    assert_eq!(got[0].id, got[1].id, "a retry is the same message");
    let m = &got[1];
    webhook::verify(
        &secret,
        &m.id,
        &m.timestamp,
        &m.signature,
        &m.body,
        unix_now(),
    )
    .unwrap();
    assert!(
        webhook::verify(
            &secret,
            &m.id,
            &m.timestamp,
            &m.signature,
            b"{}",
            unix_now()
        )
        .is_err()
    );
    let body: serde_json::Value = serde_json::from_slice(&m.body).unwrap();
    assert_eq!(body["type"], "order.paid");
    assert_eq!(body["data"]["order_id"], order.order_id.as_str());
    assert_eq!(body["data"]["state"], "paid");

    // A partial refund, then one too many.
    let refund = shop
        .wallet
        .refund(&order.order_id, money("2.34 CNY"), "one cup was cold")
        .await
        .unwrap();
    assert_eq!(refund.order.state, OrderState::Refunded);
    assert_eq!(refund.order.amount_refunded, money("2.34 CNY"));
    assert_eq!(refund.balance, money("10.00 CNY"));
    let e = shop
        .wallet
        .refund(&order.order_id, money("10.01 CNY"), "")
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::REFUND_EXCEEDS_PAYMENT), "{e}");
    let got = hooks.wait_for(3).await;
    let body: serde_json::Value = serde_json::from_slice(&got[2].body).unwrap();
    assert_eq!(body["type"], "order.refunded");

    // The payer's event stream has the top-up, the payment and the refund, in order.
    let events = payer.wallet.poll_events(0).await.unwrap().events;
    let kinds: Vec<_> = events.iter().map(|e| e.transaction.kind).collect();
    assert_eq!(
        kinds,
        [
            TransactionKind::Topup,
            TransactionKind::Payment,
            TransactionKind::Refund
        ]
    );
    assert_eq!(events[2].balance, money("90.00 CNY"));
    assert_eq!(
        events[1].transaction.intent_id.as_deref(),
        Some(paid.intent_id.as_str())
    );
    assert!(
        payer.wallet.poll_events(0).await.unwrap().events.is_empty(),
        "cursor kept"
    );
    assert_eq!(
        payer.wallet.cached_balance().unwrap().unwrap().balance,
        money("90.00 CNY")
    );
    let history = payer.wallet.history(10, None).unwrap().data;
    assert_eq!(history.len(), 3);
    assert_eq!(merchant.display_name, "Tea House");
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_waiting_poll_wakes_when_money_arrives() {
    let b = Backend::start().await;
    common::scenarios::a_waiting_poll_wakes_when_paid(&b.url(), &b.url()).await;
}

#[tokio::test]
async fn a_static_code_takes_the_payers_amount() {
    let b = Backend::start().await;
    let (shop, merchant, _) = merchant_wallet(&b.url(), "Corner Shop", None).await;
    let payer = funded_wallet(&b.url(), "Cy", "20.00 CNY").await;
    let quote = payer
        .wallet
        .resolve_payload(&merchant.static_payload)
        .await
        .unwrap();
    assert!(quote.needs_amount());
    assert_eq!(quote.quote.merchant_name, "Corner Shop");
    assert!(matches!(
        payer.wallet.pay(&quote, None).await,
        Err(WalletError::InvalidInput(_))
    ));
    let p = completed(
        payer
            .wallet
            .pay(&quote, Some(money("5.50 CNY")))
            .await
            .unwrap(),
    );
    assert_eq!(p.balance, money("14.50 CNY"));
    let orders = shop.wallet.orders(10, None).await.unwrap().data;
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].order_id, p.order_id);
    assert_eq!(orders[0].state, OrderState::Paid);
    // A static payment is refundable like any order.
    shop.wallet
        .refund(&p.order_id, money("5.50 CNY"), "")
        .await
        .unwrap();
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn the_verified_name_wins_over_the_codes() {
    let b = Backend::start().await;
    let (_shop, merchant, _) = merchant_wallet(&b.url(), "Tea House", None).await;
    let payer = funded_wallet(&b.url(), "Di", "20.00 CNY").await;
    let forged = emvco::encode(&MerchantCodeSpec {
        initiation: Initiation::Static,
        account_tag: 26,
        guid: PURSE_GUID.into(),
        account_fields: vec![("01".into(), merchant.merchant_id.clone())],
        mcc: "5814".into(),
        amount: None,
        currency: cny(),
        country: "CN".into(),
        merchant_name: "Bank of Trust".into(),
        merchant_city: "Hangzhou".into(),
        bill_number: None,
        reference_label: None,
        terminal_label: None,
    })
    .unwrap();
    let q = payer.wallet.resolve_payload(&forged).await.unwrap();
    assert_eq!(q.quote.merchant_name, "Tea House");
    assert_eq!(q.claimed_name.as_deref(), Some("Bank of Trust"));
    assert!(q.name_mismatch());
}

#[tokio::test]
async fn expired_closed_and_unknown_orders_are_refused() {
    let b = Backend::start().await;
    let (shop, _, _) = merchant_wallet(&b.url(), "Tea House", None).await;
    let payer = funded_wallet(&b.url(), "Ed", "20.00 CNY").await;
    let order = shop
        .wallet
        .create_order(money("1.00 CNY"), "", Some(1))
        .await
        .unwrap();
    let quote = payer.wallet.resolve_payload(&order.payload).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let e = payer.wallet.pay(&quote, None).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::ORDER_EXPIRED), "{e}");
    assert_eq!(
        shop.wallet.order(&order.order_id).await.unwrap().state,
        OrderState::Closed
    );
    let order = shop
        .wallet
        .create_order(money("1.00 CNY"), "", None)
        .await
        .unwrap();
    let quote = payer.wallet.resolve_payload(&order.payload).await.unwrap();
    shop.wallet.close_order(&order.order_id).await.unwrap();
    let e = payer.wallet.pay(&quote, None).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::ORDER_CLOSED));
    // The failed intents are final in the outbox, and no money moved.
    let intents = payer.wallet.payment_intents(10).unwrap();
    assert!(
        intents
            .iter()
            .all(|i| i.state == purse_core::cache::IntentState::Failed)
    );
    assert_eq!(payer.wallet.balance().await.unwrap(), money("20.00 CNY"));
}

#[tokio::test]
async fn insufficient_funds_and_limits_are_clear_errors() {
    let b = Backend::start_with(|c| {
        c.max_per_payment_major = 50;
        c.max_per_day_major = 80;
    })
    .await;
    let (shop, merchant, _) = merchant_wallet(&b.url(), "Tea House", None).await;
    let payer = funded_wallet(&b.url(), "Fay", "200.00 CNY").await;
    let poor = funded_wallet(&b.url(), "Gus", "1.00 CNY").await;
    let order = shop
        .wallet
        .create_order(money("2.00 CNY"), "", None)
        .await
        .unwrap();
    let q = poor.wallet.resolve_payload(&order.payload).await.unwrap();
    let e = poor.wallet.pay(&q, None).await.unwrap_err();
    assert!(matches!(e, WalletError::InsufficientFunds { .. }), "{e}");
    // The backend's request id comes along, for the user to quote to support.
    assert!(
        e.request_id().is_some_and(|id| id.starts_with("req_")),
        "{e:?}"
    );
    assert_eq!(
        shop.wallet.order(&order.order_id).await.unwrap().state,
        OrderState::Waiting
    );

    let q = payer
        .wallet
        .resolve_payload(&merchant.static_payload)
        .await
        .unwrap();
    let e = payer
        .wallet
        .pay(&q, Some(money("50.01 CNY")))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::LIMIT_PER_PAYMENT), "{e}");
    assert!(e.request_id().is_some(), "{e:?}");
    payer
        .wallet
        .pay(&q, Some(money("50.00 CNY")))
        .await
        .unwrap();
    let e = payer
        .wallet
        .pay(&q, Some(money("30.01 CNY")))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, WalletError::LimitExceeded { code, .. } if code == codes::LIMIT_PER_DAY),
        "{e}"
    );
    // The user may lower their own limits, not raise them past the backend's.
    let l = payer
        .wallet
        .set_limits(Some(money("5.00 CNY")), None)
        .await
        .unwrap();
    assert_eq!(l.per_payment, money("5.00 CNY"));
    assert_eq!(l.spent_today, money("50.00 CNY"));
    let e = payer
        .wallet
        .pay(&q, Some(money("6.00 CNY")))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::LIMIT_PER_PAYMENT));
    assert!(
        payer
            .wallet
            .set_limits(Some(money("51.00 CNY")), None)
            .await
            .is_err()
    );
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn an_authorization_must_match_the_request() {
    use purse_core::api::types::PaymentRequest;
    use purse_core::sign::PaymentAuthorization;

    let b = Backend::start().await;
    let (_shop, merchant, _) = merchant_wallet(&b.url(), "Tea House", None).await;
    let (payer, creds) = enrolled_with_credentials(&b.url(), "Hal").await;
    let card = payer
        .wallet
        .link_card("4242424242424242", 12, 2030)
        .await
        .unwrap();
    payer
        .wallet
        .topup(&card.source_id, money("100.00 CNY"))
        .await
        .unwrap();
    let account = payer.wallet.account().unwrap().unwrap();
    let api = purse_core::api::ApiClient::new(&b.url()).unwrap();
    let build = async |intent: &str, signed_amount: &str, sent_amount: &str, device_signs: bool| {
        let auth = PaymentAuthorization {
            intent_id: intent.into(),
            account_id: account.account_id.clone(),
            payee_id: merchant.merchant_id.clone(),
            order_id: None,
            amount: money(signed_amount),
            expires_at: unix_now() + 300,
        };
        let sig = if device_signs {
            auth.sign(&creds.key).unwrap()
        } else {
            payer
                .wallet
                .authorize_payment(&auth, "test".into())
                .await
                .unwrap()
        };
        serde_json::to_string(&PaymentRequest {
            payee_id: merchant.merchant_id.clone(),
            order_id: None,
            amount: money(sent_amount),
            authorization: auth,
            authorization_signature: base64::engine::general_purpose::STANDARD.encode(sig),
        })
        .unwrap()
    };
    let body = build("pi_a", "1.00 CNY", "99.00 CNY", false).await;
    let e = api.pay(&creds, &body, "pi_a").await.unwrap_err();
    assert_eq!(e.code(), Some(codes::AUTHORIZATION_MISMATCH), "{e}");
    let body = build("pi_b", "1.00 CNY", "1.00 CNY", true).await;
    let e = api.pay(&creds, &body, "pi_b").await.unwrap_err();
    assert_eq!(e.code(), Some(codes::AUTHORIZATION_INVALID), "{e}");
    let body = build("pi_c", "1.00 CNY", "1.00 CNY", false).await;
    let ok = api.pay(&creds, &body, "pi_c").await.unwrap();
    // A repeat is answered from the record; another request under the same intent is not
    // a second payment.
    let again = api.pay(&creds, &body, "pi_c").await.unwrap();
    assert_eq!(ok.payment_id, again.payment_id);
    let other = build("pi_c", "2.00 CNY", "2.00 CNY", false).await;
    let e = api.pay(&creds, &other, "pi_c").await.unwrap_err();
    assert_eq!(e.code(), Some(codes::IDEMPOTENCY_KEY_REUSED), "{e}");
    assert_eq!(payer.wallet.balance().await.unwrap(), money("99.00 CNY"));
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn other_networks_and_bad_codes_are_named() {
    let b = Backend::start().await;
    let payer = funded_wallet(&b.url(), "Ivy", "1.00 CNY").await;
    let e = payer
        .wallet
        .resolve_payload("upi://pay?pa=shop@bank&pn=Shop&am=10.00&cu=INR")
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::UnsupportedCode { .. }), "{e}");
    let e = payer
        .wallet
        .resolve_payload("00020101021126")
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::InvalidCode(_)), "{e}");
}

#[tokio::test]
async fn a_merchant_name_that_could_deceive_a_payer_is_refused() {
    let b = Backend::start().await;
    let w = enrolled_wallet(&b.url(), "Mallory").await;
    for name in ["Tea\u{202e}esuoH", "Tea\u{200b}House", "Tea\nHouse", "   "] {
        let e = w
            .wallet
            .register_merchant(&purse_core::api::types::RegisterMerchantRequest {
                display_name: name.into(),
                city: "Hangzhou".into(),
                mcc: None,
                webhook_url: None,
            })
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("invalid_request"), "{name:?}: {e}");
    }
}
