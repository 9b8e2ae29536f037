//! The `Wallet` object the shells hold: one per data directory, shared across screens.

use std::sync::Arc;
use std::time::Duration;

use purse_core::api::types::{
    ContactChallenge, ContactKind, Device, FundingSource, Limits, MerchantRegistration,
    MoneyRequest, Order, Profile, Recipient, Recovery, Refund, RegisterMerchantRequest,
    SandboxMessage, Topup, TransactionPage,
};
use purse_core::keys::NoSecretStore;
use purse_core::pay::{PaymentOutcome, TransferOutcome};
use purse_core::scan::{LumaFrame, Rotation, ScanOptions};
use purse_core::wallet::WatchPolicy;
use purse_core::wallet::{PairingOffer, PairingRequest, PersonQuote, Polled, ReceivePayload};
use purse_core::{Currency, Money, WalletConfig};

use crate::devices::{Enrollment, JoinProgress};
use crate::error::PurseError;
use crate::platform::{
    EventListener, ForeignListener, ForeignProtector, ForeignSecrets, KeyProtector,
    PaymentListener, SecureStore,
};
use crate::prepared::PreparedPayment;
use crate::records::{ScannedCode, WalletAccount};
use crate::runtime::{run, run_blocking};
use crate::task_handle::TaskHandle;

#[derive(uniffi::Object)]
pub struct Wallet {
    core: Arc<purse_core::Wallet>,
}

impl Wallet {
    /// Runs `f` with the core wallet on the core's runtime.
    pub(crate) async fn with<T, F, Fut>(&self, f: F) -> Result<T, PurseError>
    where
        T: Send + 'static,
        F: FnOnce(Arc<purse_core::Wallet>) -> Fut,
        Fut: std::future::Future<Output = Result<T, PurseError>> + Send + 'static,
    {
        run(f(self.core.clone())).await
    }
}

#[uniffi::export]
impl Wallet {
    /// Opens (or creates) the wallet stored in `data_dir`. `backend_url` overrides the
    /// backend the wallet enrolled with (`None`: use that one). Keys are protected by the
    /// platform's `protector`, which also unwraps the database's key (`KeyKind.STORAGE`, no
    /// prompt). `secure_store` keeps the failed-unlock counter and the session out of the
    /// app's files; without one the counter lives beside the database and the session ends
    /// with the process.
    #[uniffi::constructor(default(secure_store = None))]
    pub fn open(
        data_dir: String,
        backend_url: Option<String>,
        protector: Arc<dyn KeyProtector>,
        secure_store: Option<Arc<dyn SecureStore>>,
    ) -> Result<Arc<Self>, PurseError> {
        Self::open_pinned(
            data_dir,
            backend_url,
            protector,
            Vec::new(),
            None,
            secure_store,
        )
    }

    /// [`Wallet::open`], trusting the backend's TLS as an operator set it up: `pinned_keys`
    /// (`sha256/BASE64` of the SubjectPublicKeyInfo of the backend's key and a backup key;
    /// a certificate without one of them is refused, `UntrustedServer`), and
    /// `extra_roots_pem` for a private CA.
    #[uniffi::constructor(default(secure_store = None))]
    pub fn open_pinned(
        data_dir: String,
        backend_url: Option<String>,
        protector: Arc<dyn KeyProtector>,
        pinned_keys: Vec<String>,
        extra_roots_pem: Option<String>,
        secure_store: Option<Arc<dyn SecureStore>>,
    ) -> Result<Arc<Self>, PurseError> {
        let tls = purse_core::api::tls::TlsPolicy::new(&pinned_keys, extra_roots_pem.as_deref())
            .map_err(|e| PurseError::InvalidInput {
                reason: e.to_string(),
            })?;
        let secrets: Arc<dyn purse_core::keys::SecretStore> = match secure_store {
            Some(store) => Arc::new(ForeignSecrets(store)),
            None => Arc::new(NoSecretStore),
        };
        let mut cfg =
            WalletConfig::new(data_dir, Arc::new(ForeignProtector(protector)), secrets).tls(tls);
        if let Some(url) = backend_url {
            cfg = cfg.backend(url);
        }
        Ok(Arc::new(Wallet {
            core: Arc::new(purse_core::Wallet::open(cfg)?),
        }))
    }

