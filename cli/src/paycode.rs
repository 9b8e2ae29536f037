//! `purse paycode`: the customer's pay code as a terminal QR and its digits, a new one each
//! 30-second step; the charges that wait for the customer's confirmation and the limit
//! below which none waits. `purse merchant charge` is the till's side (in `merchant.rs`).

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use clap::Subcommand;
use purse_core::Wallet;
use purse_core::api::types::{ChargeState, PayCodeCharge, PayCodeLimit};
use purse_core::text::escape_shown;
use purse_core::wallet::ShownPayCode;
use serde_json::{Value, json};

use crate::output::{amount_of, money_json, transaction_json};

#[derive(Subcommand)]
pub enum PayCodeAction {
    /// Charges of your codes waiting for your confirmation (each for a minute).
    Waiting {
        #[arg(long)]
        json: bool,
    },
    /// Confirm a waiting charge (the payment key signs it).
    Confirm {
        charge_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Decline a waiting charge: nothing moves.
    Decline {
        charge_id: String,
        #[arg(long)]
        json: bool,
    },
    /// The most a code is charged without asking you; give an amount to change it (0 asks
    /// every time).
    Limit {
        amount: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// How `purse paycode` shows the code.
pub struct ShowOptions<'a> {
    /// Also write the QR as a PNG here (rewritten each step).
    pub png: Option<&'a Path>,
    /// One code and out (also when the output is not a terminal).
    pub once: bool,
    pub json: bool,
}

pub fn charge_json(c: &PayCodeCharge) -> Value {
    json!({
        "charge_id": c.charge_id,
        "merchant_id": c.merchant_id,
        "merchant_name": c.merchant_name,
        "reference": c.reference,
        "amount": money_json(c.amount),
        "state": c.state.as_str(),
        "transaction": c.transaction.as_ref().map(transaction_json),
        "created_at": c.created_at,
        "expires_at": c.expires_at,
        "settled_at": c.settled_at,
    })
}

/// One line a person reads about a charge.
pub fn charge_line(c: &PayCodeCharge) -> String {
    let what = match c.state {
        ChargeState::Completed => "charged",
        ChargeState::AwaitingConfirmation => "waiting for the customer",
        ChargeState::Canceled => "canceled",
    };
    format!(
        "{} {} by {} ({}): {what}",
        c.charge_id,
        c.amount,
        escape_shown(&c.merchant_name),
        escape_shown(&c.reference)
    )
}

fn shown_json(s: &ShownPayCode) -> Value {
    json!({
        "digits": s.digits,
        "grouped": s.grouped,
        "qr_text": s.qr_text,
        "seconds_left": s.seconds_left,
        "valid_until": s.valid_until,
    })
}

fn write_png(s: &ShownPayCode, path: &Path) -> anyhow::Result<()> {
    let png = purse_core::paycode::render_png(&s.qr_text, 8)?;
    std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
}

/// Shows the code of now, and the next at each step until interrupted (Ctrl-C).
pub async fn show(wallet: &Wallet, opts: ShowOptions<'_>) -> anyhow::Result<()> {
    let live = !opts.once && !opts.json && std::io::stdout().is_terminal();
    loop {
        let s = wallet.pay_code().await?;
        if let Some(p) = opts.png {
            write_png(&s, p)?;
        }
        if opts.json {
            println!("{}", shown_json(&s));
            return Ok(());
        }
        if live {
            // Clear the screen so the old code does not stay readable above the new one.
            print!("\x1b[2J\x1b[H");
        }
        println!("{}", purse_core::paycode::render_terminal(&s.qr_text)?);
        println!("  {}", s.grouped);
        println!(
            "  Show this at the till. A new code in {} s; this phone's codes work offline until {}.",
            s.seconds_left,
            purse_core::calendar::iso_date(purse_core::calendar::day_of(s.valid_until))
        );
        if let Some(p) = opts.png {
            println!("  (also written to {})", p.display());
        }
        if !live {
            return Ok(());
        }
        std::io::stdout().flush()?;
        let wait = u64::try_from(s.seconds_left).unwrap_or(1).max(1);
        tokio::time::sleep(Duration::from_secs(wait)).await;
    }
}

fn print_limit(l: &PayCodeLimit, as_json: bool) {
    if as_json {
        println!(
            "{}",
            json!({"limit": money_json(l.limit), "ceiling": money_json(l.ceiling)})
        );
    } else {
        println!(
            "Codes are charged without asking you up to {} (at most {}).",
            l.limit, l.ceiling
        );
    }
}

pub fn print_charge(c: &PayCodeCharge, as_json: bool) {
    if as_json {
        println!("{}", charge_json(c));
    } else {
        println!("{}", charge_line(c));
    }
}

pub async fn run(wallet: &Wallet, action: &PayCodeAction) -> anyhow::Result<()> {
    match action {
        PayCodeAction::Waiting { json: as_json } => {
            let list = wallet.waiting_charges().await?;
            if *as_json {
                println!(
                    "{}",
                    json!({"data": list.iter().map(charge_json).collect::<Vec<_>>()})
                );
            } else if list.is_empty() {
                println!("No charge is waiting for you.");
            } else {
                for c in &list {
                    println!("{}", charge_line(c));
                }
                println!("(purse paycode confirm ID, or decline ID)");
            }
        }
        PayCodeAction::Confirm {
            charge_id,
            json: as_json,
        } => print_charge(&wallet.confirm_charge(charge_id).await?, *as_json),
        PayCodeAction::Decline {
            charge_id,
            json: as_json,
        } => print_charge(&wallet.decline_charge(charge_id).await?, *as_json),
        PayCodeAction::Limit {
            amount,
            json: as_json,
        } => {
            let l = match amount {
                Some(a) => wallet.set_pay_code_limit(amount_of(wallet, a)?).await?,
                None => wallet.pay_code_limit().await?,
            };
            print_limit(&l, *as_json);
        }
    }
    Ok(())
}

/// The till charges a code; with `wait_secs`, it then follows a charge that waits for the
/// customer until the customer decides or the time runs out.
pub async fn charge(
    wallet: &Wallet,
    code: &str,
    amount: &str,
    reference: &str,
    wait_secs: u64,
    as_json: bool,
) -> anyhow::Result<()> {
    let amount = amount_of(wallet, amount)?;
    let mut c = wallet.charge_pay_code(code, amount, reference).await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(wait_secs);
    if c.state == ChargeState::AwaitingConfirmation && wait_secs > 0 && !as_json {
        println!("{}", charge_line(&c));
    }
    while c.state == ChargeState::AwaitingConfirmation && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        c = wallet.pay_code_charge(&c.charge_id).await?;
    }
    print_charge(&c, as_json);
    Ok(())
}
