-- Schema version 4: people. Handles, proven phone numbers and emails, one-time codes, and
-- the sandbox outbox the codes are "sent" to.

CREATE TABLE handles (
    handle TEXT PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE REFERENCES accounts (account_id)
);

-- One phone and one email per account; a value belongs to one account.
CREATE TABLE contacts (
    kind TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    verified_at BIGINT NOT NULL,
    PRIMARY KEY (kind, value),
    UNIQUE (account_id, kind)
);

CREATE TABLE contact_challenges (
    challenge_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    kind TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    tries_left BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX contact_challenges_by_expiry ON contact_challenges (expires_at);

CREATE TABLE sandbox_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX sandbox_messages_by_account ON sandbox_messages (account_id, seq);
