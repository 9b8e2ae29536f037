//! Pay codes on the real backend and its SQLite store: the customer's phone shows a code, the
//! merchant's till charges it. At once within the customer's limit and never twice; expired
//! and wrong codes refused; a revoked device's codes refused; above the limit the
//! charge waits for the payment key, and is canceled when nobody confirms; one code
//! submitted concurrently charges once; codes made with the backend unreachable are charged
//! after; guessing is throttled per merchant and per device. The ledger is checked after
//! each test.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use common::*;
use purse_core::api::types::{ChargeState, NoticeKind, PayCodeCharge, codes};
use purse_core::keys::{Argon2Cost, DecisionProtector, KeyringSecrets};
use purse_core::wallet::{JoinProgress, WalletError};
use purse_core::{Wallet, WalletConfig};

/// A wallet whose clock runs `offset` seconds from real time (the backend keeps real time).
struct Phone {
    t: TestWallet,
    offset: Arc<AtomicI64>,
}

impl Phone {
    fn shift(&self, secs: i64) {
        self.offset.store(secs, Ordering::SeqCst);
    }
}

fn real_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn phone(url: &str) -> Phone {
    let offset = Arc::new(AtomicI64::new(0));
    let o = offset.clone();
    let dir = tempfile::tempdir().unwrap();
    let secrets: Arc<dyn purse_core::keys::SecretStore> =
        Arc::new(KeyringSecrets::mock("purse-test").unwrap());
    let mut cfg = WalletConfig::new(
        dir.path(),
        Arc::new(DecisionProtector::approving()),
        secrets.clone(),
    )
    .backend(url)
    .recovery_cost(Argon2Cost::INSECURE_FAST)
    .network(
        Duration::from_millis(400),
        purse_core::api::RetryPolicy {
            attempts: 2,
            first_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
        },
    );
    cfg.clock = Arc::new(move || real_now() + o.load(Ordering::SeqCst));
    Phone {
        t: TestWallet {
            wallet: Wallet::open(cfg).unwrap(),
            dir,
            secrets,
        },
        offset,
    }
}

/// Ada's phone (funded with `amount`) and Tea House's till.
async fn ada_and_tea(b: &Backend, amount: &str) -> (Phone, TestWallet) {
    let ada = phone(&b.url());
    let w = &ada.t.wallet;
    w.enroll("Ada", cny(), "phone").await.unwrap();
    let card = w.link_card("4242 4242 4242 4242", 12, 2030).await.unwrap();
    w.topup(&card.source_id, money(amount)).await.unwrap();
    let (tea, _, _) = merchant_wallet(&b.url(), "Tea House", None).await;
    (ada, tea)
}

async fn charge(till: &TestWallet, code: &str, amount: &str) -> Result<PayCodeCharge, WalletError> {
    till.wallet
        .charge_pay_code(code, money(amount), "sale")
        .await
}

fn refused_with(r: Result<PayCodeCharge, WalletError>, code: &str) {
    match r {
        Err(e) => assert_eq!(e.code(), Some(code), "{e:?}"),
        Ok(c) => panic!("charged, expected {code}: {c:?}"),
    }
}

