//! The statements' seam on a PostgreSQL connection: SQLite's placeholders spelled as
//! PostgreSQL's, each statement prepared once per connection, values converted to the
//! column types the server infers, and errors sorted into the store's kinds.
//!
//! The rules' interface is synchronous, so each call blocks its thread on the driver's
//! future; the connection's own I/O runs on the store's driver runtime, never on the thread
//! that waits.

use std::cell::{Cell as Flag, RefCell};
use std::error::Error as StdError;

use bytes::BytesMut;
use deadpool_postgres::ClientWrapper;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Row, Statement};

use crate::ledger::StoreError;
use crate::ledger::tx::Result;
use crate::store::sql::{Cell, Col, Conn, SqlRow, Value};

/// SQLite's `?` and `?N` as PostgreSQL's `$N`, outside quoted text.
pub fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut next = 0;
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                out.push('$');
                if digits.is_empty() {
                    next += 1;
                    out.push_str(&next.to_string());
                } else {
                    out.push_str(&digits);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// How a failed statement is told to the store.
pub fn store_error(e: &tokio_postgres::Error) -> StoreError {
    let Some(db) = e.as_db_error() else {
        return StoreError::Unavailable(e.to_string());
    };
    let text = db.message().to_owned();
    match *db.code() {
        SqlState::UNIQUE_VIOLATION => StoreError::Duplicate("a row with this key"),
        SqlState::CHECK_VIOLATION => StoreError::Constraint(text),
        SqlState::T_R_SERIALIZATION_FAILURE | SqlState::T_R_DEADLOCK_DETECTED => {
            StoreError::Conflict(text)
        }
        _ => StoreError::Engine(text),
    }
}

/// A connection inside a transaction. Remembers whether a statement failed: PostgreSQL then
/// refuses every later statement of the transaction, where SQLite undoes only the failed
/// one, so a rule that handled the failure and went on must run again statement by
/// statement ([`PgConn::careful`]).
pub struct PgConn<'c> {
    /// The pooled client, which keeps each statement prepared for the connection's life.
    client: &'c ClientWrapper,
    /// Each statement in a savepoint of its own, undone alone when it fails.
    careful: bool,
    /// The first statement that failed outside a savepoint, as the store saw it.
    failed: RefCell<Option<StoreError>>,
    /// A statement was run after one failed.
    went_on: Flag<bool>,
}

impl<'c> PgConn<'c> {
    pub fn new(client: &'c ClientWrapper, careful: bool) -> Self {
        PgConn {
            client,
            careful,
            failed: RefCell::new(None),
            went_on: Flag::new(false),
        }
    }

    /// The first failure of a statement, if any, as the store saw it.
    pub fn failure(&self) -> Option<StoreError> {
        self.failed.take()
    }

    /// Whether the job ran a statement after one failed: on PostgreSQL it could not have
    /// worked, and the job must run again carefully.
    pub fn went_on(&self) -> bool {
        self.went_on.get()
    }

    fn statement(&self, sql: &str) -> std::result::Result<Statement, tokio_postgres::Error> {
        block_on(self.client.prepare_cached(&placeholders(sql)))
    }

    /// Runs `f` as one statement: in careful mode inside a savepoint, so that its failure
    /// leaves the transaction usable, as SQLite's does.
    fn run<T>(
        &self,
        f: impl FnOnce() -> std::result::Result<T, tokio_postgres::Error>,
    ) -> Result<T> {
        let savepoint =
            |sql: &str| block_on(self.client.batch_execute(sql)).map_err(|e| store_error(&e));
        if self.failed.borrow().is_some() {
            self.went_on.set(true);
        }
        if self.careful {
            savepoint("SAVEPOINT stmt")?;
        }
        match f() {
            Ok(v) => {
                if self.careful {
                    savepoint("RELEASE stmt")?;
                }
                Ok(v)
            }
            Err(e) => {
                let error = store_error(&e);
                if self.careful && !matches!(error, StoreError::Conflict(_)) {
                    savepoint("ROLLBACK TO stmt; RELEASE stmt")?;
                } else if self.failed.borrow().is_none() {
                    *self.failed.borrow_mut() = Some(store_error(&e));
                }
                Err(error)
            }
        }
    }
}

/// Waits for a driver future on this thread.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    futures_executor::block_on(f)
}

impl ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match *self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                _ => i.to_string().as_str().to_sql(ty, out),
            },
            Value::Text(t) => t.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A `NUMERIC` that holds a whole number (what `SUM` of integers gives) as an `i64`.
struct WholeNumeric(i64);

