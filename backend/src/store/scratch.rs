//! Throwaway databases for tests, on the engine the environment names: a SQLite file in the
//! test's folder by default, or a fresh PostgreSQL database on the server that
//! `PURSE_TEST_POSTGRES` points at (`postgres://user@127.0.0.1:port/postgres`; the test
//! command starts one). The same tests so run on both engines.

use std::path::Path;

use super::Database;
use super::postgres::{DEFAULT_POOL_SIZE, PgConfig};

/// The variable that names the PostgreSQL server tests run on.
pub const POSTGRES_VAR: &str = "PURSE_TEST_POSTGRES";

/// The server `PURSE_TEST_POSTGRES` names, if it names one.
fn postgres_admin() -> Option<String> {
    std::env::var(POSTGRES_VAR).ok().filter(|a| !a.is_empty())
}

/// A new, empty database: `dir/file` with SQLite, a database of its own on the server with
/// PostgreSQL. Panics when the server cannot make one (a test cannot go on without it).
pub async fn scratch(dir: &Path, file: &str) -> Database {
    match postgres_admin() {
        Some(admin) => Database::Postgres(new_postgres(&admin).await),
        None => Database::Sqlite(dir.join(file)),
    }
}

/// Every engine the environment offers, each with a new database: SQLite always,
/// PostgreSQL when `PURSE_TEST_POSTGRES` is set.
pub async fn each_engine(dir: &Path) -> Vec<Database> {
    let mut engines = vec![Database::Sqlite(dir.join("store.db"))];
    if let Some(admin) = postgres_admin() {
        engines.push(Database::Postgres(new_postgres(&admin).await));
    }
    engines
}

/// A new, empty database on the PostgreSQL server `admin` names (a user that may create
/// databases). Panics when it cannot be made.
pub async fn new_postgres(admin: &str) -> PgConfig {
    use std::hash::{BuildHasher, RandomState};
    let name = format!(
        "purse_test_{:016x}",
        RandomState::new().hash_one(std::time::SystemTime::now())
    );
    let (client, connection) = tokio_postgres::connect(admin, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the PostgreSQL server: {e}"));
    let driver = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("cannot create a database: {e}"));
    drop(client);
    let _ = driver.await;
    PgConfig {
        url: url_of(admin, &name),
        pool_size: DEFAULT_POOL_SIZE,
    }
}

/// `admin` with its database replaced by `name`.
fn url_of(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin, String::new()),
    };
    let authority_end = base
        .find("://")
        .map(|s| s + 3)
        .and_then(|start| base[start..].find('/').map(|p| start + p))
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..authority_end])
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_of_an_address_is_replaced() {
        assert_eq!(
            super::url_of("postgres://u@127.0.0.1:5433/postgres", "t1"),
            "postgres://u@127.0.0.1:5433/t1"
        );
        assert_eq!(
            super::url_of("postgres://u@127.0.0.1:5433?sslmode=disable", "t1"),
            "postgres://u@127.0.0.1:5433/t1?sslmode=disable"
        );
    }
}
