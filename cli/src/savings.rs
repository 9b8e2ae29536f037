//! `purse savings`, `purse savings in|out AMOUNT`, `purse savings history`: the money-market
//! fund beside the wallet. The rules (T+1, the instant cap, the yield) are the backend's and
//! the core's; this file only prints what came back.

use anyhow::bail;
use clap::Subcommand;
use purse_core::Wallet;
use purse_core::api::types::{Savings, SavingsEntry, SavingsMove, SavingsMoveState};
use purse_core::pay::SavingsOutcome;
use purse_core::savings::{format_per_10k, format_yield_ppm};
use serde_json::{Value, json};

use crate::output::{amount_of, money_json, transaction_json};

#[derive(Subcommand)]
pub enum SavingsAction {
    /// Move money from the wallet into savings: it earns from tomorrow.
    In {
        /// `100.00` (the wallet's currency) or `100.00 CNY`.
        amount: String,
        #[arg(long)]
        json: bool,
    },
    /// Move money out of savings: into the wallet at once up to the day's instant cap, the
    /// rest on the next business day.
    Out {
        amount: String,
        #[arg(long)]
        json: bool,
    },
    /// Each move and each day's income, newest first.
    History {
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(
    wallet: &Wallet,
    action: Option<&SavingsAction>,
    as_json: bool,
) -> anyhow::Result<()> {
    match action {
        None => {
            let s = wallet.savings().await?;
            if as_json {
                println!("{}", summary_json(&s));
            } else {
                print_summary(&s);
            }
        }
        Some(SavingsAction::In { amount, json }) => {
            let amount = amount_of(wallet, amount)?;
            report(wallet.savings_in(amount).await?, *json)?;
        }
        Some(SavingsAction::Out { amount, json }) => {
            let amount = amount_of(wallet, amount)?;
            report(wallet.savings_out(amount).await?, *json)?;
        }
        Some(SavingsAction::History { json }) => {
            let page = wallet.savings_history(50, None).await?;
            if *json {
                println!(
                    "{}",
                    json!({
                        "data": page.data.iter().map(entry_json).collect::<Vec<_>>(),
                        "has_more": page.has_more,
                    })
                );
            } else if page.data.is_empty() {
                println!("Nothing in savings yet.");
            } else {
                for e in &page.data {
                    print_entry(e);
                }
            }
        }
    }
    Ok(())
}

fn summary_json(s: &Savings) -> Value {
    json!({
        "balance": money_json(s.balance),
        "not_yet_earning": money_json(s.not_yet_earning),
        "redeeming": money_json(s.redeeming),
        "yesterday_income": money_json(s.yesterday_income),
        "total_income": money_json(s.total_income),
        "instant_left": money_json(s.instant_left),
        "instant_cap": money_json(s.instant_cap),
        "seven_day_yield_ppm": s.seven_day_yield_ppm,
        "seven_day_yield": s.seven_day_yield_ppm.map(format_yield_ppm),
        "returns": s.returns.iter().map(|d| json!({
            "date": d.date,
            "per_10k": d.per_10k,
            "per_10k_text": format_per_10k(d.per_10k),
        })).collect::<Vec<_>>(),
        "today": s.today,
    })
}

fn print_summary(s: &Savings) {
    println!("Savings: {}", s.balance);
    if s.not_yet_earning.is_positive() {
        println!("  of which {} earns from tomorrow", s.not_yet_earning);
    }
    println!(
        "Yesterday's income: {}   total income: {}",
        s.yesterday_income, s.total_income
    );
    match (s.seven_day_yield_ppm, s.returns.first()) {
        (Some(y), Some(d)) => println!(
            "7-day annualized yield: {}   {}: {} per 10,000 shares",
            format_yield_ppm(y),
            d.date,
            format_per_10k(d.per_10k)
        ),
        (None, Some(d)) => println!(
            "7-day annualized yield: after seven days   {}: {} per 10,000 shares",
            d.date,
            format_per_10k(d.per_10k)
        ),
        _ => println!("7-day annualized yield: after seven days"),
    }
    println!(
        "Instant redemption left today: {} of {}",
        s.instant_left, s.instant_cap
    );
    if s.redeeming.is_positive() {
        println!("On its way to the wallet: {}", s.redeeming);
    }
}

fn move_json(m: &SavingsMove) -> Value {
    json!({
        "move_id": m.move_id,
        "intent_id": m.intent_id,
        "direction": m.direction.as_str(),
        "amount": money_json(m.amount),
        "instant": money_json(m.instant),
        "standard": money_json(m.standard),
        "state": m.state.as_str(),
        "settles_on": m.settles_on,
        "earns_from": m.earns_from,
        "balance": money_json(m.balance),
        "savings_balance": money_json(m.savings_balance),
    })
}

fn report(outcome: SavingsOutcome, as_json: bool) -> anyhow::Result<()> {
    let m = match outcome {
        SavingsOutcome::Completed { savings_move } => savings_move,
        SavingsOutcome::Pending { intent_id } => bail!(
            "no answer from the backend: savings move {intent_id} is pending, not failed; \
             the next command settles it"
        ),
    };
    if as_json {
        println!("{}", move_json(&m));
        return Ok(());
    }
    match m.direction {
        purse_core::api::types::SavingsDirection::In => println!(
            "Moved {} into savings; it earns from {}. Savings: {}. Balance: {}",
            m.amount,
            m.earns_from.as_deref().unwrap_or("tomorrow"),
            m.savings_balance,
            m.balance
        ),
        purse_core::api::types::SavingsDirection::Out if m.state == SavingsMoveState::Pending => {
            println!(
                "Moved {} out of savings: {} now, {} on {} (past today's instant cap). \
                 Savings: {}. Balance: {}",
                m.amount,
                m.instant,
                m.standard,
                m.settles_on.as_deref().unwrap_or("the next business day"),
                m.savings_balance,
                m.balance
            )
        }
        purse_core::api::types::SavingsDirection::Out => println!(
            "Moved {} out of savings into the wallet. Savings: {}. Balance: {}",
            m.amount, m.savings_balance, m.balance
        ),
    }
    Ok(())
}

fn entry_json(e: &SavingsEntry) -> Value {
    let mut v = transaction_json(&e.transaction);
    v["balance"] = money_json(e.balance);
    v["settles_on"] = json!(e.settles_on);
    v
}

fn print_entry(e: &SavingsEntry) {
    let t = &e.transaction;
    let sign = if t.amount.minor > 0 { "+" } else { "" };
    let when = e
        .settles_on
        .as_deref()
        .map(|d| format!(" (lands {d})"))
        .unwrap_or_default();
    println!(
        "{:>14}  {:<9} savings {:>14}  {}{when}",
        format!("{sign}{}", t.amount),
        t.status.as_str(),
        e.balance.to_string(),
        purse_core::text::escape_shown(&t.description)
    );
}
