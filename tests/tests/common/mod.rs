//! Shared set-up: a live backend on loopback and wallets that talk to it.

#![allow(dead_code)]

use std::sync::Arc;

use purse_backend::store::Store;
use purse_backend::store::scratch::scratch;
use purse_backend::{Config, RunningServer};
use purse_core::api::DeviceCredentials;
use purse_core::keys::{
    Argon2Cost, DecisionProtector, KeyProtector, KeyPurpose, KeyringSecrets, NoSecretStore,
    SecretStore, unwrap_key,
};
use purse_core::{Currency, Wallet, WalletConfig};
use tempfile::TempDir;

pub mod attacker;
pub mod cluster;
pub mod proxy;
pub mod recovery;
pub mod scenarios;

pub struct Backend {
    pub server: RunningServer,
    _dir: TempDir,
}

impl Backend {
    /// A backend on a new database of the engine the environment names (SQLite unless
    /// `PURSE_TEST_POSTGRES` is set: see `purse_backend::store::scratch`).
    pub async fn start() -> Backend {
        Backend::start_with(|_| {}).await
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn store(&self) -> &dyn Store {
        self.server.store.as_ref()
    }

    /// Asserts the ledger is sound: balanced transactions, consistent balances, money
    /// conserved.
    pub async fn assert_ledger_sound(&self) {
        assert_sound(self.store()).await;
    }
}

/// Asserts a ledger is sound: balanced transactions, consistent balances, money conserved.
pub async fn assert_sound(store: &dyn Store) {
    let problems = store.audit().await.unwrap();
    assert!(problems.is_empty(), "ledger audit: {problems:?}");
    for (currency, total) in store.total_by_currency().await.unwrap() {
        assert_eq!(total, 0, "money created or destroyed in {currency}");
    }
}

pub struct TestWallet {
    pub wallet: Wallet,
    pub dir: TempDir,
    pub secrets: Arc<dyn SecretStore>,
}

pub fn cny() -> Currency {
    Currency::from_code("CNY").unwrap()
}

pub fn wallet_with(
    backend: &str,
    protector: Arc<dyn KeyProtector>,
    secrets: Arc<dyn SecretStore>,
    dir: TempDir,
) -> TestWallet {
    let wallet = Wallet::open(
        WalletConfig::new(dir.path(), protector, secrets.clone())
            .backend(backend)
            .recovery_cost(Argon2Cost::INSECURE_FAST),
    )
    .unwrap();
    TestWallet {
        wallet,
        dir,
        secrets,
    }
}

/// A wallet with an approving biometric stand-in and the mock keyring, enrolled.
pub async fn enrolled_wallet(backend: &str, name: &str) -> TestWallet {
    let w = wallet_with(
        backend,
        Arc::new(DecisionProtector::approving()),
        Arc::new(KeyringSecrets::mock("purse-test").unwrap()),
        tempfile::tempdir().unwrap(),
    );
    w.wallet.enroll(name, cny(), "test phone").await.unwrap();
    w
}

/// A wallet that is not enrolled (approving biometric stand-in, mock keyring): a new phone.
pub fn new_phone(backend: &str) -> TestWallet {
    wallet_with(
        backend,
        Arc::new(DecisionProtector::approving()),
        Arc::new(KeyringSecrets::mock("purse-test").unwrap()),
        tempfile::tempdir().unwrap(),
    )
}

/// A wallet (not enrolled) that talks to `url` (a misbehaving proxy) with a short timeout
/// and quick retries, so a held answer turns into "pending" in well under a second.
pub fn impatient_wallet(url: &str) -> (Wallet, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let wallet = Wallet::open(
        WalletConfig::new(
            dir.path(),
            Arc::new(DecisionProtector::approving()),
            Arc::new(NoSecretStore),
        )
        .backend(url)
        .recovery_cost(Argon2Cost::INSECURE_FAST)
        .network(
            std::time::Duration::from_millis(400),
            purse_core::api::RetryPolicy {
                attempts: 2,
                first_backoff: std::time::Duration::from_millis(5),
                max_backoff: std::time::Duration::from_millis(10),
            },
        ),
    )
    .unwrap();
    (wallet, dir)
}

/// An impatient wallet (see [`impatient_wallet`]) enrolled as Ada and topped up by card.
pub async fn impatient_funded(url: &str, amount: &str) -> (Wallet, TempDir) {
    let (w, dir) = impatient_wallet(url);
    w.enroll("Ada", cny(), "phone").await.unwrap();
    let card = w.link_card("4242 4242 4242 4242", 12, 2030).await.unwrap();
    w.topup(&card.source_id, money(amount)).await.unwrap();
    (w, dir)
}

/// An enrolled wallet and the recovery code its enrollment showed.
pub async fn enrolled_with_code(backend: &str, name: &str) -> (TestWallet, String) {
    let w = new_phone(backend);
    let e = w.wallet.enroll(name, cny(), "phone").await.unwrap();
    (w, e.recovery_code.to_string())
}

/// An enrolled wallet (approving biometric stand-in, no keyring) and its device
/// credentials, for tests that drive the API directly or bend requests by hand.
pub async fn enrolled_with_credentials(
    backend: &str,
    name: &str,
) -> (TestWallet, DeviceCredentials) {
    let protector = Arc::new(DecisionProtector::approving());
    let w = wallet_with(
        backend,
        protector.clone(),
        Arc::new(NoSecretStore),
        tempfile::tempdir().unwrap(),
    );
    w.wallet.enroll(name, cny(), "phone").await.unwrap();
    let a = w.wallet.account().unwrap().unwrap();
    let key = unwrap_key(&*protector, KeyPurpose::Device, &a.device_key_wrapped, "t").unwrap();
    let creds = DeviceCredentials {
        device_id: a.device_id,
        key: Arc::new(key),
    };
    (w, creds)
}

impl Backend {
    /// A backend behind a proxy that faults `fault_percent` of requests (`proxy`): the
    /// proxy's address is bound first and given to the backend as a public URL, as a load
    /// balancer's is.
    pub async fn behind_proxy(
        seed: u64,
        fault_percent: u64,
        delay: std::time::Duration,
    ) -> (Backend, proxy::FaultyProxy) {
        Backend::behind_proxy_with(|_| {}, seed, fault_percent, delay).await
    }

