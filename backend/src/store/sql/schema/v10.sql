-- Schema version 10: savings. A holder's shares are its ledger account
-- `savings:<account_id>` (kind 'user': never below zero); beside it, the daily job's view of
-- each holder, what moved in and out per holder and day, one row per subscription or
-- redemption, and each day of the fund with its return and totals.
CREATE TABLE savings_holders (
    account_id TEXT PRIMARY KEY REFERENCES accounts (account_id),
    currency TEXT NOT NULL,
    -- At the close of `accrued_through`, that day's income included.
    shares BIGINT NOT NULL CHECK (shares >= 0),
    -- Below one minor unit, in 10^-8 of one.
    carry BIGINT NOT NULL CHECK (carry >= 0 AND carry < 100000000),
    accrued_through BIGINT NOT NULL,
    total_income BIGINT NOT NULL DEFAULT 0,
    last_income BIGINT NOT NULL DEFAULT 0,
    last_income_day BIGINT
);

CREATE TABLE savings_flows (
    day BIGINT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    moved_in BIGINT NOT NULL DEFAULT 0 CHECK (moved_in >= 0),
    moved_out BIGINT NOT NULL DEFAULT 0 CHECK (moved_out >= 0),
    instant_out BIGINT NOT NULL DEFAULT 0 CHECK (instant_out >= 0),
    PRIMARY KEY (day, account_id)
);

CREATE TABLE savings_moves (
    move_id TEXT PRIMARY KEY,
    intent_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    amount BIGINT NOT NULL CHECK (amount > 0),
    instant BIGINT NOT NULL CHECK (instant >= 0),
    standard BIGINT NOT NULL CHECK (standard >= 0),
    currency TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'completed')),
    settles_on BIGINT,
    transaction_id TEXT NOT NULL,
    settle_transaction_id TEXT,
    created_at BIGINT NOT NULL,
    settled_at BIGINT,
    CHECK (instant + standard = amount),
    UNIQUE (account_id, intent_id)
);
CREATE INDEX savings_moves_by_account ON savings_moves (account_id, created_at);
CREATE INDEX savings_moves_pending ON savings_moves (settles_on) WHERE state = 'pending';

CREATE TABLE savings_days (
    day BIGINT PRIMARY KEY,
    per_10k BIGINT NOT NULL CHECK (per_10k >= 0),
    completed_at BIGINT
);

CREATE TABLE savings_income (
    day BIGINT NOT NULL REFERENCES savings_days (day),
    currency TEXT NOT NULL,
    holders BIGINT NOT NULL,
    paid BIGINT NOT NULL,
    PRIMARY KEY (day, currency)
);