    /// The enrolled account, or `None` before enrollment. No network.
    pub fn account(&self) -> Result<Option<WalletAccount>, PurseError> {
        Ok(self.core.account()?.map(Into::into))
    }

    /// Creates this device's keys (the protector wraps them: the user may be asked), a
    /// recovery code, and an account on the backend. Show the recovery code once, with a
    /// step where the user confirms they wrote it down.
    pub async fn enroll(
        &self,
        name: String,
        currency_code: String,
        device_name: String,
    ) -> Result<Enrollment, PurseError> {
        let currency = Currency::from_code(&currency_code)?;
        self.with(move |w| async move {
            let e = w.enroll(&name, currency, &device_name).await?;
            Ok(Enrollment {
                account: e.account.into(),
                recovery_code: e.recovery_code.to_string(),
            })
        })
        .await
    }

    /// The account's handle and proven phone and email.
    pub async fn profile(&self) -> Result<Profile, PurseError> {
        self.with(|w| async move { Ok(w.profile().await?) }).await
    }

    /// Claims a handle (`$bo`); the old one becomes free.
    pub async fn set_handle(&self, handle: String) -> Result<Profile, PurseError> {
        self.with(move |w| async move { Ok(w.set_handle(&handle).await?) })
            .await
    }

    /// Sends a one-time code to a phone number (with its country code) or an email.
    pub async fn add_contact(
        &self,
        kind: ContactKind,
        value: String,
    ) -> Result<ContactChallenge, PurseError> {
        self.with(move |w| async move { Ok(w.add_contact(kind, &value).await?) })
            .await
    }

    /// Proves the contact with the six digits it received.
    pub async fn verify_contact(
        &self,
        challenge_id: String,
        code: String,
    ) -> Result<Profile, PurseError> {
        self.with(move |w| async move { Ok(w.verify_contact(&challenge_id, &code).await?) })
            .await
    }

    /// Finds someone by `$handle`, phone or email: handle and masked name only.
    pub async fn find_recipient(&self, query: String) -> Result<Recipient, PurseError> {
        self.with(move |w| async move { Ok(w.find_recipient(&query).await?) })
            .await
    }

    /// Sends `amount` to a recipient found with `find_recipient`; the payment key signs
    /// (biometric). A lost answer is `Pending` (never failed): `settle_transfer` or
    /// `reconcile` finishes it.
    pub async fn send(
        &self,
        recipient: Recipient,
        amount: Money,
        note: String,
    ) -> Result<TransferOutcome, PurseError> {
        self.with(move |w| async move { Ok(w.send(&recipient, amount, &note).await?) })
            .await
    }

    /// This account's receive code as a QR payload, optionally asking for an amount with a
    /// note (up to 25 characters).
    pub async fn receive_code(
        &self,
        amount: Option<Money>,
        note: Option<String>,
    ) -> Result<ReceivePayload, PurseError> {
        self.with(move |w| async move { Ok(w.receive_code(amount, note.as_deref()).await?) })
            .await
    }

    /// A new receive code; the old one stops resolving.
    pub async fn rotate_receive_code(&self) -> Result<ReceivePayload, PurseError> {
        self.with(|w| async move { Ok(w.rotate_receive_code().await?) })
            .await
    }

    /// Whom a scanned person's code pays; then `send(quote.recipient, amount, note)`.
    pub async fn resolve_person(&self, payload: String) -> Result<PersonQuote, PurseError> {
        self.with(move |w| async move { Ok(w.resolve_person(&payload).await?) })
            .await
    }

