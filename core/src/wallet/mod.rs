//! The `Wallet` facade: what the bindings, the CLI and the tests use.
//!
//! One wallet is one data directory: a SQLite cache holding the account, its wrapped keys
//! and the history. Methods that talk to the backend are `async`; they unlock the device key
//! on first use (which may prompt the user through the [`KeyProtector`]) and keep it for the
//! session until it has been idle for `session_idle_timeout`.

mod account;
mod bills;
mod cache_key;
mod devices;
mod error;
mod lockout_store;
mod merchant;
mod outbox;
mod pay;
mod paycodes;
mod people;
mod savings;
mod session;
mod transfers;
mod watch;
mod withdrawals;

use crate::sign::Authorization;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

pub use cache_key::KEY_FILE;
use devices::NewDevice;
pub use devices::{Enrolled, JoinProgress, PairingOffer, PairingRequest};
pub use error::WalletError;
pub use lockout_store::LOCKOUT_FILE;
pub use pay::Polled;
pub use paycodes::{REFRESH_BEFORE_SECS, ShownPayCode};
pub use people::{PersonQuote, ReceivePayload};
pub use watch::{PaymentUpdate, WatchPolicy};

use crate::api::types::*;
use crate::api::{ApiClient, DeviceCredentials, RetryPolicy, new_idempotency_key, unix_now};
use crate::cache::{AccountRecord, Cache, CachedBalance};
use crate::keys::{
    Argon2Cost, KeyProtector, KeyPurpose, LockoutPolicy, SecretStore, SigningKey, device_id_for,
    generate_device_keys, unwrap_key,
};
use crate::money::{Currency, Money};
use session::Session;

/// A source of Unix seconds; tests pass a controllable one.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub struct WalletConfig {
    pub data_dir: PathBuf,
    /// The backend to talk to; `None` uses the one the wallet enrolled with.
    pub backend_url: Option<String>,
    pub protector: Arc<dyn KeyProtector>,
    pub secrets: Arc<dyn SecretStore>,
    pub session_idle_timeout: Duration,
    pub lockout: LockoutPolicy,
    pub clock: Clock,
    /// How long one request may take before its outcome counts as unknown.
    pub request_timeout: Duration,
    /// How requests that are safe to repeat are retried.
    pub retry: RetryPolicy,
    /// Argon2id cost of the recovery key (SECURITY.md says why the default).
    pub recovery_cost: Argon2Cost,
    /// Which TLS certificates the backend may present (extra roots, pinned keys).
    pub tls: crate::api::tls::TlsPolicy,
}

impl WalletConfig {
    pub fn new(
        data_dir: impl Into<PathBuf>,
        protector: Arc<dyn KeyProtector>,
        secrets: Arc<dyn SecretStore>,
    ) -> Self {
        WalletConfig {
            data_dir: data_dir.into(),
            backend_url: None,
            protector,
            secrets,
            session_idle_timeout: Duration::from_secs(600),
            lockout: LockoutPolicy::default(),
            clock: Arc::new(unix_now),
            request_timeout: Duration::from_secs(15),
            retry: RetryPolicy::default(),
            recovery_cost: Argon2Cost::RECOVERY,
            tls: crate::api::tls::TlsPolicy::default(),
        }
    }

    /// Trusts the backend's TLS as `tls` says: roots for a private CA, pinned keys.
    pub fn tls(mut self, tls: crate::api::tls::TlsPolicy) -> Self {
        self.tls = tls;
        self
    }

    /// Changes the recovery key's Argon2id cost (tests make it cheap).
    pub fn recovery_cost(mut self, cost: Argon2Cost) -> Self {
        self.recovery_cost = cost;
        self
    }

    /// Changes the request timeout and retry policy (a flaky network, a test's proxy).
    pub fn network(mut self, request_timeout: Duration, retry: RetryPolicy) -> Self {
        self.request_timeout = request_timeout;
        self.retry = retry;
        self
    }

