//! Rows as the API shows them: the one place that turns the ledger's rows into the wire
//! types of `purse_core::api::types`.

use purse_core::api::types::{
    Account, Device, FundingKind, FundingSource, Limits as WireLimits, Merchant, Notice, Order,
    Pairing, Payment, Payout, Recipient, Recovery,
};
use purse_core::money::Money;

use crate::ledger::devices::{NoticeRow, PairingRow, RecoveryRow};
use crate::ledger::limits::Limits;
use crate::ledger::rows::*;
use crate::ledger::withdrawals::PayoutRow;

pub fn account(a: &AccountRow) -> Account {
    Account {
        account_id: a.account_id.clone(),
        name: a.name.clone(),
        currency: a.currency,
        created_at: a.created_at,
    }
}

pub fn device(d: DeviceRow) -> Device {
    Device {
        device_id: d.device_id,
        name: d.name,
        public_key: d.public_key,
        created_at: d.created_at,
        revoked_at: d.revoked_at,
        restricted_until: d.restricted_until,
    }
}

/// An account as another sees it: its handle and masked name, never its contacts.
pub fn recipient(a: &AccountRow, handle: Option<String>) -> Recipient {
    Recipient {
        account_id: a.account_id.clone(),
        handle,
        masked_name: purse_core::people::mask_name(&a.name),
    }
}

pub fn notice(n: NoticeRow) -> Notice {
    Notice {
        cursor: n.seq,
        kind: n.kind,
        device_id: n.device_id,
        device_name: n.device_name,
        recovery_id: n.recovery_id,
        completes_at: n.completes_at,
        request_id: n.request_id,
        intent_id: n.intent_id,
        created_at: n.created_at,
    }
}

/// A pairing at `now`; `joined` is the account (and its newest notice) for the new device
/// once approved.
pub fn pairing(p: PairingRow, now: i64, joined: Option<(AccountRow, i64)>) -> Pairing {
    Pairing {
        state: p.state_at(now),
        pairing_id: p.pairing_id,
        device_id: p.device_id,
        device_name: p.device_name,
        device_public_key: p.device_public_key,
        payment_public_key: p.payment_public_key,
        created_at: p.created_at,
        expires_at: p.expires_at,
        notice_cursor: joined.as_ref().map(|(_, c)| *c),
        account: joined.map(|(a, _)| account(&a)),
    }
}

pub fn recovery(r: RecoveryRow, joined: Option<(AccountRow, i64)>) -> Recovery {
    Recovery {
        recovery_id: r.recovery_id,
        account_id: r.account_id,
        state: r.state,
        device_id: r.device_id,
        device_name: r.device_name,
        created_at: r.created_at,
        completes_at: r.completes_at,
        notice_cursor: joined.as_ref().map(|(_, c)| *c),
        account: joined.map(|(a, _)| account(&a)),
    }
}

pub fn funding_source(r: FundingRow) -> FundingSource {
    FundingSource {
        source_id: r.source_id,
        kind: r.kind,
        brand: r.brand,
        last4: r.last4,
        created_at: r.created_at,
    }
}

/// How a source appears in history: "Visa •••• 4242", "Bank DE •••• 3000".
pub fn source_label(r: &FundingRow) -> String {
    let brand = match r.brand.as_str() {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        "jcb" => "JCB",
        "unionpay" => "UnionPay",
        other if r.kind == FundingKind::Bank => return format!("Bank {other} •••• {}", r.last4),
        _ => "Card",
    };
    format!("{brand} •••• {}", r.last4)
}

/// A payout as it stands at `now`, its bank account shown by `source`'s label.
pub fn payout(p: PayoutRow, source: &FundingRow, now: i64) -> Payout {
    Payout {
        state: p.state_at(now),
        payout_id: p.payout_id,
        source_id: p.source_id,
        bank: source_label(source),
        amount: p.amount,
        created_at: p.created_at,
        expires_at: p.expires_at,
        withdrawal_id: p.withdrawal_id,
    }
}

/// The balance a history row leaves, zero on rows older than the column.
pub fn balance_after(r: &TxRow) -> Money {
    r.balance_after
        .unwrap_or(Money::zero(r.transaction.amount.currency))
}

pub fn merchant(m: &MerchantRow) -> Merchant {
    Merchant {
        merchant_id: m.merchant_id.clone(),
        account_id: m.account_id.clone(),
        display_name: m.display_name.clone(),
        city: m.city.clone(),
        mcc: m.mcc.clone(),
        currency: m.currency,
        webhook_url: m.webhook_url.clone(),
        static_payload: m.static_payload.clone(),
        created_at: m.created_at,
    }
}

/// An order as of `now` (a waiting order past its expiry shows as closed).
pub fn order(o: &OrderRow, now: i64) -> Order {
    Order {
        order_id: o.order_id.clone(),
        merchant_id: o.merchant_id.clone(),
        amount: o.amount,
        description: o.description.clone(),
        state: o.state_at(now),
        amount_refunded: o.amount_refunded,
        payload: o.payload.clone(),
        created_at: o.created_at,
        expires_at: o.expires_at,
        paid_at: o.paid_at,
        payment_id: o.payment_id.clone(),
    }
}

/// A payment as its payer sees it, from the payer's side of the ledger transaction.
pub fn payment(merchant: &MerchantRow, payment: &PaymentRow, payer_tx: TxRow) -> Payment {
    Payment {
        payment_id: payment.payment_id.clone(),
        intent_id: payment.intent_id.clone(),
        merchant_id: merchant.merchant_id.clone(),
        merchant_name: merchant.display_name.clone(),
        order_id: payment.order_id.clone(),
        amount: payment.amount,
        balance: balance_after(&payer_tx),
        created_at: payer_tx.transaction.created_at,
        transaction: payer_tx.transaction,
    }
}

pub fn limits(l: &Limits, spent_today: Money) -> WireLimits {
    WireLimits {
        per_payment: l.per_payment,
        per_day: l.per_day,
        max_per_payment: l.max_per_payment,
        max_per_day: l.max_per_day,
        spent_today,
    }
}
