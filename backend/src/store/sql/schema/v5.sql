-- Schema version 5: money between people. One row per settled transfer; the unique intent
-- makes "sent at most once" hold as long as the ledger exists.
CREATE TABLE transfers (
    transfer_id TEXT PRIMARY KEY,
    intent_id TEXT NOT NULL,
    payer_account_id TEXT NOT NULL REFERENCES accounts (account_id),
    recipient_account_id TEXT NOT NULL REFERENCES accounts (account_id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    note TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (payer_account_id, intent_id)
);
