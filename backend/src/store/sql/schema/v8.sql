-- Schema version 8: withdrawals to a linked bank account, held until the bank settles.
CREATE TABLE withdrawals (
    withdrawal_id TEXT PRIMARY KEY,
    intent_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    source_id TEXT NOT NULL REFERENCES funding_sources (source_id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'completed', 'returned')),
    transaction_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    settled_at BIGINT,
    UNIQUE (account_id, intent_id)
);
CREATE INDEX withdrawals_by_account ON withdrawals (account_id, created_at);
