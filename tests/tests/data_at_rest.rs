//! A copy of the backend's database gives nothing away on its own: no card number behind a
//! fingerprint, no merchant's webhook secret, no device's pay-code secret; and the file is
//! readable by its owner only. The key those depend on lives in another file.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::*;
use purse_backend::store::Database;
use purse_core::api::ApiClient;

/// Every byte SQLite holds for the store: the file, its WAL and shared memory.
fn database_bytes(db: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        if let Ok(bytes) = std::fs::read(&name) {
            all.extend(bytes);
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_copy_of_the_database_reveals_no_card_number_or_secret() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("backend.db");
    let server = purse_backend::start(purse_backend::Config {
        webhook_targets: purse_backend::webhooks::Targets {
            allow_loopback: true,
        },
        ..purse_backend::Config::new("127.0.0.1:0".parse().unwrap(), Database::Sqlite(db.clone()))
    })
    .await
    .unwrap();
    let url = server.url();

    let (payer, creds) = enrolled_with_credentials(&url, "Ann").await;
    let card = "4000056655665556";
    let source = payer.wallet.link_card(card, 12, 2034).await.unwrap();
    let hooks = WebhookReceiver::start(0).await;
    let (_shop, _, webhook_secret) = merchant_wallet(&url, "Tea House", Some(hooks.url)).await;
    let key = ApiClient::new(&url)
        .unwrap()
        .paycode_key(&creds)
        .await
        .unwrap();
    let paycode_secret = B64.decode(&key.secret).unwrap();

    let bytes = database_bytes(&db);
    assert!(
        contains(&bytes, source.source_id.as_bytes()),
        "the rows are there"
    );
    assert!(
        !contains(&bytes, webhook_secret.as_bytes()),
        "webhook secret in the clear"
    );
    let secret_body = webhook_secret.trim_start_matches("whsec_");
    assert!(!contains(&bytes, secret_body.as_bytes()));
    assert!(
        !contains(&bytes, &paycode_secret),
        "pay-code secret in the clear"
    );
    assert!(!contains(&bytes, key.secret.as_bytes()));
    assert!(!contains(&bytes, card.as_bytes()));

    // The attack that used to work: try every number that fits the brand and last four
    // against the stored fingerprint, hashed without a key. Nothing matches now.
    let account = payer.wallet.account().unwrap().unwrap().account_id;
    let unkeyed = |number: &str| {
        let d = ring::digest::digest(
            &ring::digest::SHA256,
            format!("purse-funding-fp:v1:{account}:{number}").as_bytes(),
        );
        d.as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert!(!contains(&bytes, unkeyed(card).as_bytes()));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [db.clone(), dir.path().join("backend.db.key")] {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", file.display());
        }
        let wallet_dir = payer.dir.path();
        let mode = std::fs::metadata(wallet_dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let cache = wallet_dir.join(purse_core::wallet::CACHE_FILE);
        let mode = std::fs::metadata(cache).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[tokio::test]
async fn a_copy_of_the_wallet_shows_no_amount_name_or_token() {
    let backend = Backend::start().await;
    let url = backend.url();
    let payer = funded_wallet(&url, "Philippa Quarrington", "987.65 CNY").await;
    let (shop, _, _) = merchant_wallet(&url, "Zanzibar Teahouse", None).await;
    let (order, _) = pay_order(&shop, &payer, "123.45 CNY").await.unwrap();
    payer.wallet.sync_history().await.unwrap();
    let page = payer.wallet.history(50, None).unwrap();
    assert_eq!(
        page.data.len(),
        2,
        "the cache holds the payment and the top-up"
    );
    let account = payer.wallet.account().unwrap().unwrap();

    let cache = payer.dir.path().join(purse_core::wallet::CACHE_FILE);
    let bytes = database_bytes(&cache);
    assert!(bytes.len() > 8192, "the rows are written");
    assert!(
        !contains(&bytes, b"SQLite format 3"),
        "an unencrypted SQLite file"
    );
    let mut secrets: Vec<Vec<u8>> = vec![
        b"Philippa".to_vec(),
        b"Zanzibar".to_vec(),
        b"98765".to_vec(),
        b"12345".to_vec(),
        b"4242".to_vec(),
        order.order_id.clone().into_bytes(),
        account.account_id.clone().into_bytes(),
        account.device_id.clone().into_bytes(),
        account.device_public_key.clone().into_bytes(),
        url.clone().into_bytes(),
    ];
    for tx in &page.data {
        secrets.push(tx.transaction_id.clone().into_bytes());
        if let Some(intent) = &tx.intent_id {
            secrets.push(intent.clone().into_bytes());
        }
    }
    for needle in &secrets {
        assert!(
            !contains(&bytes, needle),
            "{:?} is in the cache in the clear",
            String::from_utf8_lossy(needle)
        );
    }
    // Nor in the key file, which holds only the wrapped key and a random id.
    let key_file = std::fs::read(payer.dir.path().join(purse_core::wallet::KEY_FILE)).unwrap();
    for needle in &secrets {
        assert!(!contains(&key_file, needle));
    }
}
