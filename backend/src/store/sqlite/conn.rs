//! The statements' seam on a rusqlite connection: each statement prepared once and cached,
//! rows read in place.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, ToSql};

use crate::ledger::StoreError;
use crate::ledger::tx::Result;
use crate::store::sql::{Cell, Col, Conn, SqlRow, Value};

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        let code = match &e {
            rusqlite::Error::SqliteFailure(f, _) => Some(f.extended_code),
            _ => None,
        };
        match code {
            Some(
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY,
            ) => StoreError::Duplicate("a row with this key"),
            Some(rusqlite::ffi::SQLITE_CONSTRAINT_CHECK) => StoreError::Constraint(e.to_string()),
            _ => StoreError::Engine(e.to_string()),
        }
    }
}

impl ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(i),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

struct Row<'s, 'r>(&'r rusqlite::Row<'s>);

impl SqlRow for Row<'_, '_> {
    fn cell(&self, col: Col<'_>) -> Result<Cell<'_>> {
        let value = match col {
            Col::Name(name) => self.0.get_ref(name),
            Col::At(at) => self.0.get_ref(at),
        }
        .map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))?;
        Ok(match value {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Int(i),
            ValueRef::Text(t) => Value::Text(
                std::str::from_utf8(t).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))?,
            ),
            ValueRef::Blob(b) => Value::Blob(b),
            ValueRef::Real(_) => {
                return Err(StoreError::Corrupt(format!("{col} holds a float")));
            }
        })
    }
}

impl Conn for Connection {
    fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        Ok(self
            .prepare_cached(sql)?
            .execute(rusqlite::params_from_iter(params))? as u64)
    }

    fn query(
        &self,
        sql: &str,
        params: &[Value<'_>],
        each: &mut dyn FnMut(&dyn SqlRow) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.prepare_cached(sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        while let Some(row) = rows.next()? {
            each(&Row(row))?;
        }
        Ok(())
    }
}
