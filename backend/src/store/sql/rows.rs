//! Rows read by column name, with typed states and `Money`. A value the types refuse (an
//! unknown currency, state or kind) is a conversion error naming its column.

use super::conn::SqlRow;
use crate::ledger::StoreError;
use crate::ledger::tx::Result;
use purse_core::api::types::{
    FundingKind, NoticeKind, OrderState, PairingState, RecoveryKdf, RecoveryState, Transaction,
    TransactionKind, TransactionStatus,
};
use purse_core::money::{Currency, Money};

use crate::funding::Behaviour;
use crate::ledger::devices::*;
use crate::ledger::rows::*;

/// A text column that a type parses, or a conversion error naming the column.
pub(super) fn parsed<T>(
    r: &dyn SqlRow,
    col: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T> {
    let text: String = r.get(col)?;
    parse(&text).ok_or_else(|| StoreError::Corrupt(format!("{col} {text:?} is not known")))
}

pub fn currency(r: &dyn SqlRow, col: &str) -> Result<Currency> {
    parsed(r, col, |c| Currency::from_code(c).ok())
}

fn money(r: &dyn SqlRow, col: &str, currency: Currency) -> Result<Money> {
    Ok(Money::new(r.get(col)?, currency))
}

fn opt_money(r: &dyn SqlRow, col: &str, currency: Currency) -> Result<Option<Money>> {
    Ok(r.get::<Option<i64>>(col)?.map(|m| Money::new(m, currency)))
}

pub fn account(r: &dyn SqlRow) -> Result<AccountRow> {
    let c = currency(r, "currency")?;
    Ok(AccountRow {
        account_id: r.get("account_id")?,
        name: r.get("name")?,
        currency: c,
        created_at: r.get("created_at")?,
        limit_per_payment: opt_money(r, "limit_per_payment", c)?,
        limit_per_day: opt_money(r, "limit_per_day", c)?,
    })
}

pub fn device(r: &dyn SqlRow) -> Result<DeviceRow> {
    Ok(DeviceRow {
        device_id: r.get("device_id")?,
        account_id: r.get("account_id")?,
        name: r.get("name")?,
        public_key: r.get("public_key")?,
        payment_public_key: r.get("payment_public_key")?,
        created_at: r.get("created_at")?,
        revoked_at: r.get("revoked_at")?,
        restricted_until: r.get("restricted_until")?,
    })
}

pub fn pairing(r: &dyn SqlRow) -> Result<PairingRow> {
    Ok(PairingRow {
        pairing_id: r.get("pairing_id")?,
        secret: r.get("secret")?,
        device_id: r.get("device_id")?,
        device_name: r.get("device_name")?,
        device_public_key: r.get("device_public_key")?,
        payment_public_key: r.get("payment_public_key")?,
        state: parsed(r, "state", PairingState::parse)?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
        account_id: r.get("account_id")?,
        approved_by: r.get("approved_by")?,
        approved_at: r.get("approved_at")?,
    })
}

pub fn recovery_key(r: &dyn SqlRow) -> Result<RecoveryKeyRow> {
    Ok(RecoveryKeyRow {
        account_id: r.get("account_id")?,
        lookup: r.get("lookup")?,
        public_key: r.get("public_key")?,
        kdf: RecoveryKdf {
            algorithm: r.get("kdf_algorithm")?,
            memory_kib: r.get("kdf_memory_kib")?,
            passes: r.get("kdf_passes")?,
            salt: r.get("kdf_salt")?,
        },
        created_at: r.get("created_at")?,
    })
}

pub fn recovery(r: &dyn SqlRow) -> Result<RecoveryRow> {
    Ok(RecoveryRow {
        recovery_id: r.get("recovery_id")?,
        account_id: r.get("account_id")?,
        device_id: r.get("device_id")?,
        device_name: r.get("device_name")?,
        device_public_key: r.get("device_public_key")?,
        payment_public_key: r.get("payment_public_key")?,
        state: parsed(r, "state", RecoveryState::parse)?,
        created_at: r.get("created_at")?,
        completes_at: r.get("completes_at")?,
        finished_at: r.get("finished_at")?,
        cancelled_by: r.get("cancelled_by")?,
    })
}

pub fn notice(r: &dyn SqlRow) -> Result<NoticeRow> {
    Ok(NoticeRow {
        seq: r.get("seq")?,
        account_id: r.get("account_id")?,
        kind: parsed(r, "kind", NoticeKind::parse)?,
        device_id: r.get("device_id")?,
        device_name: r.get("device_name")?,
        recovery_id: r.get("recovery_id")?,
        completes_at: r.get("completes_at")?,
        request_id: r.get("request_id")?,
        intent_id: r.get("intent_id")?,
        created_at: r.get("created_at")?,
    })
}

pub fn funding_kind(kind: FundingKind) -> &'static str {
    match kind {
        FundingKind::Card => "card",
        FundingKind::Bank => "bank",
    }
}

