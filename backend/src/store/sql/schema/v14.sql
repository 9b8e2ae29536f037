-- Schema version 14: payouts the merchant console asks for, waiting for the merchant's
-- phone to sign them as withdrawals (whose intent id is the payout id) or decline them.
CREATE TABLE payouts (
    payout_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    source_id TEXT NOT NULL REFERENCES funding_sources (source_id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'confirmed', 'declined', 'expired')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    withdrawal_id TEXT REFERENCES withdrawals (withdrawal_id)
);
CREATE INDEX payouts_by_account ON payouts (account_id, created_at);
