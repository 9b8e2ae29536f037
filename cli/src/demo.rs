//! `purse demo`: the whole story on one machine, with nothing to set up.
//!
//! Starts the reference backend on loopback with a throw-away database, creates a wallet
//! (the software key protector stands in for the fingerprint), links sandbox cards and a
//! bank account, tops up, shows a decline, and prints balance and history.

use std::sync::Arc;
use std::time::Instant;

use purse_core::keys::{Argon2Cost, NoSecretStore, PassphraseProtector};
use purse_core::{Currency, Money, Wallet, WalletConfig, WalletError};

fn step(n: u32, text: &str) {
    println!("\n[{n}] {text}");
}

pub async fn run() -> anyhow::Result<()> {
    let started = Instant::now();
    let dir = tempfile::tempdir()?;
    step(1, "Starting the reference backend on loopback");
    let server = purse_backend::start(purse_backend::Config::new(
        "127.0.0.1:0".parse()?,
        dir.path().join("backend.db"),
    ))
    .await?;
    println!(
        "    backend at {} (SQLite at {})",
        server.url(),
        dir.path().join("backend.db").display()
    );

    step(
        2,
        "Creating a wallet: two P-256 keys, wrapped by a passphrase-derived key (Argon2id)",
    );
    let protector = Arc::new(PassphraseProtector::fixed(
        "demo passphrase",
        Argon2Cost::DEFAULT,
    ));
    let wallet = Wallet::open(
        WalletConfig::new(
            dir.path().join("wallet"),
            protector,
            Arc::new(NoSecretStore),
        )
        .backend(server.url()),
    )?;
    let account = wallet
        .enroll("Ada Lovelace", Currency::from_code("CNY")?, "demo device")
        .await?;
    println!(
        "    account {}  device {}",
        account.account_id, account.device_id
    );
    println!("    every request from here on is signed by the device key (RFC 9421)");

    step(
        3,
        "Linking the sandbox card 4242 4242 4242 4242 and adding 100.00 CNY",
    );
    let visa = wallet.link_card("4242 4242 4242 4242", 12, 2034).await?;
    let t = wallet
        .topup(&visa.source_id, Money::parse("100.00 CNY")?)
        .await?;
    println!(
        "    +{} from {}  -> balance {}",
        t.transaction.amount, t.transaction.counterparty, t.balance
    );

    step(
        4,
        "Trying the sandbox card that always declines (4000 0000 0000 0002)",
    );
    let declining = wallet.link_card("4000 0000 0000 0002", 12, 2034).await?;
    match wallet
        .topup(&declining.source_id, Money::parse("50.00 CNY")?)
        .await
    {
        Err(WalletError::Declined {
            decline_code,
            message,
            ..
        }) => {
            println!(
                "    declined as expected: {message} [{}]",
                decline_code.unwrap_or_default()
            )
        }
        other => anyhow::bail!("the declining card did not decline: {other:?}"),
    }

    step(
        5,
        "Adding 20.00 CNY from a bank account (IBAN DE89 3704 0044 0532 0130 00)",
    );
    let bank = wallet
        .link_bank("DE89 3704 0044 0532 0130 00", "Ada Lovelace")
        .await?;
    let t = wallet
        .topup(&bank.source_id, Money::parse("20.00 CNY")?)
        .await?;
    println!(
        "    +{} from {}  -> balance {}",
        t.transaction.amount, t.transaction.counterparty, t.balance
    );

    step(6, "Balance and history, as the backend's ledger has them");
    wallet.sync_history().await?;
    println!("    balance: {}", wallet.balance().await?);
    for tx in wallet.history(10, None)?.data {
        println!(
            "    {:>14}  {:<26} {}",
            format!("+{}", tx.amount),
            tx.counterparty,
            tx.status.as_str()
        );
    }
    let problems = server.store.audit().await?;
    println!(
        "    ledger audit: {}",
        if problems.is_empty() {
            "balanced".to_owned()
        } else {
            problems.join("; ")
        }
    );

    server.stop().await;
    println!(
        "\nDone in {:.1} s. Everything ran on 127.0.0.1 and is gone now.",
        started.elapsed().as_secs_f64()
    );
    if !problems.is_empty() {
        anyhow::bail!("ledger audit failed");
    }
    Ok(())
}
