//! `purse send '$bo' "10.00 CNY" --note ...`: money to a person, confirmed against the
//! recipient as the backend knows them.

use anyhow::bail;
use purse_core::pay::TransferOutcome;
use purse_core::text::escape_shown;
use purse_core::{Money, Wallet};
use serde_json::json;

use crate::output::{money_json, transaction_json};
use crate::pay::{confirm, reconcile};

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
    let shown = format!(
        "{}{}",
        escape_shown(&r.masked_name),
        r.handle
            .as_deref()
            .map(|h| format!(" {h}"))
            .unwrap_or_default()
    );
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
