//! The rules' transaction interface on any engine's connection: one statement per call. The
//! connection is inside a transaction the store opened; this file never begins or commits
//! one.
//!
//! [`Reads`](crate::ledger::Reads) is implemented in `reads.rs`, [`Tx`](crate::ledger::Tx)
//! in `writes.rs`, each service's part in its own file.

use super::conn::{Conn, SqlRow, Value};
use crate::ledger::tx::{Page, Result};

pub struct SqlTx<'c> {
    c: &'c dyn Conn,
}

impl<'c> SqlTx<'c> {
    pub fn new(c: &'c dyn Conn) -> Self {
        SqlTx { c }
    }

    /// The first row, mapped; `None` when there is none.
    pub(super) fn one<T>(
        &self,
        sql: &str,
        params: &[Value<'_>],
        map: impl FnOnce(&dyn SqlRow) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut map = Some(map);
        let mut found = None;
        self.c.query(sql, params, &mut |row| {
            if let Some(map) = map.take() {
                found = Some(map(row)?);
            }
            Ok(())
        })?;
        Ok(found)
    }

    pub(super) fn all<T>(
        &self,
        sql: &str,
        params: &[Value<'_>],
        mut map: impl FnMut(&dyn SqlRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut rows = Vec::new();
        self.c.query(sql, params, &mut |row| {
            rows.push(map(row)?);
            Ok(())
        })?;
        Ok(rows)
    }

    pub(super) fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<usize> {
        Ok(self.c.execute(sql, params)? as usize)
    }

    /// Resolves a page cursor (an id, bound first, then `more`) to the sequence number below
    /// which the page starts; `None` when the cursor names nothing (an empty page).
    pub(super) fn cursor_seq(
        &self,
        sql: &str,
        cursor: Option<&str>,
        more: &[Value<'_>],
    ) -> Result<Option<i64>> {
        let Some(id) = cursor else {
            return Ok(Some(i64::MAX));
        };
        let mut params = vec![Value::Text(id)];
        params.extend_from_slice(more);
        self.one(sql, &params, |r| r.get(0))
    }
}

/// Splits a `limit + 1` read into the page and whether more follow.
pub(super) fn page<T>(mut rows: Vec<T>, limit: u32) -> Page<T> {
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    (rows, has_more)
}
