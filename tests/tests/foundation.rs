//! The foundation end to end: enrollment, top-ups (success and decline), balance and
//! history, idempotency, session and lockout, against the real backend on loopback.

mod common;

use purse_core::sign::Authorization;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use common::*;
use purse_core::api::types::{TopupRequest, TransactionKind, codes};
use purse_core::api::{ApiClient, ApiError, DeviceCredentials};
use purse_core::keys::{
    Argon2Cost, Decision, DecisionProtector, KeyringSecrets, LockoutPolicy, NoSecretStore,
    PassphraseProtector, SigningKey,
};
use purse_core::{Money, Wallet, WalletConfig, WalletError};

#[tokio::test]
async fn enroll_topup_decline_balance_history() {
    let backend = Backend::start().await;
    let w = enrolled_wallet(&backend.url(), "Ada").await;
    let account = w.wallet.account().unwrap().unwrap();
    assert!(account.account_id.starts_with("acct_"));
    assert!(account.device_id.starts_with("dev_"));

    let visa = w
        .wallet
        .link_card("4242 4242 4242 4242", 12, 2034)
        .await
        .unwrap();
    assert_eq!((visa.brand.as_str(), visa.last4.as_str()), ("visa", "4242"));
    let again = w
        .wallet
        .link_card("4242424242424242", 12, 2034)
        .await
        .unwrap();
    assert_eq!(again.source_id, visa.source_id, "same card links once");

    let topup = w
        .wallet
        .topup(&visa.source_id, Money::parse("100.00 CNY").unwrap())
        .await
        .unwrap();
    assert_eq!(topup.balance, Money::parse("100.00 CNY").unwrap());
    assert_eq!(topup.transaction.kind, TransactionKind::Topup);
    w.wallet
        .topup(&visa.source_id, Money::parse("0.50 CNY").unwrap())
        .await
        .unwrap();

    let declining = w
        .wallet
        .link_card("4000000000000002", 1, 2030)
        .await
        .unwrap();
    let err = w
        .wallet
        .topup(&declining.source_id, Money::parse("10.00 CNY").unwrap())
        .await
        .unwrap_err();
    match err {
        WalletError::Declined {
            code, decline_code, ..
        } => {
            assert_eq!(code, codes::CARD_DECLINED);
            assert_eq!(decline_code.as_deref(), Some("generic_decline"));
        }
        other => panic!("expected a decline, got {other:?}"),
    }
    let broke = w
        .wallet
        .link_card("4000000000009995", 1, 2030)
        .await
        .unwrap();
    let err = w
        .wallet
        .topup(&broke.source_id, Money::parse("10.00 CNY").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(err, WalletError::Declined { decline_code: Some(d), .. } if d == "insufficient_funds")
    );

    let bank = w
        .wallet
        .link_bank("DE89 3704 0044 0532 0130 00", "Ada Lovelace")
        .await
        .unwrap();
    w.wallet
        .topup(&bank.source_id, Money::parse("20.00 CNY").unwrap())
        .await
        .unwrap();
    assert_eq!(w.wallet.funding_sources().await.unwrap().len(), 4);

    assert_eq!(
        w.wallet.balance().await.unwrap(),
        Money::parse("120.50 CNY").unwrap()
    );
    // The wallet cached its own top-ups as they happened; syncing finds nothing missing.
    assert_eq!(w.wallet.sync_history().await.unwrap(), 0);
    let page = w.wallet.history(2, None).unwrap();
    assert!(page.has_more);
    assert_eq!(page.data[0].amount, Money::parse("20.00 CNY").unwrap());
    assert!(page.data[0].counterparty.contains("DE"));
    assert_eq!(page.data[1].amount.minor, 50);
    let rest = w
        .wallet
        .history(2, Some(&page.data[1].transaction_id))
        .unwrap();
    assert!(!rest.has_more);
    assert_eq!(rest.data[0].counterparty, "Visa •••• 4242");
    backend.assert_ledger_sound().await;
}

#[tokio::test]
async fn invalid_funding_input_is_refused_clearly() {
    let backend = Backend::start().await;
    let w = enrolled_wallet(&backend.url(), "Bo").await;
    let e = w
        .wallet
        .link_card("4242424242424241", 12, 2034)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::CARD_INVALID));
    let e = w
        .wallet
        .link_card("4111111111111111", 12, 2034)
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(codes::CARD_INVALID),
        "valid Luhn but not a sandbox card"
    );
    let e = w
        .wallet
        .link_bank("DE89370400440532013001", "Bo")
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::IBAN_INVALID));
    let visa = w
        .wallet
        .link_card("4242424242424242", 12, 2034)
        .await
        .unwrap();
    let e = w
        .wallet
        .topup(&visa.source_id, Money::parse("1.00 USD").unwrap())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::CURRENCY_MISMATCH));
    let e = w
        .wallet
        .topup(&visa.source_id, Money::parse("50000.01 CNY").unwrap())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::AMOUNT_INVALID));
    let e = w
        .wallet
        .topup("src_nope", Money::parse("1.00 CNY").unwrap())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::NOT_FOUND));
    assert_eq!(w.wallet.balance().await.unwrap().minor, 0);
}

