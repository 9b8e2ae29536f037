//! The embedded default engine: SQLite through rusqlite, WAL mode.
//!
//! Writes go to one thread that owns the only writing connection and commits queued writes
//! together ([`writer`]), so writers never fight over SQLite's lock. Reads take a
//! connection of their own from a small pool and, in WAL mode, never wait for the writer;
//! they run on the calling task, since an indexed read takes microseconds, less than a
//! hand-off to another thread would. The log is copied back into the database by a thread
//! of its own ([`checkpointer`]), not by the writer between commits.

mod checkpointer;
mod conn;
pub mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{BoxFuture, ReadJob, Store, WriteJob};
use crate::ledger::StoreError;
use crate::store::sql::{self, SqlTx};
use checkpointer::Checkpointer;
use writer::Writer;

/// Idle read connections kept open; more are opened under load and closed after.
const IDLE_READERS: usize = 8;
/// Distinct statements each connection keeps prepared.
const STATEMENT_CACHE: usize = 128;

#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Writer,
    readers: Mutex<Vec<Connection>>,
    _checkpointer: Checkpointer,
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")
}

impl SqliteStore {
    /// Opens (creating or upgrading) the database file.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let path = path.to_owned();
        let conn = tokio::task::spawn_blocking({
            let path = path.clone();
            move || -> Result<Connection, StoreError> {
                // Owner-only, and so its -wal and -shm files: it holds every account.
                purse_core::private_files::private_file(&path)
                    .map_err(|e| StoreError::Engine(format!("{}: {e}", path.display())))?;
                let mut conn = Connection::open(&path)?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                configure(&conn)?;
                conn.pragma_update(None, "wal_autocheckpoint", checkpointer::BACKSTOP_PAGES)?;
                schema::upgrade(&mut conn)?;
                Ok(conn)
            }
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))??;
        let checkpointer = Checkpointer::start(&path)?;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path,
                writer: Writer::start(conn)?,
                readers: Mutex::new(Vec::new()),
                _checkpointer: checkpointer,
            }),
        })
    }

    /// Runs `f` on a read-only connection from the pool.
    fn with_reader<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.inner.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&c)?;
                c
            }
        };
        let result = f(&conn);
        let mut idle = self.inner.readers.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        result
    }
}

impl Store for SqliteStore {
    fn run_write(&self, job: WriteJob) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.inner.writer.write(move |c| {
            let mut job = job;
            job(&mut SqlTx::new(c))
        }))
    }

    fn run_read<'a>(&'a self, job: ReadJob<'a>) -> BoxFuture<'a, Result<(), StoreError>> {
        let result = self.with_reader(|c| {
            // One snapshot for every statement of the job.
            c.prepare_cached("BEGIN")?.execute([])?;
            let result = job(&mut SqlTx::new(c));
            c.prepare_cached("COMMIT")?.execute([])?;
            result
        });
        Box::pin(std::future::ready(result))
    }

    fn audit(&self) -> BoxFuture<'_, Result<Vec<String>, StoreError>> {
        Box::pin(std::future::ready(self.with_reader(|c| sql::audit(c))))
    }

    fn total_by_currency(&self) -> BoxFuture<'_, Result<Vec<(String, i64)>, StoreError>> {
        Box::pin(std::future::ready(
            self.with_reader(|c| sql::total_by_currency(c)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::conformance::{enroll, entry};

    /// The triggers are SQLite's own spelling (PostgreSQL's are tested beside its engine).
    #[tokio::test]
    async fn ledger_is_append_only() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
        let d: &dyn Store = &s;
        d.write(|tx| {
            enroll(tx, 1)?;
            tx.post(&entry("t1", 500))
        })
        .await
        .unwrap();
        for sql in [
            "UPDATE postings SET amount = 1",
            "DELETE FROM postings",
            "UPDATE ledger_transactions SET description = 'x'",
            "DELETE FROM ledger_transactions",
        ] {
            let e = s
                .inner
                .writer
                .write(move |c| Ok(c.execute(sql, [])?))
                .await
                .unwrap_err();
            assert!(e.to_string().contains("append-only"), "{sql}: {e}");
        }
    }

    /// The log is copied back into the database by the checkpointer, long before the
    /// writer's own backstop would do it.
    #[tokio::test]
    async fn the_log_is_copied_back_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let s = SqliteStore::open(&path).await.unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        for _ in 0..4 {
            s.inner
                .writer
                .write(|c| {
                    c.execute_batch("CREATE TABLE IF NOT EXISTS filler (b BLOB)")?;
                    for _ in 0..250 {
                        c.execute("INSERT INTO filler VALUES (zeroblob(4000))", [])?;
                    }
                    Ok(())
                })
                .await
                .unwrap();
        }
        // 1,000 pages: fewer than the backstop, so only the checkpointer copies them.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::fs::metadata(&path).unwrap().len() < before + 4_000_000 {
            assert!(
                std::time::Instant::now() < deadline,
                "the database file did not grow: the log was not copied back"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
