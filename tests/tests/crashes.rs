//! A client killed mid-payment (a real process, `kill -9`): at whatever step it died, the
//! payment is made at most once, and the wallet learns how it ended on the next start.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use common::recovery::*;
use common::*;
use purse_core::cache::IntentState;
use purse_core::keys::{Argon2Cost, NoSecretStore, PassphraseProtector};
use purse_core::pay::PaymentOutcome;
use purse_core::{Wallet, WalletConfig};

const PASSPHRASE: &str = "kill test passphrase";

fn passphrase_wallet(dir: &Path, backend: &str) -> Wallet {
    Wallet::open(
        WalletConfig::new(
            dir,
            Arc::new(PassphraseProtector::fixed(
                PASSPHRASE,
                Argon2Cost::INSECURE_FAST,
            )),
            Arc::new(NoSecretStore),
        )
        .backend(backend),
    )
    .unwrap()
}

/// Runs the helper that pays `payload` from the wallet in `dir`; it prints each stage.
fn spawn_payer(
    dir: &Path,
    backend: &str,
    payload: &str,
    hang_after_commit: bool,
) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_pay_until_killed"))
        .arg(dir)
        .arg(backend)
        .arg(payload)
        .arg(if hang_after_commit {
            "committed"
        } else {
            "never"
        })
        .env("PURSE_TEST_PASSPHRASE", PASSPHRASE)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Reads the helper's lines (off the runtime, which serves the backend meanwhile) until
/// one starts with `prefix`; returns the rest of it.
async fn wait_for_line(child: &mut std::process::Child, prefix: &'static str) -> String {
    let out = child.stdout.take().unwrap();
    tokio::task::spawn_blocking(move || read_until(out, prefix))
        .await
        .unwrap()
}

fn read_until(out: std::process::ChildStdout, prefix: &str) -> String {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::new(out);
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "the helper ended before printing {prefix}"
        );
        if let Some(rest) = line.trim().strip_prefix(prefix) {
            return rest.trim().to_owned();
        }
    }
}

/// A payer with 100.00 CNY whose wallet another process can open (passphrase protector),
/// and a merchant's 12.34 CNY order for it: the wallet's folder, account id and the code.
async fn payer_and_order(b: &Backend) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let w = passphrase_wallet(dir.path(), &b.url());
    w.enroll("Killed Payer", cny(), "phone").await.unwrap();
    let card = w.link_card("4242 4242 4242 4242", 12, 2030).await.unwrap();
    w.topup(&card.source_id, money("100.00 CNY")).await.unwrap();
    let account_id = w.account().unwrap().unwrap().account_id;
    let (shop, _, _) = merchant_wallet(&b.url(), "Noodle Bar", None).await;
    let order = shop
        .wallet
        .create_order(money("12.34 CNY"), "ramen", None)
        .await
        .unwrap();
    (dir, account_id, order.payload)
}

/// After restart: one reconcile settles the intent, and the ledger holds it exactly once.
async fn assert_settled_once_after_restart(b: &Backend, dir: &Path, intent_id: &str) {
    let w = passphrase_wallet(dir, &b.url());
    let pending = w.payment_intent(intent_id).unwrap().unwrap();
    assert_eq!(pending.state, IntentState::Pending);
    let results = w.reconcile().await.unwrap();
    assert_eq!(results.len(), 1);
    assert!(matches!(
        &results[0].1,
        Ok(purse_core::pay::IntentOutcome::Payment(
            PaymentOutcome::Completed { .. }
        ))
    ));
    assert_eq!(
        w.payment_intent(intent_id).unwrap().unwrap().state,
        IntentState::Completed
    );
    // A second recovery changes nothing.
    assert!(w.reconcile().await.unwrap().is_empty());
    let account_id = w.account().unwrap().unwrap().account_id;
    let ledger = ledger_of(b.store(), &account_id).await;
    let paid: Vec<_> = ledger
        .iter()
        .filter(|t| t.intent_id.as_deref() == Some(intent_id))
        .collect();
    assert_eq!(paid.len(), 1, "paid {} times", paid.len());
    let (balance, _) = b.server.store.balance(&account_id).await.unwrap();
    assert_eq!(balance, 10_000 - 1_234);
    b.assert_ledger_sound().await;
    assert_recovered(b.store(), &w, &[]).await;
}

#[tokio::test]
async fn a_client_killed_after_committing_the_intent_pays_once_on_restart() {
    let b = Backend::start().await;
    let (dir, account_id, payload) = payer_and_order(&b).await;

    let mut child = spawn_payer(dir.path(), &b.url(), &payload, true);
    let intent_id = wait_for_line(&mut child, "committed").await;
    child.kill().unwrap();
    child.wait().unwrap();

    // Nothing reached the backend.
    assert!(
        b.server
            .store
            .read(|r| r.payment(&account_id, &intent_id))
            .await
            .unwrap()
            .is_none()
    );
    assert_settled_once_after_restart(&b, dir.path(), &intent_id).await;
}

#[tokio::test]
async fn a_client_killed_after_the_backend_paid_learns_of_it_on_restart() {
    let (b, proxy) = Backend::behind_proxy(1, 0, Duration::ZERO).await;
    let mut answered = proxy.hold_answers("/v1/payments");
    let (dir, account_id, payload) = payer_and_order(&b).await;

    let mut child = spawn_payer(dir.path(), &proxy.url, &payload, false);
    let status = tokio::time::timeout(Duration::from_secs(30), answered.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(status.contains("201"), "the backend answered {status}");
    child.kill().unwrap();
    child.wait().unwrap();

    let intents_paid: Vec<_> = ledger_of(b.store(), &account_id)
        .await
        .into_iter()
        .filter_map(|t| t.intent_id)
        .collect();
    assert_eq!(intents_paid.len(), 1, "the backend paid before the kill");
    assert_settled_once_after_restart(&b, dir.path(), &intents_paid[0]).await;
}
