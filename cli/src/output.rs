//! How results and errors read on the terminal and in `--json`.

use purse_core::api::ApiError;
use purse_core::api::types::{Transaction, TransactionPage};
use purse_core::text::escape_shown;
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

/// One transaction as `purse history` prints it. The counterparty and the description were
/// written by another user (a payer's name, a merchant's order or refund reason), so they
/// pass the core's escaper: nothing in them reaches the terminal as a control.
pub fn history_line(t: &Transaction) -> String {
    let sign = if t.amount.minor > 0 { "+" } else { "" };
    format!(
        "{:<20} {:>16}  {:<10} {:<28} {}",
        t.transaction_id,
        format!("{sign}{}", t.amount),
        t.status.as_str(),
        escape_shown(&t.counterparty),
        escape_shown(&t.description)
    )
}

pub fn print_history(page: &TransactionPage) {
    if page.data.is_empty() {
        println!("No transactions yet.");
        return;
    }
    for t in &page.data {
        println!("{}", history_line(t));
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

#[cfg(test)]
mod tests {
    use super::*;
    use purse_core::api::types::{TransactionKind, TransactionStatus};

    #[test]
    fn another_users_text_cannot_drive_the_terminal_or_forge_a_line() {
        let t = Transaction {
            transaction_id: "tx_1".into(),
            seq: 1,
            kind: TransactionKind::Refund,
            amount: Money::parse("2.34 CNY").unwrap(),
            counterparty: "\u{1b}[2J\u{1b}[HTea House".into(),
            description: "sorry\nBalance: 99999.00 CNY\u{202e}".into(),
            status: TransactionStatus::Completed,
            created_at: 0,
            order_id: None,
            intent_id: None,
        };
        let line = history_line(&t);
        assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
        assert!(!line.contains('\u{202e}'));
        assert!(line.contains("\\u{1b}[2J"), "{line}");
        assert!(line.contains("sorry\\u{a}Balance"), "{line}");
    }
}
