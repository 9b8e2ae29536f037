//! `purse demo`, act 17: the pay code. Ada's phone shows a code (a QR and 18 digits, a new
//! one every 30 seconds, offline too); the Tea House till scans it and charges 8.00 at once,
//! within her no-confirmation limit; her phone shows the next code at once, and the till's
//! 120.00 on it waits until she confirms with the payment key.

use std::path::Path;

use purse_core::api::types::ChargeState;
use purse_core::calendar::{day_of, iso_date};
use purse_core::{Money, Wallet};

use crate::demo::{show_and_scan, step};

fn state(s: ChargeState) -> &'static str {
    match s {
        ChargeState::Completed => "charged",
        ChargeState::AwaitingConfirmation => "waiting for Ada",
        ChargeState::Canceled => "canceled",
    }
}

pub async fn paycode_act(dir: &Path, ada: &Wallet, till: &Wallet) -> anyhow::Result<()> {
    step(
        17,
        "Pay code: Ada shows a code, the Tea House till scans it; above her limit she confirms",
    );
    let shown = ada.pay_code().await?;
    let png = dir.join("paycode.png");
    let scanned = show_and_scan(&png, &shown.qr_text)?;
    // The demo prints the device's part only: the one-time part is what pays.
    println!(
        "    Ada's phone shows a QR and the digits {} •••• •••• (a new code every 30 s, offline too until {}); the till scans {}",
        &shown.grouped[..12],
        iso_date(day_of(shown.valid_until)),
        png.display()
    );
    let limit = ada.pay_code_limit().await?;
    let c = till
        .charge_pay_code(&scanned, Money::parse("8.00 CNY")?, "table 4")
        .await?;
    println!(
        "    the till charges {}: {} at once, within Ada's no-confirmation limit of {}",
        c.amount,
        state(c.state),
        limit.limit
    );
    // Her phone hears of the charge and shows the next code at once.
    ada.poll_events(0).await?;
    let next = ada.pay_code().await?;
    let c = till
        .charge_pay_code(&next.digits, Money::parse("120.00 CNY")?, "table 4, dinner")
        .await?;
    println!(
        "    the next code, typed at the till for {}: {}",
        c.amount,
        state(c.state)
    );
    for w in ada.waiting_charges().await? {
        println!(
            "    Ada's phone asks: pay {} to {}? (a minute to answer)",
            w.amount,
            purse_core::text::escape_shown(&w.merchant_name)
        );
    }
    let done = ada.confirm_charge(&c.charge_id).await?;
    let seen = till.pay_code_charge(&c.charge_id).await?;
    println!(
        "    she confirms with her fingerprint (the payment key signs): {}; the till sees it {}",
        state(done.state),
        state(seen.state)
    );
    if seen.state != ChargeState::Completed {
        anyhow::bail!("the confirmed pay-code charge did not complete");
    }
    Ok(())
}
