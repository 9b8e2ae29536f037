//! `purse withdraw`, `purse withdrawals`: money out to the account's own bank account;
//! `purse payouts`: the payouts the shop's console asks this device to confirm.

use anyhow::bail;
use clap::Subcommand;
use purse_core::api::types::Payout;
use purse_core::pay::WithdrawOutcome;
use purse_core::text::escape_shown;
use purse_core::{Money, Wallet};
use serde_json::json;

use crate::output::money_json;

/// Withdraws to `source_id`, or to `iban` (linked first if new).
pub async fn withdraw(
    wallet: &Wallet,
    source_id: Option<&str>,
    iban: Option<&str>,
    holder: &str,
    amount: &str,
    as_json: bool,
) -> anyhow::Result<()> {
    let amount = Money::parse(amount)?;
    let source_id = match (source_id, iban) {
        (Some(s), _) => s.to_owned(),
        (None, Some(iban)) => wallet.link_bank(iban, holder).await?.source_id,
        (None, None) => bail!("pass --source ID or --bank IBAN"),
    };
    print_outcome(wallet.withdraw(&source_id, amount).await?, as_json)
}

fn print_outcome(outcome: WithdrawOutcome, as_json: bool) -> anyhow::Result<()> {
    match outcome {
        WithdrawOutcome::Completed { withdrawal: w } => {
            if as_json {
                println!(
                    "{}",
                    json!({
                        "withdrawal_id": w.withdrawal_id,
                        "intent_id": w.intent_id,
                        "state": w.state.as_str(),
                        "amount": money_json(w.amount),
                        "balance": money_json(w.balance),
                    })
                );
            } else {
                println!(
                    "Withdrawing {}: held now, the bank settles it later. Balance: {}",
                    w.amount, w.balance
                );
            }
            Ok(())
        }
        WithdrawOutcome::Pending { intent_id } => bail!(
            "no answer from the backend: withdrawal {intent_id} is pending, not failed; \
             the next command settles it"
        ),
    }
}

pub fn print(list: &[purse_core::api::types::Withdrawal], as_json: bool) {
    if as_json {
        println!("{}", json!({ "data": list }));
        return;
    }
    for w in list {
        println!(
            "{}  {:<9} {:>12}  {}",
            w.withdrawal_id,
            w.state.as_str(),
            w.amount.to_string(),
            w.source_id
        );
    }
}

#[derive(Subcommand)]
pub enum PayoutAction {
    /// Carry out a waiting payout: the payment key signs its withdrawal.
    Confirm { payout_id: String },
    /// Decline a waiting payout: nothing moves.
    Decline { payout_id: String },
}

fn payout_json(p: &Payout) -> serde_json::Value {
    json!({
        "payout_id": p.payout_id,
        "state": p.state.as_str(),
        "amount": money_json(p.amount),
        "bank": p.bank,
        "source_id": p.source_id,
        "expires_at": p.expires_at,
        "withdrawal_id": p.withdrawal_id,
    })
}

fn payout_line(p: &Payout) -> String {
    format!(
        "{}  {:<9} {:>12}  to {}",
        p.payout_id,
        p.state.as_str(),
        p.amount.to_string(),
        escape_shown(&p.bank)
    )
}

/// Lists the waiting payouts, or answers one.
pub async fn payouts(
    wallet: &Wallet,
    action: Option<&PayoutAction>,
    as_json: bool,
) -> anyhow::Result<()> {
    match action {
        None => {
            let list = wallet.waiting_payouts().await?;
            if as_json {
                let data: Vec<_> = list.iter().map(payout_json).collect();
                println!("{}", json!({ "data": data }));
            } else if list.is_empty() {
                println!("No payout is waiting for you.");
            } else {
                for p in &list {
                    println!("{}", payout_line(p));
                }
                println!("(purse payouts confirm ID, or decline ID)");
            }
            Ok(())
        }
        Some(PayoutAction::Confirm { payout_id }) => {
            print_outcome(wallet.confirm_payout(payout_id).await?, as_json)
        }
        Some(PayoutAction::Decline { payout_id }) => {
            let p = wallet.decline_payout(payout_id).await?;
            if as_json {
                println!("{}", payout_json(&p));
            } else {
                println!("{}", payout_line(&p));
            }
            Ok(())
        }
    }
}
