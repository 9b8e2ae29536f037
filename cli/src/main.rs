//! `purse`: a terminal wallet over purse-core, and the reference backend in one binary.

mod bills;
mod codes;
mod demo;
mod demo_bills;
mod demo_paycode;
mod demo_people;
mod demo_savings;
mod devices;
mod merchant;
mod output;
mod passphrase;
mod pay;
mod paycode;
mod people;
mod requests;
mod savings;
mod send;
mod withdraw;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use purse_core::keys::{PassphraseProtector, platform_or_fallback};
use purse_core::{Currency, Money, Wallet, WalletConfig};
use serde_json::json;

use output::{explain, history_json, money_json, print_history};
use passphrase::CliPassphrase;

#[derive(Parser)]
#[command(
    name = "purse",
    version,
    about = "Purse: a mobile payment wallet, from the terminal"
)]
struct Cli {
    /// Where the wallet keeps its data.
    #[arg(long, global = true, env = "PURSE_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The backend to talk to (default: the one the wallet was created with).
    #[arg(long, global = true, env = "PURSE_BACKEND")]
    backend: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole story on one machine: a backend, a wallet, top-ups, history.
    Demo {
        /// Afterwards keep the backend running and print a sign-in link to the shop's web
        /// console (Ctrl-C stops it).
        #[arg(long)]
        console: bool,
    },
    /// Create a wallet: new device keys, registered with the backend.
    Init {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "CNY")]
        currency: String,
        #[arg(long, default_value = "purse cli")]
        device_name: String,
        #[arg(long)]
        json: bool,
    },
    /// Who this wallet is: account, device and its public key.
    Whoami {
        #[arg(long)]
        json: bool,
    },
    /// Add money from a sandbox card or bank account.
    Topup {
        /// Card number (sandbox: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 declines).
        #[arg(long, conflicts_with = "bank")]
        card: Option<String>,
        /// Card expiry, MM/YYYY.
        #[arg(long, default_value = "12/2099")]
        exp: String,
        /// IBAN of a bank account.
        #[arg(long)]
        bank: Option<String>,
        /// Account holder, for --bank.
        #[arg(long, default_value = "Account holder")]
        holder: String,
        /// Amount and currency, e.g. "100.00 CNY".
        #[arg(long)]
        amount: String,
        #[arg(long)]
        json: bool,
    },
    /// The balance, from the backend.
    Balance {
        #[arg(long)]
        json: bool,
    },
    /// Transactions, newest first.
    History {
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        starting_after: Option<String>,
        /// Show the cache without asking the backend.
        #[arg(long)]
        offline: bool,
        #[arg(long)]
        json: bool,
    },
    /// Linked cards and bank accounts.
    Sources {
        #[arg(long)]
        json: bool,
    },
    /// The account's devices; `devices pair` on a new device, `devices approve CODE` on
    /// one of the account's, `devices revoke ID`.
    Devices {
        #[command(subcommand)]
        action: Option<devices::DeviceAction>,
        #[arg(long)]
        json: bool,
    },
    /// Get a wallet back on this (new) device with its recovery code. After the cool-off
    /// (the account's devices may stop it meanwhile) this device joins; run it again
    /// without --code to go on waiting.
    Recover {
        #[arg(long)]
        code: Option<String>,
        #[arg(long, default_value = "purse cli")]
        device_name: String,
        /// Seconds to wait for the cool-off before leaving.
        #[arg(long, default_value_t = 0)]
        wait: u64,
        #[arg(long)]
        json: bool,
    },
    /// The recovery code: `rotate` it, `list` recoveries under way, `cancel` one.
    Recovery {
        #[command(subcommand)]
        action: devices::RecoveryAction,
    },
    /// This account's handle and proven phone and email.
    Profile {
        #[arg(long)]
        json: bool,
    },
    /// Claim a handle: `handle set '$ada'`.
    Handle {
        #[command(subcommand)]
        action: people::HandleAction,
    },
    /// Prove a phone number or email with a one-time code.
    Contacts {
        #[command(subcommand)]
        action: people::ContactAction,
    },
    /// Find someone by '$handle', phone number or email (masked name, never their contacts).
    Find {
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// Send money to a person: `send '$bo' "10.00 CNY" --note lunch`.
    Send {
        /// '$handle', phone number or email.
        to: String,
        amount: String,
        #[arg(long, default_value = "")]
        note: String,
        /// Send without asking.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// This account's code to be paid by people (`purse pay` on the payer's side).
    ReceiveCode {
        #[arg(long)]
        amount: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        png: Option<PathBuf>,
        /// A new code; the old one stops working.
        #[arg(long)]
        rotate: bool,
        #[arg(long)]
        json: bool,
    },
    /// Ask someone for money: `request '$ada' "8.00 CNY" --note cinema`.
    Request {
        from: String,
        amount: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        json: bool,
    },
    /// Requests others sent you (or --outgoing, the ones you made); `requests pay ID` ...
    Requests {
        #[command(subcommand)]
        action: Option<requests::RequestAction>,
        #[arg(long)]
        outgoing: bool,
        #[arg(long)]
        json: bool,
    },
    /// Move money to your bank account: held now, settled by the bank later. Sandbox:
    /// an account number ending 0003 is returned later, 0004 refused at once.
    Withdraw {
        #[arg(long, conflicts_with = "bank")]
        source: Option<String>,
        /// An IBAN (linked first if new).
        #[arg(long)]
        bank: Option<String>,
        #[arg(long, default_value = "Account holder")]
        holder: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        json: bool,
    },
    /// The billers you can pay (a category: electricity, water, gas, internet,
    /// postpaid_mobile, credit_card, tax, prepaid_mobile).
    Billers {
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Fetch, pay, scan or save a bill.
    Bill {
        #[command(subcommand)]
        action: bills::BillAction,
    },
    /// Saved billers, what is due now, and receipts.
    Bills {
        #[command(subcommand)]
        action: bills::BillsAction,
    },
    /// Mobile phone credit.
    Phone {
        #[command(subcommand)]
        action: bills::PhoneAction,
    },
    /// Your pay code for the till: a QR and its digits, a new one every 30 s (Ctrl-C to
    /// stop); works offline. `waiting`, `confirm ID`, `decline ID`: charges above your
    /// limit; `limit [AMOUNT]`.
    Paycode {
        #[command(subcommand)]
        action: Option<paycode::PayCodeAction>,
        /// Also write the QR as a PNG here (rewritten with each code).
        #[arg(long)]
        png: Option<PathBuf>,
        /// Show one code and stop.
        #[arg(long)]
        once: bool,
        #[arg(long)]
        json: bool,
    },
    /// Your savings (a money-market fund): balance, yesterday's income, the 7-day yield;
    /// `savings in|out AMOUNT` moves money, `savings history` lists moves and income.
    Savings {
        #[command(subcommand)]
        action: Option<savings::SavingsAction>,
        #[arg(long)]
        json: bool,
    },
    /// Your withdrawals and how the bank settled them.
    Withdrawals {
        #[arg(long)]
        json: bool,
    },
    /// Payouts your shop's console asked for, waiting for this device: confirm one (the
    /// payment key signs its withdrawal) or decline it.
    Payouts {
        #[command(subcommand)]
        action: Option<withdraw::PayoutAction>,
        #[arg(long, global = true)]
        json: bool,
    },
    /// Take no more requests from someone ('$handle', phone or email).
    Block {
        who: String,
        #[arg(long)]
        json: bool,
    },
    /// What the sandbox backend "sent" (one-time codes).
    Sandbox {
        #[command(subcommand)]
        action: people::SandboxAction,
    },
    /// Unlock the device key for this session (kept in the OS keyring where one runs).
    Unlock,
    /// End the session: the next command asks for the passphrase again.
    Lock,
    /// Find QR codes in image files (PNG, JPEG, WebP); one line per file.
    Scan {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Stop starting new passes after this long.
        #[arg(long, default_value_t = 250)]
        budget_ms: u64,
        #[arg(long)]
        json: bool,
    },
    /// Parse a payment code payload (EMVCo, UPI, EPC, Swiss QR-bill).
    Parse {
        payload: String,
        #[arg(long)]
        json: bool,
    },
    /// Act as a merchant: profile, orders and their codes, refunds.
    Merchant {
        #[command(subcommand)]
        action: merchant::MerchantAction,
    },
    /// Pay a code: a payload, or an image with a QR code in it.
    Pay {
        code: String,
        /// For a static code: what to pay, e.g. "12.34 CNY".
        #[arg(long)]
        amount: Option<String>,
        /// Pay without asking (the passphrase still comes from PURSE_PASSPHRASE).
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Payments, refunds and top-ups as they happen on the account.
    Events {
        /// Keep listening.
        #[arg(long)]
        follow: bool,
        #[arg(long)]
        json: bool,
    },
    /// Settle payments left pending by a lost answer or a crash.
    Reconcile,
    /// Run the reference backend, or its savings job (`purse backend accrue --through DATE`).
    Backend {
        #[command(flatten)]
        args: purse_backend::cli::BackendArgs,
    },
}

fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(d).join("purse");
    }
    match std::env::var_os("HOME") {
        Some(h) => PathBuf::from(h).join(".local/share/purse"),
        None => PathBuf::from(".purse"),
    }
}

/// Opens the wallet. `create` is for the commands that make one (init, joining by pairing or
/// recovery, merchant init): they ask for the new passphrase twice. Any other command on a
/// folder without a wallet says so, rather than create one under whatever passphrase it
/// was given.
fn open_wallet(cli: &Cli, create: bool) -> anyhow::Result<Wallet> {
    let dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    let exists = Wallet::exists(&dir);
    if !create && !exists {
        return Err(purse_core::WalletError::NotEnrolled.into());
    }
    let confirm = create && !exists;
    let protector = Arc::new(PassphraseProtector::new(Arc::new(CliPassphrase::new(
        confirm,
    ))));
    // PURSE_NO_KEYRING=1 keeps the session in this process only (headless servers, tests).
    let secrets: Arc<dyn purse_core::keys::SecretStore> =
        if std::env::var_os("PURSE_NO_KEYRING").is_some_and(|v| v != "0") {
            Arc::new(purse_core::keys::NoSecretStore)
        } else {
            platform_or_fallback("purse")
        };
    let mut cfg = WalletConfig::new(dir, protector, secrets);
    cfg.backend_url = cli.backend.clone();
    Ok(Wallet::open(cfg)?)
}

pub(crate) fn print_json(v: serde_json::Value) {
    println!("{v}");
}

fn parse_exp(exp: &str) -> anyhow::Result<(u8, u16)> {
    let (m, y) = exp.split_once('/').context("--exp must be MM/YYYY")?;
    let m: u8 = m.parse().context("--exp month")?;
    let mut y: u16 = y.parse().context("--exp year")?;
    if y < 100 {
        y += 2000;
    }
    Ok((m, y))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Demo { console } => demo::run(*console).await,
        Command::Scan {
            files,
            budget_ms,
            json,
        } => {
            // Unreadable files are reported on their own line; the scan itself succeeded.
            codes::scan_files(files, *json, *budget_ms);
            Ok(())
        }
        Command::Parse { payload, json } => codes::parse_payload(payload, *json),
        Command::Backend { args } => purse_backend::cli::run(args).await,
        Command::Init {
            name,
            currency,
            device_name,
            json,
        } => {
            let currency = Currency::from_code(currency)?;
            let wallet = open_wallet(&cli, true)?;
            let enrolled = wallet.enroll(name, currency, device_name).await?;
            let a = &enrolled.account;
            if *json {
                print_json(json!({
                    "account_id": a.account_id,
                    "device_id": a.device_id,
                    "name": a.name,
                    "currency": a.currency.code(),
                    "recovery_code": *enrolled.recovery_code,
                }));
            } else {
                println!(
                    "Created wallet {} for {} ({}), device {}",
                    a.account_id,
                    purse_core::text::escape_shown(&a.name),
                    a.currency,
                    a.device_id
                );
                devices::print_recovery_code(&enrolled.recovery_code);
            }
            Ok(())
        }
        Command::Whoami { json } => {
            let wallet = open_wallet(&cli, false)?;
            let a = wallet
                .account()?
                .ok_or(purse_core::WalletError::NotEnrolled)?;
            let device_pem =
                purse_core::keys::PublicKey::from_base64(&a.device_public_key)?.to_pem();
            let payment_pem =
                purse_core::keys::PublicKey::from_base64(&a.payment_public_key)?.to_pem();
            if *json {
                print_json(json!({
                    "account_id": a.account_id,
                    "device_id": a.device_id,
                    "name": a.name,
                    "currency": a.currency.code(),
                    "backend": cli.backend.clone().unwrap_or(a.backend_url.clone()),
                    "device_public_key_pem": device_pem,
                    "payment_public_key_pem": payment_pem,
                }));
            } else {
                println!(
                    "{} ({})\naccount {}\ndevice  {}\nbackend {}\n{}",
                    a.name,
                    a.currency,
                    a.account_id,
                    a.device_id,
                    a.backend_url,
                    device_pem.trim_end()
                );
            }
            Ok(())
        }
        Command::Topup {
            card,
            exp,
            bank,
            holder,
            amount,
            json,
        } => {
            let amount = Money::parse(amount)?;
            let wallet = open_wallet(&cli, false)?;
            let source = match (card, bank) {
                (Some(card), None) => {
                    let (m, y) = parse_exp(exp)?;
                    wallet.link_card(card, m, y).await?
                }
                (None, Some(iban)) => wallet.link_bank(iban, holder).await?,
                _ => bail!("give --card NUMBER or --bank IBAN"),
            };
            let t = wallet.topup(&source.source_id, amount).await?;
            if *json {
                print_json(json!({
                    "topup_id": t.topup_id,
                    "transaction_id": t.transaction.transaction_id,
                    "amount": money_json(t.transaction.amount),
                    "balance": money_json(t.balance),
                    "source": t.transaction.counterparty,
                }));
            } else {
                println!(
                    "Added {} from {}. Balance: {}",
                    t.transaction.amount,
                    purse_core::text::escape_shown(&t.transaction.counterparty),
                    t.balance
                );
            }
            Ok(())
        }
        Command::Balance { json } => {
            let wallet = open_wallet(&cli, false)?;
            let b = wallet.balance().await?;
            if *json {
                print_json(money_json(b));
            } else {
                println!("{b}");
            }
            Ok(())
        }
        Command::History {
            limit,
            starting_after,
            offline,
            json,
        } => {
            let wallet = open_wallet(&cli, false)?;
            if !offline {
                wallet.sync_history().await?;
            }
            let page = wallet.history(*limit, starting_after.as_deref())?;
            if *json {
                print_json(history_json(&page));
            } else {
                print_history(&page);
            }
            Ok(())
        }
        Command::Sources { json } => {
            let wallet = open_wallet(&cli, false)?;
            let sources = wallet.funding_sources().await?;
            if *json {
                print_json(serde_json::to_value(&sources)?);
            } else {
                for s in sources {
                    println!(
                        "{}  {:?}  {} •••• {}",
                        s.source_id, s.kind, s.brand, s.last4
                    );
                }
            }
            Ok(())
        }
        Command::Devices { action, json } => {
            let pairing = matches!(action, Some(devices::DeviceAction::Pair { .. }));
            let wallet = open_wallet(&cli, pairing)?;
            match action {
                Some(a) => devices::run(&wallet, a).await,
                None => devices::list(&wallet, *json).await,
            }
        }
        Command::Recover {
            code,
            device_name,
            wait,
            json,
        } => {
            let wallet = open_wallet(&cli, code.is_some())?;
            devices::recover(&wallet, code.as_deref(), device_name, *wait, *json).await
        }
        Command::Profile { json } => people::profile(&open_wallet(&cli, false)?, *json).await,
        Command::Handle { action } => people::handle(&open_wallet(&cli, false)?, action).await,
        Command::Contacts { action } => people::contacts(&open_wallet(&cli, false)?, action).await,
        Command::Find { query, json } => {
            people::find(&open_wallet(&cli, false)?, query, *json).await
        }
        Command::Send {
            to,
            amount,
            note,
            yes,
            json,
        } => send::run(&open_wallet(&cli, false)?, to, amount, note, *yes, *json).await,
        Command::ReceiveCode {
            amount,
            note,
            png,
            rotate,
            json,
        } => {
            send::receive_code(
                &open_wallet(&cli, false)?,
                amount.as_deref(),
                note.as_deref(),
                png.as_deref(),
                *rotate,
                *json,
            )
            .await
        }
        Command::Request {
            from,
            amount,
            note,
            json,
        } => requests::request(&open_wallet(&cli, false)?, from, amount, note, *json).await,
        Command::Requests {
            action,
            outgoing,
            json,
        } => {
            requests::requests(
                &open_wallet(&cli, false)?,
                *outgoing,
                action.as_ref(),
                *json,
            )
            .await
        }
        Command::Withdraw {
            source,
            bank,
            holder,
            amount,
            json,
        } => {
            withdraw::withdraw(
                &open_wallet(&cli, false)?,
                source.as_deref(),
                bank.as_deref(),
                holder,
                amount,
                *json,
            )
            .await
        }
        Command::Billers { category, json } => {
            bills::billers(&open_wallet(&cli, false)?, category.as_deref(), *json).await
        }
        Command::Bill { action } => bills::bill(&open_wallet(&cli, false)?, action).await,
        Command::Bills { action } => bills::bills(&open_wallet(&cli, false)?, action).await,
        Command::Phone { action } => bills::phone(&open_wallet(&cli, false)?, action).await,
        Command::Paycode {
            action,
            png,
            once,
            json,
        } => {
            let wallet = open_wallet(&cli, false)?;
            match action {
                Some(a) => paycode::run(&wallet, a).await,
                None => {
                    let opts = paycode::ShowOptions {
                        png: png.as_deref(),
                        once: *once,
                        json: *json,
                    };
                    paycode::show(&wallet, opts).await
                }
            }
        }
        Command::Savings { action, json } => {
            savings::run(&open_wallet(&cli, false)?, action.as_ref(), *json).await
        }
        Command::Withdrawals { json } => {
            let list = open_wallet(&cli, false)?.withdrawals().await?;
            withdraw::print(&list, *json);
            Ok(())
        }
        Command::Payouts { action, json } => {
            withdraw::payouts(&open_wallet(&cli, false)?, action.as_ref(), *json).await
        }
        Command::Block { who, json } => {
            requests::block(&open_wallet(&cli, false)?, who, *json).await
        }
        Command::Sandbox { action } => people::sandbox(&open_wallet(&cli, false)?, action).await,
        Command::Recovery { action } => {
            let wallet = open_wallet(&cli, false)?;
            devices::recovery(&wallet, action).await
        }
        Command::Merchant { action } => {
            let confirm = matches!(action, merchant::MerchantAction::Init { .. });
            let wallet = open_wallet(&cli, confirm)?;
            let dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
            merchant::run(&wallet, &dir, action).await
        }
        Command::Pay {
            code,
            amount,
            yes,
            json,
        } => {
            let wallet = open_wallet(&cli, false)?;
            pay::run(&wallet, code, amount.as_deref(), *yes, *json).await
        }
        Command::Events { follow, json } => {
            let wallet = open_wallet(&cli, false)?;
            pay::events(&wallet, *follow, *json).await
        }
        Command::Reconcile => {
            let wallet = open_wallet(&cli, false)?;
            pay::reconcile(&wallet, false).await
        }
        Command::Unlock => {
            let wallet = open_wallet(&cli, false)?;
            wallet.unlock().await?;
            println!("Unlocked.");
            Ok(())
        }
        Command::Lock => {
            open_wallet(&cli, false)?.lock()?;
            println!("Locked.");
            Ok(())
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PURSE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let backend = cli.backend.clone();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", explain(&e, backend.as_deref()));
            std::process::ExitCode::FAILURE
        }
    }
}