pub fn funding(r: &dyn SqlRow) -> Result<FundingRow> {
    Ok(FundingRow {
        source_id: r.get("source_id")?,
        account_id: r.get("account_id")?,
        kind: parsed(r, "kind", |k| {
            [FundingKind::Card, FundingKind::Bank]
                .into_iter()
                .find(|f| funding_kind(*f) == k)
        })?,
        brand: r.get("brand")?,
        last4: r.get("last4")?,
        behaviour: Behaviour::decode(&r.get::<String>("behaviour")?),
        created_at: r.get("created_at")?,
    })
}

pub fn stored_response(r: &dyn SqlRow) -> Result<StoredResponse> {
    let status: i64 = r.get("status")?;
    Ok(StoredResponse {
        request_hash: r.get("request_hash")?,
        status: u16::try_from(status)
            .map_err(|_| StoreError::Corrupt(format!("status {status}")))?,
        body: r.get("body")?,
    })
}

pub fn merchant(r: &dyn SqlRow) -> Result<MerchantRow> {
    Ok(MerchantRow {
        merchant_id: r.get("merchant_id")?,
        account_id: r.get("account_id")?,
        display_name: r.get("display_name")?,
        city: r.get("city")?,
        mcc: r.get("mcc")?,
        currency: currency(r, "currency")?,
        webhook_url: r.get("webhook_url")?,
        webhook_secret: r.get("webhook_secret")?,
        static_payload: r.get("static_payload")?,
        created_at: r.get("created_at")?,
    })
}

pub fn order(r: &dyn SqlRow) -> Result<OrderRow> {
    let c = currency(r, "currency")?;
    Ok(OrderRow {
        order_id: r.get("order_id")?,
        merchant_id: r.get("merchant_id")?,
        amount: money(r, "amount", c)?,
        description: r.get("description")?,
        kind: parsed(r, "kind", OrderKind::parse)?,
        state: parsed(r, "state", OrderState::parse)?,
        amount_refunded: money(r, "amount_refunded", c)?,
        payload: r.get("payload")?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
        paid_at: r.get("paid_at")?,
        payment_id: r.get("payment_id")?,
        payer_account_id: r.get("payer_account_id")?,
    })
}

pub fn payment(r: &dyn SqlRow) -> Result<PaymentRow> {
    Ok(PaymentRow {
        payment_id: r.get("payment_id")?,
        intent_id: r.get("intent_id")?,
        payer_account_id: r.get("payer_account_id")?,
        merchant_id: r.get("merchant_id")?,
        order_id: r.get("order_id")?,
        amount: money(r, "amount", currency(r, "currency")?)?,
        transaction_id: r.get("transaction_id")?,
        created_at: r.get("created_at")?,
    })
}

pub fn history(r: &dyn SqlRow) -> Result<TxRow> {
    let c = currency(r, "currency")?;
    let amount = money(r, "amount", c)?;
    Ok(TxRow {
        transaction: Transaction {
            transaction_id: r.get("transaction_id")?,
            seq: r.get("seq")?,
            kind: parsed(r, "kind", TransactionKind::parse)?.seen_by(amount.minor),
            amount,
            counterparty: r.get("counterparty")?,
            description: r.get("description")?,
            status: parsed(r, "status", TransactionStatus::parse)?,
            created_at: r.get("created_at")?,
            order_id: r.get("order_id")?,
            intent_id: r.get("intent_id")?,
        },
        balance_after: opt_money(r, "balance_after", c)?,
    })
}

pub fn delivery(r: &dyn SqlRow) -> Result<DeliveryRow> {
    Ok(DeliveryRow {
        message_id: r.get("message_id")?,
        merchant_id: r.get("merchant_id")?,
        event_type: r.get("event_type")?,
        body: r.get("body")?,
        attempts: r.get("attempts")?,
        url: r.get("webhook_url")?,
        secret: r.get("webhook_secret")?,
        created_at: r.get("created_at")?,
        delivered_at: r.get("delivered_at")?,
        last_error: r.get("last_error")?,
    })
}