#[tokio::test]
async fn a_code_charges_at_once_within_the_limit_and_never_twice() {
    let b = Backend::start().await;
    let (ada, tea) = ada_and_tea(&b, "500.00 CNY").await;
    let shown = ada.t.wallet.pay_code().await.unwrap();
    assert_eq!(shown.digits.len(), 18);
    assert!(shown.digits.starts_with("29"));
    assert_eq!(shown.grouped.replace(' ', ""), shown.digits);
    assert!((1..=30).contains(&shown.seconds_left));
    assert!(shown.valid_until > real_now() + 6 * 86_400);

    let c = charge(&tea, &shown.digits, "8.00 CNY").await.unwrap();
    assert_eq!(c.state, ChargeState::Completed);
    assert_eq!(c.merchant_name, "Tea House");
    assert!(c.transaction.is_some(), "the till sees its side");
    assert_eq!(ada.t.wallet.balance().await.unwrap(), money("492.00 CNY"));

    // The same code again, as digits or as its QR: used, nothing moves.
    refused_with(
        charge(&tea, &shown.digits, "8.00 CNY").await,
        codes::PAYCODE_USED,
    );
    refused_with(
        charge(&tea, &shown.qr_text, "8.00 CNY").await,
        codes::PAYCODE_USED,
    );

    // The phone hears of the charge and shows its next code at once, in the same step.
    ada.t.wallet.poll_events(0).await.unwrap();
    let again = ada.t.wallet.pay_code().await.unwrap();
    assert_ne!(again.digits, shown.digits);
    let c = charge(&tea, &again.digits, "1.50 CNY").await.unwrap();
    assert_eq!(c.state, ChargeState::Completed);
    assert_eq!(ada.t.wallet.balance().await.unwrap(), money("490.50 CNY"));

    // The next step's code (the phone a step ahead: drift) charges; the QR form too.
    ada.shift(30);
    let next = ada.t.wallet.pay_code().await.unwrap();
    assert_ne!(next.digits, shown.digits);
    let c = charge(&tea, &next.qr_text, "2.50 CNY").await.unwrap();
    assert_eq!(c.state, ChargeState::Completed);
    assert_eq!(ada.t.wallet.balance().await.unwrap(), money("488.00 CNY"));
    // A code older than the last charged one is refused even within its window.
    refused_with(
        charge(&tea, &again.qr_text, "1.00 CNY").await,
        codes::PAYCODE_USED,
    );
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn expired_and_unknown_codes_and_a_revoked_devices_codes_are_refused() {
    let b = Backend::start().await;
    let (ada, tea) = ada_and_tea(&b, "100.00 CNY").await;
    // A code shown two minutes ago and never charged: expired, and the till is told so.
    ada.shift(-120);
    let stale = ada.t.wallet.pay_code().await.unwrap();
    ada.shift(0);
    refused_with(
        charge(&tea, &stale.digits, "5.00 CNY").await,
        codes::PAYCODE_EXPIRED,
    );
    // One from a quarter of an hour ago is no code of now at all.
    ada.shift(-900);
    let older = ada.t.wallet.pay_code().await.unwrap();
    ada.shift(0);
    refused_with(
        charge(&tea, &older.digits, "5.00 CNY").await,
        codes::PAYCODE_INVALID,
    );

    // A paired tablet revokes the phone: the phone's codes are refused.
    let tablet = new_phone(&b.url());
    let offer = tablet.wallet.start_pairing("Tablet").await.unwrap();
    ada.t
        .wallet
        .approve_pairing(&offer.code, &offer.confirmation)
        .await
        .unwrap();
    assert!(matches!(
        tablet.wallet.check_join().await.unwrap(),
        JoinProgress::Joined(_)
    ));
    let code = ada.t.wallet.pay_code().await.unwrap();
    let phone_id = ada.t.wallet.account().unwrap().unwrap().device_id;
    tablet.wallet.revoke_device(&phone_id).await.unwrap();
    refused_with(
        charge(&tea, &code.digits, "5.00 CNY").await,
        codes::DEVICE_REVOKED,
    );
    assert_eq!(tablet.wallet.balance().await.unwrap(), money("100.00 CNY"));
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn above_the_limit_a_charge_waits_for_the_payment_key_and_completes_once() {
    let b = Backend::start().await;
    let (ada, tea) = ada_and_tea(&b, "500.00 CNY").await;
    let w = &ada.t.wallet;
    let limit = w.pay_code_limit().await.unwrap();
    assert_eq!(limit.limit, money("50.00 CNY"));
    assert_eq!(limit.ceiling, money("2000.00 CNY"));

    let code = w.pay_code().await.unwrap();
    let c = charge(&tea, &code.digits, "120.00 CNY").await.unwrap();
    assert_eq!(c.state, ChargeState::AwaitingConfirmation);
    assert!(c.transaction.is_none());
    assert_eq!(
        w.balance().await.unwrap(),
        money("500.00 CNY"),
        "nothing yet"
    );

    // The phone hears of it and sees it waiting, named as the backend knows the merchant.
    let polled = w.poll_events(0).await.unwrap();
    assert!(
        polled
            .notices
            .iter()
            .any(|n| n.kind == NoticeKind::PaycodeConfirmation)
    );
    let waiting = w.waiting_charges().await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].merchant_name, "Tea House");
    assert_eq!(waiting[0].amount, money("120.00 CNY"));

    let done = w.confirm_charge(&c.charge_id).await.unwrap();
    assert_eq!(done.state, ChargeState::Completed);
    assert!(done.transaction.is_some());
    assert_eq!(w.balance().await.unwrap(), money("380.00 CNY"));
    // Again: the same answer, nothing more moves; the till sees it charged.
    let again = w.confirm_charge(&c.charge_id).await.unwrap();
    assert_eq!(again.state, ChargeState::Completed);
    assert_eq!(w.balance().await.unwrap(), money("380.00 CNY"));
    let seen = tea.wallet.pay_code_charge(&c.charge_id).await.unwrap();
    assert_eq!(seen.state, ChargeState::Completed);
    assert!(w.waiting_charges().await.unwrap().is_empty());

    // A limit of zero asks every time; above the ceiling is refused.
    w.set_pay_code_limit(money("0.00 CNY")).await.unwrap();
    ada.shift(30);
    let code = w.pay_code().await.unwrap();
    let c = charge(&tea, &code.digits, "1.00 CNY").await.unwrap();
    assert_eq!(c.state, ChargeState::AwaitingConfirmation);
    let e = w
        .set_pay_code_limit(money("2000.01 CNY"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(codes::AMOUNT_INVALID));
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn a_charge_nobody_confirms_is_canceled_and_a_declined_one_at_once() {
    let b = Backend::start_with(|c| c.paycode_confirm_secs = 1).await;
    let (ada, tea) = ada_and_tea(&b, "500.00 CNY").await;
    let w = &ada.t.wallet;
    let code = w.pay_code().await.unwrap();
    let c = charge(&tea, &code.digits, "120.00 CNY").await.unwrap();
    assert_eq!(c.state, ChargeState::AwaitingConfirmation);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    // Too late: canceled, and confirming now moves nothing.
    let late = w.confirm_charge(&c.charge_id).await.unwrap();
    assert_eq!(late.state, ChargeState::Canceled);
    assert_eq!(
        tea.wallet
            .pay_code_charge(&c.charge_id)
            .await
            .unwrap()
            .state,
        ChargeState::Canceled
    );

    ada.shift(30);
    let code = w.pay_code().await.unwrap();
    let c = charge(&tea, &code.digits, "99.00 CNY").await.unwrap();
    let declined = w.decline_charge(&c.charge_id).await.unwrap();
    assert_eq!(declined.state, ChargeState::Canceled);
    let e = w.decline_charge(&c.charge_id).await.unwrap_err();
    assert_eq!(e.code(), Some(codes::CHARGE_NOT_WAITING));
    assert_eq!(w.balance().await.unwrap(), money("500.00 CNY"));
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn one_code_submitted_at_once_from_many_tills_charges_once() {
    let b = Backend::start().await;
    let (ada, tea) = ada_and_tea(&b, "500.00 CNY").await;
    let code = ada.t.wallet.pay_code().await.unwrap();
    let tea = Arc::new(tea);
    let tries = (0..8).map(|i| {
        let tea = tea.clone();
        let code = if i % 2 == 0 {
            code.digits.clone()
        } else {
            code.qr_text.clone()
        };
        tokio::spawn(async move { charge(&tea, &code, "10.00 CNY").await })
    });
    let mut charged = 0;
    for t in tries {
        match t.await.unwrap() {
            Ok(c) => {
                assert_eq!(c.state, ChargeState::Completed);
                charged += 1;
            }
            Err(e) => assert_eq!(e.code(), Some(codes::PAYCODE_USED), "{e:?}"),
        }
    }
    assert_eq!(charged, 1);
    assert_eq!(ada.t.wallet.balance().await.unwrap(), money("490.00 CNY"));
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn codes_made_with_the_backend_unreachable_are_charged_after() {
    let (b, proxy) = Backend::behind_proxy(7, 0, Duration::from_millis(0)).await;
    let ada = phone(&proxy.url);
    let w = &ada.t.wallet;
    w.enroll("Ada", cny(), "phone").await.unwrap();
    let card = w.link_card("4242 4242 4242 4242", 12, 2030).await.unwrap();
    w.topup(&card.source_id, money("200.00 CNY")).await.unwrap();
    let (tea, _, _) = merchant_wallet(&b.url(), "Tea House", None).await;
    let never = phone(&proxy.url);
    never.t.wallet.enroll("Bo", cny(), "phone").await.unwrap();
    w.pay_code().await.unwrap();

    // The network goes; the app is locked and opened again: codes still show.
    drop(proxy);
    w.lock().unwrap();
    let first = w.pay_code().await.unwrap();
    ada.shift(30);
    let second = w.pay_code().await.unwrap();
    assert_ne!(first.digits, second.digits);
    assert!(w.balance().await.unwrap_err().is_network());
    // A phone that never had a secret cannot show one offline, nor one whose secret ran out.
    let e = never.t.wallet.pay_code().await.unwrap_err();
    assert!(matches!(e, WalletError::PayCodeUnavailable), "{e:?}");
    ada.shift(8 * 86_400);
    let e = w.pay_code().await.unwrap_err();
    assert!(matches!(e, WalletError::PayCodeUnavailable), "{e:?}");

    // The till, online, charges both.
    for (code, amount) in [(&first, "3.00 CNY"), (&second, "4.00 CNY")] {
        let c = charge(&tea, &code.digits, amount).await.unwrap();
        assert_eq!(c.state, ChargeState::Completed);
    }
    assert_eq!(
        tea.wallet.balance().await.unwrap(),
        money("7.00 CNY"),
        "both reached the shop"
    );
    b.assert_ledger_sound().await;
}

#[tokio::test]
async fn guessing_is_throttled_per_merchant_and_per_device() {
    let b = Backend::start().await;
    let (ada, tea) = ada_and_tea(&b, "100.00 CNY").await;
    let (milk, _, _) = merchant_wallet(&b.url(), "Milk Bar", None).await;
    let (noodle, _, _) = merchant_wallet(&b.url(), "Noodle Bar", None).await;
    // Failures are counted in fixed minutes: start early in one, so every guess below
    // falls into the same window.
    let into_minute = real_now().rem_euclid(60);
    if into_minute > 40 {
        tokio::time::sleep(Duration::from_secs((61 - into_minute) as u64)).await;
    }
    let code = ada.t.wallet.pay_code().await.unwrap();
    let guess = |n: u32| format!("{}{:08}", &code.digits[..10], n);
    // Five wrong guesses a minute, then even the right code is refused: the till is
    // throttled, not the customer.
    for n in 0..5 {
        let g = guess(n);
        if g == code.digits {
            continue;
        }
        refused_with(charge(&tea, &g, "1.00 CNY").await, codes::PAYCODE_INVALID);
    }
    let e = charge(&tea, &code.digits, "1.00 CNY").await.unwrap_err();
    assert!(matches!(e, WalletError::RateLimited { .. }), "{e:?}");

    // Two more merchants guess at Ada's device: after ten failures on it, her codes are
    // refused for the rest of the minute at any till.
    for n in 5..10 {
        let g = guess(n);
        if g != code.digits {
            refused_with(charge(&milk, &g, "1.00 CNY").await, codes::PAYCODE_INVALID);
        }
    }
    let e = charge(&noodle, &code.digits, "1.00 CNY").await.unwrap_err();
    assert!(matches!(e, WalletError::RateLimited { .. }), "{e:?}");
    // Rubbish that is no code at all counts against the till too.
    for _ in 0..5 {
        refused_with(
            charge(&noodle, "not a code", "1.00 CNY").await,
            codes::PAYCODE_INVALID,
        );
    }
    let e = charge(&noodle, "not a code", "1.00 CNY").await.unwrap_err();
    assert!(matches!(e, WalletError::RateLimited { .. }), "{e:?}");
    assert_eq!(ada.t.wallet.balance().await.unwrap(), money("100.00 CNY"));
    b.assert_ledger_sound().await;
}
