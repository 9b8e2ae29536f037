//! One day's savings accrual for many holders on SQLite, through the backend's own daily
//! job (`purse_backend::fund::accrue_through`, batches of `fund::job::BATCH`), on a
//! database file in a temporary folder.
//!
//! `cargo bench -p purse-backend --bench savings_accrual [-- HOLDERS]` (1,000,000 when
//! absent) seeds the holders (accounts, their savings ledger accounts and the job's rows)
//! with SQL, accrues the day they all earn on, checks that the fund paid exactly what the
//! holders received, and prints holders per second. Goal: >= 100,000 a second.

use std::sync::Arc;
use std::time::Instant;

use purse_backend::fund::{RateSchedule, accrue_through, job::BATCH};
use purse_backend::store::Store;
use purse_backend::store::sqlite::SqliteStore;

const DAY: i64 = 20_790; // 2026-12-03

fn seed(path: &std::path::Path, holders: i64) {
    let conn = rusqlite::Connection::open(path).expect("open");
    // Holders of 100.00 to 1,000,099.99 CNY, all subscribed before DAY.
    conn.execute_batch(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {holders})
         INSERT INTO accounts (account_id, name, currency, created_at)
             SELECT printf('acct_%08d', i), 'Holder', 'CNY', 0 FROM n;
         INSERT INTO ledger_accounts (ledger_account, currency, kind, balance)
             SELECT 'savings:' || account_id, 'CNY', 'user',
                 10000 + (abs(random()) % 100000000) FROM accounts;
         INSERT INTO ledger_accounts (ledger_account, currency, kind, balance)
             SELECT 'system:bench:CNY', 'CNY', 'system', -SUM(balance) FROM ledger_accounts;
         INSERT INTO ledger_transactions (transaction_id, kind, description, status, created_at)
             VALUES ('tx_seed', 'savings_in', 'seed', 'completed', 0);
         INSERT INTO postings (seq, ledger_account, amount, currency, counterparty, balance_after)
             SELECT (SELECT seq FROM ledger_transactions WHERE transaction_id = 'tx_seed'),
                 ledger_account, balance, 'CNY', 'seed', balance FROM ledger_accounts;
         INSERT INTO savings_holders (account_id, currency, shares, carry, accrued_through)
             SELECT substr(ledger_account, 9), 'CNY', balance, 0, {prev}
             FROM ledger_accounts WHERE ledger_account LIKE 'savings:%';
         COMMIT;",
        prev = DAY - 1
    ))
    .expect("seed");
}

fn main() {
    let holders: i64 = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // The store creates the schema; then the holders go in with SQL.
    rt.block_on(async { drop(SqliteStore::open(&path).await.expect("store")) });
    let t = Instant::now();
    seed(&path, holders);
    println!(
        "seeded {holders} holders in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    rt.block_on(async {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.expect("store"));
        let t = Instant::now();
        let reports = accrue_through(&store, &RateSchedule::default(), DAY, DAY * 86_400, BATCH)
            .await
            .expect("accrual");
        let secs = t.elapsed().as_secs_f64();
        let report = reports.last().expect("one day");
        assert_eq!(report.holders as i64, holders);
        let paid: i64 = report.paid.iter().map(|(_, p)| p).sum();
        let problems = store.audit().await.expect("audit");
        assert!(problems.is_empty(), "{problems:?}");
        let totals = store.total_by_currency().await.expect("totals");
        assert!(totals.iter().all(|(_, t)| *t == 0), "{totals:?}");
        println!(
            "accrued one day for {holders} holders in {secs:.2} s: {:.0} holders/s \
             ({BATCH} a transaction; paid {paid} minor units at 0.{:04} per 10,000)",
            holders as f64 / secs,
            report.per_10k
        );
    });
}