impl<'a> FromSql<'a> for WholeNumeric {
    fn from_sql(
        _: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn StdError + Sync + Send>> {
        // ndigits, weight, sign, dscale, then base-10000 digits (most significant first).
        let word = |i: usize| -> std::result::Result<u16, Box<dyn StdError + Sync + Send>> {
            raw.get(i..i + 2)
                .map(|b| u16::from_be_bytes([b[0], b[1]]))
                .ok_or_else(|| "numeric too short".into())
        };
        let ndigits = word(0)? as usize;
        let weight = word(2)? as i16;
        let sign = word(4)?;
        let whole_groups = usize::try_from(i32::from(weight) + 1).unwrap_or(0);
        if ndigits > whole_groups {
            return Err("numeric has a fraction".into());
        }
        let mut value: i64 = 0;
        for k in 0..whole_groups {
            let digit = if k < ndigits { word(8 + 2 * k)? } else { 0 };
            value = value
                .checked_mul(10_000)
                .and_then(|v| v.checked_add(i64::from(digit)))
                .ok_or("numeric out of range")?;
        }
        match sign {
            0x0000 => Ok(WholeNumeric(value)),
            0x4000 => Ok(WholeNumeric(-value)),
            _ => Err("numeric is not a number".into()),
        }
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

struct PgRow<'r>(&'r Row);

impl SqlRow for PgRow<'_> {
    fn cell(&self, col: Col<'_>) -> Result<Cell<'_>> {
        let at = match col {
            Col::Name(name) => self
                .0
                .columns()
                .iter()
                .position(|c| c.name() == name)
                .ok_or_else(|| StoreError::Corrupt(format!("no column {name}")))?,
            Col::At(at) => at,
        };
        let column = self
            .0
            .columns()
            .get(at)
            .ok_or_else(|| StoreError::Corrupt(format!("no {col}")))?;
        let bad = |e: tokio_postgres::Error| StoreError::Corrupt(format!("{col}: {e}"));
        let cell = match *column.type_() {
            Type::INT8 => self
                .0
                .try_get::<_, Option<i64>>(at)
                .map_err(bad)?
                .map(Value::Int),
            Type::INT4 => self
                .0
                .try_get::<_, Option<i32>>(at)
                .map_err(bad)?
                .map(|i| Value::Int(i.into())),
            Type::INT2 => self
                .0
                .try_get::<_, Option<i16>>(at)
                .map_err(bad)?
                .map(|i| Value::Int(i.into())),
            Type::BOOL => self
                .0
                .try_get::<_, Option<bool>>(at)
                .map_err(bad)?
                .map(|b| Value::Int(b.into())),
            Type::NUMERIC => self
                .0
                .try_get::<_, Option<WholeNumeric>>(at)
                .map_err(bad)?
                .map(|n| Value::Int(n.0)),
            Type::BYTEA => self
                .0
                .try_get::<_, Option<&[u8]>>(at)
                .map_err(bad)?
                .map(Value::Blob),
            _ => self
                .0
                .try_get::<_, Option<&str>>(at)
                .map_err(bad)?
                .map(Value::Text),
        };
        Ok(cell.unwrap_or(Value::Null))
    }
}

fn bound<'a>(params: &'a [Value<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl Conn for PgConn<'_> {
    fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        self.run(|| {
            let statement = self.statement(sql)?;
            block_on(self.client.execute(&statement, &bound(params)))
        })
    }

    fn query(
        &self,
        sql: &str,
        params: &[Value<'_>],
        each: &mut dyn FnMut(&dyn SqlRow) -> Result<()>,
    ) -> Result<()> {
        let rows = self.run(|| {
            let statement = self.statement(sql)?;
            block_on(self.client.query(&statement, &bound(params)))
        })?;
        for row in &rows {
            each(&PgRow(row))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            placeholders("SELECT a FROM t WHERE b = ? AND c = '?' AND d = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2"
        );
        assert_eq!(
            placeholders("VALUES (?1, ?2), (?3, ?2)"),
            "VALUES ($1, $2), ($3, $2)"
        );
    }

    fn numeric(ndigits: u16, weight: i16, sign: u16, digits: &[u16]) -> Vec<u8> {
        let mut raw = Vec::new();
        for w in [ndigits, weight as u16, sign, 0] {
            raw.extend(w.to_be_bytes());
        }
        for d in digits {
            raw.extend(d.to_be_bytes());
        }
        raw
    }

    #[test]
    fn whole_numerics_are_read_and_fractions_refused() {
        let read = |raw: Vec<u8>| WholeNumeric::from_sql(&Type::NUMERIC, &raw).map(|n| n.0);
        assert_eq!(read(numeric(0, 0, 0, &[])).unwrap(), 0);
        assert_eq!(read(numeric(2, 1, 0, &[12, 3456])).unwrap(), 123_456);
        assert_eq!(read(numeric(1, 1, 0x4000, &[5])).unwrap(), -50_000);
        assert!(read(numeric(2, 0, 0, &[1, 5000])).is_err(), "1.5");
        assert!(read(numeric(6, 5, 0, &[9999; 6])).is_err(), "past i64");
    }
}
