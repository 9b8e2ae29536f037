//! `purse pay CODE_OR_IMAGE`: scan (if given an image), resolve, confirm, pay; and
//! `purse events`: the account's event stream.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use purse_core::pay::{IntentOutcome, TransferOutcome};
use purse_core::pay::{PayStage, PaymentOutcome};
use purse_core::scan::{ScanOptions, scan_image};
use purse_core::text::escape_shown;
use purse_core::wallet::{PaymentUpdate, WatchPolicy};
use purse_core::{Money, Wallet};
use serde_json::json;

use crate::output::{money_json, transaction_json};

/// The payload in `arg`: the text itself, or the first QR code in the image file it names.
pub fn payload_of(arg: &str) -> anyhow::Result<String> {
    let path = Path::new(arg);
    if !path.is_file() {
        return Ok(arg.to_owned());
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading {arg}"))?;
    let opts = ScanOptions {
        budget: Duration::from_millis(250),
        first_only: true,
    };
    let found = scan_image(&bytes, opts).with_context(|| format!("reading the image {arg}"))?;
    match found.into_iter().next() {
        Some(code) => Ok(code.payload),
        None => bail!("no QR code found in {arg}"),
    }
}

pub fn confirm(prompt: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("not a terminal: pass --yes to pay without the prompt");
    }
    eprint!("{prompt} [y/N] ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

/// Settles what earlier runs left pending, and says so.
pub async fn reconcile(wallet: &Wallet, quiet: bool) -> anyhow::Result<()> {
    for (intent, outcome) in wallet.reconcile().await? {
        if quiet {
            continue;
        }
        match outcome {
            Ok(IntentOutcome::Payment(PaymentOutcome::Completed { payment: p })) => {
                eprintln!(
                    "earlier payment {intent}: settled ({} to {})",
                    p.amount, p.merchant_name
                )
            }
            Ok(IntentOutcome::Transfer(TransferOutcome::Completed { transfer: t })) => {
                eprintln!(
                    "earlier transfer {intent}: settled ({} to {})",
                    t.amount, t.recipient.masked_name
                )
            }
            Ok(_) => eprintln!("earlier intent {intent}: still unknown, will retry"),
            Err(e) => eprintln!("earlier intent {intent}: {e}"),
        }
    }
    Ok(())
}

pub async fn run(
    wallet: &Wallet,
    code: &str,
    amount: Option<&str>,
    yes: bool,
    as_json: bool,
) -> anyhow::Result<()> {
    reconcile(wallet, as_json).await?;
    let payload = payload_of(code)?;
    if purse_core::paycode::parse(&payload).is_ok_and(|c| c.purse_person().is_some()) {
        return crate::send::pay_person_code(wallet, &payload, amount, yes, as_json).await;
    }
    let quote = wallet.resolve_payload(&payload).await?;
    let q = &quote.quote;
    let amount = amount.map(Money::parse).transpose()?;
    let pay_amount = q.amount.or(amount);
    if !as_json {
        eprintln!(
            "Merchant: {} ({}) — verified by the backend",
            escape_shown(&q.merchant_name),
            escape_shown(&q.city)
        );
        if quote.name_mismatch() {
            eprintln!(
                "WARNING: the code calls itself \"{}\"; you would pay \"{}\"",
                escape_shown(quote.claimed_name.as_deref().unwrap_or_default()),
                escape_shown(&q.merchant_name)
            );
        }
        if quote.amount_mismatch() {
            eprintln!(
                "WARNING: the code shows another amount than the order's; the order's counts"
            );
        }
        match pay_amount {
            Some(a) => eprintln!("Amount:   {a}"),
            None => bail!("this is a static code: give the amount with --amount \"12.34 CNY\""),
        }
    }
    let Some(pay_amount) = pay_amount else {
        bail!("this is a static code: give the amount with --amount \"12.34 CNY\"");
    };
    if !yes && !confirm(&format!("Pay {pay_amount} to {}?", q.merchant_name))? {
        bail!("cancelled");
    }
    let progress = move |stage: PayStage| {
        if as_json {
            return;
        }
        match stage {
            PayStage::Authorizing => eprintln!("… confirming with the payment key"),
            PayStage::Committed { .. } => eprintln!("… saved; sending"),
            PayStage::Sending { .. } => {}
            PayStage::Settled { .. } => eprintln!("… settled"),
        }
    };
    let mut outcome = wallet
        .pay_with_progress(&quote, amount.filter(|_| q.amount.is_none()), &progress)
        .await?;
    if let PaymentOutcome::Pending { intent_id } = outcome.clone() {
        // A lost answer is often found a moment later: the core asks again for a few
        // seconds (same key, never a second payment) before leaving it to the next command.
        if !as_json {
            eprintln!("… no answer yet; asking again");
        }
        let mut last = None;
        wallet
            .watch_payment(&intent_id, WatchPolicy::BRIEF, |u| last = Some(u))
            .await;
        outcome = match last.unwrap_or(PaymentUpdate::Pending {
            intent_id: intent_id.clone(),
        }) {
            PaymentUpdate::Completed { payment } => PaymentOutcome::Completed { payment },
            PaymentUpdate::Failed(e) => return Err(e.into()),
            PaymentUpdate::Unresolved(e) => {
                eprintln!("… cannot ask again from here: {e}");
                PaymentOutcome::Pending { intent_id }
            }
            PaymentUpdate::Pending { .. } => PaymentOutcome::Pending { intent_id },
        };
    }
    match outcome {
        PaymentOutcome::Completed { payment: p } => {
            if as_json {
                println!(
                    "{}",
                    json!({
                        "status": "completed",
                        "payment_id": p.payment_id,
                        "intent_id": p.intent_id,
                        "order_id": p.order_id,
                        "merchant_id": p.merchant_id,
                        "merchant_name": p.merchant_name,
                        "amount": money_json(p.amount),
                        "balance": money_json(p.balance),
                        "transaction": transaction_json(&p.transaction),
                    })
                );
            } else {
                println!(
                    "Paid {} to {}. Balance: {}",
                    p.amount,
                    escape_shown(&p.merchant_name),
                    p.balance
                );
            }
            Ok(())
        }
        PaymentOutcome::Pending { intent_id } => {
            if as_json {
                println!("{}", json!({"status": "pending", "intent_id": intent_id}));
            }
            bail!(
                "no answer from the backend: payment {intent_id} is pending, not failed; \
                 the next command settles it"
            )
        }
    }
}

pub async fn events(wallet: &Wallet, follow: bool, as_json: bool) -> anyhow::Result<()> {
    loop {
        let polled = wallet.poll_events(if follow { 10 } else { 0 }).await?;
        for n in &polled.notices {
            if as_json {
                println!("{}", json!({"notice": n}));
            } else {
                println!(
                    "{:<12} {} ({}){}",
                    n.kind.as_str(),
                    escape_shown(&n.device_name),
                    n.device_id,
                    n.completes_at
                        .map(|at| format!(" completes at {at} unless cancelled"))
                        .unwrap_or_default()
                );
            }
        }
        for e in &polled.events {
            if as_json {
                println!(
                    "{}",
                    json!({"cursor": e.cursor, "transaction": transaction_json(&e.transaction), "balance": money_json(e.balance)})
                );
            } else {
                let t = &e.transaction;
                let sign = if t.amount.minor > 0 { "+" } else { "" };
                println!(
                    "{:<12} {:>14}  {:<24} balance {}",
                    t.kind.as_str(),
                    format!("{sign}{}", t.amount),
                    escape_shown(&t.counterparty),
                    e.balance
                );
            }
        }
        if !follow {
            return Ok(());
        }
    }
}