    /// Asks `payer` (found with `find_recipient`) for money; they are told.
    pub async fn request_money(
        &self,
        payer: Recipient,
        amount: Money,
        note: String,
    ) -> Result<MoneyRequest, PurseError> {
        self.with(move |w| async move { Ok(w.request_money(&payer, amount, &note).await?) })
            .await
    }

    /// The requests inbox (`incoming`) or the ones this account made.
    pub async fn requests(&self, incoming: bool) -> Result<Vec<MoneyRequest>, PurseError> {
        self.with(move |w| async move { Ok(w.requests(incoming).await?) })
            .await
    }

    /// Pays a request from the inbox (payment key, biometric); at most once.
    pub async fn pay_request(&self, request: MoneyRequest) -> Result<TransferOutcome, PurseError> {
        self.with(move |w| async move { Ok(w.pay_request(&request).await?) })
            .await
    }

    pub async fn decline_request(&self, request_id: String) -> Result<MoneyRequest, PurseError> {
        self.with(move |w| async move { Ok(w.decline_request(&request_id).await?) })
            .await
    }

    pub async fn cancel_request(&self, request_id: String) -> Result<MoneyRequest, PurseError> {
        self.with(move |w| async move { Ok(w.cancel_request(&request_id).await?) })
            .await
    }

    /// Takes no more requests from this account; its open ones are declined.
    pub async fn block(&self, account_id: String) -> Result<(), PurseError> {
        self.with(move |w| async move { Ok(w.block(&account_id).await?) })
            .await
    }

    /// Where one transfer stands, asking the backend again if its answer was lost.
    pub async fn settle_transfer(&self, intent_id: String) -> Result<TransferOutcome, PurseError> {
        self.with(move |w| async move { Ok(w.settle_transfer(&intent_id).await?) })
            .await
    }

    /// What the sandbox backend "sent" this account (its one-time codes).
    pub async fn sandbox_messages(&self) -> Result<Vec<SandboxMessage>, PurseError> {
        self.with(|w| async move { Ok(w.sandbox_messages().await?) })
            .await
    }

    /// The account's devices, from the backend.
    pub async fn devices(&self) -> Result<Vec<Device>, PurseError> {
        self.with(|w| async move { Ok(w.devices().await?) }).await
    }

    pub async fn revoke_device(&self, device_id: String) -> Result<Device, PurseError> {
        self.with(move |w| async move { Ok(w.revoke_device(&device_id).await?) })
            .await
    }

    /// On a new device: makes its keys and a pairing code to show (QR and text) until a
    /// device of the account approves it; then `check_join` says `Joined`.
    pub async fn start_pairing(&self, device_name: String) -> Result<PairingOffer, PurseError> {
        self.with(move |w| async move { Ok(w.start_pairing(&device_name).await?) })
            .await
    }

    /// The pairing code this device shows, again (after a restart); `None` if none.
    pub fn pairing_offer(&self) -> Result<Option<PairingOffer>, PurseError> {
        Ok(self.core.pairing_offer()?)
    }

    /// On a joining device: whether it belongs to the account yet.
    pub async fn check_join(&self) -> Result<JoinProgress, PurseError> {
        self.with(|w| async move { Ok(w.check_join().await?.into()) })
            .await
    }

    /// Gives up joining; the new keys are forgotten.
    pub fn forget_join(&self) -> Result<(), PurseError> {
        Ok(self.core.forget_join()?)
    }

    /// On a device of the account: what the pairing code would add (name, number).
    pub async fn open_pairing(&self, code: String) -> Result<PairingRequest, PurseError> {
        self.with(move |w| async move { Ok(w.open_pairing(&code).await?) })
            .await
    }

    /// Adds the device after the user saw the same `confirmation` on both screens; the
    /// payment key signs (biometric).
    pub async fn approve_pairing(
        &self,
        code: String,
        confirmation: String,
    ) -> Result<Device, PurseError> {
        self.with(move |w| async move { Ok(w.approve_pairing(&code, &confirmation).await?) })
            .await
    }

