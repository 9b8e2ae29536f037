//! `purse send '$bo' "10.00 CNY" --note ...`: money to a person, confirmed against the
//! recipient as the backend knows them.

use anyhow::bail;
use purse_core::pay::TransferOutcome;
use purse_core::text::escape_shown;
use purse_core::{Money, Wallet};
use serde_json::json;

use crate::output::{money_json, transaction_json};
use crate::pay::{confirm, reconcile};

/// `purse receive-code`: this account's code, as a terminal QR and optionally a PNG.
pub async fn receive_code(
    wallet: &Wallet,
    amount: Option<&str>,
    note: Option<&str>,
    png: Option<&std::path::Path>,
    rotate: bool,
    as_json: bool,
) -> anyhow::Result<()> {
    let amount = amount.map(Money::parse).transpose()?;
    let code = if rotate {
        wallet.rotate_receive_code().await?
    } else {
        wallet.receive_code(amount, note).await?
    };
    if let Some(path) = png {
        std::fs::write(path, purse_core::paycode::render_png(&code.payload, 8)?)?;
    }
    if as_json {
        println!(
            "{}",
            json!({"code_id": code.code_id, "payload": code.payload})
        );
    } else {
        println!("{}", purse_core::paycode::render_terminal(&code.payload)?);
        if rotate {
            println!("A new receive code: the old one no longer pays you.");
        }
    }
    Ok(())
}

/// A scanned person's code (`purse pay` hands it here): confirmed against the backend's
/// recipient, paid as a transfer.
pub async fn pay_person_code(
    wallet: &Wallet,
    payload: &str,
    amount: Option<&str>,
    yes: bool,
    as_json: bool,
) -> anyhow::Result<()> {
    let q = wallet.resolve_person(payload).await?;
    if q.name_mismatch && !as_json {
        eprintln!(
            "WARNING: the code calls itself {:?}; you would pay {}",
            escape_shown(q.claimed_name.as_deref().unwrap_or_default()),
            escape_shown(&q.recipient.masked_name)
        );
    }
    let amount = match (amount, q.claimed_amount) {
        (Some(a), _) => Money::parse(a)?,
        (None, Some(a)) => a,
        (None, None) => bail!("this code asks for no amount: give one with --amount \"12.34 CNY\""),
    };
    send_to(
        wallet,
        q.recipient,
        amount,
        q.note.as_deref().unwrap_or_default(),
        yes,
        as_json,
    )
    .await
}

pub async fn run(
    wallet: &Wallet,
    to: &str,
    amount: &str,
    note: &str,
    yes: bool,
    as_json: bool,
) -> anyhow::Result<()> {
    reconcile(wallet, as_json).await?;
    let amount = Money::parse(amount)?;
    let r = wallet.find_recipient(to).await?;
    send_to(wallet, r, amount, note, yes, as_json).await
}

async fn send_to(
    wallet: &Wallet,
    r: purse_core::api::types::Recipient,
    amount: Money,
    note: &str,
    yes: bool,
    as_json: bool,
) -> anyhow::Result<()> {
    let shown = escape_shown(&r.label()).into_owned();
    if !yes && !confirm(&format!("Send {amount} to {shown}?"))? {
        bail!("cancelled");
    }
    match wallet.send(&r, amount, note).await? {
        TransferOutcome::Completed { transfer: t } => {
            if as_json {
                println!(
                    "{}",
                    json!({
                        "status": "completed",
                        "transfer_id": t.transfer_id,
                        "intent_id": t.intent_id,
                        "recipient": t.recipient,
                        "amount": money_json(t.amount),
                        "note": t.note,
                        "balance": money_json(t.balance),
                        "transaction": transaction_json(&t.transaction),
                    })
                );
            } else {
                println!("Sent {} to {shown}. Balance: {}", t.amount, t.balance);
            }
            Ok(())
        }
        TransferOutcome::Pending { intent_id } => {
            if as_json {
                println!("{}", json!({"status": "pending", "intent_id": intent_id}));
            }
            bail!(
                "no answer from the backend: transfer {intent_id} is pending, not failed; \
                 the next command settles it"
            )
        }
    }
}
