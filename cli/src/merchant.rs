//! `purse merchant ...`: the merchant's side from the terminal: a profile in the data dir,
//! orders with their codes (PNG and terminal QR), order state, refunds.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;
use purse_core::api::types::{Order, RegisterMerchantRequest};
use purse_core::{Currency, Money, Wallet};
use serde_json::{Value, json};

use crate::output::money_json;

/// The merchant profile kept beside the wallet in its data dir.
pub const PROFILE_FILE: &str = "merchant.json";

#[derive(Subcommand)]
pub enum MerchantAction {
    /// Make this data dir a merchant: a wallet (if none yet) registered as a merchant.
    Init {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "Hangzhou")]
        city: String,
        #[arg(long, default_value = "CNY")]
        currency: String,
        /// Where order.paid / order.refunded webhooks go.
        #[arg(long)]
        webhook: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print a one-time link that signs you in to the backend's web console (2 minutes,
    /// one use): today's sales, orders with their codes, refunds, the poster.
    Console {
        /// Seconds the link works, 1 to 120.
        #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(i64).range(1..=120))]
        valid_for: i64,
        #[arg(long)]
        json: bool,
    },
    /// Create an order: a dynamic code with the amount in it.
    Order {
        /// e.g. "12.34 CNY"
        #[arg(long)]
        amount: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Seconds until the order closes unpaid.
        #[arg(long)]
        expires_in: Option<i64>,
        /// Write the code as a PNG here.
        #[arg(long)]
        png: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The merchant's orders with their state, newest first.
    Orders {
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// One order's state.
    Show {
        order_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Refund part or all of a paid order.
    Refund {
        order_id: String,
        #[arg(long)]
        amount: String,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Charge the pay code a customer shows (its digits or the QR's text).
    Charge {
        code: String,
        /// e.g. "8.00 CNY" (or "8.00" in the shop's currency).
        #[arg(long)]
        amount: String,
        /// The sale's own number.
        #[arg(long, default_value = "till")]
        reference: String,
        /// Seconds to wait for the customer when the charge needs their confirmation.
        #[arg(long, default_value_t = 0)]
        wait: u64,
        #[arg(long)]
        json: bool,
    },
    /// A pay-code charge as it stands (a waiting one may since be charged or canceled).
    ChargeStatus {
        charge_id: String,
        #[arg(long)]
        json: bool,
    },
    /// The static code (the payer types the amount).
    Code {
        #[arg(long)]
        png: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

pub fn order_json(o: &Order) -> Value {
    json!({
        "order_id": o.order_id,
        "merchant_id": o.merchant_id,
        "amount": money_json(o.amount),
        "description": o.description,
        "state": o.state.as_str(),
        "amount_refunded": money_json(o.amount_refunded),
        "payload": o.payload,
        "created_at": o.created_at,
        "expires_at": o.expires_at,
        "paid_at": o.paid_at,
        "payment_id": o.payment_id,
    })
}

fn write_png(payload: &str, path: &Path) -> anyhow::Result<()> {
    let png = purse_core::paycode::render_png(payload, 8)?;
    std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
}

/// The shop's profile, owner-only like the rest of the data folder. The webhook secret is
/// not in it: it is shown once, for the merchant's endpoint to keep.
fn write_profile(dir: &Path, profile: &Value) -> anyhow::Result<()> {
    let path = dir.join(PROFILE_FILE);
    let text = serde_json::to_string_pretty(profile)?;
    purse_core::private_files::write_private(&path, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

pub async fn run(wallet: &Wallet, data_dir: &Path, action: &MerchantAction) -> anyhow::Result<()> {
    match action {
        MerchantAction::Init {
            name,
            city,
            currency,
            webhook,
            json: as_json,
        } => {
            if wallet.account()?.is_none() {
                wallet
                    .enroll(name, Currency::from_code(currency)?, "purse merchant cli")
                    .await?;
            }
            let reg = wallet
                .register_merchant(&RegisterMerchantRequest {
                    display_name: name.clone(),
                    city: city.clone(),
                    mcc: None,
                    webhook_url: webhook.clone(),
                })
                .await?;
            let profile = json!({
                "merchant_id": reg.merchant.merchant_id,
                "display_name": reg.merchant.display_name,
                "city": reg.merchant.city,
                "currency": reg.merchant.currency.code(),
                "static_payload": reg.merchant.static_payload,
                "webhook_url": reg.merchant.webhook_url,
            });
            write_profile(data_dir, &profile)?;
            if *as_json {
                let mut shown = profile.clone();
                shown["webhook_secret"] = json!(reg.webhook_secret);
                println!("{shown}");
            } else {
                println!(
                    "Merchant {} ({}) registered; profile in {}",
                    reg.merchant.display_name,
                    reg.merchant.merchant_id,
                    data_dir.join(PROFILE_FILE).display()
                );
                if reg.merchant.webhook_url.is_some() {
                    println!(
                        "Webhook secret (verify deliveries with it; shown this once, not \
                         saved): {}",
                        reg.webhook_secret
                    );
                }
            }
        }
        MerchantAction::Order {
            amount,
            description,
            expires_in,
            png,
            json: as_json,
        } => {
            let o = wallet
                .create_order(Money::parse(amount)?, description, *expires_in)
                .await?;
            if let Some(p) = png {
                write_png(&o.payload, p)?;
            }
            if *as_json {
                let mut v = order_json(&o);
                v["png"] = json!(png.as_ref().map(|p| p.display().to_string()));
                println!("{v}");
            } else {
                println!("{}", purse_core::paycode::render_terminal(&o.payload)?);
                println!(
                    "Order {} for {} (waiting; closes in {} s)",
                    o.order_id,
                    o.amount,
                    o.expires_at - o.created_at
                );
                if let Some(p) = png {
                    println!("QR code written to {}", p.display());
                }
            }
        }
        MerchantAction::Orders {
            limit,
            json: as_json,
        } => {
            let list = wallet.orders(*limit, None).await?;
            if *as_json {
                println!(
                    "{}",
                    json!({"data": list.data.iter().map(order_json).collect::<Vec<_>>(), "has_more": list.has_more})
                );
            } else if list.data.is_empty() {
                println!("No orders yet.");
            } else {
                for o in &list.data {
                    println!(
                        "{}  {:>14}  {:<9} refunded {}",
                        o.order_id,
                        o.amount.to_string(),
                        o.state.as_str(),
                        o.amount_refunded
                    );
                }
            }
        }
        MerchantAction::Show {
            order_id,
            json: as_json,
        } => {
            let o = wallet.order(order_id).await?;
            if *as_json {
                println!("{}", order_json(&o));
            } else {
                println!("{} {} {}", o.order_id, o.amount, o.state.as_str());
            }
        }
        MerchantAction::Refund {
            order_id,
            amount,
            reason,
            json: as_json,
        } => {
            let r = wallet
                .refund(order_id, Money::parse(amount)?, reason)
                .await?;
            if *as_json {
                println!(
                    "{}",
                    json!({"refund_id": r.refund_id, "order": order_json(&r.order), "balance": money_json(r.balance)})
                );
            } else {
                println!(
                    "Refunded {} of {}; balance {}",
                    r.transaction.amount, r.order.order_id, r.balance
                );
            }
        }
        MerchantAction::Charge {
            code,
            amount,
            reference,
            wait,
            json: as_json,
        } => crate::paycode::charge(wallet, code, amount, reference, *wait, *as_json).await?,
        MerchantAction::ChargeStatus {
            charge_id,
            json: as_json,
        } => crate::paycode::print_charge(&wallet.pay_code_charge(charge_id).await?, *as_json),
        MerchantAction::Console {
            valid_for,
            json: as_json,
        } => {
            let link = wallet.console_link(*valid_for).await?;
            if *as_json {
                println!("{}", json!({ "link": link, "valid_for": valid_for }));
            } else {
                println!("Open within {valid_for} s (it works once):\n{link}");
            }
        }
        MerchantAction::Code { png, json: as_json } => {
            let m = wallet.merchant().await?;
            if let Some(p) = png {
                write_png(&m.static_payload, p)?;
            }
            if *as_json {
                println!(
                    "{}",
                    json!({"merchant_id": m.merchant_id, "payload": m.static_payload})
                );
            } else {
                println!(
                    "{}",
                    purse_core::paycode::render_terminal(&m.static_payload)?
                );
                println!("{} — the payer types the amount", m.display_name);
            }
        }
    }
    Ok(())
}
