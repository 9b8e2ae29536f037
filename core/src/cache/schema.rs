//! The cache's schema: the version, the SQL of each step, and the upgrade path, together.
//!
//! `PRAGMA user_version` holds the version. A new version adds a step to `MIGRATIONS`; steps
//! are never edited once released, so an old phone's cache always upgrades the same way.

use rusqlite::Connection;

use super::CacheError;

pub const VERSION: u32 = 8;

/// `MIGRATIONS[n]` upgrades a cache from version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the first schema.
    "CREATE TABLE account (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        account_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        name TEXT NOT NULL,
        currency TEXT NOT NULL,
        backend_url TEXT NOT NULL,
        device_public_key TEXT NOT NULL,
        payment_public_key TEXT NOT NULL,
        -- Private keys only ever appear here wrapped by the KeyProtector.
        device_key_wrapped BLOB NOT NULL,
        payment_key_wrapped BLOB NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE balance (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        minor INTEGER NOT NULL,
        currency TEXT NOT NULL,
        as_of_seq INTEGER NOT NULL,
        fetched_at INTEGER NOT NULL
    );
    CREATE TABLE transactions (
        transaction_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        amount_minor INTEGER NOT NULL,
        currency TEXT NOT NULL,
        counterparty TEXT NOT NULL,
        description TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE security (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        failed_unlocks INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER NOT NULL DEFAULT 0,
        -- The device key sealed under a session key that lives in the OS keyring; useless
        -- without it.
        session_blob BLOB,
        session_last_used INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO security (id) VALUES (1);
    -- Everything at or below history_seq has been fetched from the backend; transactions
    -- cached above it (by a top-up, say) do not mean the ones below them are here.
    CREATE TABLE sync_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        history_seq INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO sync_state (id) VALUES (1);",
    // 1 -> 2: payments. The outbox of payment intents, the order and intent a transaction
    // belongs to, and where the event stream was last read.
    "ALTER TABLE transactions ADD COLUMN order_id TEXT;
    ALTER TABLE transactions ADD COLUMN intent_id TEXT;
    -- A payment intent is written here, with the exact request and its authorization,
    -- before the request leaves; only the backend's answer moves it out of 'pending'.
    CREATE TABLE intents (
        intent_id TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('pending', 'completed', 'failed')),
        request_json TEXT NOT NULL,
        merchant_name TEXT NOT NULL,
        amount_minor INTEGER NOT NULL,
        currency TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        payment_json TEXT,
        error_code TEXT,
        error_message TEXT
    );
    CREATE INDEX intents_pending ON intents (created_at) WHERE state = 'pending';
    ALTER TABLE sync_state ADD COLUMN event_cursor INTEGER NOT NULL DEFAULT 0;",
    // 2 -> 3: devices. A device joining an account (pairing or recovery), and where the
    // stream of device notices was last read.
    "CREATE TABLE joining (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        kind TEXT NOT NULL CHECK (kind IN ('pairing', 'recovery')),
        ref_id TEXT NOT NULL,
        backend_url TEXT NOT NULL,
        device_name TEXT NOT NULL,
        device_public_key TEXT NOT NULL,
        payment_public_key TEXT NOT NULL,
        device_key_wrapped BLOB NOT NULL,
        payment_key_wrapped BLOB NOT NULL,
        code TEXT,
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
    );
    ALTER TABLE sync_state ADD COLUMN notice_cursor INTEGER NOT NULL DEFAULT 0;",
    // 3 -> 4: transfers share the outbox: what each intent is.
    "ALTER TABLE intents ADD COLUMN kind TEXT NOT NULL DEFAULT 'payment'
        CHECK (kind IN ('payment', 'transfer', 'withdrawal'));",
    // 4 -> 5: bill payments share the outbox. SQLite cannot widen a CHECK in place, so the
    // table is rebuilt with every row kept.
    "CREATE TABLE intents_v5 (
        intent_id TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('pending', 'completed', 'failed')),
        request_json TEXT NOT NULL,
        merchant_name TEXT NOT NULL,
        amount_minor INTEGER NOT NULL,
        currency TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        payment_json TEXT,
        error_code TEXT,
        error_message TEXT,
        kind TEXT NOT NULL DEFAULT 'payment'
            CHECK (kind IN ('payment', 'transfer', 'withdrawal', 'bill'))
    );
    INSERT INTO intents_v5 (intent_id, state, request_json, merchant_name, amount_minor,
        currency, created_at, updated_at, payment_json, error_code, error_message, kind)
    SELECT intent_id, state, request_json, merchant_name, amount_minor, currency, created_at,
        updated_at, payment_json, error_code, error_message, kind FROM intents;
    DROP TABLE intents;
    ALTER TABLE intents_v5 RENAME TO intents;
    CREATE INDEX intents_pending ON intents (created_at) WHERE state = 'pending';",
    // 5 -> 6: savings moves share the outbox; the table is rebuilt as for 4 -> 5.
    "CREATE TABLE intents_v6 (
        intent_id TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('pending', 'completed', 'failed')),
        request_json TEXT NOT NULL,
        merchant_name TEXT NOT NULL,
        amount_minor INTEGER NOT NULL,
        currency TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        payment_json TEXT,
        error_code TEXT,
        error_message TEXT,
        kind TEXT NOT NULL DEFAULT 'payment'
            CHECK (kind IN ('payment', 'transfer', 'withdrawal', 'bill', 'savings'))
    );
    INSERT INTO intents_v6 (intent_id, state, request_json, merchant_name, amount_minor,
        currency, created_at, updated_at, payment_json, error_code, error_message, kind)
    SELECT intent_id, state, request_json, merchant_name, amount_minor, currency, created_at,
        updated_at, payment_json, error_code, error_message, kind FROM intents;
    DROP TABLE intents;
    ALTER TABLE intents_v6 RENAME TO intents;
    CREATE INDEX intents_pending ON intents (created_at) WHERE state = 'pending';",
    // 6 -> 7: the device's pay-code secret, sealed under the device key, with the last
    // counter shown and the last known to be charged.
    "CREATE TABLE paycode_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        device_index INTEGER NOT NULL,
        secret_wrapped BLOB NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        shown_counter INTEGER,
        used_counter INTEGER
    );",
    // 7 -> 8: the failed-unlock counter leaves the cache (a copy of the file put back would
    // reset it, and the cache cannot be read before an unlock now that it is encrypted); the
    // wallet keeps it in the key store (`wallet::lockout_store`).
    "ALTER TABLE security DROP COLUMN failed_unlocks;
    ALTER TABLE security DROP COLUMN locked_until;",
];

