//! Moving a store from SQLite to PostgreSQL (`purse backend migrate --from FILE --to URL`):
//! every table copied as it is, in the order the schema made them (so a row comes after what
//! it refers to), in one PostgreSQL transaction; each table read back from the target and
//! compared row for row with what was read from the source, and the target's ledger audited. A target that holds rows
//! already is refused: a move is into an empty database, never a merge.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::Store;
use super::postgres::{PgConfig, PgStore};
use super::sql::{Col, Conn, SqlRow, Value};
use super::sqlite::SqliteStore;
use crate::ledger::StoreError;
use crate::ledger::tx::Result;

/// Rows per `INSERT`: well below PostgreSQL's 65,535 bound values for the widest table.
const ROWS_PER_INSERT: usize = 500;

/// What was moved: each table and its rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Moved {
    pub tables: Vec<(String, usize)>,
}

impl Moved {
    pub fn rows(&self) -> usize {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// A value owned, as a dump keeps it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Owned {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl Owned {
    fn of(cell: Value<'_>) -> Owned {
        match cell {
            Value::Null => Owned::Null,
            Value::Int(i) => Owned::Int(i),
            Value::Text(t) => Owned::Text(t.to_owned()),
            Value::Blob(b) => Owned::Blob(b.to_vec()),
        }
    }

    fn value(&self) -> Value<'_> {
        match self {
            Owned::Null => Value::Null,
            Owned::Int(i) => Value::Int(*i),
            Owned::Text(t) => Value::Text(t),
            Owned::Blob(b) => Value::Blob(b),
        }
    }
}

/// A table's name and columns, as the source's schema has them.
struct Table {
    name: String,
    columns: Vec<String>,
}

/// Every row of `table`, sorted (engines return rows in their own order).
fn dump(c: &dyn Conn, table: &Table) -> Result<Vec<Vec<Owned>>> {
    let sql = format!("SELECT {} FROM {}", table.columns.join(", "), table.name);
    let mut rows = Vec::new();
    let width = table.columns.len();
    c.query(&sql, &[], &mut |r: &dyn SqlRow| {
        let mut row = Vec::with_capacity(width);
        for at in 0..width {
            row.push(Owned::of(r.cell(Col::At(at))?));
        }
        rows.push(row);
        Ok(())
    })?;
    rows.sort();
    Ok(rows)
}

/// The source's tables in the order they were made, with their columns.
fn tables_of(source: &Connection) -> Result<Vec<Table>> {
    let mut stmt = source.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY rowid",
    )?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tables = Vec::new();
    for name in names {
        let mut info = source.prepare(&format!("PRAGMA table_info({name})"))?;
        let columns = info
            .query_map([], |r| r.get::<_, String>("name"))?
            .collect::<rusqlite::Result<_>>()?;
        tables.push(Table { name, columns });
    }
    Ok(tables)
}

fn insert(c: &dyn Conn, table: &Table, rows: &[Vec<Owned>]) -> Result<()> {
    let width = table.columns.len();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let one = format!("({})", vec!["?"; width].join(", "));
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            table.name,
            table.columns.join(", "),
            vec![one.as_str(); chunk.len()].join(", ")
        );
        let values: Vec<Value> = chunk.iter().flatten().map(Owned::value).collect();
        c.execute(&sql, &values)?;
    }
    Ok(())
}

/// Copies the SQLite store at `from` into the empty PostgreSQL database `to`, checks that
/// both hold the same rows and that the moved ledger is sound.
pub async fn sqlite_to_postgres(from: &Path, to: &PgConfig) -> Result<Moved> {
    if !from.exists() {
        return Err(StoreError::NotFound);
    }
    // Both at this backend's schema version: the source upgraded, the target made.
    drop(SqliteStore::open(from).await?);
    let target = PgStore::open(to).await?;
    let from = from.to_owned();
    let pg = target.clone();
    let moved = tokio::task::spawn_blocking(move || -> Result<Moved> {
        let source = Connection::open_with_flags(&from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        source.execute_batch("BEGIN")?;
        let tables = tables_of(&source)?;
        pg.in_transaction(|c| {
            let mut moved = Vec::new();
            for table in &tables {
                if !is_empty(c, table)? {
                    return Err(StoreError::Duplicate(
                        "the target database holds rows already: a move is into an empty one",
                    ));
                }
                let rows = dump(&source, table)?;
                insert(c, table, &rows)?;
                if dump(c, table)? != rows {
                    return Err(StoreError::Corrupt(format!(
                        "{} differs after the copy",
                        table.name
                    )));
                }
                moved.push((table.name.clone(), rows.len()));
            }
            pg_identities_follow(c)?;
            Ok(Moved { tables: moved })
        })
    })
    .await
    .map_err(|e| StoreError::Unavailable(e.to_string()))??;
    let store: &dyn Store = &target;
    let problems = store.audit().await?;
    if !problems.is_empty() {
        return Err(StoreError::Corrupt(format!(
            "the moved ledger does not audit: {problems:?}"
        )));
    }
    Ok(moved)
}

fn is_empty(c: &dyn Conn, table: &Table) -> Result<bool> {
    let mut any = false;
    c.query(
        &format!("SELECT 1 FROM {} LIMIT 1", table.name),
        &[],
        &mut |_| {
            any = true;
            Ok(())
        },
    )?;
    Ok(!any)
}

/// Sets each identity column's next value past the rows copied in, so that the next row
/// the backend writes gets a new sequence number.
fn pg_identities_follow(c: &dyn Conn) -> Result<()> {
    let mut identities = Vec::new();
    c.query(
        "SELECT table_name, column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
        &[],
        &mut |r| {
            identities.push((r.get::<String>(0)?, r.get::<String>(1)?));
            Ok(())
        },
    )?;
    for (table, column) in identities {
        c.query(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                    COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
            ),
            &[],
            &mut |_| Ok(()),
        )?;
    }
    Ok(())
}
