//! The SQLite schema: the shared steps ([`crate::store::sql::schema`]) run as they are, the
//! version in `PRAGMA user_version`, and the test that an upgraded database equals a fresh
//! one.

use rusqlite::Connection;

use crate::store::sql::schema::{STEPS, VERSION};

use crate::ledger::StoreError;

/// Brings the database to [`VERSION`], one transaction per step. A database newer than
/// this backend is refused rather than guessed at.
pub fn upgrade(conn: &mut Connection) -> Result<(), StoreError> {
    upgrade_to(conn, VERSION)
}

fn upgrade_to(conn: &mut Connection, target: i64) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > VERSION {
        return Err(StoreError::Corrupt(format!(
            "database schema {version} is newer than this backend ({VERSION})"
        )));
    }
    for from in version..target {
        let tx = conn.transaction()?;
        tx.execute_batch(STEPS[from as usize])?;
        tx.pragma_update(None, "user_version", from + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table, index and trigger as SQLite stores it, in name order.
    fn schema_of(conn: &Connection) -> Vec<(String, String)> {
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn an_upgraded_database_equals_a_fresh_one_and_keeps_its_rows() {
        let mut fresh = Connection::open_in_memory().unwrap();
        upgrade(&mut fresh).unwrap();

        for start in 1..VERSION {
            let mut old = Connection::open_in_memory().unwrap();
            upgrade_to(&mut old, start).unwrap();
            old.execute(
                "INSERT INTO accounts (account_id, name, currency, created_at)
                 VALUES ('acct_old', 'Old', 'CNY', 1)",
                [],
            )
            .unwrap();
            upgrade(&mut old).unwrap();
            assert_eq!(schema_of(&old), schema_of(&fresh), "upgraded from {start}");
            let version: i64 = old
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(version, VERSION);
            let name: String = old
                .query_row(
                    "SELECT name FROM accounts WHERE account_id = 'acct_old'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(name, "Old", "rows survive the upgrade from {start}");
        }
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", VERSION + 1)
            .unwrap();
        assert!(matches!(upgrade(&mut conn), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn upgrading_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        upgrade(&mut conn).unwrap();
        let before = schema_of(&conn);
        upgrade(&mut conn).unwrap();
        assert_eq!(schema_of(&conn), before);
    }
}
