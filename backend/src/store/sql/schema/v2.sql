-- Schema version 2: merchants, orders, payments, refunds, limits, events, webhooks.

-- Spending limits an account chose; NULL means the backend's maximum.
ALTER TABLE accounts ADD COLUMN limit_per_payment BIGINT;
ALTER TABLE accounts ADD COLUMN limit_per_day BIGINT;

-- What a ledger transaction belongs to, so each side's history and event stream can say.
ALTER TABLE ledger_transactions ADD COLUMN order_id TEXT;
ALTER TABLE ledger_transactions ADD COLUMN intent_id TEXT;
-- The ledger account's balance right after the posting: events carry it.
ALTER TABLE postings ADD COLUMN balance_after BIGINT;

CREATE TABLE merchants (
    merchant_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE REFERENCES accounts (account_id),
    display_name TEXT NOT NULL,
    city TEXT NOT NULL,
    mcc TEXT NOT NULL,
    webhook_url TEXT,
    webhook_secret TEXT NOT NULL,
    static_payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE orders (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL UNIQUE,
    merchant_id TEXT NOT NULL REFERENCES merchants (merchant_id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('dynamic', 'static')),
    -- 'waiting' past expires_at reads as closed.
    state TEXT NOT NULL CHECK (state IN ('waiting', 'paid', 'closed', 'refunded')),
    amount_refunded BIGINT NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0 AND amount_refunded <= amount),
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    paid_at BIGINT,
    payment_id TEXT,
    payer_account_id TEXT
);
CREATE INDEX orders_by_merchant ON orders (merchant_id, seq);

-- One row per settled payment. The unique intent makes "paid at most once" hold for as long
-- as the ledger exists, not only while the idempotency record is kept.
CREATE TABLE payments (
    payment_id TEXT PRIMARY KEY,
    intent_id TEXT NOT NULL,
    payer_account_id TEXT NOT NULL REFERENCES accounts (account_id),
    merchant_id TEXT NOT NULL REFERENCES merchants (merchant_id),
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (payer_account_id, intent_id)
);

CREATE TABLE refunds (
    refund_id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Paid per account per UTC day, for the daily limit.
CREATE TABLE daily_spend (
    account_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    spent BIGINT NOT NULL,
    PRIMARY KEY (account_id, day)
);

-- Webhook messages to merchants, written in the transaction that caused them and delivered
-- until acknowledged (Standard Webhooks: the id is the receiver's idempotency key).
CREATE TABLE webhook_deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    merchant_id TEXT NOT NULL REFERENCES merchants (merchant_id),
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    delivered_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL;
