//! `purse demo`, act 14: money between people. Ada sends Bo money by his handle; Bo asks
//! her for money and she pays it from her inbox; Bo shows his receive code, Ada scans the
//! picture and pays it; Bo withdraws to his banks, and one withdrawal comes back.

use purse_core::pay::TransferOutcome;
use purse_core::text::escape_shown;
use purse_core::{Currency, Money, Wallet};

use crate::demo::{new_phone, step};

fn sent(o: TransferOutcome) -> anyhow::Result<purse_core::api::types::Transfer> {
    match o {
        TransferOutcome::Completed { transfer } => Ok(transfer),
        TransferOutcome::Pending { intent_id } => anyhow::bail!("transfer {intent_id} is pending"),
    }
}

pub async fn people_act(dir: &std::path::Path, backend: &str, ada: &Wallet) -> anyhow::Result<()> {
    step(14, "Money between people: Ada and Bo");
    let bo = new_phone(&dir.join("bo"), backend, "bo's passphrase")?;
    bo.enroll("Bo Li", Currency::from_code("CNY")?, "Bo's phone")
        .await?;
    bo.set_handle("$bo_li").await?;
    ada.set_handle("$ada").await?;

    let r = ada.find_recipient("$bo_li").await?;
    println!(
        "    Ada looks up $bo_li: the backend says {} {} (never his phone or email)",
        r.masked_name,
        r.handle.as_deref().unwrap_or_default()
    );
    let t = sent(ada.send(&r, Money::parse("10.00 CNY")?, "lunch").await?)?;
    println!(
        "    Ada sends {} with the note \"{}\" (the payment key signed it); her balance {}",
        t.amount, t.note, t.balance
    );

    let ada_seen = bo.find_recipient("$ada").await?;
    let asked = bo
        .request_money(&ada_seen, Money::parse("6.00 CNY")?, "cinema")
        .await?;
    println!(
        "    Bo asks {} for {} (\"{}\"): a request moves no money by itself",
        ada_seen.masked_name, asked.amount, asked.note
    );
    for n in ada.poll_events(0).await?.notices {
        println!(
            "    Ada's phone: {} from {}",
            n.kind.as_str(),
            n.device_name
        );
    }
    let inbox = ada.requests(true).await?;
    let request = inbox
        .first()
        .ok_or_else(|| anyhow::anyhow!("the request did not arrive"))?;
    let t = sent(ada.pay_request(request).await?)?;
    println!(
        "    Ada pays it from her inbox: {}; her balance {}",
        t.amount, t.balance
    );

    let code = bo
        .receive_code(Some(Money::parse("2.50 CNY")?), Some("coffee"))
        .await?;
    let png = dir.join("bo-receive.png");
    let payload = &crate::demo::show_and_scan(&png, &code.payload)?;
    let q = ada.resolve_person(payload).await?;
    println!(
        "    Bo shows his receive code ({}); Ada scans it: pay {} to {} {} for \"{}\"{}",
        png.display(),
        q.claimed_amount.map(|a| a.to_string()).unwrap_or_default(),
        q.recipient.masked_name,
        q.recipient.handle.as_deref().unwrap_or_default(),
        q.note.as_deref().unwrap_or_default(),
        if q.name_mismatch {
            " — the code names someone else!"
        } else {
            ", verified by the backend"
        }
    );
    let amount = q
        .claimed_amount
        .ok_or_else(|| anyhow::anyhow!("the code asks for no amount"))?;
    sent(
        ada.send(&q.recipient, amount, q.note.as_deref().unwrap_or_default())
            .await?,
    )?;
    // Bo withdraws to two bank accounts; the sandbox bank returns what goes to one ending 0003.
    let main = bo.link_bank("DE89 3704 0044 0532 0130 00", "Bo Li").await?;
    let odd = bo.link_bank("DE13 3704 0044 0532 0100 03", "Bo Li").await?;
    for (source, amount) in [(&main, "5.00 CNY"), (&odd, "3.00 CNY")] {
        if let purse_core::pay::WithdrawOutcome::Completed { withdrawal } = bo
            .withdraw(&source.source_id, Money::parse(amount)?)
            .await?
        {
            println!(
                "    Bo withdraws {} to Bank •••• {}: held now; balance {}",
                withdrawal.amount, source.last4, withdrawal.balance
            );
        }
    }
    for w in bo.sandbox_settle_withdrawals().await? {
        println!("    the bank settles {}: {}", w.amount, w.state.as_str());
    }
    bo.sync_history().await?;
    println!("    Bo's balance: {}", bo.balance().await?);
    for tx in bo.history(10, None)?.data {
        println!(
            "    Bo's history: {:<12} {:>10}  {}  {}",
            tx.kind.as_str(),
            tx.amount.to_string(),
            escape_shown(&tx.counterparty),
            escape_shown(&tx.description)
        );
    }
    Ok(())
}
