//! A second device and recovery, end to end on the real backend: pair and pay from the new
//! device; refused pairings (revoked approver, replay, expiry, wrong number); recovery after
//! the cool-off with the money intact; wrong and rotated codes; cancelling from an old device.

mod common;

use std::time::Duration;

use common::*;
use purse_core::WalletError;
use purse_core::api::types::{NoticeKind, RecoveryState, TransactionPage, codes};
use purse_core::pay::PaymentOutcome;
use purse_core::wallet::JoinProgress;

fn history(w: &TestWallet) -> TransactionPage {
    w.wallet.history(100, None).unwrap()
}

/// The ids and amounts of a history, for comparing two devices' views.
fn ledger_view(p: &TransactionPage) -> Vec<(String, i64)> {
    p.data
        .iter()
        .map(|t| (t.transaction_id.clone(), t.amount.minor))
        .collect()
}

async fn notices(w: &TestWallet) -> Vec<NoticeKind> {
    w.wallet
        .poll_events(0)
        .await
        .unwrap()
        .notices
        .iter()
        .map(|n| n.kind)
        .collect()
}

/// A merchant order of `amount`, paid by `payer`.
async fn pay(
    shop: &TestWallet,
    payer: &TestWallet,
    amount: &str,
) -> Result<PaymentOutcome, WalletError> {
    let order = shop
        .wallet
        .create_order(money(amount), "tea", None)
        .await
        .unwrap();
    let prepared = payer.wallet.resolve_payload(&order.payload).await?;
    payer.wallet.pay(&prepared, None).await
}

async fn joined(w: &TestWallet) -> purse_core::cache::AccountRecord {
    match w.wallet.check_join().await.unwrap() {
        JoinProgress::Joined(a) => a,
        other => panic!("not joined: {other:?}"),
    }
}

#[tokio::test]
async fn a_paired_device_sees_the_history_and_pays() {
    let b = Backend::start().await;
    let (shop, _, _) = merchant_wallet(&b.url(), "Tea House", None).await;
    let ada = funded_wallet(&b.url(), "Ada", "100.00 CNY").await;
    pay(&shop, &ada, "10.00 CNY").await.unwrap();
    ada.wallet.sync_history().await.unwrap();

    let tablet = new_phone(&b.url());
    let offer = tablet.wallet.start_pairing("Ada's tablet").await.unwrap();
    assert!(matches!(
        tablet.wallet.check_join().await.unwrap(),
        JoinProgress::Waiting { .. }
    ));
    assert_eq!(
        tablet.wallet.pairing_offer().unwrap(),
        Some(offer.clone()),
        "shown again"
    );

    let seen = ada.wallet.open_pairing(&offer.qr).await.unwrap();
    assert_eq!(seen.device_name, "Ada's tablet");
    assert_eq!(
        seen.confirmation, offer.confirmation,
        "both screens show one number"
    );
    let wrong = if offer.confirmation == "000000" {
        "000001"
    } else {
        "000000"
    };
    let e = ada
        .wallet
        .approve_pairing(&offer.code, wrong)
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::ConfirmationMismatch), "{e}");
    let added = ada
        .wallet
        .approve_pairing(&offer.code, &offer.confirmation)
        .await
        .unwrap();
    assert_eq!(added.name, "Ada's tablet");
    assert!(notices(&ada).await.contains(&NoticeKind::DeviceAdded));

    // The same code again is refused: a pairing is good once.
    let again = ada
        .wallet
        .approve_pairing(&offer.code, &offer.confirmation)
        .await
        .unwrap_err();
    assert_eq!(again.code(), Some(codes::PAIRING_USED), "{again}");

    let account = joined(&tablet).await;
    assert_eq!(
        account.account_id,
        ada.wallet.account().unwrap().unwrap().account_id
    );
    assert_eq!(ledger_view(&history(&tablet)), ledger_view(&history(&ada)));
    assert_eq!(
        tablet.wallet.cached_balance().unwrap().unwrap().balance,
        money("90.00 CNY")
    );
    assert!(
        notices(&tablet).await.is_empty(),
        "the new device starts after its own pairing"
    );

    pay(&shop, &tablet, "5.00 CNY").await.unwrap();
    assert_eq!(ada.wallet.balance().await.unwrap(), money("85.00 CNY"));
    let devices = ada.wallet.devices().await.unwrap();
    assert_eq!(devices.len(), 2);
    assert!(devices.iter().all(|d| d.revoked_at.is_none()));
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_pairing_from_a_revoked_device_or_past_its_time_is_refused() {
    let b = Backend::start_with(|c| c.pairing_ttl_secs = 2).await;
    let ada = enrolled_wallet(&b.url(), "Ada").await;
    let tablet = new_phone(&b.url());
    let offer = tablet.wallet.start_pairing("Tablet").await.unwrap();
    ada.wallet
        .approve_pairing(&offer.code, &offer.confirmation)
        .await
        .unwrap();
    joined(&tablet).await;
    // The tablet revokes the phone (it was lost); the phone cannot let anyone in.
    let phone_id = ada.wallet.account().unwrap().unwrap().device_id;
    tablet.wallet.revoke_device(&phone_id).await.unwrap();
    let laptop = new_phone(&b.url());
    let offer = laptop.wallet.start_pairing("Laptop").await.unwrap();
    let e = ada
        .wallet
        .approve_pairing(&offer.code, &offer.confirmation)
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::DeviceRevoked), "{e}");

    // Past its time, the code is refused on both sides.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let e = tablet
        .wallet
        .approve_pairing(&offer.code, &offer.confirmation)
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::PairingExpired), "{e}");
    let e = laptop.wallet.check_join().await.unwrap_err();
    assert!(matches!(e, WalletError::PairingExpired), "{e}");
    assert_eq!(laptop.wallet.pairing_offer().unwrap(), None, "forgotten");

    // A code with a typo never reaches the backend.
    let mut typo = offer.code.clone();
    let last = typo.pop().unwrap();
    typo.push(if last == 'A' { 'B' } else { 'A' });
    let e = tablet.wallet.open_pairing(&typo).await.unwrap_err();
    assert!(matches!(e, WalletError::BadCode(_)), "{e}");
}