    /// On a new device with no old one: proves the recovery code and starts the cool-off.
    pub async fn start_recovery(
        &self,
        recovery_code: String,
        device_name: String,
    ) -> Result<Recovery, PurseError> {
        self.with(move |w| async move { Ok(w.start_recovery(&recovery_code, &device_name).await?) })
            .await
    }

    /// The account's recoveries in their cool-off.
    pub async fn recoveries(&self) -> Result<Vec<Recovery>, PurseError> {
        self.with(|w| async move { Ok(w.recoveries().await?) })
            .await
    }

    /// Stops a recovery in its cool-off (payment key, biometric).
    pub async fn cancel_recovery(&self, recovery_id: String) -> Result<Recovery, PurseError> {
        self.with(move |w| async move { Ok(w.cancel_recovery(&recovery_id).await?) })
            .await
    }

    /// A new recovery code (payment key, biometric); the old one stops working. Show once.
    pub async fn rotate_recovery_code(&self) -> Result<String, PurseError> {
        self.with(|w| async move { Ok(w.rotate_recovery_code().await?.to_string()) })
            .await
    }

    /// Unlocks the device key for a session (asks the user through the protector).
    pub async fn unlock(&self) -> Result<(), PurseError> {
        self.with(|w| async move { Ok(w.unlock().await?) }).await
    }

    /// Forgets the session: the next call asks the user again.
    pub fn lock(&self) -> Result<(), PurseError> {
        Ok(self.core.lock()?)
    }

    pub fn is_unlocked(&self) -> bool {
        self.core.is_unlocked()
    }

    /// The balance from the backend (the cache is updated).
    pub async fn balance(&self) -> Result<Money, PurseError> {
        self.with(|w| async move { Ok(w.balance().await?) }).await
    }

    /// The last balance seen, without the network: for the first frame of the home screen.
    pub fn cached_balance(&self) -> Result<Option<Money>, PurseError> {
        Ok(self.core.cached_balance()?.map(|b| b.balance))
    }

    /// Fetches new transactions into the cache; returns how many were new.
    pub async fn sync_history(&self) -> Result<u32, PurseError> {
        self.with(|w| async move { Ok(w.sync_history().await? as u32) })
            .await
    }

    /// A page of the cached history, newest first. No network.
    pub fn history(
        &self,
        limit: u32,
        starting_after: Option<String>,
    ) -> Result<TransactionPage, PurseError> {
        Ok(self.core.history(limit, starting_after.as_deref())?)
    }

    /// Links a card (sandbox: test numbers only) as a funding source.
    pub async fn link_card(
        &self,
        number: String,
        exp_month: u32,
        exp_year: u32,
    ) -> Result<FundingSource, PurseError> {
        let invalid = || PurseError::InvalidInput {
            reason: "the expiry must be a month 1-12 and a four-digit year".into(),
        };
        let month = u8::try_from(exp_month).map_err(|_| invalid())?;
        let year = u16::try_from(exp_year).map_err(|_| invalid())?;
        self.with(move |w| async move { Ok(w.link_card(&number, month, year).await?) })
            .await
    }

    /// Links a bank account (IBAN) as a funding source.
    pub async fn link_bank(
        &self,
        iban: String,
        holder: String,
    ) -> Result<FundingSource, PurseError> {
        self.with(move |w| async move { Ok(w.link_bank(&iban, &holder).await?) })
            .await
    }

    pub async fn funding_sources(&self) -> Result<Vec<FundingSource>, PurseError> {
        self.with(|w| async move { Ok(w.funding_sources().await?) })
            .await
    }

    /// Adds money from a linked source; returns the top-up and the balance after it.
    pub async fn topup(&self, source_id: String, amount: Money) -> Result<Topup, PurseError> {
        self.with(move |w| async move { Ok(w.topup(&source_id, amount).await?) })
            .await
    }

