//! `purse demo`, act 16: savings. Ada moves money into the money-market fund, eight days
//! pass on the fund's calendar (the backend's own daily job accrues each), she reads her
//! income and the 7-day yield, and takes money out: instantly up to the day's cap, the rest
//! on the next business day.

use std::time::Duration;

use purse_backend::clock::Clock;
use purse_core::api::types::{Savings, SavingsMove};
use purse_core::calendar::{day_of, iso_date};
use purse_core::pay::SavingsOutcome;
use purse_core::savings::{format_per_10k, format_yield_ppm};
use purse_core::{Money, Wallet};

use crate::demo::step;

const DAY: i64 = 86_400;

fn moved(o: SavingsOutcome) -> anyhow::Result<SavingsMove> {
    match o {
        SavingsOutcome::Completed { savings_move } => Ok(savings_move),
        SavingsOutcome::Pending { intent_id } => {
            anyhow::bail!("savings move {intent_id} is pending")
        }
    }
}

/// Waits for the backend's daily job to accrue through the fund's yesterday.
async fn accrued(ada: &Wallet, clock: &Clock) -> anyhow::Result<Savings> {
    let yesterday = iso_date(day_of(clock.now()) - 1);
    for _ in 0..400 {
        let s = ada.savings().await?;
        if s.returns.first().is_some_and(|d| d.date == yesterday) {
            return Ok(s);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    anyhow::bail!("the daily job did not accrue {yesterday}")
}

pub async fn savings_act(ada: &Wallet, clock: &Clock) -> anyhow::Result<()> {
    step(
        16,
        "Savings: a money-market fund beside the wallet, with a daily yield",
    );
    let card = ada.link_card("4000 0566 5566 5556", 12, 2034).await?;
    ada.topup(&card.source_id, Money::parse("20000.00 CNY")?)
        .await?;
    let m = moved(ada.savings_in(Money::parse("20000.00 CNY")?).await?)?;
    println!(
        "    Ada moves {} into savings (fingerprint): it earns from {}; balance {}",
        m.amount,
        m.earns_from.as_deref().unwrap_or("tomorrow"),
        m.balance
    );
    clock.advance(8 * DAY);
    let s = accrued(ada, clock).await?;
    println!("    eight days pass on the fund's calendar; the backend's daily job accrues each");
    if let Some(d) = s.returns.first() {
        println!(
            "    yesterday ({}): {} per 10,000 shares, Ada's income {}",
            d.date,
            format_per_10k(d.per_10k),
            s.yesterday_income
        );
    }
    println!(
        "    savings {} after {} of income; 7-day annualized yield {}",
        s.balance,
        s.total_income,
        s.seven_day_yield_ppm
            .map(format_yield_ppm)
            .unwrap_or_else(|| "not yet".into())
    );
    let out = moved(ada.savings_out(Money::parse("5000.00 CNY")?).await?)?;
    println!(
        "    she takes {} out instantly: balance {}, savings {}",
        out.amount, out.balance, out.savings_balance
    );
    let out = moved(ada.savings_out(Money::parse("6000.00 CNY")?).await?)?;
    println!(
        "    and {} more: {} now (the day's instant cap is {}), {} on {}",
        out.amount,
        out.instant,
        s.instant_cap,
        out.standard,
        out.settles_on.as_deref().unwrap_or("the next business day")
    );
    Ok(())
}
