//! The one thread that writes to SQLite, with group commit.
//!
//! Every write is a job: a closure run on the writer's connection inside a savepoint. The
//! thread takes whatever jobs are queued (up to [`MAX_BATCH`]), runs them one after the other
//! in a single transaction, commits once and only then answers each caller. A job that
//! fails is rolled back to its savepoint alone; a failed commit fails every job of the
//! batch, and none of them took effect. Under load this turns a fsync-bound, lock-handoff-
//! bound stream of small transactions into a few large ones; when idle a job is committed
//! on its own at once.
//!
//! SQLite runs on this thread natively (prepared statements cached per connection), so an
//! async caller pays one hand-off per write rather than one per statement.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::ledger::StoreError;

/// The most jobs one transaction takes: bounds how long the first caller waits.
const MAX_BATCH: usize = 256;

/// A job returns whether it succeeded (kept) or failed (rolled back), and how to answer its
/// caller once the transaction's fate is known.
type Job = Box<dyn FnOnce(&Connection) -> (bool, Answer) + Send>;
type Answer = Box<dyn FnOnce(Result<(), String>) + Send>;

pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread on `conn` (already configured and migrated).
    pub fn start(conn: Connection) -> Result<Writer, StoreError> {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("purse-store-writer".into())
            .spawn(move || run(conn, rx))
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer: {e}")))?;
        Ok(Writer { jobs: tx })
    }

    /// Runs `f` in the next write transaction and returns its result once committed. An
    /// `Err` from `f` undoes everything `f` wrote (and only that).
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, StoreError>>();
        let job: Job = Box::new(move |conn| {
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| f(conn)))
                .unwrap_or_else(|_| Err(StoreError::Corrupt("a store operation panicked".into())));
            let ok = result.is_ok();
            let deliver: Answer = Box::new(move |committed| {
                let _ = reply.send(match committed {
                    Ok(()) => result,
                    Err(e) => Err(StoreError::Unavailable(e)),
                });
            });
            (ok, deliver)
        });
        self.jobs
            .send(job)
            .map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the write was not carried out".into()))?
    }
}

fn run(conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut answers = Vec::with_capacity(batch.len());
        let outcome = run_batch(&conn, batch, &mut answers)
            .and_then(|()| conn.prepare_cached("COMMIT")?.execute([]).map(drop))
            .map_err(|e| e.to_string());
        if let Err(e) = &outcome {
            let _ = conn.execute_batch("ROLLBACK");
            tracing::error!(error = %e, jobs = answers.len(), "write batch failed");
        }
        for answer in answers {
            answer(outcome.clone());
        }
    }
}

/// Runs the jobs inside one open transaction, each in a savepoint of its own. On an error
/// the jobs not yet run are dropped, which tells their callers the write was not done.
fn run_batch(
    conn: &Connection,
    batch: Vec<Job>,
    answers: &mut Vec<Answer>,
) -> rusqlite::Result<()> {
    // Prepared once per connection: parsing these again per job cost more than running them.
    let exec = |sql: &str| conn.prepare_cached(sql)?.execute([]).map(drop);
    exec("BEGIN IMMEDIATE")?;
    for job in batch {
        exec("SAVEPOINT job")?;
        let (ok, answer) = job(conn);
        answers.push(answer);
        if !ok {
            exec("ROLLBACK TO job")?;
        }
        exec("RELEASE job")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn writer() -> (tempfile::TempDir, Writer) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("w.db")).unwrap();
        conn.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .unwrap();
        (dir, Writer::start(conn).unwrap())
    }

    async fn count(w: &Writer, filter: &'static str) -> i64 {
        w.write(move |c| {
            let sql = format!("SELECT COUNT(*) FROM t WHERE {filter}");
            Ok(c.query_row(&sql, [], |r| r.get(0))?)
        })
        .await
        .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_write_in_a_batch_is_undone_alone() {
        let (_d, w) = writer();
        let w = Arc::new(w);
        let mut tasks = Vec::new();
        for n in 0..200i64 {
            let w = w.clone();
            tasks.push(tokio::spawn(async move {
                w.write(move |c| {
                    c.execute("INSERT INTO t (n) VALUES (?)", [n])?;
                    if n % 3 == 0 {
                        return Err(StoreError::Unavailable("refused after writing".into()));
                    }
                    Ok(n)
                })
                .await
            }));
        }
        let mut kept = 0;
        for t in tasks {
            if t.await.unwrap().is_ok() {
                kept += 1;
            }
        }
        assert_eq!(kept, 133);
        assert_eq!(count(&w, "1").await, 133);
        assert_eq!(count(&w, "n % 3 = 0").await, 0);
    }

    #[tokio::test]
    async fn a_panicking_write_is_an_error_and_the_writer_lives_on() {
        let (_d, w) = writer();
        let r: Result<(), _> = w
            .write(|c| {
                c.execute("INSERT INTO t (n) VALUES (1)", [])?;
                panic!("bug in a store operation")
            })
            .await;
        assert!(matches!(r, Err(StoreError::Corrupt(_))));
        w.write(|c| Ok(c.execute("INSERT INTO t (n) VALUES (2)", [])?))
            .await
            .unwrap();
        assert_eq!(count(&w, "1").await, 1);
    }
}
