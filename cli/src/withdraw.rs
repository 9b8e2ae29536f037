//! `purse withdraw`, `purse withdrawals`: money out to the account's own bank account.

use anyhow::bail;
use purse_core::pay::WithdrawOutcome;
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
    match wallet.withdraw(&source_id, amount).await? {
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
