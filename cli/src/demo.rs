//! `purse demo`: the whole story on one machine, with nothing to set up.
//!
//! Starts the reference backend on loopback with a throw-away database, creates a wallet
//! (the software key protector stands in for the fingerprint), links sandbox cards and a
//! bank account, tops up, shows a decline; a merchant registers and shows an order's QR code,
//! the customer scans the PNG, sees the verified quote, confirms and pays; both sides are
//! notified, the merchant refunds part; Ada pairs a second phone, loses both, recovers on a
//! new one with her recovery code and pays again; Ada and Bo send, request and scan money
//! between them; and the histories show it all.

use std::sync::Arc;
use std::time::Instant;

use purse_core::api::types::RegisterMerchantRequest;
use purse_core::keys::{Argon2Cost, NoSecretStore, PassphraseProtector};
use purse_core::pay::{PayStage, PaymentOutcome};
use purse_core::wallet::JoinProgress;
use purse_core::{Currency, Money, Wallet, WalletConfig, WalletError};

/// One received webhook: id, timestamp, signature, body.
type Received = (String, String, String, Vec<u8>);

/// The merchant's webhook endpoint, on loopback for the demo.
struct Hooks(std::sync::Arc<std::sync::Mutex<Vec<Received>>>);

impl Hooks {
    async fn wait(&self, n: usize) -> anyhow::Result<Received> {
        for _ in 0..200 {
            if let Some(m) = self
                .0
                .lock()
                .map_err(|_| anyhow::anyhow!("poisoned"))?
                .get(n - 1)
            {
                return Ok(m.clone());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        anyhow::bail!("no webhook arrived")
    }
}

async fn webhook_receiver() -> anyhow::Result<(String, Hooks)> {
    use axum::http::{HeaderMap, StatusCode};
    let got: std::sync::Arc<std::sync::Mutex<Vec<Received>>> = Default::default();
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/webhooks",
        axum::routing::post(move |h: HeaderMap, body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                let get = |n: &str| {
                    h.get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                if let Ok(mut v) = sink.lock() {
                    v.push((
                        get("webhook-id"),
                        get("webhook-timestamp"),
                        get("webhook-signature"),
                        body.to_vec(),
                    ));
                }
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((url, Hooks(got)))
}

/// The recovery cool-off of the demo's backend.
const DEMO_COOL_OFF_SECS: i64 = 2;

pub(crate) fn new_phone(
    dir: &std::path::Path,
    backend: &str,
    passphrase: &str,
) -> anyhow::Result<Wallet> {
    Ok(Wallet::open(
        WalletConfig::new(
            dir,
            Arc::new(PassphraseProtector::fixed(passphrase, Argon2Cost::DEFAULT)),
            Arc::new(NoSecretStore),
        )
        .backend(backend),
    )?)
}

/// Acts 12 and 13: a second phone, then both lost and the wallet recovered with the code.
/// Returns the recovered phone, Ada's wallet from then on.
async fn devices_acts(
    dir: &std::path::Path,
    backend: &str,
    phone: &Wallet,
    recovery_code: &str,
    shop: &Wallet,
) -> anyhow::Result<Wallet> {
    step(
        12,
        "Ada pairs a second phone: it shows a code, her first phone approves it",
    );
    let tablet = new_phone(
        &dir.join("second-phone"),
        backend,
        "second phone passphrase",
    )?;
    let offer = tablet.start_pairing("Ada's second phone").await?;
    println!(
        "    the new phone shows code {} and the number {}",
        offer.code, offer.confirmation
    );
    let request = phone.open_pairing(&offer.qr).await?;
    println!(
        "    the first phone scanned it: add “{}”? it shows the number {}",
        request.device_name, request.confirmation
    );
    let added = phone
        .approve_pairing(&offer.code, &request.confirmation)
        .await?;
    println!(
        "    numbers match; the payment key signed the approval: {} added",
        added.device_id
    );
    let JoinProgress::Joined(second) = tablet.check_join().await? else {
        anyhow::bail!("the second phone did not join");
    };
    println!(
        "    the second phone belongs to {} now; its balance {} and {} transactions came from the backend",
        second.account_id,
        tablet.balance().await?,
        tablet.history(100, None)?.data.len()
    );
    for n in phone.poll_events(0).await?.notices {
        println!(
            "    first phone notice: {} ({})",
            n.kind.as_str(),
            n.device_name
        );
    }

    step(
        13,
        "Ada loses both phones; on a new one she types her recovery code",
    );
    let new = new_phone(&dir.join("new-phone"), backend, "new phone passphrase")?;
    let recovery = new.start_recovery(recovery_code, "Ada's new phone").await?;
    println!(
        "    recovery {} proved the code; the other devices are told and may stop it for {} s",
        recovery.recovery_id, DEMO_COOL_OFF_SECS
    );
    for n in tablet.poll_events(0).await?.notices {
        println!(
            "    lost phone notice: {} ({})",
            n.kind.as_str(),
            n.device_name
        );
    }
    let joined = loop {
        match new.check_join().await? {
            JoinProgress::Joined(a) => break a,
            JoinProgress::Waiting { .. } => {
                tokio::time::sleep(std::time::Duration::from_millis(250)).await
            }
        }
    };
    println!(
        "    cool-off over: the new phone joined {}; balance {}",
        joined.account_id,
        new.balance().await?
    );
    match phone.balance().await {
        Err(WalletError::DeviceRevoked) => {
            println!("    the lost phones are revoked: they can do nothing")
        }
        other => anyhow::bail!("a lost phone still works: {other:?}"),
    }
    let order = shop
        .create_order(Money::parse("5.00 CNY")?, "1 jasmine tea", None)
        .await?;
    let quote = new.resolve_payload(&order.payload).await?;
    let PaymentOutcome::Completed { payment } = new.pay(&quote, None).await? else {
        anyhow::bail!("the recovered phone could not pay");
    };
    println!(
        "    and pays again: {} to {}; balance {}",
        payment.amount, payment.merchant_name, payment.balance
    );
    Ok(new)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Renders `payload` as a QR picture at `png` and reads it back with the scanner, as a
/// phone's camera would: the payload the scan found.
pub(crate) fn show_and_scan(png: &std::path::Path, payload: &str) -> anyhow::Result<String> {
    std::fs::write(png, purse_core::paycode::render_png(payload, 8)?)?;
    let found = purse_core::scan::scan_image(&std::fs::read(png)?, Default::default())?;
    Ok(found
        .first()
        .ok_or_else(|| anyhow::anyhow!("no code found"))?
        .payload
        .clone())
}

pub(crate) fn step(n: u32, text: &str) {
    println!("\n[{n}] {text}");
}

pub async fn run(console: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let dir = tempfile::tempdir()?;
    step(1, "Starting the reference backend on loopback");
    // The savings act moves the fund's calendar eight days on.
    let fund_clock = purse_backend::clock::Clock::default();
    let server = purse_backend::start(purse_backend::Config {
        // A day in a real deployment; two seconds so the demo can show a recovery.
        recovery_cool_off_secs: DEMO_COOL_OFF_SECS,
        // The recovered phone pays bills and at the till within the hour of its recovery;
        // a deployment's default day cap for it (500.00) would stop the story.
        recovery_cap_major: 2_000,
        fund_clock: fund_clock.clone(),
        // The demo's merchant receives its webhooks on loopback, beside the backend.
        webhook_targets: purse_backend::webhooks::Targets {
            allow_loopback: true,
        },
        ..purse_backend::Config::new("127.0.0.1:0".parse()?, dir.path().join("backend.db"))
    })
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
    let enrolled = wallet
        .enroll("Ada Lovelace", Currency::from_code("CNY")?, "demo device")
        .await?;
    let account = &enrolled.account;
    println!(
        "    account {}  device {}",
        account.account_id, account.device_id
    );
    println!(
        "    recovery code, shown once for Ada to write down: {}",
        *enrolled.recovery_code
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

    step(
        6,
        "A merchant registers: Tea House, with a webhook for its notifications",
    );
    let (hook_url, hooks) = webhook_receiver().await?;
    let shop = Wallet::open(
        WalletConfig::new(
            dir.path().join("merchant"),
            Arc::new(PassphraseProtector::fixed(
                "shop passphrase",
                Argon2Cost::DEFAULT,
            )),
            Arc::new(NoSecretStore),
        )
        .backend(server.url()),
    )?;
    shop.enroll("Tea House Ltd", Currency::from_code("CNY")?, "shop counter")
        .await?;
    let reg = shop
        .register_merchant(&RegisterMerchantRequest {
            display_name: "Tea House".into(),
            city: "Hangzhou".into(),
            mcc: Some("5814".into()),
            webhook_url: Some(hook_url),
        })
        .await?;
    println!("    merchant {}", reg.merchant.merchant_id);

    step(
        7,
        "The merchant creates an order for 12.34 CNY and shows its QR code",
    );
    let order = shop
        .create_order(Money::parse("12.34 CNY")?, "2 oolong teas", None)
        .await?;
    let png = dir.path().join("order.png");
    std::fs::write(&png, purse_core::paycode::render_png(&order.payload, 8)?)?;
    println!(
        "    order {} ({}), code written to {}",
        order.order_id,
        order.state.as_str(),
        png.display()
    );

    step(
        8,
        "The customer scans the PNG and asks the backend for a quote",
    );
    let t0 = Instant::now();
    let found = purse_core::scan::scan_image(&std::fs::read(&png)?, Default::default())?;
    let payload = &found
        .first()
        .ok_or_else(|| anyhow::anyhow!("no code found"))?
        .payload;
    println!(
        "    found 1 code in {:.1} ms",
        t0.elapsed().as_secs_f64() * 1000.0
    );
    let quote = wallet.resolve_payload(payload).await?;
    println!(
        "    pay {} to {} ({}), verified by the backend{}",
        quote
            .quote
            .amount
            .map(|a| a.to_string())
            .unwrap_or_default(),
        quote.quote.merchant_name,
        quote.quote.city,
        if quote.name_mismatch() {
            " — the code claims another name!"
        } else {
            ""
        }
    );

    step(
        9,
        "The customer confirms: the payment key signs the authorization, the intent is saved, then sent",
    );
    let outcome = wallet
        .pay_with_progress(&quote, None, &|stage| match stage {
            PayStage::Authorizing => {
                println!("    … unlocking the payment key (the fingerprint on a phone)")
            }
            PayStage::Committed { intent_id } => {
                println!("    … intent {intent_id} saved before sending")
            }
            PayStage::Sending { .. } => {}
            PayStage::Settled { .. } => println!("    … settled in one ledger transaction"),
        })
        .await?;
    let PaymentOutcome::Completed { payment: paid } = outcome else {
        anyhow::bail!("the payment did not settle: {outcome:?}");
    };
    println!(
        "    paid {} to {}; balance {}",
        paid.amount, paid.merchant_name, paid.balance
    );

    step(
        10,
        "Both sides hear of it: the customer's event stream, the merchant's signed webhook",
    );
    for e in wallet.poll_events(5).await?.events {
        println!(
            "    customer event: {} {} ({})",
            e.transaction.kind.as_str(),
            e.transaction.amount,
            e.transaction.counterparty
        );
    }
    let msg = hooks.wait(1).await?;
    purse_core::sign::webhook::verify(
        &reg.webhook_secret,
        &msg.0,
        &msg.1,
        &msg.2,
        &msg.3,
        unix_now(),
    )?;
    let body: serde_json::Value = serde_json::from_slice(&msg.3)?;
    println!(
        "    merchant webhook {}: {} for order {} — signature verified",
        msg.0, body["type"], body["data"]["order_id"]
    );

    step(11, "The merchant refunds 2.34 CNY of the order");
    let refund = shop
        .refund(
            &order.order_id,
            Money::parse("2.34 CNY")?,
            "one cup was cold",
        )
        .await?;
    println!(
        "    order {} is {}, {} refunded",
        refund.order.order_id,
        refund.order.state.as_str(),
        refund.order.amount_refunded
    );
    for e in wallet.poll_events(5).await?.events {
        println!(
            "    customer event: {} +{} ({})",
            e.transaction.kind.as_str(),
            e.transaction.amount,
            e.transaction.counterparty
        );
    }

    let wallet = devices_acts(
        dir.path(),
        &server.url(),
        &wallet,
        &enrolled.recovery_code,
        &shop,
    )
    .await?;
    crate::demo_people::people_act(dir.path(), &server.url(), &wallet).await?;
    crate::demo_bills::bills_act(dir.path(), &wallet).await?;
    crate::demo_savings::savings_act(&wallet, &fund_clock).await?;
    crate::demo_paycode::paycode_act(dir.path(), &wallet, &shop).await?;

    step(
        18,
        "Balances and histories, as the backend's ledger has them",
    );
    wallet.sync_history().await?;
    println!("    customer balance: {}", wallet.balance().await?);
    for tx in wallet.history(10, None)?.data {
        let sign = if tx.amount.minor > 0 { "+" } else { "" };
        println!(
            "    {:>14}  {:<10} {:<26} {}",
            format!("{sign}{}", tx.amount),
            tx.kind.as_str(),
            purse_core::text::escape_shown(&tx.counterparty),
            tx.status.as_str()
        );
    }
    println!("    merchant balance: {}", shop.balance().await?);
    let problems = server.store.audit().await?;
    println!(
        "    ledger audit: {}",
        if problems.is_empty() {
            "balanced".to_owned()
        } else {
            problems.join("; ")
        }
    );

    if console {
        let link = shop.console_link(120).await?;
        println!(
            "\nThe shop's console (the link works once, for 2 minutes):\n    {link}\n\
             A new link: PURSE_PASSPHRASE='shop passphrase' PURSE_NO_KEYRING=1 purse --data-dir {} \
             --backend {} merchant console\nCtrl-C stops the backend.",
            dir.path().join("merchant").display(),
            server.url()
        );
        tokio::signal::ctrl_c().await?;
    }
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