    pub fn backend(mut self, url: impl Into<String>) -> Self {
        self.backend_url = Some(url.into());
        self
    }
}

/// The wallet. Cheap to share: clone the `Arc` it lives in.
pub struct Wallet {
    inner: Arc<Inner>,
}

struct Inner {
    cfg: WalletConfig,
    cache: Mutex<Cache>,
    /// The failed-unlock counter, kept out of the cache.
    lockout: lockout_store::LockoutStore,
    session: Mutex<Option<Session>>,
    /// The client of the backend last talked to, kept so connections are reused.
    api: Mutex<Option<(String, ApiClient)>>,
    /// A joining device's unlocked device key, for this session.
    joining: Mutex<Option<DeviceCredentials>>,
}

/// Where the wallet database lives inside a data directory.
pub const CACHE_FILE: &str = "wallet.db";

impl Wallet {
    /// Whether `data_dir` holds a wallet already; [`Wallet::open`] would create one if not
    /// (and with a passphrase protector, choose its passphrase).
    pub fn exists(data_dir: &std::path::Path) -> bool {
        cache_key::Opener::exists(data_dir, &data_dir.join(CACHE_FILE))
    }

    /// Opens (or creates) the wallet in `cfg.data_dir`. The cache is encrypted: its key is
    /// unwrapped through the protector (a new wallet's is made and wrapped), which with a
    /// passphrase protector asks for the passphrase.
    pub fn open(cfg: WalletConfig) -> Result<Self, WalletError> {
        // Owner-only, though encrypted: the folder also holds the key file.
        let cache_path = cfg.data_dir.join(CACHE_FILE);
        crate::private_files::private_dir(&cfg.data_dir).map_err(|e| {
            WalletError::InvalidInput(format!("cannot create {}: {e}", cfg.data_dir.display()))
        })?;
        let opened = cache_key::Opener {
            data_dir: &cfg.data_dir,
            cache_path: &cache_path,
            protector: &*cfg.protector,
            secrets: cfg.secrets.clone(),
            policy: cfg.lockout,
            now: (cfg.clock)(),
        }
        .open()?;
        Ok(Wallet {
            inner: Arc::new(Inner {
                cfg,
                cache: Mutex::new(opened.cache),
                lockout: opened.lockout,
                session: Mutex::new(None),
                api: Mutex::new(None),
                joining: Mutex::new(None),
            }),
        })
    }

    /// The enrolled account, from the cache (no network).
    pub fn account(&self) -> Result<Option<AccountRecord>, WalletError> {
        Ok(self.inner.cache()?.account()?)
    }

    fn require_account(&self) -> Result<AccountRecord, WalletError> {
        self.account()?.ok_or(WalletError::NotEnrolled)
    }

    fn api(&self, account: Option<&AccountRecord>) -> Result<ApiClient, WalletError> {
        let url = self
            .inner
            .cfg
            .backend_url
            .clone()
            .or(account.map(|a| a.backend_url.clone()))
            .ok_or(WalletError::NoBackend)?;
        self.api_at(&url)
    }

    /// A client of the configured backend, or else of `url`.
    fn api_at(&self, url: &str) -> Result<ApiClient, WalletError> {
        let url = self.inner.cfg.backend_url.as_deref().unwrap_or(url);
        let mut kept = self.inner.api.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((kept_url, client)) = kept.as_ref()
            && kept_url == url
        {
            return Ok(client.clone());
        }
        let cfg = &self.inner.cfg;
        let client = ApiClient::with_tls(url, cfg.request_timeout, cfg.retry, &cfg.tls)?;
        *kept = Some((url.to_owned(), client.clone()));
        Ok(client)
    }