/// Brings a cache of any older version up to [`VERSION`], one step per transaction.
pub fn upgrade(conn: &mut Connection) -> Result<(), CacheError> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > VERSION {
        return Err(CacheError::TooNew {
            found: current,
            supported: VERSION,
        });
    }
    for from in current..VERSION {
        upgrade_from(conn, from)?;
    }
    Ok(())
}

fn upgrade_from(conn: &mut Connection, from: u32) -> Result<(), CacheError> {
    let tx = conn.transaction()?;
    tx.execute_batch(MIGRATIONS[from as usize])?;
    tx.pragma_update(None, "user_version", from + 1)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_has_a_step() {
        assert_eq!(MIGRATIONS.len(), VERSION as usize);
    }

    #[test]
    fn upgrades_from_empty_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        upgrade(&mut conn).unwrap();
        upgrade(&mut conn).unwrap();
        let v: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, VERSION);
        let n: i64 = conn
            .query_row("SELECT count(*) FROM security", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_version_1_cache_keeps_its_history_through_the_upgrade() {
        let mut conn = Connection::open_in_memory().unwrap();
        upgrade_from(&mut conn, 0).unwrap();
        conn.execute(
            "INSERT INTO transactions VALUES ('tx_1', 1, 'topup', 500, 'CNY', 'Visa', 'Top-up',
                'completed', 1)",
            [],
        )
        .unwrap();
        upgrade(&mut conn).unwrap();
        let (n, order): (i64, Option<String>) = conn
            .query_row(
                "SELECT count(*), max(order_id) FROM transactions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((n, order), (1, None));
        let cursor: i64 = conn
            .query_row("SELECT event_cursor FROM sync_state", [], |r| r.get(0))
            .unwrap();
        assert_eq!(cursor, 0);
    }

    #[test]
    fn refuses_a_cache_from_the_future() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", VERSION + 1)
            .unwrap();
        assert!(matches!(upgrade(&mut conn), Err(CacheError::TooNew { .. })));
    }
}
