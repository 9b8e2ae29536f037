//! Shared set-up: a live backend on loopback and wallets that talk to it.

#![allow(dead_code)]

use std::sync::Arc;

use purse_backend::{Config, RunningServer};
use purse_core::api::DeviceCredentials;
use purse_core::keys::{
    DecisionProtector, KeyProtector, KeyPurpose, KeyringSecrets, NoSecretStore, SecretStore,
    unwrap_key,
};
use purse_core::{Currency, Wallet, WalletConfig};
use tempfile::TempDir;

pub struct Backend {
    pub server: RunningServer,
    _dir: TempDir,
}

impl Backend {
    pub async fn start() -> Backend {
        let dir = tempfile::tempdir().unwrap();
        let server = purse_backend::start(Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            db: dir.path().join("backend.db"),
            public_url: None,
        })
        .await
        .unwrap();
        Backend { server, _dir: dir }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Asserts the ledger is sound: balanced transactions, consistent balances, money
    /// conserved.
    pub async fn assert_ledger_sound(&self) {
        let problems = self.server.store.audit().await.unwrap();
        assert!(problems.is_empty(), "ledger audit: {problems:?}");
        for (currency, total) in self.server.store.total_by_currency().await.unwrap() {
            assert_eq!(total, 0, "money created or destroyed in {currency}");
        }
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
    let wallet =
        Wallet::open(WalletConfig::new(dir.path(), protector, secrets.clone()).backend(backend))
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
