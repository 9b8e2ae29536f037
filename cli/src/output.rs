//! How results and errors read on the terminal and in `--json`.

use purse_core::api::ApiError;
use purse_core::api::types::{Transaction, TransactionPage};
use purse_core::{Money, WalletError};
use serde_json::{Value, json};

/// `100.00 CNY`, or `100.00` in the wallet's currency.
pub fn amount_of(wallet: &purse_core::Wallet, text: &str) -> anyhow::Result<Money> {
    if let Ok(m) = Money::parse(text) {
        return Ok(m);
    }
    let account = wallet.account()?.ok_or(WalletError::NotEnrolled)?;
    Ok(Money::parse_amount(text, account.currency)?)
}

pub fn money_json(m: Money) -> Value {
    json!({
        "minor": m.minor,
        "currency": m.currency.code(),
        "amount": m.amount_string(),
        "formatted": m.to_string(),
    })
}

pub fn transaction_json(t: &Transaction) -> Value {
    json!({
        "transaction_id": t.transaction_id,
        "seq": t.seq,
        "kind": t.kind.as_str(),
        "amount": money_json(t.amount),
        "counterparty": t.counterparty,
        "description": t.description,
        "status": t.status.as_str(),
        "state": t.status.as_str(),
        "created_at": t.created_at,
        "order_id": t.order_id,
        "intent_id": t.intent_id,
    })
}

pub fn history_json(page: &TransactionPage) -> Value {
    json!({
        "data": page.data.iter().map(transaction_json).collect::<Vec<_>>(),
        "has_more": page.has_more,
    })
}

pub fn print_history(page: &TransactionPage) {
    if page.data.is_empty() {
        println!("No transactions yet.");
        return;
    }
    for t in &page.data {
        let sign = if t.amount.minor > 0 { "+" } else { "" };
        println!(
            "{:<20} {:>16}  {:<10} {:<28} {}",
            t.transaction_id,
            format!("{sign}{}", t.amount),
            t.status.as_str(),
            t.counterparty,
            t.description
        );
    }
    if page.has_more {
        println!(
            "(more: --starting-after {})",
            page.data
                .last()
                .map(|t| t.transaction_id.as_str())
                .unwrap_or("")
        );
    }
}

/// One clear sentence for every error a person can cause, and what to do about it.
pub fn explain(e: &anyhow::Error, backend: Option<&str>) -> String {
    let Some(w) = e.downcast_ref::<WalletError>() else {
        return format!("{e:#}");
    };
    match w {
        WalletError::VerificationFailed(m) if m.contains("passphrase") => "wrong passphrase".into(),
        WalletError::NotEnrolled => {
            "no wallet in this data directory yet: create one with `purse init --name NAME`".into()
        }
        WalletError::NoBackend => {
            "no backend: pass --backend URL or set PURSE_BACKEND (start one with `purse backend`)"
                .into()
        }
        WalletError::Declined {
            decline_code,
            message,
            ..
        } => with_request_id(
            match decline_code {
                Some(code) => format!("declined: {message} [{code}]"),
                None => format!("declined: {message}"),
            },
            w,
        ),
        WalletError::Api(ApiError::Network { .. }) | WalletError::Api(ApiError::Timeout) => {
            format!(
                "cannot reach the backend{}: is it running? (start one with `purse backend`)",
                backend.map(|b| format!(" at {b}")).unwrap_or_default()
            )
        }
        other => with_request_id(other.to_string(), other),
    }
}

/// Ends a refusal with the backend's request id: what a user quotes to support.
fn with_request_id(text: String, e: &WalletError) -> String {
    match e.request_id() {
        Some(id) => format!("{text} (request {id})"),
        None => text,
    }
}
