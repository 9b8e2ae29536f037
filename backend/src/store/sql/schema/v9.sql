-- Schema version 9: bills and phone top-up. The biller catalogue (each definition as the
-- catalogue file gives it), bill payments held until the biller confirms, saved billers,
-- and held prices of payments in another currency.
CREATE TABLE billers (
    biller_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    definition TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX billers_by_category ON billers (category, name);

CREATE TABLE bill_payments (
    bill_payment_id TEXT PRIMARY KEY,
    intent_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    biller_id TEXT NOT NULL REFERENCES billers (biller_id),
    reference TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    fee BIGINT NOT NULL CHECK (fee >= 0),
    biller_amount BIGINT,
    biller_currency TEXT,
    product_id TEXT,
    quote_id TEXT UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'completed', 'failed')),
    confirmation TEXT,
    failure TEXT,
    transaction_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    settled_at BIGINT,
    UNIQUE (account_id, intent_id)
);
CREATE INDEX bill_payments_by_account ON bill_payments (account_id, created_at);

CREATE TABLE saved_billers (
    saved_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    biller_id TEXT NOT NULL REFERENCES billers (biller_id),
    reference TEXT NOT NULL,
    nickname TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, biller_id, reference)
);

CREATE TABLE bill_quotes (
    quote_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    biller_id TEXT NOT NULL REFERENCES billers (biller_id),
    reference TEXT NOT NULL,
    product_id TEXT,
    biller_amount BIGINT NOT NULL CHECK (biller_amount > 0),
    biller_currency TEXT NOT NULL,
    rate_micros BIGINT NOT NULL CHECK (rate_micros > 0),
    fee BIGINT NOT NULL CHECK (fee >= 0),
    debit BIGINT NOT NULL CHECK (debit > 0),
    currency TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    used_by TEXT
);

ALTER TABLE notices ADD COLUMN intent_id TEXT;
