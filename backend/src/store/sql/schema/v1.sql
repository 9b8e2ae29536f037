-- Schema version 1 of the reference backend. Kept to SQL that SQLite and PostgreSQL share,
-- except the triggers, which each engine spells its own way.
CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    name TEXT NOT NULL,
    public_key TEXT NOT NULL UNIQUE,
    payment_public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX devices_by_account ON devices (account_id);

-- Every accepted request nonce, until its signature expires: a replay finds it here.
CREATE TABLE nonces (
    device_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, nonce)
);
CREATE INDEX nonces_by_expiry ON nonces (expires_at);

CREATE TABLE funding_sources (
    source_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    kind TEXT NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    behaviour TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, fingerprint)
);

-- The double-entry ledger. A user account may never go below zero; system accounts (money
-- that came in from a card network or a bank) may.
CREATE TABLE ledger_accounts (
    ledger_account TEXT PRIMARY KEY,
    currency TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'system')),
    balance BIGINT NOT NULL DEFAULT 0,
    last_seq BIGINT NOT NULL DEFAULT 0,
    CHECK (kind = 'system' OR balance >= 0)
);

CREATE TABLE ledger_transactions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    transaction_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE postings (
    posting_id INTEGER PRIMARY KEY AUTOINCREMENT,
    seq BIGINT NOT NULL REFERENCES ledger_transactions (seq),
    ledger_account TEXT NOT NULL REFERENCES ledger_accounts (ledger_account),
    amount BIGINT NOT NULL CHECK (amount <> 0),
    currency TEXT NOT NULL,
    counterparty TEXT NOT NULL
);
CREATE INDEX postings_by_account ON postings (ledger_account, seq);

-- Append-only: history is corrected by new transactions, never by editing old ones.
CREATE TRIGGER postings_append_only_u BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER postings_append_only_d BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_tx_append_only_u BEFORE UPDATE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_tx_append_only_d BEFORE DELETE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;

-- First responses of idempotent requests, kept for IDEMPOTENCY_RETENTION (7+ days).
CREATE TABLE idempotency (
    account_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, idem_key)
);
CREATE INDEX idempotency_by_age ON idempotency (created_at);
