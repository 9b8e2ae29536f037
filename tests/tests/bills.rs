//! Bills and phone top-up on the real backend with the shipped sandbox billers: fetch, pay
//! in full or in part, a biller that rejects after accepting (the money comes back, with an
//! event and a notice), a scanned QR-bill in another currency, top-ups held then credited,
//! and every failure path with its code. The ledger is checked after each test.

mod common;

use common::*;
use purse_core::api::types::{BillPaymentState, BillerCategory, NoticeKind, TransactionKind};
use purse_core::pay::BillOutcome;
use purse_core::wallet::WalletError;

fn taken(o: BillOutcome) -> purse_core::api::types::BillPayment {
    match o {
        BillOutcome::Completed { bill_payment } => bill_payment,
        other => panic!("not taken: {other:?}"),
    }
}

/// The rule's code of a wallet error, offline or from the backend.
fn code(e: WalletError) -> String {
    match e {
        WalletError::InvalidBill(b) => b.code().to_owned(),
        WalletError::PaymentRefused { code, .. } => code,
        WalletError::InsufficientFunds { .. } => "insufficient_funds".into(),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn a_fetched_bill_is_paid_in_part_then_in_full_with_a_receipt() {
    let b = Backend::start().await;
    let w = funded_wallet(&b.url(), "Ada", "500.00 CNY").await;
    let billers = w
        .wallet
        .billers(Some(BillerCategory::Electricity))
        .await
        .unwrap();
    assert!(
        billers
            .iter()
            .all(|x| x.category == BillerCategory::Electricity)
    );
    let grid = w.wallet.biller("cn_state_grid").await.unwrap();
    let bill = w.wallet.fetch_bill(&grid, "1000 0000 08").await.unwrap();
    assert_eq!(bill.amount_due, money("235.60 CNY"));
    assert_eq!(bill.customer_name, "A** L*******", "masked");

    let part = taken(
        w.wallet
            .pay_bill(
                &grid,
                &bill.reference,
                money("35.60 CNY"),
                Some(bill.amount_due),
            )
            .await
            .unwrap(),
    );
    assert_eq!(part.state, BillPaymentState::Completed);
    assert!(part.confirmation.is_some());
    assert_eq!(part.balance, money("464.40 CNY"));
    assert_eq!(part.transaction.kind, TransactionKind::BillPayment);
    let e = w
        .wallet
        .pay_bill(
            &grid,
            &bill.reference,
            money("300.00 CNY"),
            Some(bill.amount_due),
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), "amount_above_due", "refused offline");
    // The backend checks again against its own fetch, whatever the wallet was told.
    let e = w
        .wallet
        .pay_bill(
            &grid,
            &bill.reference,
            money("300.00 CNY"),
            Some(money("900.00 CNY")),
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), "amount_above_due");
    let receipts = w.wallet.bill_payments().await.unwrap();
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].biller_name, "State Grid Shanghai Electric");
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn every_failure_path_has_its_code_and_moves_nothing() {
    let b = Backend::start().await;
    let w = funded_wallet(&b.url(), "Ada", "100.00 CNY").await;
    let grid = w.wallet.biller("cn_state_grid").await.unwrap();
    let water = w.wallet.biller("cn_shanghai_water").await.unwrap();
    let card = w.wallet.biller("cn_cmb_card").await.unwrap();
    for (typed, want) in [
        ("1000000009", "reference_bad_check_digit"),
        ("100000000", "reference_too_short"),
        ("10000000A8", "reference_bad_characters"),
    ] {
        let e = w.wallet.fetch_bill(&grid, typed).await.unwrap_err();
        assert_eq!(code(e), want, "{typed}");
    }
    let e = w.wallet.fetch_bill(&grid, "1000000016").await;
    assert!(e.is_ok(), "another customer's bill is found (masked)");
    let e = w.wallet.fetch_bill(&grid, "1000000040").await.unwrap_err();
    assert_eq!(code(e), "bill_not_found");
    let e = w.wallet.fetch_bill(&water, "SH123").await.unwrap_err();
    assert_eq!(code(e), "reference_too_short");
    let e = w.wallet.fetch_bill(&water, "XX20261101").await.unwrap_err();
    assert_eq!(code(e), "reference_pattern_mismatch");
    // Partial payment where the biller takes exactly the amount due.
    let e = w
        .wallet
        .pay_bill(
            &water,
            "SH20261101",
            money("10.00 CNY"),
            Some(money("46.20 CNY")),
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), "amount_must_equal_due");
    // The biller times out.
    match w.wallet.fetch_bill(&card, "4242424242424242").await {
        Err(WalletError::Api(e)) => assert_eq!(e.code(), Some("biller_timeout")),
        other => panic!("{other:?}"),
    }
    let e = w
        .wallet
        .pay_bill(&card, "6214830000000009", money("150.00 CNY"), None)
        .await
        .unwrap_err();
    assert_eq!(code(e), "insufficient_funds");
    assert_eq!(w.wallet.balance().await.unwrap(), money("100.00 CNY"));
    assert!(w.wallet.bill_payments().await.unwrap().is_empty());
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_biller_that_rejects_after_accepting_gives_the_money_back() {
    let b = Backend::start().await;
    let w = funded_wallet(&b.url(), "Ada", "101.00 CNY").await;
    let grid = w.wallet.biller("cn_state_grid").await.unwrap();
    let card = w.wallet.biller("cn_cmb_card").await.unwrap();
    w.wallet.poll_events(0).await.unwrap();
    let bill = w.wallet.fetch_bill(&grid, "1000000024").await.unwrap();
    let held = taken(
        w.wallet
            .pay_bill(
                &grid,
                &bill.reference,
                bill.amount_due,
                Some(bill.amount_due),
            )
            .await
            .unwrap(),
    );
    assert_eq!(held.state, BillPaymentState::Pending);
    assert_eq!(held.balance, money("1.10 CNY"));
    // A biller that timed out answers later and confirms.
    let e = w
        .wallet
        .pay_bill(&card, "4242424242424242", money("1.00 CNY"), None)
        .await
        .map(taken)
        .unwrap();
    assert_eq!(e.state, BillPaymentState::Pending);

    let after = w.wallet.sandbox_advance_billers().await.unwrap();
    let rejected = after
        .iter()
        .find(|p| p.intent_id == held.intent_id)
        .unwrap();
    assert_eq!(rejected.state, BillPaymentState::Failed);
    assert!(rejected.failure.as_deref().unwrap().contains("rejected"));
    let confirmed = after.iter().find(|p| p.intent_id == e.intent_id).unwrap();
    assert_eq!(confirmed.state, BillPaymentState::Completed);
    assert!(confirmed.confirmation.is_some());
    assert_eq!(w.wallet.balance().await.unwrap(), money("100.00 CNY"));

    let page = w.wallet.poll_events(0).await.unwrap();
    assert!(
        page.events
            .iter()
            .any(|ev| ev.transaction.kind == TransactionKind::BillRefund),
        "the refund is an event"
    );
    let kinds: Vec<NoticeKind> = page.notices.iter().map(|n| n.kind).collect();
    assert!(kinds.contains(&NoticeKind::BillFailed) && kinds.contains(&NoticeKind::BillCompleted));
    b.assert_ledger_sound().await;
}

