//! Load benchmark: N wallets paying merchants concurrently through the real HTTP API on
//! loopback, every request signed by its device key and every payment authorized by its
//! payment key, both verified by the backend.
//!
//! `cargo bench -p purse-tests --bench pay_load [-- WALLETS PAYMENTS_PER_WALLET]
//!     [--db postgres://...] [--backends N] [--accounts N] [--merchants N]`
//! prints payments per second and latency percentiles. By default one backend on a new
//! SQLite file; `--db` names a PostgreSQL server on which a new database is made, shared by
//! `--backends` backends (each its own pool and tasks, as separate processes would be;
//! wallet `i` talks to backend `i mod N`). `--accounts` first fills the ledger with that many
//! more accounts, each with a balance, to show how cost grows with the ledger. Wallet `i`
//! pays merchant `i mod --merchants` (4 by default): each merchant's balance is one row every
//! payment to it updates, the contention a popular shop brings.
//!
//! The payment authorizations (the payment key's signature) are made before the clock
//! starts and their cost is printed apart; each request's own signature (the device key,
//! 0.023 ms: `cargo bench -p purse-core --bench sign`) stays inside the measured time.
//!
//! The backends run on a runtime of their own (threads `purse-server`, and SQLite's
//! `purse-store-writer` and `-checkpoint`), so the CPU time the server spent per payment is
//! read apart from the clients' (Linux `schedstat` per thread; with `--db`, PostgreSQL's
//! processes on this machine are counted with the server): on a machine where clients and
//! server share the cores, it says what the server alone would sustain.

use purse_core::sign::Authorization;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use purse_backend::store::scratch::new_postgres;
use purse_backend::store::{Database, Store};
use purse_core::api::types::PaymentRequest;
use purse_core::api::{ApiClient, DeviceCredentials, RetryPolicy};
use purse_core::keys::{Argon2Cost, DecisionProtector, KeyPurpose, NoSecretStore, unwrap_key};
use purse_core::sign::PaymentAuthorization;
use purse_core::{Currency, Money, Wallet, WalletConfig};

struct Payer {
    account_id: String,
    creds: DeviceCredentials,
    payment_key: purse_core::keys::SigningKey,
}

async fn enroll(url: &str, dir: &std::path::Path, name: &str) -> (Wallet, Payer) {
    let protector = Arc::new(DecisionProtector::approving());
    let wallet = Wallet::open(
        WalletConfig::new(dir.join(name), protector.clone(), Arc::new(NoSecretStore))
            .backend(url)
            .recovery_cost(Argon2Cost::INSECURE_FAST),
    )
    .unwrap();
    let a = wallet
        .enroll(name, Currency::from_code("CNY").unwrap(), "bench")
        .await
        .unwrap()
        .account;
    let rec = wallet.account().unwrap().unwrap();
    let key = unwrap_key(
        &*protector,
        KeyPurpose::Device,
        &rec.device_key_wrapped,
        "b",
    )
    .unwrap();
    let payment_key = unwrap_key(
        &*protector,
        KeyPurpose::Payment,
        &rec.payment_key_wrapped,
        "b",
    )
    .unwrap();
    let payer = Payer {
        account_id: a.account_id,
        creds: DeviceCredentials {
            device_id: a.device_id,
            key: Arc::new(key),
        },
        payment_key,
    };
    (wallet, payer)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The command line: positional WALLETS PAYMENTS_PER_WALLET, then flags.
struct Options {
    wallets: usize,
    per_wallet: usize,
    postgres: Option<String>,
    backends: usize,
    accounts: usize,
    merchants: usize,
}

fn options() -> Options {
    let mut o = Options {
        wallets: 64,
        per_wallet: 200,
        postgres: None,
        backends: 1,
        accounts: 0,
        merchants: 4,
    };
    let mut numbers = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--db" => o.postgres = args.next(),
            "--backends" => o.backends = args.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            "--accounts" => o.accounts = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--merchants" => o.merchants = args.next().and_then(|n| n.parse().ok()).unwrap_or(4),
            other => numbers.extend(other.parse::<usize>().ok()),
        }
    }
    o.wallets = numbers.first().copied().unwrap_or(o.wallets);
    o.per_wallet = numbers.get(1).copied().unwrap_or(o.per_wallet);
    o.backends = o.backends.max(1);
    o
}

