//! Moving a store from SQLite to PostgreSQL: a backend runs on SQLite and money moves (top-
//! ups, a payment, a transfer, idempotent requests); it stops; `purse backend migrate` copies
//! the store; a backend on PostgreSQL then shows every balance and history as they were,
//! answers a repeated idempotency key with the first answer, and takes new payments.
//!
//! Runs only where `PURSE_TEST_POSTGRES` names a server (the test command starts one).

mod common;

use common::*;
use purse_backend::store::migrate::sqlite_to_postgres;
use purse_backend::store::scratch::scratch;
use purse_backend::store::{Database, Store};
use purse_core::api::ApiClient;
use purse_core::api::types::{TopupRequest, Transaction, codes};

/// Every account's balance and whole history, as a store holds them.
async fn ledger(store: &dyn Store, accounts: &[String]) -> Vec<(i64, Vec<Transaction>)> {
    let mut all = Vec::new();
    for a in accounts {
        let (balance, _) = store.balance(a).await.unwrap();
        all.push((balance, common::recovery::ledger_of(store, a).await));
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_store_keeps_every_balance_history_and_idempotent_answer() {
    let dir = tempfile::tempdir().unwrap();
    let Database::Postgres(target) = scratch(dir.path(), "unused.db").await else {
        eprintln!("PURSE_TEST_POSTGRES is not set: nothing to move to");
        return;
    };
    let file = dir.path().join("backend.db");
    let on_sqlite = purse_backend::start(purse_backend::Config::new(
        "127.0.0.1:0".parse().unwrap(),
        Database::Sqlite(file.clone()),
    ))
    .await
    .unwrap();
    let url = on_sqlite.url();
    let (shop, merchant, _) = merchant_wallet(&url, "Tea House", None).await;
    let (cy, creds) = enrolled_with_credentials(&url, "Cy").await;
    let visa = cy
        .wallet
        .link_card("4242424242424242", 12, 2034)
        .await
        .unwrap();
    let request = TopupRequest {
        source_id: visa.source_id.clone(),
        amount: money("50.00 CNY"),
    };
    let first = ApiClient::new(&url)
        .unwrap()
        .topup(&creds, &request, "moved-key")
        .await
        .unwrap();
    let order = shop
        .wallet
        .create_order(money("12.50 CNY"), "tea", None)
        .await
        .unwrap();
    let q = cy.wallet.resolve_payload(&order.payload).await.unwrap();
    cy.wallet.pay(&q, None).await.unwrap();
    let bo = enrolled_wallet(&url, "Bo").await;
    bo.wallet.set_handle("$bo_moved").await.unwrap();
    let r = cy.wallet.find_recipient("$bo_moved").await.unwrap();
    cy.wallet
        .send(&r, money("7.00 CNY"), "lunch")
        .await
        .unwrap();
    let accounts = vec![
        merchant.account_id.clone(),
        cy.wallet.account().unwrap().unwrap().account_id,
        bo.wallet.account().unwrap().unwrap().account_id,
    ];
    let before = ledger(on_sqlite.store.as_ref(), &accounts).await;
    on_sqlite.stop().await;

    let moved = sqlite_to_postgres(&file, &target).await.unwrap();
    assert!(moved.rows() > 20, "{moved:?}");
    assert!(
        moved
            .tables
            .iter()
            .any(|(t, n)| t == "idempotency" && *n > 0)
    );
    let again = sqlite_to_postgres(&file, &target).await.unwrap_err();
    assert!(
        again.to_string().contains("empty"),
        "a second move is refused: {again}"
    );

    // The key file moves with the store: the SQLite backend's, beside its file.
    let on_postgres = purse_backend::start(purse_backend::Config {
        key_file: Some(dir.path().join("backend.db.key")),
        ..purse_backend::Config::new("127.0.0.1:0".parse().unwrap(), Database::Postgres(target))
    })
    .await
    .unwrap();
    assert_eq!(ledger(on_postgres.store.as_ref(), &accounts).await, before);
    assert_sound(on_postgres.store.as_ref()).await;

    // The same key gets the first answer, not a second top-up; another body is refused.
    let api = ApiClient::new(&on_postgres.url()).unwrap();
    assert_eq!(
        api.topup(&creds, &request, "moved-key").await.unwrap(),
        first
    );
    let other = TopupRequest {
        amount: money("1.00 CNY"),
        ..request.clone()
    };
    let e = api.topup(&creds, &other, "moved-key").await.unwrap_err();
    assert_eq!(e.code(), Some(codes::IDEMPOTENCY_KEY_REUSED));
    // The card's keyed fingerprint moved with the key file: linking it again finds it.
    let again = api
        .link_card(
            &creds,
            &purse_core::api::types::LinkCardRequest {
                number: "4242424242424242".into(),
                exp_month: 12,
                exp_year: 2034,
            },
        )
        .await
        .unwrap();
    assert_eq!(again.source_id, visa.source_id);

    // And the moved store goes on: a new payment gets a new place in the ledger.
    let shop = merchant_wallet(&on_postgres.url(), "Noodle Bar", None)
        .await
        .0;
    let order = shop
        .wallet
        .create_order(money("3.00 CNY"), "", None)
        .await
        .unwrap();
    let payer = funded_wallet(&on_postgres.url(), "Di", "5.00 CNY").await;
    let q = payer.wallet.resolve_payload(&order.payload).await.unwrap();
    payer.wallet.pay(&q, None).await.unwrap();
    let newest = on_postgres.store.read(|r| r.newest_seq()).await.unwrap();
    let moved_newest = before
        .iter()
        .flat_map(|(_, h)| h.iter().map(|t| t.seq))
        .max()
        .unwrap();
    assert!(newest > moved_newest);
    assert_sound(on_postgres.store.as_ref()).await;
}