    /// Looks for a QR code in one camera frame's luma (Y) plane, as CameraX's
    /// `ImageAnalysis` or AVFoundation hand it over: `row_stride` bytes per row, of which
    /// the first `width` are pixels. `rotation_degrees` (0, 90, 180, 270) is how far the
    /// frame turns clockwise to be upright (CameraX's `imageInfo.rotationDegrees`); the
    /// corners come back in that upright picture. Synchronous and bounded (tens of
    /// milliseconds): call it on the analyzer thread. `None` when the frame holds no
    /// readable code.
    pub fn scan_frame(
        &self,
        luma: Vec<u8>,
        width: u32,
        height: u32,
        row_stride: u32,
        rotation_degrees: u32,
    ) -> Result<Option<ScannedCode>, PurseError> {
        scan_frame(luma, width, height, row_stride, rotation_degrees)
    }

    /// Finds the QR codes in an encoded image (PNG, JPEG, WebP): a screenshot or a photo
    /// from the gallery.
    pub async fn scan_image(&self, image: Vec<u8>) -> Result<Vec<ScannedCode>, PurseError> {
        run_blocking(move || {
            let found = purse_core::scan::scan_image(&image, ScanOptions::default())?;
            Ok(found.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// Turns a scanned payload into a payment to confirm: the merchant's verified name and
    /// the amount for an order, kept in the core; `pay` it. Codes of other networks:
    /// `UnsupportedCode`.
    pub async fn resolve(&self, payload: String) -> Result<Arc<PreparedPayment>, PurseError> {
        let quote = self
            .with(move |w| async move { Ok(w.resolve_payload(&payload).await?) })
            .await?;
        Ok(PreparedPayment::new(self.core.clone(), quote))
    }

    /// Where one payment stands: a "payment pending" screen calls this (with a growing
    /// pause) until it says completed, or throws the backend's refusal. A pending payment is
    /// re-sent with its idempotency key, so asking again can never pay twice.
    pub async fn settle(&self, intent_id: String) -> Result<PaymentOutcome, PurseError> {
        self.with(move |w| async move { Ok(w.settle(&intent_id).await?) })
            .await
    }

    /// Sends every payment still pending again (at start-up, when the network is back);
    /// returns how many remain pending.
    pub async fn reconcile(&self) -> Result<u32, PurseError> {
        self.with(|w| async move {
            let results = w.reconcile().await?;
            Ok(results
                .iter()
                .filter(|(_, r)| r.as_ref().is_ok_and(|o| o.is_pending()))
                .count() as u32)
        })
        .await
    }

    /// Waits up to `wait_secs` for new events and device notices, applies them to the cache
    /// and returns them.
    pub async fn poll_events(&self, wait_secs: u64) -> Result<Polled, PurseError> {
        self.with(move |w| async move { Ok(w.poll_events(wait_secs).await?) })
            .await
    }

    /// Follows the account's events until the handle is cancelled, handing each to
    /// `listener`. Network trouble is retried (and reported to `on_error`).
    pub fn follow_events(&self, listener: Arc<dyn EventListener>) -> Arc<TaskHandle> {
        let core = self.core.clone();
        let sink = Arc::new(ForeignListener(listener.clone()));
        TaskHandle::spawn(async move {
            let end = core.follow_events(sink).await;
            listener.on_error(format!("event stream ended: {end}"));
        })
    }

    /// Follows a payment `pay` left pending until the backend's answer, telling `listener`
    /// (`Pending`, then `Completed`, `Failed` or `Unresolved`). The first ask comes after
    /// `first_pause_ms` (a screen passes 2000), the pause doubling to 30 s. Cancel the handle
    /// when the screen goes away; the payment itself is unaffected (the outbox keeps it).
    pub fn watch_payment(
        &self,
        intent_id: String,
        first_pause_ms: u32,
        listener: Arc<dyn PaymentListener>,
    ) -> Arc<TaskHandle> {
        let core = self.core.clone();
        let policy = WatchPolicy::starting_at(Duration::from_millis(first_pause_ms.into()));
        TaskHandle::spawn(async move {
            core.watch_payment(&intent_id, policy, |u| listener.on_update(u.into()))
                .await;
        })
    }

    pub async fn limits(&self) -> Result<Limits, PurseError> {
        self.with(|w| async move { Ok(w.limits().await?) }).await
    }

    /// Changes the account's own limits (capped by the backend's maxima).
    pub async fn set_limits(
        &self,
        per_payment: Option<Money>,
        per_day: Option<Money>,
    ) -> Result<Limits, PurseError> {
        self.with(move |w| async move { Ok(w.set_limits(per_payment, per_day).await?) })
            .await
    }

    /// Registers this account as a merchant.
    pub async fn register_merchant(
        &self,
        display_name: String,
        city: String,
        webhook_url: Option<String>,
    ) -> Result<MerchantRegistration, PurseError> {
        self.with(move |w| async move {
            Ok(w.register_merchant(&RegisterMerchantRequest {
                display_name,
                city,
                mcc: None,
                webhook_url,
            })
            .await?)
        })
        .await
    }

    /// As a merchant: a dynamic order whose `payload` is shown as a QR code.
    pub async fn create_order(
        &self,
        amount: Money,
        description: String,
        expires_in_secs: Option<i64>,
    ) -> Result<Order, PurseError> {
        self.with(move |w| async move {
            Ok(w.create_order(amount, &description, expires_in_secs)
                .await?)
        })
        .await
    }

    /// As a merchant: orders, newest first; pass the last `order_id` for the next page.
    pub async fn orders(
        &self,
        limit: u32,
        starting_after: Option<String>,
    ) -> Result<Vec<Order>, PurseError> {
        self.with(
            move |w| async move { Ok(w.orders(limit, starting_after.as_deref()).await?.data) },
        )
        .await
    }

    /// As a merchant: one order's current state.
    pub async fn order(&self, order_id: String) -> Result<Order, PurseError> {
        self.with(move |w| async move { Ok(w.order(&order_id).await?) })
            .await
    }

    /// As a merchant: refunds part or all of a paid order.
    pub async fn refund(
        &self,
        order_id: String,
        amount: Money,
        reason: String,
    ) -> Result<Refund, PurseError> {
        self.with(move |w| async move { Ok(w.refund(&order_id, amount, &reason).await?) })
            .await
    }
}

/// The frame scan, shared by `Wallet.scan_frame` and the free function (a scanner screen
/// may run before a wallet is open).
fn scan_frame(
    luma: Vec<u8>,
    width: u32,
    height: u32,
    row_stride: u32,
    rotation_degrees: u32,
) -> Result<Option<ScannedCode>, PurseError> {
    let frame = LumaFrame {
        data: &luma,
        width: width as usize,
        height: height as usize,
        row_stride: row_stride as usize,
        rotation: Rotation::from_degrees(rotation_degrees)?,
    };
    let opts = ScanOptions {
        first_only: true,
        ..ScanOptions::default()
    };
    let found = std::panic::catch_unwind(|| purse_core::scan::scan_frame(frame, opts)).map_err(
        |_| PurseError::Internal {
            reason: "the scanner failed on this frame".into(),
        },
    )??;
    Ok(found.into_iter().next().map(Into::into))
}

/// [`Wallet::scan_frame`] without a wallet.
#[uniffi::export]
pub fn scan_luma_frame(
    luma: Vec<u8>,
    width: u32,
    height: u32,
    row_stride: u32,
    rotation_degrees: u32,
) -> Result<Option<ScannedCode>, PurseError> {
    scan_frame(luma, width, height, row_stride, rotation_degrees)
}
