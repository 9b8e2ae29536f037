//! Copying the write-ahead log back into the database, beside the writer instead of on it.
//!
//! SQLite's default checkpoints every 1,000 pages on the connection that commits, so the
//! one writer thread stops taking payments while it copies, and copies a page as often as
//! it was checkpointed, however often it changed in between. Here a thread of its own runs
//! passive checkpoints (they never block the writer or a reader) a few times a second: the
//! copying runs on the other core, and a page changed by many payments (a shop's balance,
//! an index's last leaf) is copied once per round. The writer's own automatic checkpoint
//! stays as a backstop at a much larger size, should this thread fall behind.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;

use crate::ledger::StoreError;

/// How often the log is copied back: the log grows by what the writer commits in this time.
const EVERY: Duration = Duration::from_millis(50);
/// The writer's own checkpoint, in pages (4 KiB): reached only if this thread falls behind.
pub const BACKSTOP_PAGES: u32 = 20_000;

/// Stops the thread when dropped (with the store).
pub struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    pub fn start(path: &Path) -> Result<Checkpointer, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_millis(100))?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("purse-store-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    let done = conn
                        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(0));
                    if let Err(e) = done {
                        tracing::warn!(error = %e, "checkpoint");
                    }
                }
            })
            .map_err(|e| StoreError::Unavailable(format!("cannot start the checkpointer: {e}")))?;
        Ok(Checkpointer { _stop: stop })
    }
}