#[tokio::test]
async fn recovery_after_the_cool_off_revokes_the_old_devices_and_keeps_the_money() {
    let b = Backend::start_with(|c| {
        c.recovery_cool_off_secs = 2;
        c.recovery_cap_major = 20;
    })
    .await;
    let (shop, _, _) = merchant_wallet(&b.url(), "Tea House", None).await;
    let (ada, code) = enrolled_with_code(&b.url(), "Ada").await;
    let card = ada
        .wallet
        .link_card("4242 4242 4242 4242", 12, 2030)
        .await
        .unwrap();
    ada.wallet
        .topup(&card.source_id, money("100.00 CNY"))
        .await
        .unwrap();
    pay(&shop, &ada, "12.50 CNY").await.unwrap();
    ada.wallet.sync_history().await.unwrap();
    let before = ledger_view(&history(&ada));

    let phone = new_phone(&b.url());
    let r = phone
        .wallet
        .start_recovery(&code, "New phone")
        .await
        .unwrap();
    assert_eq!(r.state, RecoveryState::Waiting);
    assert!(notices(&ada).await.contains(&NoticeKind::RecoveryStarted));
    assert_eq!(ada.wallet.recoveries().await.unwrap().len(), 1);
    assert!(matches!(
        phone.wallet.check_join().await.unwrap(),
        JoinProgress::Waiting { .. }
    ));
    assert!(
        ada.wallet.balance().await.is_ok(),
        "the old device works in the cool-off"
    );

    tokio::time::sleep(Duration::from_millis(2_100)).await;
    joined(&phone).await;
    let e = ada.wallet.balance().await.unwrap_err();
    assert!(matches!(e, WalletError::DeviceRevoked), "{e}");
    assert_eq!(ledger_view(&history(&phone)), before);
    assert_eq!(phone.wallet.balance().await.unwrap(), money("87.50 CNY"));

    // Spendable, but capped for a while (20.00 a day here, counting the 12.50 paid today).
    pay(&shop, &phone, "5.00 CNY").await.unwrap();
    let e = pay(&shop, &phone, "5.00 CNY").await.unwrap_err();
    assert_eq!(e.code(), Some(codes::LIMIT_AFTER_RECOVERY), "{e}");
    let devices = phone.wallet.devices().await.unwrap();
    assert!(
        devices
            .iter()
            .any(|d| d.restricted_until.is_some() && d.revoked_at.is_none())
    );
    assert_eq!(devices.iter().filter(|d| d.revoked_at.is_none()).count(), 1);
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_wrong_recovery_code_is_refused_and_then_rate_limited() {
    let b = Backend::start_with(|c| c.device_attempts.per_ip.max = 3).await;
    let (_ada, code) = enrolled_with_code(&b.url(), "Ada").await;
    let phone = new_phone(&b.url());
    let mut typo = code.clone();
    let first = typo.remove(0);
    typo.insert(0, if first == '1' { '2' } else { '1' });
    let e = phone.wallet.start_recovery(&typo, "p").await.unwrap_err();
    assert!(
        matches!(e, WalletError::BadCode(_)),
        "a typo is caught offline: {e}"
    );

    let other = purse_core::devices::RecoveryCode::generate().unwrap();
    for _ in 0..3 {
        let e = phone
            .wallet
            .start_recovery(&other.text(), "p")
            .await
            .unwrap_err();
        assert!(matches!(e, WalletError::RecoveryCodeWrong), "{e}");
    }
    let e = phone.wallet.start_recovery(&code, "p").await.unwrap_err();
    assert!(
        matches!(e, WalletError::RateLimited { retry_after_secs, .. } if retry_after_secs > 0),
        "even the right code waits once the window is full: {e}"
    );
}

#[tokio::test]
async fn an_old_device_cancels_a_recovery_in_its_cool_off() {
    let b = Backend::start_with(|c| c.recovery_cool_off_secs = 3_600).await;
    let (ada, code) = enrolled_with_code(&b.url(), "Ada").await;
    let thief = new_phone(&b.url());
    let r = thief.wallet.start_recovery(&code, "Not Ada").await.unwrap();
    let listed = ada.wallet.recoveries().await.unwrap();
    assert_eq!(listed[0].device_name, "Not Ada");
    let cancelled = ada.wallet.cancel_recovery(&r.recovery_id).await.unwrap();
    assert_eq!(cancelled.state, RecoveryState::Cancelled);
    assert!(ada.wallet.recoveries().await.unwrap().is_empty());
    let e = thief.wallet.check_join().await.unwrap_err();
    assert!(matches!(e, WalletError::RecoveryCancelled), "{e}");
    assert!(ada.wallet.balance().await.is_ok());
    let kinds = notices(&ada).await;
    assert!(
        kinds.contains(&NoticeKind::RecoveryStarted)
            && kinds.contains(&NoticeKind::RecoveryCancelled)
    );
}

#[tokio::test]
async fn a_rotated_recovery_code_replaces_the_old_one() {
    let b = Backend::start_with(|c| c.recovery_cool_off_secs = 1).await;
    let (ada, old) = enrolled_with_code(&b.url(), "Ada").await;
    let new = ada.wallet.rotate_recovery_code().await.unwrap();
    assert_ne!(*new, old);
    let phone = new_phone(&b.url());
    let e = phone.wallet.start_recovery(&old, "p").await.unwrap_err();
    assert!(matches!(e, WalletError::RecoveryCodeWrong), "{e}");
    phone.wallet.start_recovery(&new, "p").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    joined(&phone).await;
    assert!(notices(&phone).await.is_empty());
}

/// The old phone paid, but the answer was lost: its intent is pending when the phone is
/// lost. The recovered device sees that payment once, from the backend, and nothing of the
/// old outbox; the old phone, found again, can no longer ask.
#[tokio::test]
async fn a_payment_pending_on_the_lost_phone_counts_once_after_recovery() {
    let (b, proxy) =
        Backend::behind_proxy_with(|c| c.recovery_cool_off_secs = 1, 1, 0, Duration::ZERO).await;
    let (shop, _, _) = merchant_wallet(&b.url(), "Kiosk", None).await;
    let (lost, _dir) = impatient_wallet(&proxy.url);
    let code = lost
        .enroll("Ivy", cny(), "old phone")
        .await
        .unwrap()
        .recovery_code;
    let card = lost
        .link_card("4242 4242 4242 4242", 12, 2030)
        .await
        .unwrap();
    lost.topup(&card.source_id, money("50.00 CNY"))
        .await
        .unwrap();
    let order = shop
        .wallet
        .create_order(money("8.00 CNY"), "", None)
        .await
        .unwrap();
    let prepared = lost.resolve_payload(&order.payload).await.unwrap();
    let mut answered = proxy.hold_answers("/v1/payments");
    let intent_id = match lost.pay(&prepared, None).await.unwrap() {
        PaymentOutcome::Pending { intent_id } => intent_id,
        other => panic!("the answer was held, yet {other:?}"),
    };
    assert!(
        answered.recv().await.unwrap().contains("201"),
        "the backend paid"
    );

    let phone = new_phone(&b.url());
    phone
        .wallet
        .start_recovery(&code, "New phone")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    joined(&phone).await;
    let payments: Vec<_> = history(&phone)
        .data
        .into_iter()
        .filter(|t| t.intent_id.as_deref() == Some(intent_id.as_str()))
        .collect();
    assert_eq!(payments.len(), 1, "the lost answer's payment, once");
    assert_eq!(phone.wallet.balance().await.unwrap(), money("42.00 CNY"));
    assert!(
        phone.wallet.payment_intents(10).unwrap().is_empty(),
        "no old outbox here"
    );

    proxy.release_answers();
    let e = lost.settle(&intent_id).await.unwrap_err();
    assert!(matches!(e, WalletError::DeviceRevoked), "{e}");
    assert_eq!(shop.wallet.balance().await.unwrap(), money("8.00 CNY"));
    b.assert_ledger_sound().await;
}
