-- Schema version 6: personal receive codes. One in use per account; a rotated one is
-- revoked and stops resolving.
CREATE TABLE receive_codes (
    code_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX receive_codes_in_use ON receive_codes (account_id) WHERE revoked_at IS NULL;
