//! `purse devices ...`, `purse recover`, `purse recovery ...`: a second device and the way
//! back without one. Every decision is the core's; this prints and asks.

use std::time::Duration;

use anyhow::bail;
use clap::Subcommand;
use purse_core::api::types::{Device, Recovery};
use purse_core::text::escape_shown;
use purse_core::wallet::JoinProgress;
use purse_core::{Wallet, WalletError};
use serde_json::json;

use crate::pay::confirm;

#[derive(Subcommand)]
pub enum DeviceAction {
    /// Revoke a device of this account.
    Revoke { device_id: String },
    /// On a new device: show a pairing code and wait until a device of the account
    /// approves it (`purse devices approve CODE` there).
    Pair {
        #[arg(long, default_value = "purse cli")]
        device_name: String,
        /// How long to wait for the approval before leaving (run `pair` again to go on).
        #[arg(long, default_value_t = 300)]
        wait: u64,
        #[arg(long)]
        json: bool,
    },
    /// On a device of the account: add the device showing CODE (the QR text or the short
    /// form). Asks whether the numbers match unless --confirm gives the number the new
    /// device shows.
    Approve {
        code: String,
        #[arg(long)]
        confirm: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum RecoveryAction {
    /// Make a new recovery code; the old one stops working.
    Rotate {
        #[arg(long)]
        json: bool,
    },
    /// Recoveries of this account in their cool-off.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop a recovery in its cool-off (someone has your code: rotate it next).
    Cancel {
        recovery_id: String,
        #[arg(long)]
        json: bool,
    },
}

/// What `purse init` and `purse recovery rotate` print: the code, once.
pub fn print_recovery_code(code: &str) {
    println!();
    println!("Your recovery code (shown once; write it down and keep it apart from this device):");
    println!();
    println!("    {code}");
    println!();
    println!("With it you can get your wallet back on a new device if this one is lost.");
}

fn device_json(d: &Device) -> serde_json::Value {
    serde_json::to_value(d).unwrap_or_default()
}

fn recovery_json(r: &Recovery) -> serde_json::Value {
    serde_json::to_value(r).unwrap_or_default()
}

pub async fn list(wallet: &Wallet, json: bool) -> anyhow::Result<()> {
    let me = wallet.account()?.map(|a| a.device_id).unwrap_or_default();
    let devices = wallet.devices().await?;
    if json {
        crate::print_json(json!({"data": devices, "current_device_id": me}));
        return Ok(());
    }
    for d in devices {
        let state = match (d.revoked_at, d.restricted_until) {
            (Some(_), _) => "revoked",
            (None, Some(_)) => "limited",
            _ => "active",
        };
        let this = if d.device_id == me {
            " (this device)"
        } else {
            ""
        };
        println!(
            "{}  {:<8} {}{}",
            d.device_id,
            state,
            escape_shown(&d.name),
            this
        );
    }
    Ok(())
}

pub async fn run(wallet: &Wallet, action: &DeviceAction) -> anyhow::Result<()> {
    match action {
        DeviceAction::Revoke { device_id } => {
            let d = wallet.revoke_device(device_id).await?;
            println!("Revoked {}", d.device_id);
            Ok(())
        }
        DeviceAction::Pair {
            device_name,
            wait,
            json,
        } => pair(wallet, device_name, *wait, *json).await,
        DeviceAction::Approve {
            code,
            confirm: number,
            json,
        } => {
            let request = wallet.open_pairing(code).await?;
            let name = escape_shown(&request.device_name).into_owned();
            let number = match number {
                Some(n) => n.clone(),
                None => {
                    println!("Add “{name}” to this wallet?");
                    println!("Confirmation number: {}", spaced(&request.confirmation));
                    if !confirm("Does the new device show the same number?")? {
                        bail!("not added");
                    }
                    request.confirmation.clone()
                }
            };
            let d = wallet.approve_pairing(code, &number).await?;
            if *json {
                crate::print_json(device_json(&d));
            } else {
                println!("Added “{name}” ({})", d.device_id);
            }
            Ok(())
        }
    }
}

fn spaced(confirmation: &str) -> String {
    let (a, b) = confirmation.split_at(confirmation.len().min(3));
    format!("{a} {b}")
}

async fn pair(wallet: &Wallet, device_name: &str, wait: u64, json: bool) -> anyhow::Result<()> {
    let offer = match wallet.pairing_offer()? {
        Some(o) => o,
        None => wallet.start_pairing(device_name).await?,
    };
    if json {
        crate::print_json(json!({
            "pairing_id": offer.pairing_id,
            "code": offer.code,
            "qr": offer.qr,
            "confirmation": offer.confirmation,
            "expires_at": offer.expires_at,
        }));
    } else {
        println!("{}", purse_core::paycode::render_terminal(&offer.qr)?);
        println!(
            "On a device of your wallet: purse devices approve {}",
            offer.code
        );
        println!("Confirmation number: {}", spaced(&offer.confirmation));
        println!("Waiting for the approval...");
    }
    follow_join(wallet, wait, json).await
}

/// Asks until the device joined or `wait` seconds passed.
async fn follow_join(wallet: &Wallet, wait: u64, json: bool) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait);
    loop {
        match wallet.check_join().await? {
            JoinProgress::Joined(a) => {
                if json {
                    crate::print_json(json!({
                        "state": "joined",
                        "account_id": a.account_id,
                        "device_id": a.device_id,
                    }));
                } else {
                    println!(
                        "This device now belongs to {} ({}); history and balance are here.",
                        escape_shown(&a.name),
                        a.account_id
                    );
                }
                return Ok(());
            }
            JoinProgress::Waiting { until } => {
                if tokio::time::Instant::now() >= deadline {
                    if json {
                        crate::print_json(json!({"state": "waiting", "until": until}));
                    } else {
                        println!("Still waiting (until {until}); run the command again to go on.");
                    }
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// `purse recover`: start with a code, or go on with the recovery this device began.
pub async fn recover(
    wallet: &Wallet,
    code: Option<&str>,
    device_name: &str,
    wait: u64,
    json: bool,
) -> anyhow::Result<()> {
    if let Some(code) = code {
        let r = wallet.start_recovery(code, device_name).await?;
        if json {
            crate::print_json(recovery_json(&r));
        } else {
            println!(
                "Recovery {} started: every device of the account has been told and may stop \
                 it until {}. This device joins then.",
                r.recovery_id, r.completes_at
            );
        }
    }
    match follow_join(wallet, wait, json).await {
        Err(e) if matches!(e.downcast_ref(), Some(WalletError::NotEnrolled)) => {
            bail!("no recovery under way here: pass --code YOUR-RECOVERY-CODE")
        }
        other => other,
    }
}

pub async fn recovery(wallet: &Wallet, action: &RecoveryAction) -> anyhow::Result<()> {
    match action {
        RecoveryAction::Rotate { json } => {
            let code = wallet.rotate_recovery_code().await?;
            if *json {
                crate::print_json(json!({"recovery_code": *code}));
            } else {
                println!("The old recovery code no longer works.");
                print_recovery_code(&code);
            }
        }
        RecoveryAction::List { json } => {
            let list = wallet.recoveries().await?;
            if *json {
                crate::print_json(json!({"data": list}));
            } else if list.is_empty() {
                println!("No recovery under way.");
            } else {
                for r in list {
                    println!(
                        "{}  “{}” joins at {} unless stopped: purse recovery cancel {}",
                        r.recovery_id,
                        escape_shown(&r.device_name),
                        r.completes_at,
                        r.recovery_id
                    );
                }
            }
        }
        RecoveryAction::Cancel { recovery_id, json } => {
            let r = wallet.cancel_recovery(recovery_id).await?;
            if *json {
                crate::print_json(recovery_json(&r));
            } else {
                println!(
                    "Stopped recovery {}. If you did not start it, someone has your recovery \
                     code: make a new one with `purse recovery rotate`.",
                    r.recovery_id
                );
            }
        }
    }
    Ok(())
}
