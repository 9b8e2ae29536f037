//! `purse handle`, `purse contacts`, `purse profile`, `purse find`, `purse sandbox`: who this
//! account is to other people, and finding someone to pay.

use clap::Subcommand;
use purse_core::Wallet;
use purse_core::api::types::{ContactKind, Profile};
use purse_core::text::escape_shown;
use serde_json::json;

#[derive(Subcommand)]
pub enum HandleAction {
    /// Claim a handle ($ + 3-20 of a-z, 0-9, _); the old one becomes free.
    Set {
        handle: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ContactAction {
    /// Send a one-time code to a mobile number (with its country code) or an email.
    Add {
        #[arg(long, conflicts_with = "email", required_unless_present = "email")]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Prove it with the six digits it received.
    Verify {
        challenge_id: String,
        code: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum SandboxAction {
    /// What the sandbox backend "sent" this account (SMS and email codes).
    Messages {
        #[arg(long)]
        json: bool,
    },
    /// The sandbox bank settles your held withdrawals now.
    SettleWithdrawals {
        #[arg(long)]
        json: bool,
    },
}

fn print_profile(p: &Profile, json: bool) {
    if json {
        crate::print_json(serde_json::to_value(p).unwrap_or_default());
        return;
    }
    println!("{} ({})", escape_shown(&p.name), p.account_id);
    println!(
        "  handle: {}",
        p.handle
            .as_deref()
            .unwrap_or("none (purse handle set '$you')")
    );
    println!("  phone:  {}", p.phone.as_deref().unwrap_or("none"));
    println!("  email:  {}", p.email.as_deref().unwrap_or("none"));
}

pub async fn profile(wallet: &Wallet, json: bool) -> anyhow::Result<()> {
    print_profile(&wallet.profile().await?, json);
    Ok(())
}

pub async fn handle(wallet: &Wallet, action: &HandleAction) -> anyhow::Result<()> {
    let HandleAction::Set { handle, json } = action;
    print_profile(&wallet.set_handle(handle).await?, *json);
    Ok(())
}

pub async fn contacts(wallet: &Wallet, action: &ContactAction) -> anyhow::Result<()> {
    match action {
        ContactAction::Add { phone, email, json } => {
            let (kind, value) = match (phone, email) {
                (Some(p), _) => (ContactKind::Phone, p),
                (None, Some(e)) => (ContactKind::Email, e),
                (None, None) => anyhow::bail!("pass --phone or --email"),
            };
            let c = wallet.add_contact(kind, value).await?;
            if *json {
                crate::print_json(serde_json::to_value(&c)?);
            } else {
                println!(
                    "A code went to {} (sandbox: purse sandbox messages). Then: purse contacts verify {} CODE",
                    c.value, c.challenge_id
                );
            }
        }
        ContactAction::Verify {
            challenge_id,
            code,
            json,
        } => print_profile(&wallet.verify_contact(challenge_id, code).await?, *json),
    }
    Ok(())
}

pub async fn find(wallet: &Wallet, query: &str, json: bool) -> anyhow::Result<()> {
    let r = wallet.find_recipient(query).await?;
    if json {
        crate::print_json(serde_json::to_value(&r)?);
    } else {
        println!(
            "{}  {}  ({})",
            r.handle.as_deref().unwrap_or("-"),
            escape_shown(&r.masked_name),
            r.account_id
        );
    }
    Ok(())
}

pub async fn sandbox(wallet: &Wallet, action: &SandboxAction) -> anyhow::Result<()> {
    let json = match action {
        SandboxAction::Messages { json } => json,
        SandboxAction::SettleWithdrawals { json } => {
            crate::withdraw::print(&wallet.sandbox_settle_withdrawals().await?, *json);
            return Ok(());
        }
    };
    let messages = wallet.sandbox_messages().await?;
    if *json {
        crate::print_json(json!({ "data": messages }));
    } else {
        for m in messages {
            println!("{} to {}: {}", m.kind.as_str(), m.to, m.body);
        }
    }
    Ok(())
}