fn qr_bill(reference: &str, amount: &str) -> String {
    purse_core::paycode::qr_bill_text(
        "CH4431999123000889012",
        "ewz",
        amount,
        "CHF",
        "Ada Lovelace",
        reference,
    )
}

#[tokio::test]
async fn a_scanned_qr_bill_in_another_currency_is_quoted_then_paid_once() {
    let b = Backend::start_with(|c| c.quote_ttl_secs = 2).await;
    let w = funded_wallet(&b.url(), "Ada", "1000.00 CNY").await;
    let scanned = w
        .wallet
        .scanned_bill(&qr_bill("000000000003139471430009018", "45.50"))
        .await
        .unwrap();
    assert_eq!(scanned.biller.biller_id, "ch_ewz");
    let amount = scanned.amount.unwrap();
    let quote = w
        .wallet
        .quote_bill(&scanned.biller, &scanned.reference, None, Some(amount))
        .await
        .unwrap();
    assert_eq!(
        quote.debit,
        money("376.69 CNY"),
        "45.50 CHF at 0.122, 1 % fee"
    );
    let paid = taken(w.wallet.pay_quoted(&scanned.biller, &quote).await.unwrap());
    assert_eq!(paid.biller_amount, Some(amount));
    assert_eq!(paid.amount, quote.debit);
    // A quote pays once.
    let e = w
        .wallet
        .pay_quoted(&scanned.biller, &quote)
        .await
        .unwrap_err();
    assert_eq!(code(e), "quote_mismatch");
    // An expired quote is refused by the backend.
    let stale = w
        .wallet
        .quote_bill(&scanned.biller, &scanned.reference, None, Some(amount))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(3_100)).await;
    let e = w
        .wallet
        .pay_quoted(
            &scanned.biller,
            &purse_core::api::types::BillQuote {
                expires_at: i64::MAX,
                ..stale
            },
        )
        .await
        .unwrap_err();
    assert_eq!(code(e), "quote_expired");
    // Another creditor is explained, not paid.
    let other = qr_bill("000000000003139471430009018", "45.50")
        .replace("CH4431999123000889012", "CH5800791123000889012");
    let e = w.wallet.scanned_bill(&other).await.unwrap_err();
    assert_eq!(code(e), "creditor_unknown");
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn phone_top_ups_fixed_ranged_and_cross_currency() {
    let b = Backend::start().await;
    let w = funded_wallet(&b.url(), "Ada", "500.00 CNY").await;
    let found = w.wallet.topup_operators("+86 138 0013 8000").await.unwrap();
    assert_eq!(found.number, "+8613800138000");
    assert_eq!(found.suggested.as_deref(), Some("cn_china_mobile"));
    assert!(
        found
            .operators
            .iter()
            .any(|o| o.biller_id == "cn_china_unicom")
    );
    let cm = found
        .operators
        .iter()
        .find(|o| o.biller_id == "cn_china_mobile")
        .unwrap()
        .clone();
    let held = taken(
        w.wallet
            .topup_phone(&cm, &found.number, "cm_50", None)
            .await
            .unwrap(),
    );
    assert_eq!(held.state, BillPaymentState::Pending, "held");
    assert_eq!(held.balance, money("450.00 CNY"));
    let e = w
        .wallet
        .topup_phone(&cm, &found.number, "cm_any", Some(money("12.34 CNY")))
        .await
        .unwrap_err();
    assert_eq!(code(e), "amount_off_step");
    let failing = taken(
        w.wallet
            .topup_phone(&cm, "+8613900000000", "cm_any", Some(money("20.00 CNY")))
            .await
            .unwrap(),
    );
    let after = w.wallet.sandbox_advance_billers().await.unwrap();
    let state = |id: &str| after.iter().find(|p| p.intent_id == id).unwrap().state;
    assert_eq!(state(&held.intent_id), BillPaymentState::Completed);
    assert_eq!(
        state(&failing.intent_id),
        BillPaymentState::Failed,
        "operator failure"
    );
    assert_eq!(w.wallet.balance().await.unwrap(), money("450.00 CNY"));

    // India in rupees, from a wallet in yuan: quoted first.
    let india = w.wallet.topup_operators("+91 98765 43210").await.unwrap();
    assert_eq!(india.suggested.as_deref(), Some("in_airtel"));
    let airtel = india.operators[0].clone();
    let e = w
        .wallet
        .topup_phone(&airtel, &india.number, "ai_199", None)
        .await
        .unwrap_err();
    assert_eq!(
        code(e),
        "currency_mismatch",
        "another currency needs a quote"
    );
    let quote = w
        .wallet
        .quote_bill(&airtel, &india.number, Some("ai_199".into()), None)
        .await
        .unwrap();
    assert_eq!(quote.biller_amount, money("199.00 INR"));
    let paid = taken(w.wallet.pay_quoted(&airtel, &quote).await.unwrap());
    assert_eq!(paid.amount, quote.debit);

    // Numbers that cannot be topped up.
    for (number, want) in [
        ("+86 21 6288 0000", "phone_not_mobile"),
        ("12345", "phone_invalid"),
    ] {
        let e = w.wallet.topup_operators(number).await.unwrap_err();
        assert_eq!(code(e), want, "{number}");
    }
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn saved_billers_and_the_due_now_list() {
    let b = Backend::start().await;
    let w = funded_wallet(&b.url(), "Ada", "10.00 CNY").await;
    let grid = w.wallet.biller("cn_state_grid").await.unwrap();
    let card = w.wallet.biller("cn_cmb_card").await.unwrap();
    let home = w
        .wallet
        .save_biller(&grid, "1000 0000 08", "Home")
        .await
        .unwrap();
    assert_eq!(home.reference, "1000000008");
    w.wallet
        .save_biller(&card, "4242424242424242", "Card")
        .await
        .unwrap();
    let e = w.wallet.save_biller(&grid, "1000000008", "Again").await;
    assert!(e.is_err(), "saved once");
    let e = w
        .wallet
        .save_biller(&grid, "1000000008", "Bad\u{202e}name")
        .await;
    assert!(e.is_err(), "hostile nickname");
    let due = w.wallet.due_bills().await.unwrap();
    assert_eq!(due.len(), 2);
    assert_eq!(
        due[0].bill.as_ref().unwrap().amount_due,
        money("235.60 CNY")
    );
    assert_eq!(due[1].problem.as_deref(), Some("biller_timeout"));
    let left = w.wallet.forget_biller(&home.saved_id).await.unwrap();
    assert_eq!(left.len(), 1);
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_lost_answer_leaves_the_bill_pending_and_it_is_paid_once() {
    let (b, proxy) = Backend::behind_proxy(1, 0, std::time::Duration::ZERO).await;
    let (ada, _dir) = impatient_funded(&proxy.url, "100.00 CNY").await;
    let gas = ada.biller("cn_city_gas").await.unwrap();

    let mut answered = proxy.hold_answers("/v1/bill-payments");
    let outcome = ada
        .pay_bill(&gas, "3000000190", money("40.00 CNY"), None)
        .await
        .unwrap();
    assert!(
        matches!(outcome, BillOutcome::Pending { .. }),
        "{outcome:?}"
    );
    assert!(
        answered.recv().await.unwrap().contains("201"),
        "the backend took it"
    );
    proxy.release_answers();
    let results = ada.reconcile().await.unwrap();
    assert_eq!(results.len(), 1);
    assert!(!results[0].1.as_ref().unwrap().is_pending());
    assert_eq!(
        ada.balance().await.unwrap(),
        money("60.00 CNY"),
        "paid once"
    );
    assert_eq!(ada.bill_payments().await.unwrap().len(), 1);
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_catalogue_file_adds_a_biller_and_a_broken_one_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("extra.json");
    std::fs::write(
        &file,
        r#"{"billers": [{
            "biller_id": "cn_hangzhou_water", "name": "Hangzhou Water", "category": "water",
            "country": "CN", "currency": "CNY",
            "reference": {"label": "Account number", "kind": "numeric", "min_length": 6,
                "max_length": 6, "check_digit": "luhn"},
            "fetch_mode": "not_supported", "amount_rule": "range",
            "min_amount": {"minor": 100, "currency": "CNY"},
            "max_amount": {"minor": 100000, "currency": "CNY"}
        }]}"#,
    )
    .unwrap();
    let path = file.clone();
    let b = Backend::start_with(move |c| c.biller_files = vec![path]).await;
    let w = funded_wallet(&b.url(), "Ada", "20.00 CNY").await;
    let water = w.wallet.biller("cn_hangzhou_water").await.unwrap();
    assert!(
        w.wallet.biller("cn_state_grid").await.is_ok(),
        "the shipped ones stay"
    );
    let paid = taken(
        w.wallet
            .pay_bill(&water, "123455", money("5.00 CNY"), None)
            .await
            .unwrap(),
    );
    assert_eq!(paid.state, BillPaymentState::Completed);
    b.assert_ledger_sound().await;

    std::fs::write(&file, r#"{"billers": [{"biller_id": "Bad Id"}]}"#).unwrap();
    let mut config =
        purse_backend::Config::new("127.0.0.1:0".parse().unwrap(), dir.path().join("other.db"));
    config.biller_files = vec![file];
    assert!(purse_backend::start(config).await.is_err());
}
