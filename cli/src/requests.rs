//! `purse request`, `purse requests [pay|decline|cancel ID]`, `purse block`: asking people
//! for money, and the inbox of what others ask.

use anyhow::{Context, bail};
use clap::Subcommand;
use purse_core::api::types::MoneyRequest;
use purse_core::pay::TransferOutcome;
use purse_core::text::escape_shown;
use purse_core::{Money, Wallet};
use serde_json::json;

use crate::pay::confirm;

#[derive(Subcommand)]
pub enum RequestAction {
    /// Pay a request from the inbox (asks first unless --yes).
    Pay {
        request_id: String,
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    Decline {
        request_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Cancel a request you made.
    Cancel {
        request_id: String,
        #[arg(long)]
        json: bool,
    },
}

fn print(r: &MoneyRequest, incoming: bool) {
    let other = if incoming { &r.requester } else { &r.payer };
    println!(
        "{}  {:<9} {:>12}  {} {}  {}",
        r.request_id,
        r.state.as_str(),
        r.amount.to_string(),
        if incoming { "from" } else { "to" },
        escape_shown(&other.label()),
        escape_shown(&r.note)
    );
}

pub async fn request(
    wallet: &Wallet,
    from: &str,
    amount: &str,
    note: &str,
    json: bool,
) -> anyhow::Result<()> {
    let payer = wallet.find_recipient(from).await?;
    let r = wallet
        .request_money(&payer, Money::parse(amount)?, note)
        .await?;
    if json {
        crate::print_json(serde_json::to_value(&r)?);
    } else {
        print(&r, false);
    }
    Ok(())
}

pub async fn requests(
    wallet: &Wallet,
    outgoing: bool,
    action: Option<&RequestAction>,
    json: bool,
) -> anyhow::Result<()> {
    match action {
        None => {
            let list = wallet.requests(!outgoing).await?;
            if json {
                crate::print_json(json!({ "data": list }));
            } else if list.is_empty() {
                println!("No requests.");
            } else {
                for r in &list {
                    print(r, !outgoing);
                }
            }
        }
        Some(RequestAction::Pay {
            request_id,
            yes,
            json,
        }) => {
            let r = wallet
                .requests(true)
                .await?
                .into_iter()
                .find(|r| &r.request_id == request_id)
                .context("no such request in your inbox")?;
            let who = escape_shown(&r.requester.masked_name).into_owned();
            if !yes && !confirm(&format!("Pay {} to {who}?", r.amount))? {
                bail!("cancelled");
            }
            match wallet.pay_request(&r).await? {
                TransferOutcome::Completed { transfer } => {
                    if *json {
                        crate::print_json(serde_json::to_value(&transfer)?);
                    } else {
                        println!(
                            "Paid {} to {who}. Balance: {}",
                            transfer.amount, transfer.balance
                        );
                    }
                }
                TransferOutcome::Pending { intent_id } => {
                    bail!("no answer: transfer {intent_id} is pending, not failed")
                }
            }
        }
        Some(RequestAction::Decline { request_id, json }) => {
            let r = wallet.decline_request(request_id).await?;
            if *json {
                crate::print_json(serde_json::to_value(&r)?);
            } else {
                print(&r, true);
            }
        }
        Some(RequestAction::Cancel { request_id, json }) => {
            let r = wallet.cancel_request(request_id).await?;
            if *json {
                crate::print_json(serde_json::to_value(&r)?);
            } else {
                print(&r, false);
            }
        }
    }
    Ok(())
}

pub async fn block(wallet: &Wallet, who: &str, as_json: bool) -> anyhow::Result<()> {
    let r = wallet.find_recipient(who).await?;
    wallet.block(&r.account_id).await?;
    if as_json {
        crate::print_json(json!({ "blocked": r }));
    } else {
        println!(
            "{} can no longer ask you for money.",
            escape_shown(&r.masked_name)
        );
    }
    Ok(())
}
