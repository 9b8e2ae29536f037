//! Test helper: pays one code from an existing wallet, printing each stage on its own line
//! (`committed ID`, `sending ID`, `settled ID`, `pending ID`), so a test can kill it at the
//! moment it wants. With `committed` as the last argument it stops dead once the intent is
//! in the outbox, as a phone whose app is killed right after the user confirmed.
//!
//! `pay_until_killed DATA_DIR BACKEND_URL PAYLOAD committed|never`, passphrase in
//! `PURSE_TEST_PASSPHRASE`.

use std::io::Write;
use std::sync::Arc;

use purse_core::keys::{Argon2Cost, NoSecretStore, PassphraseProtector};
use purse_core::pay::{PayStage, PaymentOutcome};
use purse_core::{Wallet, WalletConfig};

fn say(line: String) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, backend, payload, stop] = args.as_slice() else {
        eprintln!("usage: pay_until_killed DATA_DIR BACKEND_URL PAYLOAD committed|never");
        std::process::exit(2);
    };
    let passphrase = std::env::var("PURSE_TEST_PASSPHRASE").unwrap_or_default();
    let wallet = Wallet::open(
        WalletConfig::new(
            dir,
            Arc::new(PassphraseProtector::fixed(
                &passphrase,
                Argon2Cost::INSECURE_FAST,
            )),
            Arc::new(NoSecretStore),
        )
        .backend(backend),
    )
    .expect("open the wallet");
    let quote = wallet.resolve_payload(payload).await.expect("a quote");
    let hang = stop == "committed";
    let progress = move |stage: PayStage| match stage {
        PayStage::Committed { intent_id } => {
            say(format!("committed {intent_id}"));
            if hang {
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(60));
                }
            }
        }
        PayStage::Sending { intent_id } => say(format!("sending {intent_id}")),
        _ => {}
    };
    match wallet.pay_with_progress(&quote, None, &progress).await {
        Ok(PaymentOutcome::Completed { payment: p }) => say(format!("settled {}", p.intent_id)),
        Ok(PaymentOutcome::Pending { intent_id }) => say(format!("pending {intent_id}")),
        Err(e) => {
            say(format!("error {e}"));
            std::process::exit(1);
        }
    }
}
