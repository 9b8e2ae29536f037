//! `purse demo`, act 15: bills and phone credit. Ada pays her electricity bill fetched by
//! its reference, scans a Swiss QR-bill (in francs, so it is quoted first) and pays it, and
//! tops up two phones: a fixed product at home, and an amount in rupees abroad.

use purse_core::api::types::Biller;
use purse_core::pay::BillOutcome;
use purse_core::text::escape_shown;
use purse_core::{Money, Wallet};

use crate::demo::step;

fn receipt(o: BillOutcome) -> anyhow::Result<purse_core::api::types::BillPayment> {
    match o {
        BillOutcome::Completed { bill_payment } => Ok(bill_payment),
        BillOutcome::Pending { intent_id } => anyhow::bail!("bill payment {intent_id} is pending"),
    }
}

/// The QR-bill an electricity company in Zurich prints on its invoice.
fn qr_bill() -> String {
    purse_core::paycode::qr_bill_text(
        "CH4431999123000889012",
        "ewz",
        "12.40",
        "CHF",
        "Ada Lovelace",
        "000000000003139471430009023",
    )
}

async fn operator(ada: &Wallet, number: &str) -> anyhow::Result<(String, Biller)> {
    let found = ada.topup_operators(number).await?;
    let id = found
        .suggested
        .ok_or_else(|| anyhow::anyhow!("no operator for {number}"))?;
    let op = found
        .operators
        .into_iter()
        .find(|o| o.biller_id == id)
        .ok_or_else(|| anyhow::anyhow!("operator {id} not listed"))?;
    Ok((found.number, op))
}

pub async fn bills_act(dir: &std::path::Path, ada: &Wallet) -> anyhow::Result<()> {
    step(15, "Bills and phone credit");
    let card = ada.link_card("5555 5555 5555 4444", 12, 2034).await?;
    ada.topup(&card.source_id, Money::parse("420.00 CNY")?)
        .await?;

    let grid = ada.biller("cn_state_grid").await?;
    let bill = ada.fetch_bill(&grid, "1000 0000 08").await?;
    println!(
        "    Ada fetches her electricity bill: {} due {} for {} (bill {})",
        bill.amount_due, bill.due_date, bill.customer_name, bill.bill_number
    );
    let paid = receipt(
        ada.pay_bill(
            &grid,
            &bill.reference,
            bill.amount_due,
            Some(bill.amount_due),
        )
        .await?,
    )?;
    println!(
        "    paid {} to {}: {}, confirmation {}",
        paid.amount,
        escape_shown(&paid.biller_name),
        paid.state.as_str(),
        paid.confirmation.as_deref().unwrap_or("-")
    );
    let typo = ada.fetch_bill(&grid, "1000 0000 09").await;
    if let Err(e) = typo {
        println!("    a typo in the reference is caught offline: {e}");
    }

    let png = dir.join("qr-bill.png");
    let payload = crate::demo::show_and_scan(&png, &qr_bill())?;
    let scanned = ada.scanned_bill(&payload).await?;
    let amount = scanned
        .amount
        .ok_or_else(|| anyhow::anyhow!("the QR-bill has no amount"))?;
    let quote = ada
        .quote_bill(&scanned.biller, &scanned.reference, None, Some(amount))
        .await?;
    println!(
        "    Ada scans a QR-bill ({}): {} to {}; in her currency {} (fee {})",
        png.display(),
        amount,
        escape_shown(&scanned.biller.name),
        quote.debit,
        quote.fee
    );
    let paid = receipt(ada.pay_quoted(&scanned.biller, &quote).await?)?;
    println!(
        "    paid {} ({}): {}",
        paid.amount,
        paid.biller_amount
            .map(|m| m.to_string())
            .unwrap_or_default(),
        paid.state.as_str()
    );

    let (number, mobile) = operator(ada, "+86 138 0013 8000").await?;
    let fixed = receipt(ada.topup_phone(&mobile, &number, "cm_50", None).await?)?;
    println!(
        "    top-up of {number} with {} (suggested by its prefix): {} {}",
        escape_shown(&mobile.name),
        fixed.amount,
        fixed.state.as_str()
    );
    let (number, airtel) = operator(ada, "+91 98765 43210").await?;
    let rupees = Money::parse_amount("150", airtel.currency)?;
    let quote = ada
        .quote_bill(&airtel, &number, Some("ai_any".into()), Some(rupees))
        .await?;
    let abroad = receipt(ada.pay_quoted(&airtel, &quote).await?)?;
    println!(
        "    top-up of {number} with {}: {} costs {}, {}",
        escape_shown(&airtel.name),
        rupees,
        abroad.amount,
        abroad.state.as_str()
    );
    for p in ada.sandbox_advance_billers().await? {
        if p.intent_id == fixed.intent_id || p.intent_id == abroad.intent_id {
            println!(
                "    the operator credits {}: {}",
                p.reference,
                p.state.as_str()
            );
        }
    }
    Ok(())
}