#[tokio::test]
async fn idempotency_keys_replay_and_refuse_reuse() {
    let backend = Backend::start().await;
    let (w, c) = enrolled_with_credentials(&backend.url(), "Cy").await;
    let visa = w
        .wallet
        .link_card("4242424242424242", 12, 2034)
        .await
        .unwrap();
    let api = ApiClient::new(&backend.url()).unwrap();
    let req = TopupRequest {
        source_id: visa.source_id.clone(),
        amount: Money::parse("5.00 CNY").unwrap(),
    };
    let first = api.topup(&c, &req, "key-1").await.unwrap();
    let second = api.topup(&c, &req, "key-1").await.unwrap();
    assert_eq!(first, second, "a repeat gets the first answer");
    let other = TopupRequest {
        amount: Money::parse("6.00 CNY").unwrap(),
        ..req.clone()
    };
    let e = api.topup(&c, &other, "key-1").await.unwrap_err();
    assert_eq!(e.code(), Some(codes::IDEMPOTENCY_KEY_REUSED));

    // Concurrent repeats of one request post once.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (api, c, req) = (api.clone(), c.clone(), req.clone());
        tasks.push(tokio::spawn(
            async move { api.topup(&c, &req, "key-2").await },
        ));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().unwrap().topup_id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    assert_eq!(
        w.wallet.balance().await.unwrap(),
        Money::parse("10.00 CNY").unwrap()
    );

    // Those top-ups bypassed the wallet; a later one through it must not hide them.
    w.wallet
        .topup(&visa.source_id, Money::parse("1.00 CNY").unwrap())
        .await
        .unwrap();
    assert_eq!(w.wallet.sync_history().await.unwrap(), 2);
    assert_eq!(
        w.wallet.sync_history().await.unwrap(),
        0,
        "nothing new the second time"
    );
    assert_eq!(w.wallet.history(10, None).unwrap().data.len(), 3);

    // A declined answer is replayed too, without charging.
    let decl = w
        .wallet
        .link_card("4000000000000002", 1, 2030)
        .await
        .unwrap();
    let dreq = TopupRequest {
        source_id: decl.source_id,
        amount: req.amount,
    };
    let a = api.topup(&c, &dreq, "key-3").await.unwrap_err();
    let b = api.topup(&c, &dreq, "key-3").await.unwrap_err();
    assert_eq!(a.code(), Some(codes::CARD_DECLINED));
    assert_eq!(a.to_string(), b.to_string());
    backend.assert_ledger_sound().await;
}

#[tokio::test]
async fn session_resumes_from_the_keyring_and_ends_when_idle() {
    let backend = Backend::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let secrets: Arc<KeyringSecrets> = Arc::new(KeyringSecrets::mock("purse-session").unwrap());
    let clock = Arc::new(AtomicI64::new(1_800_000_000));
    let approve = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let a = approve.clone();
    let protector = Arc::new(DecisionProtector::new(move |_, _| {
        if a.load(Ordering::SeqCst) {
            Decision::Approve
        } else {
            Decision::Deny
        }
    }));
    let open = || {
        let c = clock.clone();
        let mut cfg =
            WalletConfig::new(&path, protector.clone(), secrets.clone()).backend(backend.url());
        cfg.clock = Arc::new(move || c.load(Ordering::SeqCst));
        cfg.session_idle_timeout = Duration::from_secs(60);
        Wallet::open(cfg).unwrap()
    };
    let w1 = open();
    w1.enroll("Di", cny(), "phone").await.unwrap();
    assert_eq!(
        protector.prompts(),
        0,
        "enrollment holds the fresh key; no prompt"
    );
    drop(w1);

    // A new process: the session comes back from the keyring without asking.
    approve.store(false, Ordering::SeqCst);
    let w2 = open();
    clock.fetch_add(30, Ordering::SeqCst);
    w2.balance().await.unwrap();
    assert_eq!(protector.prompts(), 0);

    // Idle past the timeout: the user must verify again.
    clock.fetch_add(61, Ordering::SeqCst);
    let e = w2.balance().await.unwrap_err();
    assert!(matches!(e, WalletError::VerificationFailed(_)), "{e:?}");
    assert_eq!(protector.prompts(), 1);

    // lock() ends it for every process.
    approve.store(true, Ordering::SeqCst);
    let w3 = open();
    w3.balance().await.unwrap();
    assert_eq!(protector.prompts(), 2);
    let w4 = open();
    w4.balance().await.unwrap();
    assert_eq!(protector.prompts(), 2, "resumed");
    w3.lock().unwrap();
    assert!(!w3.is_unlocked());
    let w5 = open();
    w5.balance().await.unwrap();
    assert_eq!(protector.prompts(), 3, "locked: asked again");
}

