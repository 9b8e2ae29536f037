-- Schema version 7: money requests. A request never moves money by itself: only the
-- payer's authorized transfer that names it does, once.
ALTER TABLE notices ADD COLUMN request_id TEXT;

CREATE TABLE money_requests (
    request_id TEXT PRIMARY KEY,
    requester_account_id TEXT NOT NULL REFERENCES accounts (account_id),
    payer_account_id TEXT NOT NULL REFERENCES accounts (account_id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    note TEXT NOT NULL,
    -- 'open' past expires_at reads as expired.
    state TEXT NOT NULL CHECK (state IN ('open', 'paid', 'declined', 'cancelled')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    transfer_id TEXT,
    finished_at BIGINT
);
CREATE INDEX money_requests_by_payer ON money_requests (payer_account_id, created_at);
CREATE INDEX money_requests_by_requester ON money_requests (requester_account_id, created_at);

-- Who a payer will not hear from.
CREATE TABLE blocks (
    blocker_account_id TEXT NOT NULL REFERENCES accounts (account_id),
    blocked_account_id TEXT NOT NULL REFERENCES accounts (account_id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_account_id, blocked_account_id)
);
