-- Schema version 3: a second device and recovery.

-- A recovered device's payments are capped until then.
ALTER TABLE devices ADD COLUMN restricted_until BIGINT;

-- The public half of each account's recovery code; the code itself is never here.
CREATE TABLE recovery_keys (
    account_id TEXT PRIMARY KEY REFERENCES accounts (account_id),
    lookup TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    kdf_algorithm TEXT NOT NULL,
    kdf_memory_kib BIGINT NOT NULL,
    kdf_passes BIGINT NOT NULL,
    kdf_salt TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A new device's offer to join an account, good once and for a few minutes.
CREATE TABLE pairings (
    pairing_id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    device_id TEXT NOT NULL UNIQUE,
    device_name TEXT NOT NULL,
    device_public_key TEXT NOT NULL,
    payment_public_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'approved')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    account_id TEXT REFERENCES accounts (account_id),
    approved_by TEXT,
    approved_at BIGINT
);
CREATE INDEX pairings_by_expiry ON pairings (expires_at);

-- Challenges for a recovery key, each taken once.
CREATE TABLE recovery_challenges (
    challenge TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    expires_at BIGINT NOT NULL
);
CREATE INDEX recovery_challenges_by_expiry ON recovery_challenges (expires_at);

CREATE TABLE recoveries (
    recovery_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    device_id TEXT NOT NULL UNIQUE,
    device_name TEXT NOT NULL,
    device_public_key TEXT NOT NULL,
    payment_public_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'completed', 'cancelled')),
    created_at BIGINT NOT NULL,
    completes_at BIGINT NOT NULL,
    finished_at BIGINT,
    cancelled_by TEXT
);
CREATE INDEX recoveries_waiting ON recoveries (account_id) WHERE state = 'waiting';

-- What every device of an account is told about its devices, in order.
CREATE TABLE notices (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    kind TEXT NOT NULL,
    device_id TEXT NOT NULL,
    device_name TEXT NOT NULL,
    recovery_id TEXT,
    completes_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX notices_by_account ON notices (account_id, seq);

-- Attempts per bucket and fixed window, for rate limits that several backends share.
CREATE TABLE rate_windows (
    bucket TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_windows_by_start ON rate_windows (window_start);