    /// Creates the device's keys and a recovery code, registers the keys and the code's
    /// public half with the backend under a new account, and stores the account with the
    /// keys wrapped. The user is asked (through the protector) to protect the keys. The
    /// recovery code is in the answer and nowhere else: show it once and ask the user to
    /// write it down.
    pub async fn enroll(
        &self,
        name: &str,
        currency: Currency,
        device_name: &str,
    ) -> Result<Enrolled, WalletError> {
        if self.account()?.is_some() {
            return Err(WalletError::AlreadyEnrolled);
        }
        let name = devices::shown_name("name", name)?;
        let device_name = devices::shown_name("device name", device_name)?;
        let api = self.api(None)?;
        let (new, code, recovery) = {
            let protector = self.inner.cfg.protector.clone();
            let cost = self.inner.cfg.recovery_cost;
            tokio::task::spawn_blocking(move || {
                let new = NewDevice::generate(&*protector)?;
                let (code, setup) = devices::new_recovery_code(cost)?;
                Ok::<_, WalletError>((new, code, setup))
            })
            .await
            .map_err(|e| WalletError::Internal(e.to_string()))??
        };
        let resp = api
            .enroll(
                &new.creds,
                &EnrollRequest {
                    name: name.clone(),
                    currency,
                    device_public_key: new.wrapped.device_public.to_base64(),
                    payment_public_key: new.wrapped.payment_public.to_base64(),
                    payment_key_proof: B64.encode(new.proof),
                    device_name,
                    recovery,
                },
            )
            .await
            .map_err(WalletError::from_api)?;
        if resp.device_id != new.creds.device_id {
            return Err(WalletError::Api(crate::api::ApiError::Decode(
                "backend assigned a different device id".into(),
            )));
        }
        let backend_url = api.base_url().as_str().trim_end_matches('/').to_owned();
        let account = self.become_device(new.record(&resp.account, backend_url), new.creds)?;
        Ok(Enrolled {
            account,
            recovery_code: code.text(),
        })
    }

    /// Stores the account this device now belongs to and starts its session.
    fn become_device(
        &self,
        record: AccountRecord,
        creds: DeviceCredentials,
    ) -> Result<AccountRecord, WalletError> {
        let now = self.now();
        {
            let cache = self.inner.cache()?;
            cache.save_account(&record)?;
            cache.clear_joining()?;
            session::persist(
                &cache,
                &*self.inner.cfg.secrets,
                &record.device_id,
                &creds.key,
                now,
            );
        }
        *self.inner.session() = Some(Session {
            key: creds.key,
            last_used: now,
        });
        Ok(record)
    }

    fn now(&self) -> i64 {
        (self.inner.cfg.clock)()
    }

    /// Unlocks the device key now (prompting if needed), so later calls do not prompt.
    pub async fn unlock(&self) -> Result<(), WalletError> {
        self.credentials().await.map(|_| ())
    }

    /// Ends the session: the device key is dropped here and in the keyring.
    pub fn lock(&self) -> Result<(), WalletError> {
        *self.inner.session() = None;
        if let Some(a) = self.account()? {
            session::forget(
                &*self.inner.cache()?,
                &*self.inner.cfg.secrets,
                &a.device_id,
            );
        }
        Ok(())
    }

    pub fn is_unlocked(&self) -> bool {
        let now = self.now();
        let idle = self.idle_secs();
        self.inner
            .session()
            .as_ref()
            .is_some_and(|s| now - s.last_used <= idle)
    }

    fn idle_secs(&self) -> i64 {
        self.inner.cfg.session_idle_timeout.as_secs() as i64
    }