    pub async fn behind_proxy_with(
        change: impl FnOnce(&mut Config),
        seed: u64,
        fault_percent: u64,
        delay: std::time::Duration,
    ) -> (Backend, proxy::FaultyProxy) {
        let address = proxy::ProxyAddress::bind().await;
        let url = address.url.clone();
        let b = Backend::start_with(|c| {
            c.public_urls.push(url);
            change(c)
        })
        .await;
        let proxy = proxy::FaultyProxy::start(address, &b.url(), seed, fault_percent, delay).await;
        (b, proxy)
    }

    /// A backend with a changed configuration (limits, webhook schedule).
    pub async fn start_with(change: impl FnOnce(&mut Config)) -> Backend {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = Config::new(
            "127.0.0.1:0".parse().unwrap(),
            scratch(dir.path(), "backend.db").await,
        );
        cfg.key_file = Some(dir.path().join("backend.key"));
        // Tests hammer one backend from one address; rate_limits.rs turns the limits on.
        cfg.rate_limits = None;
        change(&mut cfg);
        let server = purse_backend::start(cfg).await.unwrap();
        Backend { server, _dir: dir }
    }
}

/// A recipient by account id, as a test that skips the lookup names one.
pub fn recipient(account_id: &str) -> purse_core::api::types::Recipient {
    purse_core::api::types::Recipient {
        account_id: account_id.into(),
        handle: None,
        masked_name: "X*".into(),
    }
}

pub fn money(s: &str) -> purse_core::money::Money {
    purse_core::money::Money::parse(s).unwrap()
}

/// An enrolled wallet with a linked test card and `amount` topped up.
pub async fn funded_wallet(backend: &str, name: &str, amount: &str) -> TestWallet {
    let w = enrolled_wallet(backend, name).await;
    let card = w
        .wallet
        .link_card("4242 4242 4242 4242", 12, 2030)
        .await
        .unwrap();
    w.wallet
        .topup(&card.source_id, money(amount))
        .await
        .unwrap();
    w
}

/// The shop makes an order of `amount` and the payer pays it (resolve, then pay): the
/// order, and how the payment ended.
pub async fn pay_order(
    shop: &TestWallet,
    payer: &TestWallet,
    amount: &str,
) -> Result<
    (
        purse_core::api::types::Order,
        purse_core::pay::PaymentOutcome,
    ),
    purse_core::WalletError,
> {
    let order = shop
        .wallet
        .create_order(money(amount), "", None)
        .await
        .unwrap();
    let quote = payer.wallet.resolve_payload(&order.payload).await?;
    let outcome = payer.wallet.pay(&quote, None).await?;
    Ok((order, outcome))
}

/// An enrolled wallet registered as a merchant; returns it with its webhook secret.
pub async fn merchant_wallet(
    backend: &str,
    name: &str,
    webhook_url: Option<String>,
) -> (TestWallet, purse_core::api::types::Merchant, String) {
    let w = enrolled_wallet(backend, &format!("{name} Ltd")).await;
    let reg = w
        .wallet
        .register_merchant(&purse_core::api::types::RegisterMerchantRequest {
            display_name: name.into(),
            city: "Hangzhou".into(),
            mcc: Some("5814".into()),
            webhook_url,
        })
        .await
        .unwrap();
    (w, reg.merchant, reg.webhook_secret)
}

/// A merchant's webhook endpoint on loopback: records every message and answers 500 to the
/// first `fail_first` of them.
pub struct WebhookReceiver {
    pub url: String,
    pub received: Arc<std::sync::Mutex<Vec<ReceivedWebhook>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

#[derive(Debug, Clone)]
pub struct ReceivedWebhook {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: Vec<u8>,
}

impl WebhookReceiver {
    pub async fn start(fail_first: usize) -> WebhookReceiver {
        WebhookReceiver::answering_after(fail_first, std::time::Duration::ZERO).await
    }

    /// A receiver that takes `delay` to answer each message (a slow merchant).
    pub async fn answering_after(fail_first: usize, delay: std::time::Duration) -> WebhookReceiver {
        use axum::http::{HeaderMap, StatusCode};
        let received: Arc<std::sync::Mutex<Vec<ReceivedWebhook>>> = Arc::default();
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let rec = received.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let rec = rec.clone();
                let calls = calls.clone();
                async move {
                    tokio::time::sleep(delay).await;
                    let h = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    rec.lock().unwrap().push(ReceivedWebhook {
                        id: h("webhook-id"),
                        timestamp: h("webhook-timestamp"),
                        signature: h("webhook-signature"),
                        body: body.to_vec(),
                    });
                    if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < fail_first {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::NO_CONTENT
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        WebhookReceiver {
            url,
            received,
            _stop: tx,
        }
    }

    /// Waits (up to 10 s) until `n` messages have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<ReceivedWebhook> {
        for _ in 0..200 {
            let got = self.received.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "expected {n} webhooks, got {}",
            self.received.lock().unwrap().len()
        );
    }
}
