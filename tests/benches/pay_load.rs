//! Load benchmark: N wallets paying merchants concurrently through the real HTTP API on
//! loopback, every request signed by its device key and every payment authorized by its
//! payment key, both verified by the backend (SQLite default store).
//!
//! `cargo bench -p purse-tests --bench pay_load [-- WALLETS PAYMENTS_PER_WALLET]`
//! prints payments per second and latency percentiles.

use purse_core::sign::Authorization;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use purse_core::api::types::PaymentRequest;
use purse_core::api::{ApiClient, DeviceCredentials, RetryPolicy};
use purse_core::keys::{Argon2Cost, DecisionProtector, KeyPurpose, NoSecretStore, unwrap_key};
use purse_core::sign::PaymentAuthorization;
use purse_core::{Currency, Money, Wallet, WalletConfig};

struct Payer {
    account_id: String,
    creds: DeviceCredentials,
    payment_key: purse_core::keys::SigningKey,
}

async fn enroll(url: &str, dir: &std::path::Path, name: &str) -> (Wallet, Payer) {
    let protector = Arc::new(DecisionProtector::approving());
    let wallet = Wallet::open(
        WalletConfig::new(dir.join(name), protector.clone(), Arc::new(NoSecretStore))
            .backend(url)
            .recovery_cost(Argon2Cost::INSECURE_FAST),
    )
    .unwrap();
    let a = wallet
        .enroll(name, Currency::from_code("CNY").unwrap(), "bench")
        .await
        .unwrap()
        .account;
    let rec = wallet.account().unwrap().unwrap();
    let key = unwrap_key(
        &*protector,
        KeyPurpose::Device,
        &rec.device_key_wrapped,
        "b",
    )
    .unwrap();
    let payment_key = unwrap_key(
        &*protector,
        KeyPurpose::Payment,
        &rec.payment_key_wrapped,
        "b",
    )
    .unwrap();
    let payer = Payer {
        account_id: a.account_id,
        creds: DeviceCredentials {
            device_id: a.device_id,
            key: Arc::new(key),
        },
        payment_key,
    };
    (wallet, payer)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let wallets = args.first().copied().unwrap_or(64);
    let per_wallet = args.get(1).copied().unwrap_or(200);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let dir = tempfile::tempdir().unwrap();
        let server = purse_backend::start(purse_backend::Config::new(
            "127.0.0.1:0".parse().unwrap(),
            dir.path().join("backend.db"),
        ))
        .await
        .unwrap();
        let url = server.url();
        let mut merchants = Vec::new();
        for i in 0..4 {
            let (w, _) = enroll(&url, dir.path(), &format!("shop{i}")).await;
            let reg = w
                .register_merchant(&purse_core::api::types::RegisterMerchantRequest {
                    display_name: format!("Shop {i}"),
                    city: "Hangzhou".into(),
                    mcc: None,
                    webhook_url: None,
                })
                .await
                .unwrap();
            merchants.push(reg.merchant.merchant_id);
        }
        let mut payers = Vec::new();
        for i in 0..wallets {
            let (w, p) = enroll(&url, dir.path(), &format!("payer{i}")).await;
            let card = w.link_card("4242424242424242", 12, 2030).await.unwrap();
            w.topup(&card.source_id, Money::parse("1000.00 CNY").unwrap())
                .await
                .unwrap();
            payers.push(p);
        }
        let api =
            ApiClient::with_options(&url, Duration::from_secs(30), RetryPolicy::default()).unwrap();
        let amount = Money::parse("0.01 CNY").unwrap();
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for (i, p) in payers.into_iter().enumerate() {
            let api = api.clone();
            let merchant = merchants[i % merchants.len()].clone();
            tasks.spawn(async move {
                let mut latencies = Vec::with_capacity(per_wallet);
                for n in 0..per_wallet {
                    let t = Instant::now();
                    let intent = format!("pi_bench_{i}_{n}");
                    let auth = PaymentAuthorization {
                        intent_id: intent.clone(),
                        account_id: p.account_id.clone(),
                        payee_id: merchant.clone(),
                        order_id: None,
                        amount,
                        expires_at: unix_now() + 600,
                    };
                    let sig = auth.sign(&p.payment_key).unwrap();
                    let body = serde_json::to_string(&PaymentRequest {
                        payee_id: merchant.clone(),
                        order_id: None,
                        amount,
                        authorization: auth,
                        authorization_signature: base64::engine::general_purpose::STANDARD
                            .encode(sig),
                    })
                    .unwrap();
                    api.pay(&p.creds, &body, &intent).await.unwrap();
                    latencies.push(t.elapsed());
                }
                latencies
            });
        }
        let mut all = Vec::new();
        while let Some(r) = tasks.join_next().await {
            all.extend(r.unwrap());
        }
        let elapsed = started.elapsed();
        all.sort();
        let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
        let n = all.len();
        println!(
            "pay_load: {n} payments by {wallets} wallets to {} merchants in {:.2} s",
            merchants.len(),
            elapsed.as_secs_f64()
        );
        println!(
            "pay_load: {:.0} payments/s, latency p50 {:.2} ms, p99 {:.2} ms",
            n as f64 / elapsed.as_secs_f64(),
            pct(0.50).as_secs_f64() * 1000.0,
            pct(0.99).as_secs_f64() * 1000.0
        );
        if let Some(kib) = peak_rss_kib() {
            println!(
                "pay_load: peak RSS {:.1} MiB (client and server in this one process)",
                kib as f64 / 1024.0
            );
        }
        let problems = server.store.audit().await.unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        server.stop().await;
    });
}

/// The process's high-water resident set (`VmHWM`), where Linux reports it.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