    /// The device credentials for a request: the live session, a session resumed from the
    /// keyring, or a fresh unlock through the protector (with lockout).
    async fn credentials(&self) -> Result<(AccountRecord, DeviceCredentials), WalletError> {
        let account = self.require_account()?;
        let now = self.now();
        let idle = self.idle_secs();
        {
            let mut session = self.inner.session();
            match session.as_mut() {
                Some(s) if now - s.last_used <= idle && now >= s.last_used => {
                    s.last_used = now;
                    let key = s.key.clone();
                    drop(session);
                    let _ = self.inner.cache()?.touch_session(now);
                    let creds = DeviceCredentials {
                        device_id: account.device_id.clone(),
                        key,
                    };
                    return Ok((account, creds));
                }
                Some(_) => *session = None,
                None => {}
            }
        }
        let resumed = {
            let cache = self.inner.cache()?;
            session::resume(
                &cache,
                &*self.inner.cfg.secrets,
                &account.device_id,
                now,
                idle,
            )
        };
        let key = match resumed {
            Some(k) => Arc::new(k),
            None => {
                let inner = self.inner.clone();
                let acct = account.clone();
                let key = tokio::task::spawn_blocking(move || inner.unlock_device_key(&acct))
                    .await
                    .map_err(|e| WalletError::Internal(e.to_string()))??;
                let cache = self.inner.cache()?;
                session::persist(
                    &cache,
                    &*self.inner.cfg.secrets,
                    &account.device_id,
                    &key,
                    now,
                );
                Arc::new(key)
            }
        };
        *self.inner.session() = Some(Session {
            key: key.clone(),
            last_used: now,
        });
        let creds = DeviceCredentials {
            device_id: account.device_id.clone(),
            key,
        };
        Ok((account, creds))
    }

    /// Unwraps the payment key for one signature, behind the user's verification, and drops
    /// (wipes) it before returning. `reason` is what the prompt shows.
    pub async fn sign_with_payment_key(
        &self,
        message: Vec<u8>,
        reason: String,
    ) -> Result<[u8; 64], WalletError> {
        let account = self.require_account()?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let key = inner.verified_unwrap(&account, KeyPurpose::Payment, &reason)?;
            Ok(key.sign(&message)?)
        })
        .await
        .map_err(|e| WalletError::Internal(e.to_string()))?
    }

    /// Signs a payment authorization with the payment key, behind the user's verification
    /// (the prompt shows `reason`, e.g. "Pay 12.34 CNY to Tea House"). The authorization must
    /// be this account's.
    pub async fn authorize_payment(
        &self,
        auth: &crate::sign::PaymentAuthorization,
        reason: String,
    ) -> Result<[u8; 64], WalletError> {
        let account = self.require_account()?;
        if auth.account_id != account.account_id {
            return Err(WalletError::InvalidInput(
                "the authorization is for another account".into(),
            ));
        }
        auth.validate()
            .map_err(|e| WalletError::InvalidInput(e.to_string()))?;
        self.sign_with_payment_key(auth.signing_bytes(), reason)
            .await
    }
}

impl Inner {
    fn cache(&self) -> Result<MutexGuard<'_, Cache>, WalletError> {
        self.cache
            .lock()
            .map_err(|_| WalletError::Internal("wallet cache lock poisoned".into()))
    }

    fn joining(&self) -> MutexGuard<'_, Option<DeviceCredentials>> {
        self.joining.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn session(&self) -> MutexGuard<'_, Option<Session>> {
        // A panic while holding the session only loses the session: take it back.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn unlock_device_key(&self, account: &AccountRecord) -> Result<SigningKey, WalletError> {
        self.verified_unwrap(account, KeyPurpose::Device, "Unlock your Purse wallet")
    }

    /// Unwraps a key through the protector, enforcing and updating the lockout.
    fn verified_unwrap(
        &self,
        account: &AccountRecord,
        purpose: KeyPurpose,
        reason: &str,
    ) -> Result<SigningKey, WalletError> {
        let wrapped = match purpose {
            KeyPurpose::Device => &account.device_key_wrapped,
            KeyPurpose::Payment => &account.payment_key_wrapped,
            KeyPurpose::Storage => {
                return Err(WalletError::Internal(
                    "the storage key signs nothing".into(),
                ));
            }
        };
        let pkcs8 =
            cache_key::verified(self.cfg.lockout, &self.lockout, (self.cfg.clock)(), || {
                self.cfg.protector.unwrap(purpose, wrapped, reason)
            })?;
        Ok(SigningKey::from_pkcs8(&pkcs8)?)
    }
}
