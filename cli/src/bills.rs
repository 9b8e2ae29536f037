//! `purse billers`, `purse bill ...`, `purse bills ...`, `purse phone topup`: bills and phone
//! credit. The rules (references, amounts, products, quotes) are the core's; this file only
//! decides what to ask for and prints what came back.

use anyhow::{Context, bail};
use clap::Subcommand;
use purse_core::api::types::{BillPayment, BillQuote, Biller, BillerCategory, ProductPrice};
use purse_core::pay::BillOutcome;
use purse_core::text::escape_shown;
use purse_core::{Money, Wallet};
use serde_json::json;

use crate::output::money_json;

#[derive(Subcommand)]
pub enum BillAction {
    /// What a biller says is due for your reference.
    Fetch {
        biller: String,
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Pay a bill: the amount due when the biller says it, or --amount (in the biller's
    /// currency; another currency than the wallet's is quoted first).
    Pay {
        biller: String,
        reference: String,
        #[arg(long)]
        amount: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Pay a scanned Swiss QR-bill or EPC code whose creditor is a registered biller.
    Scan {
        /// The code's text, or an image file of it.
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Save a biller and reference to pay again.
    Save {
        biller: String,
        reference: String,
        #[arg(long)]
        nickname: String,
    },
}

#[derive(Subcommand)]
pub enum BillsAction {
    /// The billers you saved.
    Saved {
        #[arg(long)]
        json: bool,
    },
    /// Your saved billers with what each says is due now.
    Due {
        #[arg(long)]
        json: bool,
    },
    /// Your bill payments and top-ups (receipts).
    History {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum PhoneAction {
    /// Top up a mobile number: a product, or an amount on the operator's range product.
    Topup {
        number: String,
        #[arg(long, conflicts_with = "amount", required_unless_present = "amount")]
        product: Option<String>,
        /// In the operator's currency.
        #[arg(long)]
        amount: Option<String>,
        /// The operator, when the suggested one is not yours (numbers move).
        #[arg(long)]
        operator: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn billers(wallet: &Wallet, category: Option<&str>, as_json: bool) -> anyhow::Result<()> {
    let category = match category {
        Some(c) => Some(BillerCategory::parse(c).with_context(|| {
            let all: Vec<&str> = BillerCategory::ALL.iter().map(|c| c.as_str()).collect();
            format!("no category {c:?}; one of {}", all.join(", "))
        })?),
        None => None,
    };
    let list = wallet.billers(category).await?;
    if as_json {
        println!("{}", json!({ "data": list }));
        return Ok(());
    }
    for b in &list {
        println!(
            "{:<20} {:<16} {} {}  {}  ({})",
            b.biller_id,
            b.category.as_str(),
            b.country,
            b.currency,
            escape_shown(&b.name),
            escape_shown(&b.reference.label)
        );
    }
    Ok(())
}

fn receipt_json(p: &BillPayment) -> serde_json::Value {
    json!({
        "bill_payment_id": p.bill_payment_id,
        "intent_id": p.intent_id,
        "biller_id": p.biller_id,
        "reference": p.reference,
        "state": p.state.as_str(),
        "amount": money_json(p.amount),
        "biller_amount": p.biller_amount.map(money_json),
        "confirmation": p.confirmation,
        "failure": p.failure,
        "balance": money_json(p.balance),
    })
}

fn print_receipt(outcome: BillOutcome, as_json: bool) -> anyhow::Result<()> {
    let p = match outcome {
        BillOutcome::Completed { bill_payment } => bill_payment,
        BillOutcome::Pending { intent_id } => bail!(
            "no answer from the backend: payment {intent_id} is pending, not failed; \
             the next command settles it"
        ),
    };
    if as_json {
        println!("{}", receipt_json(&p));
        return Ok(());
    }
    let paid = match p.biller_amount {
        Some(b) => format!("{} ({b})", p.amount),
        None => p.amount.to_string(),
    };
    let how = match (&p.confirmation, p.state.as_str()) {
        (Some(c), _) => format!("completed, confirmation {c}"),
        (None, state) => format!("{state}: the biller confirms it later"),
    };
    println!(
        "Paid {paid} to {} for {} ({how}). Balance: {}",
        escape_shown(&p.biller_name),
        p.reference,
        p.balance
    );
    Ok(())
}

fn print_quote(q: &BillQuote, biller: &Biller) {
    eprintln!(
        "{} is paid in {}: {} costs {} ({} at {} per unit, fee {}), held until {}",
        escape_shown(&biller.name),
        biller.currency,
        q.biller_amount,
        q.debit,
        q.debit.checked_sub(q.fee).unwrap_or(q.debit),
        rate(q.rate_micros),
        q.fee,
        q.expires_at
    );
}

/// A rate in millionths as a decimal ("0.122000").
fn rate(micros: i64) -> String {
    format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
}

pub async fn bill(wallet: &Wallet, action: &BillAction) -> anyhow::Result<()> {
    match action {
        BillAction::Fetch {
            biller,
            reference,
            json: as_json,
        } => {
            let biller = wallet.biller(biller).await?;
            let bill = wallet.fetch_bill(&biller, reference).await?;
            if *as_json {
                println!(
                    "{}",
                    json!({
                        "biller_id": bill.biller_id,
                        "reference": bill.reference,
                        "amount_due": money_json(bill.amount_due),
                        "due_date": bill.due_date,
                        "bill_number": bill.bill_number,
                        "customer_name": bill.customer_name,
                    })
                );
            } else {
                println!(
                    "{}: {} due {} (bill {}, {})",
                    escape_shown(&biller.name),
                    bill.amount_due,
                    bill.due_date,
                    escape_shown(&bill.bill_number),
                    escape_shown(&bill.customer_name)
                );
            }
            Ok(())
        }
        BillAction::Pay {
            biller,
            reference,
            amount,
            json: as_json,
        } => {
            let biller = wallet.biller(biller).await?;
            let typed = match amount {
                Some(a) => Some(Money::parse_amount(a, biller.currency)?),
                None => None,
            };
            let outcome = pay(wallet, &biller, reference, typed).await?;
            print_receipt(outcome, *as_json)
        }
        BillAction::Scan {
            code,
            json: as_json,
        } => {
            let payload = crate::pay::payload_of(code)?;
            let scanned = wallet.scanned_bill(&payload).await?;
            eprintln!(
                "A bill of {} (the code names {}), reference {}",
                escape_shown(&scanned.biller.name),
                escape_shown(&scanned.creditor_name),
                scanned.reference
            );
            let outcome = pay(wallet, &scanned.biller, &scanned.reference, scanned.amount).await?;
            print_receipt(outcome, *as_json)
        }
        BillAction::Save {
            biller,
            reference,
            nickname,
        } => {
            let biller = wallet.biller(biller).await?;
            let saved = wallet.save_biller(&biller, reference, nickname).await?;
            println!(
                "Saved {} as {:?} ({})",
                saved.reference,
                escape_shown(&saved.nickname),
                saved.saved_id
            );
            Ok(())
        }
    }
}

/// Pays `biller`: the fetched amount due unless one is given, quoted first when the biller
/// is paid in another currency.
async fn pay(
    wallet: &Wallet,
    biller: &Biller,
    reference: &str,
    amount: Option<Money>,
) -> anyhow::Result<BillOutcome> {
    let due = if purse_core::bills::needs_bill(biller, amount.is_some()) {
        Some(wallet.fetch_bill(biller, reference).await?.amount_due)
    } else {
        None
    };
    let Some(amount) = amount.or(due) else {
        bail!("this biller cannot say what is due: pass --amount");
    };
    let currency = wallet
        .account()?
        .map(|a| a.currency)
        .context("no wallet here")?;
    if biller.currency == currency {
        return Ok(wallet.pay_bill(biller, reference, amount, due).await?);
    }
    let quote = wallet
        .quote_bill(biller, reference, None, Some(amount))
        .await?;
    print_quote(&quote, biller);
    Ok(wallet.pay_quoted(biller, &quote).await?)
}

pub async fn bills(wallet: &Wallet, action: &BillsAction) -> anyhow::Result<()> {
    match action {
        BillsAction::Saved { json: as_json } => {
            let saved = wallet.saved_billers().await?;
            if *as_json {
                println!("{}", json!({ "data": saved }));
            } else {
                for s in &saved {
                    println!(
                        "{}  {:<16} {:<20} {}",
                        s.saved_id,
                        escape_shown(&s.nickname),
                        s.biller_id,
                        s.reference
                    );
                }
            }
        }
        BillsAction::Due { json: as_json } => {
            let due = wallet.due_bills().await?;
            if *as_json {
                println!("{}", json!({ "data": due }));
            } else {
                for d in &due {
                    let what = match (&d.bill, &d.problem) {
                        (Some(b), _) => format!("{} due {}", b.amount_due, b.due_date),
                        (None, Some(p)) => format!("no bill ({p})"),
                        (None, None) => "no bill".into(),
                    };
                    println!("{:<16} {}", escape_shown(&d.saved.nickname), what);
                }
            }
        }
        BillsAction::History { json: as_json } => {
            let list = wallet.bill_payments().await?;
            if *as_json {
                let data: Vec<_> = list.iter().map(receipt_json).collect();
                println!("{}", json!({ "data": data }));
            } else {
                for p in &list {
                    println!(
                        "{}  {:<9} {:>12}  {}  {}",
                        p.bill_payment_id,
                        p.state.as_str(),
                        p.amount.to_string(),
                        escape_shown(&p.biller_name),
                        p.confirmation
                            .as_deref()
                            .or(p.failure.as_deref())
                            .unwrap_or("")
                    );
                }
            }
        }
    }
    Ok(())
}

pub async fn phone(wallet: &Wallet, action: &PhoneAction) -> anyhow::Result<()> {
    let PhoneAction::Topup {
        number,
        product,
        amount,
        operator,
        json: as_json,
    } = action;
    let found = wallet.topup_operators(number).await?;
    let operator_id = operator
        .clone()
        .or(found.suggested.clone())
        .context("no operator is known for this number: pass --operator")?;
    let Some(op) = found
        .operators
        .iter()
        .find(|o| o.biller_id == operator_id)
        .cloned()
    else {
        let ids: Vec<&str> = found
            .operators
            .iter()
            .map(|o| o.biller_id.as_str())
            .collect();
        bail!(
            "{operator_id} does not serve {}; try one of {}",
            found.number,
            ids.join(", ")
        );
    };
    let amount = match amount {
        Some(a) => Some(Money::parse_amount(a, op.currency)?),
        None => None,
    };
    let product_id = match product {
        Some(p) => p.clone(),
        None => op
            .products
            .iter()
            .find(|p| matches!(p.price, ProductPrice::Range { .. }))
            .map(|p| p.product_id.clone())
            .context("this operator sells fixed products only: pass --product")?,
    };
    eprintln!(
        "Topping up {} with {}",
        found.number,
        escape_shown(&op.name)
    );
    let currency = wallet
        .account()?
        .map(|a| a.currency)
        .context("no wallet here")?;
    let outcome = if op.currency == currency {
        wallet
            .topup_phone(&op, &found.number, &product_id, amount)
            .await?
    } else {
        let quote = wallet
            .quote_bill(&op, &found.number, Some(product_id), amount)
            .await?;
        print_quote(&quote, &op);
        wallet.pay_quoted(&op, &quote).await?
    };
    print_receipt(outcome, *as_json)
}