/// The passphrase a test's user types, changed on cue.
struct Typed(std::sync::Mutex<String>);

impl Typed {
    fn new(p: &str) -> Arc<Self> {
        Arc::new(Typed(std::sync::Mutex::new(p.to_owned())))
    }
    fn set(&self, p: &str) {
        *self.0.lock().unwrap() = p.to_owned();
    }
}

/// The config of a wallet in `dir` whose user types what `typed` holds.
fn typed_config(
    dir: &std::path::Path,
    typed: &Arc<Typed>,
    secrets: Arc<dyn purse_core::keys::SecretStore>,
    backend: &str,
) -> WalletConfig {
    let protector = Arc::new(PassphraseProtector::with_cost(
        typed.clone(),
        Argon2Cost::INSECURE_FAST,
    ));
    WalletConfig::new(dir, protector, secrets).backend(backend)
}

impl purse_core::keys::PassphraseSource for Typed {
    fn passphrase(
        &self,
        _reason: &str,
    ) -> Result<zeroize::Zeroizing<String>, purse_core::keys::ProtectorError> {
        Ok(zeroize::Zeroizing::new(self.0.lock().unwrap().clone()))
    }
}

#[tokio::test]
async fn wrong_passphrases_lock_the_wallet_for_a_growing_delay() {
    let backend = Backend::start().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(AtomicI64::new(1_800_000_000));
    let typed = Typed::new("right");
    let open = || {
        let c = clock.clone();
        let mut cfg = typed_config(dir.path(), &typed, Arc::new(NoSecretStore), &backend.url());
        cfg.clock = Arc::new(move || c.load(Ordering::SeqCst));
        cfg.lockout = LockoutPolicy::default();
        Wallet::open(cfg)
    };
    open()
        .unwrap()
        .enroll("Eve", cny(), "laptop")
        .await
        .unwrap();
    // Opened with the right passphrase, then a wrong one typed to unlock the device key.
    let wallet = open().unwrap();
    typed.set("wrong");
    for _ in 0..3 {
        let e = wallet.balance().await.unwrap_err();
        assert!(matches!(e, WalletError::VerificationFailed(_)), "{e:?}");
    }
    let e = wallet.balance().await.unwrap_err();
    assert!(
        matches!(
            e,
            WalletError::LockedOut {
                retry_after_secs: 30
            }
        ),
        "{e:?}"
    );
    // The lock is persisted, not per process, and guards opening the encrypted cache too:
    // even the right passphrase waits.
    assert!(matches!(open(), Err(WalletError::LockedOut { .. })));
    typed.set("right");
    assert!(matches!(open(), Err(WalletError::LockedOut { .. })));
    clock.fetch_add(31, Ordering::SeqCst);
    let right = open().unwrap();
    right.balance().await.unwrap();
    // Success resets the count; a wrong passphrase at opening counts like any other.
    typed.set("wrong");
    for _ in 0..3 {
        let e = open().err().unwrap();
        assert!(matches!(e, WalletError::VerificationFailed(_)), "{e:?}");
    }
    assert!(matches!(open(), Err(WalletError::LockedOut { .. })));
}

#[tokio::test]
async fn putting_back_a_copy_of_the_wallet_does_not_reset_the_lockout() {
    let backend = Backend::start().await;
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(KeyringSecrets::mock("purse-test").unwrap());
    let typed = Typed::new("right");
    let open = || {
        Wallet::open(typed_config(
            dir.path(),
            &typed,
            keyring.clone(),
            &backend.url(),
        ))
    };
    open()
        .unwrap()
        .enroll("Eve", cny(), "laptop")
        .await
        .unwrap();
    let copy = tempfile::tempdir().unwrap();
    copy_folder(dir.path(), copy.path());

    let wallet = open().unwrap();
    wallet.lock().unwrap();
    typed.set("wrong");
    for _ in 0..3 {
        assert!(matches!(
            wallet.balance().await,
            Err(WalletError::VerificationFailed(_))
        ));
    }
    assert!(matches!(
        wallet.balance().await,
        Err(WalletError::LockedOut { .. })
    ));
    drop(wallet);
    // The attacker puts back every file as it was before the failures.
    std::fs::remove_dir_all(dir.path()).unwrap();
    copy_folder(copy.path(), dir.path());
    typed.set("guess");
    let again = open().unwrap();
    assert!(matches!(
        again.balance().await,
        Err(WalletError::LockedOut { .. })
    ));
}

fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[tokio::test]
async fn payment_key_needs_the_user_every_time() {
    let backend = Backend::start().await;
    let decisions = Arc::new(std::sync::Mutex::new(vec![
        Decision::Approve,
        Decision::Cancel,
        Decision::Deny,
    ]));
    let d = decisions.clone();
    let protector = Arc::new(DecisionProtector::new(move |_, _| {
        d.lock().unwrap().remove(0)
    }));
    let w = wallet_with(
        &backend.url(),
        protector.clone(),
        Arc::new(NoSecretStore),
        tempfile::tempdir().unwrap(),
    );
    w.wallet.enroll("Fay", cny(), "phone").await.unwrap();
    let public = purse_core::keys::PublicKey::from_base64(
        &w.wallet.account().unwrap().unwrap().payment_public_key,
    )
    .unwrap();
    let sig = w
        .wallet
        .sign_with_payment_key(b"pay 1".to_vec(), "Pay".into())
        .await
        .unwrap();
    assert!(public.verify(b"pay 1", &sig));
    assert!(matches!(
        w.wallet
            .sign_with_payment_key(b"pay 2".to_vec(), "Pay".into())
            .await,
        Err(WalletError::Cancelled)
    ));
    assert!(matches!(
        w.wallet
            .sign_with_payment_key(b"pay 3".to_vec(), "Pay".into())
            .await,
        Err(WalletError::VerificationFailed(_))
    ));
    assert_eq!(protector.prompts(), 3);
}

#[tokio::test]
async fn payment_authorizations_are_signed_by_the_registered_payment_key() {
    let backend = Backend::start().await;
    let w = enrolled_wallet(&backend.url(), "Hal").await;
    let account = w.wallet.account().unwrap().unwrap();
    let auth = purse_core::sign::PaymentAuthorization {
        intent_id: "pi_1".into(),
        account_id: account.account_id.clone(),
        payee_id: "m_tea".into(),
        order_id: Some("ord_1".into()),
        amount: Money::parse("9.90 CNY").unwrap(),
        expires_at: 1_900_000_000,
    };
    let sig = w
        .wallet
        .authorize_payment(&auth, "Pay 9.90 CNY to Tea".into())
        .await
        .unwrap();
    let payment_key =
        purse_core::keys::PublicKey::from_base64(&account.payment_public_key).unwrap();
    assert!(auth.verify(&sig, &payment_key));
    let device_key = purse_core::keys::PublicKey::from_base64(&account.device_public_key).unwrap();
    assert!(
        !auth.verify(&sig, &device_key),
        "the device key cannot authorize payments"
    );
    let other = purse_core::sign::PaymentAuthorization {
        account_id: "acct_other".into(),
        ..auth.clone()
    };
    assert!(matches!(
        w.wallet.authorize_payment(&other, "x".into()).await,
        Err(WalletError::InvalidInput(_))
    ));
}

#[tokio::test]
async fn enrollment_is_refused_twice_and_backend_down_is_a_network_error() {
    let backend = Backend::start().await;
    let w = enrolled_wallet(&backend.url(), "Gus").await;
    assert!(matches!(
        w.wallet.enroll("Gus", cny(), "phone").await,
        Err(WalletError::AlreadyEnrolled)
    ));
    let url = backend.url();
    backend.server.stop().await;
    let api = ApiClient::with_options(
        &url,
        Duration::from_secs(2),
        purse_core::api::RetryPolicy {
            attempts: 2,
            first_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(10),
        },
    )
    .unwrap();
    let c = DeviceCredentials {
        device_id: "dev_x".into(),
        key: Arc::new(SigningKey::generate().unwrap()),
    };
    let e = api.balance(&c).await.unwrap_err();
    assert!(matches!(e, ApiError::Network { .. }), "{e:?}");
    let e = w.wallet.balance().await.unwrap_err();
    assert!(
        matches!(e, WalletError::Api(ApiError::Network { .. })),
        "{e:?}"
    );
}