/// `n` idle accounts, each with a balance, written in batches: the ledger a busy backend
/// would hold.
async fn fill_ledger(store: &dyn Store, n: usize) {
    use purse_backend::ledger::rows::AccountRow;
    use purse_backend::ledger::{LedgerAccount, LedgerEntry};
    use purse_core::api::types::TransactionKind;
    let cny = Currency::from_code("CNY").unwrap();
    let started = Instant::now();
    const BATCH: usize = 2_000;
    for first in (0..n).step_by(BATCH) {
        let last = (first + BATCH).min(n);
        store
            .write(move |tx| {
                for k in first..last {
                    let id = format!("acct_fill_{k:07}");
                    tx.insert_account(&AccountRow {
                        account_id: id.clone(),
                        name: "Idle".into(),
                        currency: cny,
                        created_at: 1,
                        limit_per_payment: None,
                        limit_per_day: None,
                    })?;
                    tx.post(&LedgerEntry {
                        transaction_id: format!("tx_fill_{k:07}"),
                        kind: TransactionKind::Topup,
                        description: String::new(),
                        created_at: 1,
                        order_id: None,
                        intent_id: None,
                        postings: LedgerEntry::transfer(
                            (LedgerAccount::system("fill", cny), "Fill"),
                            (LedgerAccount::user(&id), "Idle"),
                            Money::new(100, cny),
                        ),
                    })?;
                }
                Ok(())
            })
            .await
            .unwrap();
    }
    println!(
        "pay_load: ledger filled with {n} more accounts in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn main() {
    let Options {
        wallets,
        per_wallet,
        postgres,
        backends,
        accounts,
        merchants: shops,
    } = options();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .thread_name("purse-server")
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let servers = server_rt.block_on(async {
        let db = match &postgres {
            Some(admin) => Database::Postgres(new_postgres(admin).await),
            None => Database::Sqlite(dir.path().join("backend.db")),
        };
        let mut servers = Vec::new();
        for _ in 0..backends {
            servers.push(
                purse_backend::start(purse_backend::Config {
                    key_file: Some(dir.path().join("backend.key")),
                    rate_limits: None,
                    ..purse_backend::Config::new("127.0.0.1:0".parse().unwrap(), db.clone())
                })
                .await
                .unwrap(),
            );
        }
        servers
    });
    rt.block_on(async {
        let server = &servers[0];
        if accounts > 0 {
            fill_ledger(server.store.as_ref(), accounts).await;
        }
        let url = server.url();
        let urls: Vec<String> = servers.iter().map(|s| s.url()).collect();
        let mut merchants = Vec::new();
        for i in 0..shops.max(1) {
            let (w, _) = enroll(&url, dir.path(), &format!("shop{i}")).await;
            let reg = w
                .register_merchant(&purse_core::api::types::RegisterMerchantRequest {
                    display_name: format!("Shop {i}"),
                    city: "Hangzhou".into(),
                    mcc: None,
                    webhook_url: None,
                })
                .await
                .unwrap();
            merchants.push(reg.merchant.merchant_id);
        }
        let mut payers = Vec::new();
        for i in 0..wallets {
            let (w, p) = enroll(&urls[i % backends], dir.path(), &format!("payer{i}")).await;
            let card = w.link_card("4242424242424242", 12, 2030).await.unwrap();
            w.topup(&card.source_id, Money::parse("1000.00 CNY").unwrap())
                .await
                .unwrap();
            payers.push(p);
        }
        let amount = Money::parse("0.01 CNY").unwrap();
        // The payment key's signatures, made before the clock starts.
        let signing = Instant::now();
        let mut bodies = Vec::with_capacity(payers.len());
        for (i, p) in payers.iter().enumerate() {
            let merchant = &merchants[i % merchants.len()];
            let mut mine = Vec::with_capacity(per_wallet);
            for n in 0..per_wallet {
                let intent = format!("pi_bench_{i}_{n}");
                let auth = PaymentAuthorization {
                    intent_id: intent.clone(),
                    account_id: p.account_id.clone(),
                    payee_id: merchant.clone(),
                    order_id: None,
                    amount,
                    expires_at: unix_now() + 3600,
                };
                let sig = auth.sign(&p.payment_key).unwrap();
                let body = serde_json::to_string(&PaymentRequest {
                    payee_id: merchant.clone(),
                    order_id: None,
                    amount,
                    authorization: auth,
                    authorization_signature: base64::engine::general_purpose::STANDARD.encode(sig),
                })
                .unwrap();
                mine.push((intent, body));
            }
            bodies.push(mine);
        }
        let signing = signing.elapsed();
        let cpu_before = cpu_by_side();
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for (i, (p, mine)) in payers.into_iter().zip(bodies).enumerate() {
            // A patient wallet: a busy answer (503) is tried again with the same key.
            let patient = RetryPolicy {
                attempts: 30,
                first_backoff: Duration::from_millis(20),
                max_backoff: Duration::from_secs(1),
            };
            let api =
                ApiClient::with_options(&urls[i % backends], Duration::from_secs(30), patient)
                    .unwrap();
            tasks.spawn(async move {
                let mut latencies = Vec::with_capacity(per_wallet);
                for (intent, body) in mine {
                    let t = Instant::now();
                    api.pay(&p.creds, &body, &intent).await.unwrap();
                    latencies.push(t.elapsed());
                }
                latencies
            });
        }
        let mut all = Vec::new();
        while let Some(r) = tasks.join_next().await {
            all.extend(r.unwrap());
        }
        let elapsed = started.elapsed();
        let cpu = cpu_by_side().and_then(|after| after.since(&cpu_before));
        all.sort();
        let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
        let n = all.len();
        println!(
            "pay_load: {n} payments by {wallets} wallets to {} merchants through {backends} \
             backend(s) on {} in {:.2} s",
            merchants.len(),
            if postgres.is_some() {
                "PostgreSQL"
            } else {
                "SQLite"
            },
            elapsed.as_secs_f64()
        );
        println!(
            "pay_load: client's payment-key signatures, made before: {:.1} us each",
            signing.as_secs_f64() * 1e6 / n as f64
        );
        println!(
            "pay_load: {:.0} payments/s, latency p50 {:.2} ms, p99 {:.2} ms",
            n as f64 / elapsed.as_secs_f64(),
            pct(0.50).as_secs_f64() * 1000.0,
            pct(0.99).as_secs_f64() * 1000.0
        );
        if let Some(cpu) = cpu {
            let per = |ns: u64| ns as f64 / 1e3 / n as f64;
            let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
            let server = per(cpu.server + cpu.store + cpu.database);
            let store = if postgres.is_some() {
                format!("PostgreSQL's processes {:.0} us", per(cpu.database))
            } else {
                format!("SQLite's threads {:.0} us", per(cpu.store))
            };
            println!(
                "pay_load: CPU per payment: server {server:.0} us (of it {store}), clients \
                 {:.0} us; the server alone would sustain about {:.0} payments/s on these \
                 {cores} cores",
                per(cpu.clients),
                cores as f64 * 1e6 / server
            );
        }
        if let Some(kib) = peak_rss_kib() {
            println!(
                "pay_load: peak RSS {:.1} MiB (client and server in this one process)",
                kib as f64 / 1024.0
            );
        }
        let problems = server.store.audit().await.unwrap();
        assert!(problems.is_empty(), "{problems:?}");
    });
    server_rt.block_on(async {
        for s in servers {
            s.stop().await;
        }
    });
}

/// CPU time this process's threads spent, in nanoseconds, by side.
#[derive(Default)]
struct Cpu {
    server: u64,
    store: u64,
    clients: u64,
    /// The PostgreSQL server's processes (none for SQLite).
    database: u64,
}

impl Cpu {
    fn since(self, before: &Option<Cpu>) -> Option<Cpu> {
        let b = before.as_ref()?;
        Some(Cpu {
            server: self.server.saturating_sub(b.server),
            store: self.store.saturating_sub(b.store),
            clients: self.clients.saturating_sub(b.clients),
            database: self.database.saturating_sub(b.database),
        })
    }
}

/// Every thread's time on a CPU (`/proc/self/task/*/schedstat`), summed by its name: the
/// server runtime's, the SQLite store's own threads', and everything else (the clients). Threads that
/// ended before are not counted; the runtimes keep theirs for the whole run.
fn cpu_by_side() -> Option<Cpu> {
    let mut cpu = Cpu::default();
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let dir = task.ok()?.path();
        let name = std::fs::read_to_string(dir.join("comm")).ok()?;
        let schedstat = std::fs::read_to_string(dir.join("schedstat")).ok()?;
        let ns: u64 = schedstat.split_whitespace().next()?.parse().ok()?;
        match name.trim() {
            "purse-server" => cpu.server += ns,
            // SQLite's writer and checkpointer threads (names cut to 15 bytes).
            store if store.starts_with("purse-store") => cpu.store += ns,
            _ => cpu.clients += ns,
        }
    }
    cpu.database = postgres_cpu_ns();
    Some(cpu)
}

/// CPU time of every `postgres` process on the machine (`/proc/PID/stat`, user and system, in
/// clock ticks of 10 ms): the database the backends share, when it runs here.
fn postgres_cpu_ns() -> u64 {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut ticks = 0;
    for p in procs.flatten() {
        let Ok(stat) = std::fs::read_to_string(p.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ...`: fields after the command's closing parenthesis.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        if !head.ends_with("(postgres") {
            continue;
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command.
        if let (Some(u), Some(s)) = (fields.get(11), fields.get(12)) {
            ticks += u.parse::<u64>().unwrap_or(0) + s.parse::<u64>().unwrap_or(0);
        }
    }
    ticks * 10_000_000
}

/// The process's high-water resident set (`VmHWM`), where Linux reports it.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
