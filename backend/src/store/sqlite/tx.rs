//! The rules' transaction interface on a SQLite connection: one statement (cached) per
//! call. The connection is inside a transaction the store opened; this file never begins
//! or commits one.

//! [`Reads`](crate::ledger::Reads) is implemented in `reads.rs`, [`Tx`](crate::ledger::Tx)
//! in `writes.rs`.

use rusqlite::{Connection, OptionalExtension, Row};

use crate::ledger::tx::{Page, Result};

pub struct SqliteTx<'c> {
    pub(super) c: &'c Connection,
}

impl<'c> SqliteTx<'c> {
    pub fn new(c: &'c Connection) -> Self {
        SqliteTx { c }
    }

    pub(super) fn one<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnOnce(&Row) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        Ok(self
            .c
            .prepare_cached(sql)?
            .query_row(params, map)
            .optional()?)
    }

    pub(super) fn all<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnMut(&Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.c.prepare_cached(sql)?;
        let rows = stmt.query_map(params, map)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(super) fn execute(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
        Ok(self.c.prepare_cached(sql)?.execute(params)?)
    }

    /// Resolves a page cursor to the sequence number below which the page starts; `None`
    /// when the cursor names nothing (an empty page).
    pub(super) fn cursor_seq(
        &self,
        sql: &str,
        cursor: Option<impl rusqlite::Params>,
    ) -> Result<Option<i64>> {
        match cursor {
            None => Ok(Some(i64::MAX)),
            Some(params) => self.one(sql, params, |r| r.get(0)),
        }
    }
}

/// Splits a `limit + 1` read into the page and whether more follow.
pub(super) fn page<T>(mut rows: Vec<T>, limit: u32) -> Page<T> {
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    (rows, has_more)
}
