-- Schema version 11: pay codes. Each device's pay-code secret with its index and the last
-- one-time counter (time step x slots + slot) charged from it (a code is never charged twice: the charge raises the mark in
-- its own transaction), each charge of a code, and the no-confirmation limit an account set.
CREATE TABLE paycode_keys (
    device_index BIGINT PRIMARY KEY CHECK (device_index >= 0 AND device_index < 100000000),
    device_id TEXT NOT NULL UNIQUE REFERENCES devices (device_id),
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    secret BLOB NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    high_water BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE paycode_charges (
    charge_id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (merchant_id),
    reference TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    device_id TEXT NOT NULL,
    counter BIGINT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('completed', 'awaiting_confirmation', 'canceled')),
    transaction_id TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    settled_at BIGINT,
    UNIQUE (device_id, counter)
);
CREATE INDEX paycode_charges_waiting ON paycode_charges (expires_at)
    WHERE state = 'awaiting_confirmation';
CREATE INDEX paycode_charges_by_account ON paycode_charges (account_id, state);

CREATE TABLE paycode_limits (
    account_id TEXT PRIMARY KEY REFERENCES accounts (account_id),
    max_minor BIGINT NOT NULL CHECK (max_minor >= 0),
    currency TEXT NOT NULL
);
