//! Column lists, as macros so that each query is one literal the statement cache keys on.
//! Declared before the modules that use them.

macro_rules! device_cols {
    () => {
        "device_id, account_id, name, public_key, payment_public_key, created_at, revoked_at,
         restricted_until"
    };
}
macro_rules! account_cols {
    () => {
        "account_id, name, currency, created_at, limit_per_payment, limit_per_day"
    };
}
macro_rules! merchant_from {
    () => {
        "m.merchant_id, m.account_id, m.display_name, m.city, m.mcc, m.webhook_url,
         m.webhook_secret, m.static_payload, m.created_at, a.currency
         FROM merchants m JOIN accounts a ON a.account_id = m.account_id"
    };
}
macro_rules! order_cols {
    () => {
        "order_id, merchant_id, amount, currency, description, kind, state, amount_refunded,
         payload, created_at, expires_at, paid_at, payment_id, payer_account_id"
    };
}
macro_rules! payment_cols {
    () => {
        "payment_id, intent_id, payer_account_id, merchant_id, order_id, amount, currency,
         transaction_id, created_at"
    };
}
macro_rules! history_from {
    () => {
        "t.transaction_id, t.seq, t.kind, p.amount, p.currency, p.counterparty,
         t.description, t.status, t.created_at, t.order_id, t.intent_id, p.balance_after
         FROM postings p JOIN ledger_transactions t ON t.seq = p.seq"
    };
}
macro_rules! delivery_from {
    () => {
        "d.message_id, d.merchant_id, d.event_type, d.body, d.attempts, d.created_at,
         d.delivered_at, d.last_error, m.webhook_url, m.webhook_secret
         FROM webhook_deliveries d JOIN merchants m ON m.merchant_id = d.merchant_id"
    };
}
macro_rules! funding_cols {
    () => {
        "source_id, account_id, kind, brand, last4, behaviour, created_at"
    };
}
macro_rules! pairing_cols {
    () => {
        "pairing_id, secret, device_id, device_name, device_public_key, payment_public_key,
         state, created_at, expires_at, account_id, approved_by, approved_at"
    };
}
macro_rules! recovery_key_cols {
    () => {
        "account_id, lookup, public_key, kdf_algorithm, kdf_memory_kib, kdf_passes, kdf_salt,
         created_at"
    };
}
macro_rules! recovery_cols {
    () => {
        "recovery_id, account_id, device_id, device_name, device_public_key, payment_public_key,
         state, created_at, completes_at, finished_at, cancelled_by"
    };
}
macro_rules! notice_cols {
    () => {
        "seq, account_id, kind, device_id, device_name, recovery_id, completes_at, request_id, intent_id,
         created_at"
    };
}
